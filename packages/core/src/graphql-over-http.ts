import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The request headers that mark a request as sent by a client rather than by a cross-site form or link. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'x-safecity-client'] as const;

/** The message of @graphql-yoga/plugin-csrf-prevention's refusal (it carries no code of its own). */
const CSRF_REFUSAL = 'Required CSRF header(s) not present';

interface ErrorLike {
  message: string;
  extensions?: Record<string, unknown> & { http?: { status?: number; headers?: Record<string, string> } };
}

/**
 * The HTTP status a GraphQL response deserves under the GraphQL-over-HTTP spec: once execution
 * has started (the response has a `data` entry, even null) the request was well-formed and the
 * answer is 200, whatever field errors (UNAUTHENTICATED, FORBIDDEN, …) it carries; only a
 * response without `data` (a request error: parse, validation, limits, a bad token, CSRF) keeps
 * the 4xx/5xx its error asked for.
 */
export function isExecutionResult(result: unknown): result is { data: unknown; errors?: readonly unknown[] } {
  return !!result && typeof result === 'object' && !Array.isArray(result) && 'data' in result && (result as { data?: unknown }).data !== undefined;
}

/** A field error's own HTTP status is dropped (headers such as WWW-Authenticate stay): the response is 200. */
export function withoutHttpStatus<E extends ErrorLike>(error: E): E {
  const http = error.extensions?.http;
  if (!http || http.status === undefined) return error;
  const { status: _dropped, ...rest } = http;
  return rebuild(error, { ...error.extensions, http: rest });
}

/**
 * A response in which every root field is null and every error is a 503 (the database down,
 * the time budget spent): an outage, answered as one. Its `data` becomes null, so the spec's
 * 4xx/5xx for a null `data` applies and the error's 503 and Retry-After stay.
 */
export function isOutage(result: unknown): boolean {
  if (!isExecutionResult(result) || !result.errors?.length) return false;
  const data = result.data as Record<string, unknown> | null;
  if (data && Object.values(data).some((v) => v !== null)) return false;
  return result.errors.every((e) => (e as ErrorLike).extensions?.http?.status === 503);
}

/** CSRF refusals get their own code and a message that says what to send. */
export function withCsrfCode<E extends ErrorLike>(error: E): E {
  if (error.message !== CSRF_REFUSAL || error.extensions?.code) return error;
  return rebuild(
    error,
    { ...error.extensions, code: 'CSRF_HEADER_REQUIRED' },
    `This request needs one of the headers ${CSRF_HEADERS.join(', ')} (any value): GET requests and form-encoded or text/plain POSTs without it are refused to prevent cross-site request forgery.`,
  );
}

function rebuild<E extends ErrorLike>(error: E, extensions: Record<string, unknown>, message = error.message): E {
  const e = error as unknown as GraphQLError;
  if (Object.prototype.toString.call(e) !== '[object GraphQLError]') return { ...error, message, extensions } as E;
  return new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions }) as unknown as E;
}

/**
 * Status codes of the GraphQL-over-HTTP spec: 200 for every response with data (partial data
 * included), so clients such as graphql-request with errorPolicy 'all' keep the data; request
 * errors keep Yoga's 4xx. Also codes the CSRF refusal. Listed before the plugin that codes errors.
 */
export function useGraphQLOverHttp(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const r = result as { errors?: readonly ErrorLike[] };
      if (!r.errors?.length) return;
      if (isOutage(result)) {
        // Nothing was answered because a dependency is down: no data to keep, so the response
        // is the outage (503 with Retry-After), which clients and load balancers retry.
        setResult({ ...(result as object), data: null } as never);
        return;
      }
      const execution = isExecutionResult(result);
      const errors = r.errors.map((e) => (execution ? withoutHttpStatus(e) : withCsrfCode(e)));
      if (errors.every((e, i) => e === r.errors![i])) return;
      setResult({ ...(result as object), errors } as never);
    },
  };
}

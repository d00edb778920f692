import { GraphQLError } from 'graphql';
import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import type { Logger } from 'pino';
import { DomainError } from './errors.js';
import { causeChain, classifyFault, faultError, isInfrastructureError } from './faults.js';

/**
 * Error masking: every error a client sees carries a code, and nothing of a bug or an outage
 * (driver code, host, SQL) leaves the server; the cause is logged with the request id instead.
 */

/**
 * graphql ships CJS and ESM builds; CJS plugins (graphql-armor) and ESM code hold different
 * GraphQLError classes, so errors are recognised by tag, not instanceof.
 */
export function isGraphQLError(e: unknown): e is GraphQLError {
  return !!e && typeof e === 'object' && Object.prototype.toString.call(e) === '[object GraphQLError]';
}

/** The first code found along the originalError chain. */
function codeOf(err: GraphQLError): string | undefined {
  let cur: unknown = err;
  for (let i = 0; cur && i < 5; i++) {
    const c = cur as { extensions?: { code?: unknown }; code?: unknown; originalError?: unknown };
    if (typeof c.extensions?.code === 'string') return c.extensions.code;
    if (cur instanceof DomainError) return cur.code;
    if (isInfrastructureError(cur)) return undefined;
    if (typeof c.code === 'string' && /^[A-Z][A-Z_]+$/.test(c.code)) return c.code;
    cur = c.originalError;
  }
  return undefined;
}

/** Whether the chain holds a thrown non-GraphQL error that is not one of ours (a bug or an outage). */
export function isUnexpected(err: GraphQLError): boolean {
  let cur: unknown = err.originalError;
  for (let i = 0; cur && i < 5; i++) {
    if (cur instanceof DomainError) return false;
    const c = cur as { code?: unknown; originalError?: unknown };
    if (!isGraphQLError(cur)) return isInfrastructureError(cur) || !(typeof c.code === 'string' && /^[A-Z][A-Z_]+$/.test(c.code));
    cur = c.originalError;
  }
  return false;
}

/** The innermost message of an error chain (the driver's, not drizzle's "Failed query: …"). */
function rootMessage(e: unknown): string {
  const chain = causeChain(e);
  return String((chain[chain.length - 1] as { message?: unknown })?.message ?? e).slice(0, 200);
}

/** Yoga's `maskedErrors.maskError`: a domain error keeps its code and field, a fault gets its code, anything else is masked. */
export const maskError: NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']> = (error, message) => {
  const e = error as GraphQLError;
  const orig = isGraphQLError(e) ? e.originalError : (error as Error);
  if (orig instanceof DomainError) {
    return new GraphQLError(orig.message, { nodes: e.nodes, path: e.path, extensions: { code: orig.code, field: orig.field } });
  }
  if (isGraphQLError(e) && !isUnexpected(e)) return e;
  // No driver code, host, port or SQL reaches a client: a fault gets its code, anything else is masked.
  const at = { nodes: isGraphQLError(e) ? e.nodes : undefined, path: isGraphQLError(e) ? e.path : undefined };
  const fault = classifyFault(orig ?? error);
  const masked = fault ? faultError(fault, at) : new GraphQLError(message, { ...at, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  Object.defineProperty(masked.extensions, 'masked', { value: { cause: orig ?? error }, enumerable: false });
  return masked;
};

/** Yoga's logging through pino: expected failures (coded GraphQL errors) are answers, not incidents. */
export function yogaLogging(log: Logger) {
  return {
    debug: (...a: unknown[]) => log.debug(a.map(String).join(' ')),
    info: (...a: unknown[]) => log.info(a.map(String).join(' ')),
    warn: (...a: unknown[]) => log.warn(a.map(String).join(' ')),
    error: (...a: unknown[]) => (a.some((x) => isGraphQLError(x) && !isUnexpected(x)) ? log.debug(a.map(String).join(' ')) : log.error(a.map(String).join(' '))),
  };
}

/** Logs the causes maskError kept (never serialized), where the request id is known. */
export function logMaskedCauses(log: Logger) {
  return (errors: readonly GraphQLError[], requestId: string | undefined): void => {
    for (const e of errors) {
      const cause = isGraphQLError(e) ? (e.extensions?.masked as { cause?: unknown } | undefined)?.cause : undefined;
      if (!cause) continue;
      const fault = classifyFault(cause);
      // A fault is logged compactly (no SQL, no parameters: they may hold personal data); the
      // outage itself is logged once by the database health probe.
      if (fault) log[fault === 'request_timeout' ? 'warn' : 'info']({ requestId, path: e.path, fault, cause: rootMessage(cause) }, fault);
      else log.error({ err: cause, path: e.path, requestId }, 'unexpected error');
    }
  };
}

/** Gives every error in a response a code: clients branch on codes, not messages. */
export function useErrorCodes(requestIdOf: (request: Request) => string | undefined, logUnexpected: (errors: readonly GraphQLError[], requestId: string | undefined) => void): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (!result || typeof result !== 'object' || Symbol.asyncIterator in (result as object) || Array.isArray(result)) return;
      const r = result as { errors?: readonly GraphQLError[] };
      if (!r.errors?.length) return;
      logUnexpected(r.errors, requestIdOf(request));
      const errors = r.errors.map((e) => {
        if (!isGraphQLError(e)) return e;
        let code = codeOf(e);
        // The limit plugins code their own refusals (query-limits.ts); nothing is read from their message text.
        if (!code) {
          if (e.message.startsWith('Variable "$')) code = 'BAD_USER_INPUT';
          else if (!e.path) code = 'GRAPHQL_VALIDATION_FAILED';
          else code = 'INTERNAL_SERVER_ERROR';
        }
        if (e.extensions?.code === code) return e;
        return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: { ...e.extensions, code } });
      });
      setResult({ ...(result as object), errors } as never);
    },
  };
}

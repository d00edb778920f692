import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import * as ops from './generated/graphql.js';
import manifest from './generated/operations.json' with { type: 'json' };

/** One error of a response, with the code clients branch on (`ErrorCode` in the schema). */
export interface SafeCityError {
  code: string;
  message: string;
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

/**
 * What an operation answered. `data` is kept when the server answered with partial data (a field
 * refused with FORBIDDEN leaves the rest of the response); `errors` is empty when all went well.
 */
export interface SafeCityResult<TData> {
  data: TData | null;
  errors: SafeCityError[];
  /** The HTTP status (200 whenever data came back). */
  status: number;
}

export interface SafeCityClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** A bearer token (JWT); a function is asked before every request (token refresh). */
  token?: string | null | (() => string | null | Promise<string | null>);
  fetch?: typeof globalThis.fetch;
  /**
   * Send registered operations as their hash only (default true): the GraphQL-over-HTTP
   * persisted-document convention `extensions.persistedQuery.sha256Hash`, which a server with
   * TRUSTED_DOCUMENTS=allow or only answers. false sends the full document (TRUSTED_DOCUMENTS=off).
   */
  trustedDocuments?: boolean;
  headers?: Record<string, string>;
}

/** Printed document → its hash in operations.json (the hash is of exactly the text graphql-request sends). */
const HASH_OF_DOCUMENT = new Map(Object.entries(manifest as Record<string, string>).map(([hash, text]) => [text, hash]));

/** The manifest this client ships: hash → document, for TRUSTED_DOCUMENTS_MANIFEST. */
export const trustedDocuments: Readonly<Record<string, string>> = manifest;

/** Replaces a registered document by its hash in a JSON request body; others are left as they are. */
export function withDocumentHash(body: string): string {
  const parsed = JSON.parse(body) as { query?: string; variables?: unknown; operationName?: string; extensions?: Record<string, unknown> };
  const hash = parsed.query === undefined ? undefined : HASH_OF_DOCUMENT.get(parsed.query);
  if (!hash) return body;
  const { query: _sent, ...rest } = parsed;
  return JSON.stringify({ ...rest, extensions: { ...rest.extensions, persistedQuery: { version: 1, sha256Hash: hash } } });
}

function codedErrors(errors: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] | undefined): SafeCityError[] {
  return (errors ?? []).map((e) => ({
    code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR',
    message: e.message,
    ...(e.path ? { path: e.path } : {}),
    extensions: e.extensions ?? {},
  }));
}

export function createSafeCityClient(o: SafeCityClientOptions) {
  const client = new GraphQLClient(o.url, {
    fetch: o.fetch,
    // Partial data is data: a response with errors still returns what came back.
    errorPolicy: 'all',
    // The server's CSRF prevention asks for this header on anything that is not a JSON POST.
    headers: { 'x-safecity-client': '@safecity/client', ...o.headers },
    requestMiddleware: async (request) => {
      const headers = new Headers(request.headers);
      const auth = await bearer(o.token);
      if (auth) headers.set('authorization', auth);
      const body = o.trustedDocuments !== false && typeof request.body === 'string' ? withDocumentHash(request.body) : request.body;
      return { ...request, headers, body };
    },
  });

  /** Runs any typed document (registered ones go by hash); GraphQL errors come back, never thrown. */
  async function execute<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables): Promise<SafeCityResult<TData>> {
    try {
      const r = await client.rawRequest<TData>({ query: document as never, variables: variables as never });
      return { data: r.data ?? null, errors: codedErrors(r.errors as never), status: r.status };
    } catch (e) {
      // A 4xx/5xx with a GraphQL body (a refused request): its errors and codes, no data.
      if (e instanceof ClientError && (e.response.errors || e.response.data)) {
        return { data: (e.response.data as TData) ?? null, errors: codedErrors(e.response.errors as never), status: e.response.status };
      }
      throw e;
    }
  }

  const op =
    <TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>) =>
    (...args: Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables]) =>
      execute(document, args[0]);

  return {
    execute,
    // Population portal
    dwellingsPage: op(ops.DwellingsPageDocument),
    overdueRevisits: op(ops.OverdueRevisitsDocument),
    recordPerson: op(ops.RecordPersonDocument),
    registerResidence: op(ops.RegisterResidenceDocument),
    recordRevisit: op(ops.RecordRevisitDocument),
    // Patrol portal
    alertsWithActivations: op(ops.AlertsWithActivationsDocument),
    // Assessment portal
    unitHistory: op(ops.UnitHistoryDocument),
    vetoProposals: op(ops.VetoProposalsDocument),
    // Credit portal
    creditStanding: op(ops.CreditStandingDocument),
    creditStandings: op(ops.CreditStandingsDocument),
  };
}

export type SafeCityClient = ReturnType<typeof createSafeCityClient>;

async function bearer(token: SafeCityClientOptions['token']): Promise<string | null> {
  const t = typeof token === 'function' ? await token() : token;
  return t ? `Bearer ${t}` : null;
}

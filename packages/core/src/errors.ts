import { GraphQLError } from 'graphql';

/**
 * An expected failure: a member of a mutation's `Success | Error` union.
 * Codes form a closed set per module (see defineErrors); the api publishes
 * the union of all modules' codes as the `ErrorCode` enum.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly field: string | null;
  readonly details: Record<string, unknown> | null;
  constructor(code: string, message: string, opts: { field?: string | null; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = opts.field ?? null;
    this.details = opts.details ?? null;
  }
}

export type ErrorCatalog<P extends string, K extends string> = {
  readonly prefix: P;
  readonly codes: Record<K, string>;
  /** All full codes, e.g. POPULATION_RESIDENT_ID_INVALID */
  readonly all: string[];
  error(key: K, message?: string, opts?: { field?: string; details?: Record<string, unknown> }): DomainError;
  code(key: K): `${P}_${K}`;
};

/**
 * Every declared code with its default message: the `ErrorCode` enum's value descriptions come
 * from here, so a code's meaning is written once, where the module declares it.
 */
const declaredMessages = new Map<string, string>();
export const errorCodeDescription = (code: string): string | undefined => declaredMessages.get(code);

/** Declares a module's closed set of error codes with their default messages. */
export function defineErrors<P extends string, K extends string>(prefix: P, codes: Record<K, string>, opts: { unprefixed?: NoInfer<K>[] } = {}): ErrorCatalog<P, K> {
  const full = (k: K) => (opts.unprefixed?.includes(k) ? k : `${prefix}_${k}`) as `${P}_${K}`;
  for (const k of Object.keys(codes) as K[]) declaredMessages.set(full(k), codes[k]);
  return {
    prefix,
    codes,
    all: (Object.keys(codes) as K[]).map(full),
    error: (key, message, opts) => new DomainError(full(key), message ?? codes[key], opts),
    code: full,
  };
}

/** Codes shared by every module. */
export const CoreErrors = defineErrors(
  'CORE',
  {
    NOT_FOUND: 'No such record in your jurisdiction.',
    FORBIDDEN: 'You do not have permission for this operation.',
    INPUT_INVALID: 'The input is invalid.',
    INPUT_TOO_LONG: 'A text input is longer than allowed.',
    ID_MALFORMED: 'The id is not a valid id of the expected type.',
    VERSION_CONFLICT: 'The record was changed by someone else since you read it; reload and retry.',
    IDEMPOTENCY_KEY_REUSED: 'This idempotency key was already used for a different request.',
    JURISDICTION_OUT_OF_SCOPE: 'The jurisdiction is outside your jurisdiction.',
    JURISDICTION_UNKNOWN: 'No such jurisdiction.',
    PURPOSE_REQUIRED: 'A purpose is required for this access.',
    CALENDAR_NOT_LOADED: 'The official holiday arrangement for the year is not loaded.',
    CALENDAR_ARRANGEMENT_INVALID: 'The holiday arrangement is not consistent.',
    CALENDAR_YEAR_LOADED: 'The year is loaded already; replacing it needs its version and a reason.',
    DATABASE_UNAVAILABLE: 'The database is unavailable; retry shortly.',
    REQUEST_TIMEOUT: 'The request took longer than its time budget.',
    REQUEST_CANCELLED: 'The request was cancelled.',
    RATE_LIMITED: 'Too many requests; retry after the number of seconds in Retry-After.',
    // One code for one refusal: a missing permission is FORBIDDEN whether it surfaces as a
    // top-level error (scope-auth) or as a DomainError of a mutation's union.
  },
  { unprefixed: ['FORBIDDEN'] },
);

export const notFound = (what = 'record') => CoreErrors.error('NOT_FOUND', `No such ${what} in your jurisdiction.`);

/**
 * Codes that only ever come as a top-level error (`errors[].extensions.code`), never as a
 * DomainError of a mutation's union: the gateway's refusals before execution and the server's own.
 * The `ErrorCode` enum lists them beside the modules' codes so a client has one closed set to
 * switch on; `tests/error-codes.test.ts` keeps this list equal to the codes the sources raise.
 */
export const TOP_LEVEL_ERROR_CODES = {
  UNAUTHENTICATED: 'No token, or a token that is invalid, expired or revoked (HTTP 401 when no data came back).',
  CSRF_HEADER_REQUIRED: 'A GET or form-like POST without one of the headers x-graphql-yoga-csrf or x-safecity-client (HTTP 403).',
  QUERY_TOO_DEEP: 'The operation nests deeper than GRAPHQL_MAX_DEPTH (HTTP 400, nothing ran).',
  QUERY_TOO_LARGE: 'The operation has more tokens than allowed (HTTP 400, nothing ran).',
  QUERY_TOO_MANY_ALIASES: 'The operation uses more aliases than GRAPHQL_MAX_ALIASES (HTTP 400, nothing ran).',
  QUERY_TOO_COSTLY: "The operation's cost or worst-case node count exceeds GRAPHQL_MAX_COST / GRAPHQL_MAX_NODES (HTTP 400, nothing ran): ask for smaller pages.",
  REQUEST_TOO_LARGE: 'The request body is larger than GRAPHQL_MAX_BODY_BYTES (HTTP 413).',
  LENGTH_REQUIRED: 'A request body without Content-Length (HTTP 411).',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax (HTTP 400).',
  GRAPHQL_VALIDATION_FAILED: 'The document does not match the schema (HTTP 400).',
  TRUSTED_DOCUMENT_REQUIRED: 'The server accepts registered operations only (TRUSTED_DOCUMENTS=only) and got a document, or no hash (HTTP 400, nothing ran).',
  TRUSTED_DOCUMENT_UNKNOWN: "extensions.persistedQuery.sha256Hash names no operation in the server's trusted-documents manifest (HTTP 404, nothing ran).",
  INTERNAL_SERVER_ERROR: 'An unexpected failure, masked; the server log has the details under the request id.',
  CORE_RESIDENT_ID_INVALID: 'A ResidentIdNumber argument or variable is not a valid GB 11643 number (HTTP 400, nothing ran).',
  CORE_CREDIT_CODE_INVALID: 'A CreditCode argument or variable is not a valid GB 32100-2015 code (HTTP 400, nothing ran).',
  CORE_DIVISION_CODE_INVALID: 'A DivisionCode argument or variable is not a division code (HTTP 400, nothing ran).',
} as const;
for (const [code, meaning] of Object.entries(TOP_LEVEL_ERROR_CODES)) declaredMessages.set(code, meaning);

/** Top-level (non-union) errors: authentication and authorization. */
export function unauthenticated(message = 'Authentication required.') {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
export function forbidden(message = 'You do not have permission for this field.') {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

import { GraphQLError } from 'graphql';
import { CoreErrors } from './errors.js';

/**
 * Faults of the infrastructure (not of the request): what clients may be told about them is a
 * code and a retry hint, never a driver code, host, port or SQL text.
 */
export type Fault = 'database_unavailable' | 'request_timeout' | 'request_cancelled';

/** Seconds a client should wait before retrying during a database outage. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** postgres.js connection failures and Node socket errors: the database cannot be reached. */
const UNREACHABLE_CODES = new Set([
  'DATABASE_UNAVAILABLE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs meaning the server is going away or not yet back: class 08 (connection exception),
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** The error and everything it wraps (GraphQL originalError, drizzle's cause), outermost first. */
export function causeChain(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && typeof cur === 'object' && i < 8 && !out.includes(cur); i++) {
    out.push(cur);
    const c = cur as { originalError?: unknown; cause?: unknown };
    cur = c.originalError ?? c.cause;
  }
  return out;
}

/** Which infrastructure fault, if any, an error is (looking through wrappers). */
export function classifyFault(e: unknown): Fault | null {
  for (const c of causeChain(e)) {
    const x = c as { code?: unknown; name?: unknown; message?: unknown };
    if (x.name === 'TimeoutError') return 'request_timeout';
    if (x.name === 'AbortError') return 'request_cancelled';
    if (typeof x.code !== 'string') continue;
    if (UNREACHABLE_CODES.has(x.code) || isUnavailableSqlState(x.code)) return 'database_unavailable';
    // 57014 query_canceled: our statement timeout, or our cancel after the client hung up.
    if (x.code === '57014') return /timeout/i.test(String(x.message)) ? 'request_timeout' : 'request_cancelled';
  }
  return null;
}

/**
 * An error raised by a driver or the operating system: its `code` is not one of ours and must
 * never be shown to a client (`CONNECTION_CLOSED`, `ECONNREFUSED`, SQLSTATEs).
 */
export function isInfrastructureError(e: unknown): boolean {
  return causeChain(e).some((c) => {
    const x = c as { name?: unknown; errno?: unknown; syscall?: unknown; address?: unknown; query?: unknown };
    return (
      classifyFault(c) !== null ||
      x.name === 'PostgresError' ||
      x.name === 'DrizzleQueryError' ||
      x.errno !== undefined ||
      x.syscall !== undefined ||
      x.address !== undefined ||
      typeof x.query === 'string'
    );
  });
}

/** The client-facing error for a fault: a code, a plain message, an HTTP status and a retry hint. */
export function faultError(fault: Fault, at?: { nodes?: GraphQLError['nodes']; path?: GraphQLError['path']; originalError?: Error }): GraphQLError {
  const spec = {
    database_unavailable: { code: CoreErrors.code('DATABASE_UNAVAILABLE'), message: 'The database is unavailable; retry shortly.', status: 503, retryAfter: DATABASE_RETRY_AFTER_SECONDS },
    request_timeout: { code: CoreErrors.code('REQUEST_TIMEOUT'), message: 'The request took longer than its time budget; narrow it or retry later.', status: 503, retryAfter: 1 },
    request_cancelled: { code: CoreErrors.code('REQUEST_CANCELLED'), message: 'The request was cancelled.', status: 499, retryAfter: 0 },
  }[fault];
  return new GraphQLError(spec.message, {
    nodes: at?.nodes,
    path: at?.path,
    originalError: at?.originalError,
    extensions: { code: spec.code, http: { status: spec.status, headers: spec.retryAfter ? { 'retry-after': String(spec.retryAfter) } : {} } },
  });
}

/**
 * A transaction PostgreSQL aborted so that others could go on: 40P01 deadlock_detected (two
 * writers locking the same rows or chains in opposite orders, e.g. moves between two districts
 * in opposite directions) or 40001 serialization_failure. Nothing of it was written, so running
 * the whole transaction again is safe and is what the client would otherwise have to do.
 */
export function isRetryableConflict(e: unknown): boolean {
  return hasSqlState(e, '40P01', '40001');
}

/** Whether PostgreSQL answered one of these SQLSTATEs, however the driver and drizzle wrapped it. */
export function hasSqlState(e: unknown, ...states: string[]): boolean {
  return causeChain(e).some((c) => states.includes((c as { code?: unknown }).code as string));
}

/** How many times a write transaction runs at most when PostgreSQL aborts it for a conflict. */
export const WRITE_ATTEMPTS = 3;

/**
 * Scoped reads without a transaction per request (PostgreSQL server only). Each session is a
 * client of one connection that logs in with the API role as a startup parameter, so the
 * connection, reconnects included, is the API role from its first statement (row security
 * applies, nothing is owned). A request takes one session for its whole execution and finds the
 * caller's range already set when the session last served the same range; otherwise one
 * statement sets it, session-wide. So a read of one statement costs one statement, where BEGIN,
 * set_config, the read and COMMIT cost four. What keeps a session from answering with another
 * caller's range:
 * - a session serves one request at a time, and its range is set before the request's first
 *   statement (the statements of one connection run in the order sent);
 * - a request's statements after its release are refused, not sent;
 * - any error on a session, and the loss of its connection (before the client reconnects),
 *   forget its range, so it is set again before the next use; a reconnected session starts
 *   with an empty range, which sees nothing;
 * - a transaction a read opens (an access record) is local: its settings end with it.
 *
 * A session also holds its plan mode (`plan_cache_mode`), set the same way when a statement asks
 * for another (plan-sql.ts, `planModeOf`): the setting is sent right before the statement, on the
 * same connection, without waiting for its answer. A wrong belief about it costs speed, never a
 * row: the plan mode does not change what a statement answers.
 */
import { type PlanMode, planModeOf } from './plan-sql.js';

export interface ScopeRangeValue {
  lo: string;
  hi: string;
}

/** One query of postgres.js: awaitable, with `values()` and `cancel()`. */
export interface PendingQueryLike extends PromiseLike<unknown> {
  values(): PromiseLike<unknown>;
  cancel(): unknown;
}

/** A session's connection: a postgres.js client of one connection (the subset used here). */
export interface SessionConnection {
  unsafe(query: string, params?: unknown[], options?: Record<string, unknown>): PendingQueryLike;
  /** Closes the connection (a session retired after a cancel). */
  end?(o?: { timeout?: number }): Promise<unknown>;
}

interface Session {
  conn: SessionConnection;
  /** The range the session holds, or null when unknown (new, after an error or a lost connection). */
  range: ScopeRangeValue | null;
  /** Left in an unknown transaction state by a failed rollback: rolled back before reuse. */
  suspect: boolean;
  /** The session's `plan_cache_mode`, or null when unknown. */
  planMode: PlanMode | null;
  /**
   * A cancel request was sent for a statement of its request and may still arrive.
   * PostgreSQL's cancel request travels on a connection of its own and hits whatever the backend
   * runs when it arrives: had the session gone back to the pool, a late cancel could kill the next
   * caller's statement. Such a session is closed at release instead of being reused
   * (`sessionReusableAfterCancel`).
   */
  retired?: boolean;
  /** Statements sent and not yet answered: the session goes back to the pool once they are. */
  inFlight: Set<Promise<unknown>>;
}

export interface ScopedSessionPool {
  /** A session for one request, its range set before its first statement. */
  acquire(range: ScopeRangeValue): Promise<Session>;
  release(s: Session): void;
  /** Sessions made so far (tests). */
  size(): number;
}

/** The statement setting a session's range (session-wide: `false`). */
export const SET_SESSION_RANGE = `select set_config('safecity.scope_lo', $1, false), set_config('safecity.scope_hi', $2, false)`;

/** The statement setting a session's plan mode (session-wide). */
export const SET_SESSION_PLAN_MODE = `select set_config('plan_cache_mode', $1, false)`;

/** The plan mode a session starts with (its connection's startup parameter, see db.ts). */
export const SESSION_START_PLAN_MODE: PlanMode = 'force_custom_plan';

/** What a hang-up did to a statement of the request: nothing, dropped it unsent, or sent a cancel request. */
export type StatementCancel = 'none' | 'dropped' | 'sent';

/**
 * Pure rule: whether a session may serve the next caller once its request's statements were
 * answered. A cancel request travels on a connection of its own and is a signal to the backend,
 * spent on whatever statement runs when it is acted on; once one was sent, the session is closed:
 * it could kill the next caller's statement. Waiting until the server had closed the cancel
 * request's connection was not enough: with hang-ups while two statements were in flight, the
 * next caller's read was still cancelled in 2 runs of 5 (scoped-sessions.test.ts). A statement
 * answered before the hang-up, or dropped by postgres.js before it was sent, leaves nothing behind.
 */
export function sessionReusableAfterCancel(cancel: StatementCancel): boolean {
  return cancel !== 'sent';
}

/** Pure rule: whether a session holding `held` may serve a request of `wanted` without setting it again. */
export function sessionHoldsRange(held: ScopeRangeValue | null, wanted: ScopeRangeValue): boolean {
  return held !== null && held.lo === wanted.lo && held.hi === wanted.hi;
}

/**
 * At most `max` sessions, made on demand by `open`, which is given the function to call when the
 * session's connection closes (the session forgets its range then).
 */
export function createScopedSessionPool(open: (lost: () => void) => SessionConnection, max: number): ScopedSessionPool {
  const free: Session[] = [];
  const waiting: ((s: Session) => void)[] = [];
  let made = 0;

  const take = (): Promise<Session> => {
    const idle = free.pop();
    if (idle) return Promise.resolve(idle);
    if (made < max) {
      made++;
      const s: Session = { conn: null as never, range: null, suspect: false, planMode: SESSION_START_PLAN_MODE, inFlight: new Set() };
      s.conn = open(() => {
        s.range = null;
        // A reconnect starts with the startup parameters again.
        s.planMode = SESSION_START_PLAN_MODE;
      });
      return Promise.resolve(s);
    }
    return new Promise<Session>((resolve) => waiting.push(resolve));
  };

  const prepare = async (s: Session, range: ScopeRangeValue) => {
    if (s.suspect) {
      await s.conn.unsafe('rollback');
      s.suspect = false;
    }
    if (sessionHoldsRange(s.range, range)) return;
    s.range = null;
    await s.conn.unsafe(SET_SESSION_RANGE, [range.lo, range.hi], { prepare: true });
    s.range = range;
  };

  const pool: ScopedSessionPool = {
    async acquire(range) {
      const s = await take();
      try {
        await prepare(s, range);
        return s;
      } catch (e) {
        s.range = null;
        pool.release(s);
        throw e;
      }
    },
    release(s) {
      if (s.retired) {
        made--;
        void s.conn.end?.({ timeout: 1 })?.catch(() => {});
        // Its place goes to a waiting request, on a new session.
        const w = waiting.shift();
        if (w) void take().then(w);
        return;
      }
      const w = waiting.shift();
      if (w) w(s);
      else free.push(s);
    },
    size: () => made,
  };
  return pool;
}

/** What a request's statements run on: its session, or a refusal once the request let it go. */
export interface RequestSession {
  /** The session, taken (and its range set) at the first statement. */
  connection(): Promise<SessionConnection & { planFor(query: string): void; failed(): void; suspect(): void; retire(): void; inFlight(settled: Promise<unknown>): void }>;
  /** Gives the session back once its statements are answered; later statements of the request are refused. */
  release(): void;
}

const afterRelease = () => new Error('scoped read: a statement after the request finished');

export function requestSession(pool: ScopedSessionPool, range: ScopeRangeValue): RequestSession {
  let taken: Promise<Session> | null = null;
  let released = false;
  return {
    async connection() {
      if (released) throw afterRelease();
      taken ??= pool.acquire(range);
      const s = await taken;
      if (released) throw afterRelease();
      // The handle is checked again at each statement: a caller resuming after `release` (its
      // continuation queued behind the release's) would otherwise send on a session that may
      // already serve the next request, and a cancel of its statement could hit theirs.
      return {
        unsafe: (q, p, o) => {
          if (released) throw afterRelease();
          return s.conn.unsafe(q, p, o);
        },
        planFor: (query) => {
          if (released) return;
          const mode = planModeOf(query);
          if (s.planMode === mode) return;
          s.planMode = mode;
          s.conn.unsafe(SET_SESSION_PLAN_MODE, [mode], { prepare: true }).then(undefined, () => {
            s.planMode = null;
          });
        },
        failed: () => {
          s.range = null;
        },
        suspect: () => {
          s.suspect = true;
          s.range = null;
          s.planMode = null;
        },
        retire: () => {
          s.retired = true;
          s.range = null;
        },
        inFlight: (settled) => {
          s.inFlight.add(settled);
          void settled.then(() => s.inFlight.delete(settled));
        },
      };
    },
    release() {
      if (released) return;
      released = true;
      if (taken)
        taken.then(
          // A request that ends early (its client hung up) leaves statements being cancelled: the
          // session waits for their answers, which decide whether it may serve the next caller.
          (s) => (s.inFlight.size === 0 ? pool.release(s) : void Promise.all(s.inFlight).then(() => pool.release(s))),
          () => {},
        );
    },
  };
}

type Client = object;
type Tx = (client: unknown) => Promise<unknown>;

/**
 * A postgres.js client for drizzle whose statements run on the request's session: `unsafe` waits
 * for the session (taken at the first statement, so a request that reads nothing takes none),
 * `begin` opens a transaction on it (an access record written while reading), with savepoints.
 * Everything else (parsers, options) is the pool's. `track` sees each query (cancel on abort).
 */
export function sessionClient(pool: Client, session: RequestSession, o: { track?: (q: { cancel(): unknown }) => void; prepare?: boolean; guard?: () => Error | false } = {}): Client {
  const { track } = o;
  const deferred = (query: string, params?: unknown[], options?: Record<string, unknown>): PendingQueryLike => {
    let cancelled = false;
    // Cancels the statement once it is sent; a statement already answered has nothing to cancel.
    let cancelSent: (() => unknown) | null = null;
    const run = async (values: boolean) => {
      const refused = o.guard?.();
      if (refused) throw refused;
      const c = await session.connection();
      if (cancelled) throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
      c.planFor(query);
      const q = c.unsafe(query, params, o.prepare === undefined ? options : { ...options, prepare: o.prepare });
      let answered = false;
      let cancel: StatementCancel = 'none';
      cancelSent = () => {
        if (answered || cancel !== 'none') return;
        // postgres.js drops a statement not yet handed to the connection (no state yet) and sends
        // a cancel request for one that is.
        cancel = (q as unknown as { state?: unknown }).state != null ? 'sent' : 'dropped';
        return q.cancel();
      };
      // The request's abort cancels through here too.
      track?.({ cancel: () => cancelSent?.() });
      const answer = Promise.resolve(values ? q.values() : q);
      // The session stays with this request until the statement is answered (released after, see
      // `release`); then it serves the next caller unless a cancel request may still reach it.
      const settle = () => {
        answered = true;
        if (!sessionReusableAfterCancel(cancel)) c.retire();
      };
      c.inFlight(
        answer.then(settle, () => {
          c.failed();
          settle();
        }),
      );
      return answer;
    };
    return {
      // biome-ignore lint/suspicious/noThenProperty: drizzle awaits postgres.js queries; this stands in for one.
      then: (ok, fail) => run(false).then(ok, fail),
      values: () => run(true),
      cancel: () => {
        cancelled = true;
        return cancelSent?.();
      },
    };
  };
  const inTransaction = (c: Awaited<ReturnType<RequestSession['connection']>>, depth: number): Client =>
    new Proxy(pool, {
      get(target, prop, receiver) {
        if (prop === 'unsafe') return (q: string, p?: unknown[], o?: Record<string, unknown>) => c.unsafe(q, p, o);
        if (prop === 'savepoint') {
          return async (fn: Tx) => {
            const name = `s${depth + 1}`;
            await c.unsafe(`savepoint ${name}`);
            try {
              const r = await fn(inTransaction(c, depth + 1));
              await c.unsafe(`release savepoint ${name}`);
              return r;
            } catch (e) {
              await c.unsafe(`rollback to savepoint ${name}`).then(undefined, () => c.suspect());
              throw e;
            }
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return deferred;
      if (prop === 'begin') {
        return async (fn: Tx) => {
          const c = await session.connection();
          await c.unsafe('begin');
          try {
            const r = await fn(inTransaction(c, 0));
            await c.unsafe('commit');
            return r;
          } catch (e) {
            // A transaction may have set local settings: gone with the rollback; if the rollback
            // itself fails, the session is rolled back again and its range set before its next use.
            await c.unsafe('rollback').then(undefined, () => c.suspect());
            throw e;
          }
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'drizzle-orm/logger';
import { lockDataDirectory } from './data-dir-lock.js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pino, { type Logger as PinoLogger } from 'pino';
import { createDatabaseHealth, DatabaseUnavailableError } from './db-health.js';
import { createScopedSessionPool, requestSession, SESSION_START_PLAN_MODE, sessionClient, type ScopedSessionPool, type ScopeRangeValue, type SessionConnection } from './data/scoped-sessions.js';
import { requestSlot } from './request-slot.js';

/** Either backend: drizzle on PGlite (embedded) or on postgres.js (server). */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Raw client for COPY, dumps and admin statements. */
  raw: unknown;
  close(): Promise<void>;
  /**
   * Server only: the same database for one request's reads, whose statements are cancelled in
   * PostgreSQL when `signal` aborts (the client hung up or the request ran out of time).
   */
  forRequest?(signal: AbortSignal): Db;
  /** Server only: true while the server does not answer (see db-health.ts). */
  isDown?(): boolean;
}

/** A request's scoped reads on a session of the API role (data/scoped-sessions.ts). */
export interface ScopedSessionDb {
  db: Db;
  /** Gives the session back; the request's later statements are refused. */
  release(): void;
}

/** The scoped-session opener of a request database (server only; absent on PGlite). */
const scopedOpeners = requestSlot<Db, (range: ScopeRangeValue) => ScopedSessionDb>('scopedOpener');

/** Opens `range`'s scoped reads on the server behind a request database, or null (PGlite, a plain db). */
export function openScopedSession(db: Db, range: ScopeRangeValue): ScopedSessionDb | null {
  return scopedOpeners.get(db)?.(range) ?? null;
}

/** The role scoped reads log in as (data/row-security.ts creates it with the migrations). */
const API_ROLE_NAME = 'safecity_api';

/** Counts SQL statements per request (or per test scope) without touching call sites. */
export const statementCounter = new AsyncLocalStorage<{ count: number; log?: string[]; params?: unknown[][]; requestId?: string }>();

/** `log`: each statement's text; `params`: its parameters, in the same order (both kept only with `keepLog`). */
export function countStatements<T>(fn: () => Promise<T>, keepLog = false): Promise<{ result: T; count: number; log: string[]; params: unknown[][] }> {
  const store = { count: 0, log: keepLog ? ([] as string[]) : undefined, params: keepLog ? ([] as unknown[][]) : undefined };
  return statementCounter.run(store, async () => {
    const result = await fn();
    return { result, count: store.count, log: store.log ?? [], params: store.params ?? [] };
  });
}

const countingLogger: Logger = {
  logQuery(query: string, params: unknown[]) {
    const s = statementCounter.getStore();
    if (s) {
      s.count++;
      s.log?.push(query);
      s.params?.push(params);
    }
  },
};

export interface DatabaseOptions {
  /** postgres:// URL of a server; otherwise PGlite. */
  url?: string | null;
  /** PGlite data dir, 'memory://', or undefined for memory. */
  dataDir?: string;
  /** A PGlite dump (from dumpDataDir) to start from: a migrated snapshot for tests. */
  loadDataDir?: Blob | File;
  maxConnections?: number;
  /** Server only: reuse named prepared statements for reads (default true). */
  prepareStatements?: boolean;
  /** Server only: where database outages and recoveries are logged. */
  log?: PinoLogger;
  /** Server only: `application_name` of the pool's sessions (default `safecity-api`). */
  applicationName?: string;
}

/**
 * postgres.js cancels a queued query by dropping it and a running one with a cancel request
 * to its backend; a finished one is left alone. Cancel failures only mean it already ended.
 */
function cancelOne(q: { cancel(): unknown }) {
  try {
    const p = q.cancel() as Promise<unknown> | undefined | null;
    if (p && typeof p.then === 'function') p.then(undefined, () => {});
  } catch {
    /* already settled */
  }
}
function cancelAll(qs: { cancel(): unknown }[]) {
  for (const q of qs.splice(0)) cancelOne(q);
}

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle, PostgresJsDatabase, PostgresJsSession } = await import('drizzle-orm/postgres-js');
    const { PgDialect } = await import('drizzle-orm/pg-core');
    // A request's handles (its cancellable reads, its scoped session) share one dialect: drizzle()
    // per request made a dialect and registered its parsers on the client again each time (1.5%
    // of a small read's CPU). The parsers are registered once, by drizzle() on each base client.
    const dialect = new PgDialect();
    const handleOn = (client: object): Db => {
      const handle = new PostgresJsDatabase(dialect, new PostgresJsSession(client as never, dialect, undefined, { logger: countingLogger }), undefined);
      (handle as unknown as { $client: object }).$client = client;
      return handle as unknown as Db;
    };
    // Probes run on a connection of their own, so a saturated pool is not taken for an outage.
    const probeClient = postgres(opts.url, { max: 1, onnotice: () => {}, connect_timeout: 1, idle_timeout: 5, backoff: () => 0 });
    const log = opts.log ?? pino({ level: process.env.LOG_LEVEL || 'info', base: { service: 'safecity-api' } });
    const health = createDatabaseHealth(() => probeClient.unsafe('select 1'), {
      onChange: (down) => (down ? log.error('database unreachable: failing requests fast with CORE_DATABASE_UNAVAILABLE') : log.warn('database reachable again')),
    });
    const client = postgres(opts.url, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      // A connection lost (server restart, network) or not made: find out at once whether the server is away.
      onclose: () => health.suspect(),
      // Reconnect quickly once the server is back (the default grows to 20 s after a few failures).
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.2),
      // Fail fast when the server is away instead of queueing requests behind a silent socket.
      connect_timeout: Number(process.env.DATABASE_CONNECT_TIMEOUT_S || 2),
      // A runaway statement must not hold a connection (and the CPU) after its client has gone:
      // no statement outlives the request budget.
      connection: { application_name: opts.applicationName ?? 'safecity-api', statement_timeout: Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS || process.env.REQUEST_TIMEOUT_MS || 15000) },
      // Dates as strings for `date` columns keep calendar days free of time zones.
      types: {},
    });
    // drizzle sends every unnamed query unprepared (Parse + Describe each time); reads outside a
    // transaction reuse a named server-side statement instead, cached per connection by text.
    const withPrepared = (track?: (q: { cancel(): unknown }) => void) =>
      new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'unsafe') {
            return (query: string, params?: unknown[], options?: Record<string, unknown>) => {
              if (health.down) throw new DatabaseUnavailableError();
              const q = target.unsafe(query, params as never, { ...options, prepare: opts.prepareStatements ?? true });
              track?.(q);
              return q;
            };
          }
          if (prop === 'begin' && health.down) return () => Promise.reject(new DatabaseUnavailableError());
          return Reflect.get(target, prop, receiver);
        },
      });
    const db = drizzle({ client: withPrepared(), logger: countingLogger }) as unknown as Db;
    // Scoped reads: up to maxConnections sessions, each a one-connection client logged in as the
    // API role (a startup parameter, so reconnects keep it), made on the first scoped read, after
    // migrations have created the role.
    let sessions: { clients: ReturnType<typeof postgres>[]; pool: ScopedSessionPool; parsers: object } | null = null;
    const sessionOptions = {
      max: 1,
      onnotice: () => {},
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.2),
      connect_timeout: Number(process.env.DATABASE_CONNECT_TIMEOUT_S || 2),
      connection: {
        application_name: `${opts.applicationName ?? 'safecity-api'}-reads`,
        statement_timeout: Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS || process.env.REQUEST_TIMEOUT_MS || 15000),
        role: API_ROLE_NAME,
        // By default a plan per execution, never the generic plan of a prepared statement: the
        // caller's range is a parameter, and the range of a city (every row) and of a grid (a few)
        // want different plans. After five runs PostgreSQL may settle on a generic one that
        // estimates the range blindly: a page of 50 dwellings at a tenth of the city then ANDed the
        // district's whole registrations index into each dwelling's tenants (856 ms against 10 ms
        // custom). Statements that find their rows by key switch the session to generic plans
        // (plan-sql.ts, GENERIC_PLAN_MARK; scoped-sessions.ts).
        plan_cache_mode: SESSION_START_PLAN_MODE,
      },
      types: {},
    };
    const scopedSessions = () => {
      if (sessions) return sessions;
      // drizzle sets its parsers on the client it is given: one template client carries them,
      // and each session's client gets the same (postgres.js reads them per connection).
      const template = postgres(opts.url!, sessionOptions);
      drizzle({ client: template });
      const clients: ReturnType<typeof postgres>[] = [template];
      const pool = createScopedSessionPool((lost) => {
        const c = postgres(opts.url!, {
          ...sessionOptions,
          onclose: () => {
            lost();
            health.suspect();
          },
        });
        Object.assign(c.options.parsers, template.options.parsers);
        Object.assign(c.options.serializers, template.options.serializers);
        clients.push(c);
        // A retired session's client leaves the list that close() ends.
        const end = (o?: { timeout?: number }) => {
          const i = clients.indexOf(c);
          if (i >= 0) clients.splice(i, 1);
          return c.end(o);
        };
        return { unsafe: c.unsafe.bind(c), end } as unknown as SessionConnection;
      }, opts.maxConnections ?? 10);
      sessions = { clients, pool, parsers: template };
      return sessions;
    };
    const openSession = (range: ScopeRangeValue, track?: (q: { cancel(): unknown }) => void): ScopedSessionDb => {
      if (health.down) throw new DatabaseUnavailableError();
      const s = scopedSessions();
      const session = requestSession(s.pool, range);
      const client = sessionClient(s.parsers, session, { track, prepare: opts.prepareStatements ?? true, guard: () => health.down && new DatabaseUnavailableError() });
      return { db: handleOn(client), release: () => session.release() };
    };
    return {
      db,
      kind: 'postgres',
      raw: client,
      close: async () => {
        await health.close();
        await Promise.all([client.end({ timeout: 5 }), probeClient.end({ timeout: 1 }), ...(sessions?.clients ?? []).map((c) => c.end({ timeout: 5 }))]);
      },
      isDown: () => health.down,
      forRequest(signal) {
        // Transactions (`begin`) bypass the tracking: a write the client started runs to its end.
        const issued: { cancel(): unknown }[] = [];
        signal.addEventListener('abort', () => cancelAll(issued), { once: true });
        const track = (q: { cancel(): unknown }) => (signal.aborted ? cancelOne(q) : issued.push(q));
        const requestDb = handleOn(withPrepared(track));
        scopedOpeners.set(requestDb, (range) => openSession(range, track));
        return requestDb;
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = opts.dataDir && opts.dataDir !== 'memory://' ? opts.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per data directory: a second one stops here, before PGlite touches a file.
  const lock = dataDir ? lockDataDirectory(dataDir) : null;
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create({ dataDir, loadDataDir: opts.loadDataDir });
  } catch (e) {
    lock?.release();
    throw e;
  }
  const db = drizzle({ client, logger: countingLogger }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    raw: client,
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

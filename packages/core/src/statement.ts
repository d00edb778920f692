import type { SQL } from 'drizzle-orm';
import type { Db } from './db.js';

/** What drizzle's `.prepare()` returns on both drivers (postgres.js and PGlite): the SQL text, built. */
interface BuiltStatement<R> {
  execute(values: Record<string, unknown>): Promise<R>;
}

/**
 * A hot statement whose SQL text is built once per process, then run with new values in any
 * transaction. Drizzle rebuilds a query's text from its builder tree on every call (about 1 ms
 * of CPU per M1 request for two statements); with `sql.placeholder`s for every value the text
 * does not change, so it is built on the first call and reused.
 *
 * Drizzle binds a prepared query to the session it was built on: each call borrows the built
 * one with the calling transaction's driver connection (`client`, the only per-session part
 * both drivers' prepared queries use to run). Pinned drizzle-orm (0.45): a version bump that
 * moves `session.client` fails the statement tests, not silently.
 */
export function builtOnce<R>(build: (db: Db) => { prepare(name: string): BuiltStatement<R> }, name: string): (db: Db, values: Record<string, unknown>) => Promise<R> {
  let built: BuiltStatement<R> | undefined;
  return (db, values) => {
    const client = sessionClient(db);
    built ??= build(db).prepare(name);
    const onThisConnection = Object.create(built) as BuiltStatement<R> & { client: unknown };
    onThisConnection.client = client;
    return onThisConnection.execute(values);
  };
}

function sessionClient(db: Db): unknown {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  if (!client) throw new Error('builtOnce: the database handle has no driver session (drizzle internals changed?)');
  return client;
}

/**
 * Runs a statement whose SQL text never changes as a named prepared statement of the connection:
 * drizzle sends an unnamed `execute` unprepared, and postgres.js then asks the server for the
 * parameter types first (Parse + Describe, a round trip of its own) before it binds. The write
 * tail of every mutation went that way: one round trip of six. Only for fixed texts: each
 * distinct text stays prepared on its connection for the connection's life.
 */
export function executeFixed(db: Db, query: SQL): Promise<unknown> {
  const d = db as unknown as { dialect: { sqlToQuery(q: SQL): unknown }; session: { prepareQuery(q: unknown, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } } };
  if (!d.session?.prepareQuery || !d.dialect) throw new Error('executeFixed: the database handle has no driver session (drizzle internals changed?)');
  // A name makes drizzle's postgres.js query prepared (`prepare: name !== undefined`); PGlite ignores it.
  return d.session.prepareQuery(d.dialect.sqlToQuery(query), undefined, 'fixed', false).execute();
}

import { sql } from 'drizzle-orm';
import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { operationOf } from './memo.js';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Ctx, Platform } from './context.js';
import { createDatabase, statementCounter, type Database, type Db } from './db.js';
import { classifyFault } from './faults.js';
import type { ReadinessCheck } from './readiness.js';
import { requestSlot } from './request-slot.js';

/**
 * Read replicas (PostgreSQL streaming replication). Query operations read from a healthy
 * replica; mutations, the reads inside them and subscriptions use the primary. A mutation's
 * answer carries a read-after token (the primary's WAL position after its commit); a request
 * carrying it is served by a replica that has replayed that far, or by the primary.
 */
export interface ReplicaConfig {
  /** DATABASE_REPLICA_URL, comma-separated. Empty: every read goes to the primary. */
  urls: string[];
  /** DATABASE_REPLICA_MAX_LAG_MS: a replica further behind than this is skipped (default 5,000). */
  maxLagMs: number;
  /** DATABASE_REPLICA_CHECK_MS: how often the background health check runs (default 1,000). */
  checkEveryMs: number;
  /** DATABASE_REPLICA_READ_AFTER_WAIT_MS: how long a read-after request waits for a replica to catch up before the primary serves it (default 200). */
  readAfterWaitMs: number;
  /** Connections per replica pool (DATABASE_REPLICA_MAX_CONNECTIONS, default 10). */
  maxConnections: number;
}

export function loadReplicaConfig(env: NodeJS.ProcessEnv = process.env): ReplicaConfig {
  return {
    urls: (env.DATABASE_REPLICA_URL ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    maxLagMs: Number(env.DATABASE_REPLICA_MAX_LAG_MS || 5000),
    checkEveryMs: Number(env.DATABASE_REPLICA_CHECK_MS || 1000),
    readAfterWaitMs: Number(env.DATABASE_REPLICA_READ_AFTER_WAIT_MS || 200),
    maxConnections: Number(env.DATABASE_REPLICA_MAX_CONNECTIONS || 10),
  };
}

/** The header a client sends back with the token of its last mutation. */
export const READ_AFTER_HEADER = 'x-read-after';
/** The header naming the node that served a query (`primary`, `replica-1`, …): never a host. */
export const READ_NODE_HEADER = 'x-safecity-read-node';

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** Whether a text is a PostgreSQL WAL position (`16/B374D848`). */
export function isLsn(text: string): boolean {
  return LSN.test(text);
}

/** A WAL position as a number, for comparing positions. */
export function lsnValue(lsn: string): bigint {
  const m = LSN.exec(lsn);
  if (!m) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/** A replica has replayed a write when its replay position is at or past the write's token. */
export function hasReplayed(replayLsn: string | null, token: string): boolean {
  return replayLsn !== null && lsnValue(replayLsn) >= lsnValue(token);
}

/** The primary's WAL position at a moment (kept for a while to turn positions into lag). */
export interface PrimarySample {
  at: number;
  lsn: string;
}

/**
 * How far behind a replica is, in milliseconds: the time since the primary was at the latest
 * position the replica has replayed. An idle primary whose last write the replica has replayed
 * gives 0, however long ago that write was (unlike `now() - pg_last_xact_replay_timestamp()`).
 * Samples are oldest first; a replica behind every sample is at least as old as the oldest.
 */
export function replicaLagMs(samples: readonly PrimarySample[], replayLsn: string | null, now: number): number {
  if (replayLsn === null || samples.length === 0) return Number.POSITIVE_INFINITY;
  const latest = samples[samples.length - 1]!;
  if (hasReplayed(replayLsn, latest.lsn)) return 0;
  // The first sample the replica has not reached: it has been behind since then.
  const firstMissed = samples.find((s) => !hasReplayed(replayLsn, s.lsn))!;
  return Math.max(0, now - firstMissed.at);
}

export interface ReplicaState {
  /** Answered the last check and is in recovery (a promoted standby is not a replica any more). */
  up: boolean;
  lagMs: number | null;
  replayLsn: string | null;
  /** Why it is skipped, for `/readiness` (never a host or driver message). */
  detail?: string;
}

/** Whether queries may go to a replica in this state. */
export function isServing(state: ReplicaState, maxLagMs: number): boolean {
  return state.up && state.lagMs !== null && state.lagMs <= maxLagMs;
}

export interface Replica {
  /** `replica-1`, `replica-2`, …: in the order of DATABASE_REPLICA_URL. */
  name: string;
  database: Database;
  state: ReplicaState;
}

export interface ReadRouter {
  replicas: Replica[];
  config: ReplicaConfig;
  /** Where a query reads: a serving replica (one that has replayed `readAfter` when given), else the primary. */
  pick(readAfter: string | null): Promise<Replica | null>;
  /** The primary's current WAL position: at or past the commit of every transaction committed so far. */
  commitToken(): Promise<string>;
  /** Runs one health check of every replica now (the background loop does it every `checkEveryMs`). */
  check(): Promise<void>;
  close(): Promise<void>;
}

function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/** Opens a pool per replica and starts the background health check. */
export async function createReadRouter(config: ReplicaConfig, primary: Database, log: Logger): Promise<ReadRouter> {
  const replicas: Replica[] = [];
  for (const [i, url] of config.urls.entries()) {
    const database = await createDatabase({ url, maxConnections: config.maxConnections, log, applicationName: 'safecity-api-replica' });
    replicas.push({ name: `replica-${i + 1}`, database, state: { up: false, lagMs: null, replayLsn: null, detail: 'not checked yet' } });
  }
  const samples: PrimarySample[] = [];
  const keepMs = Math.max(60_000, config.maxLagMs * 4);
  let next = 0;
  const exec = (db: Db, q: ReturnType<typeof sql>) => statementCounter.exit(() => db.execute(q));

  async function commitToken(): Promise<string> {
    const r = rowsOf<{ lsn: string }>(await exec(primary.db, sql`select pg_current_wal_lsn()::text as lsn`));
    return r[0]!.lsn;
  }

  async function checkOne(r: Replica): Promise<void> {
    const before = r.state;
    try {
      if (r.database.isDown?.()) throw new Error('unreachable');
      const row = rowsOf<{ recovery: boolean; replay: string | null }>(
        await withTimeout(exec(r.database.db, sql`select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay`), 1000),
      )[0]!;
      if (!row.recovery) r.state = { up: false, lagMs: null, replayLsn: null, detail: 'not in recovery (promoted?): not used for reads' };
      else r.state = { up: true, replayLsn: row.replay, lagMs: replicaLagMs(samples, row.replay, Date.now()) };
      if (r.state.up && !isServing(r.state, config.maxLagMs))
        r.state.detail = `lagging ${Number.isFinite(r.state.lagMs!) ? `${Math.round(r.state.lagMs!)} ms` : 'without replaying'} (bound ${config.maxLagMs} ms)`;
    } catch {
      r.state = { up: false, lagMs: null, replayLsn: null, detail: 'unreachable' };
    }
    const was = isServing(before, config.maxLagMs);
    const is = isServing(r.state, config.maxLagMs);
    if (was !== is && before.detail !== 'not checked yet')
      (is ? log.warn.bind(log) : log.error.bind(log))({ replica: r.name, detail: r.state.detail }, is ? 'replica serving reads again' : 'replica skipped for reads');
  }

  async function check(): Promise<void> {
    try {
      samples.push({ at: Date.now(), lsn: await commitToken() });
      while (samples.length > 1 && samples[0]!.at < Date.now() - keepMs) samples.shift();
    } catch {
      // Primary away: the replicas' lag cannot be measured; they keep their last state.
    }
    await Promise.all(replicas.map(checkOne));
  }

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const loop = () => {
    if (stopped) return;
    running = check().finally(() => {
      running = null;
      if (!stopped) {
        timer = setTimeout(loop, config.checkEveryMs);
        timer.unref();
      }
    });
  };
  await check();
  timer = setTimeout(loop, config.checkEveryMs);
  timer.unref();

  /** Polls one replica's replay position until it reaches `token` or the wait runs out. */
  async function catchesUp(r: Replica, token: string): Promise<boolean> {
    const until = Date.now() + config.readAfterWaitMs;
    for (;;) {
      try {
        const row = rowsOf<{ replay: string | null }>(await exec(r.database.db, sql`select pg_last_wal_replay_lsn()::text as replay`))[0]!;
        r.state.replayLsn = row.replay;
        if (hasReplayed(row.replay, token)) return true;
      } catch {
        return false;
      }
      if (Date.now() >= until) return false;
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  return {
    replicas,
    config,
    commitToken,
    check,
    async pick(readAfter) {
      const serving = replicas.filter((r) => isServing(r.state, config.maxLagMs) && !r.database.isDown?.());
      if (!serving.length) return null;
      // Round robin over the serving replicas.
      const start = next++ % serving.length;
      const order = [...serving.slice(start), ...serving.slice(0, start)];
      if (!readAfter) return order[0]!;
      const caughtUp = order.find((r) => hasReplayed(r.state.replayLsn, readAfter));
      if (caughtUp) return caughtUp;
      return (await catchesUp(order[0]!, readAfter)) ? order[0]! : null;
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
      await Promise.all(replicas.map((r) => r.database.close()));
    },
  };
}

/** `/readiness` entries, one per replica: degraded (reads go elsewhere), never down. */
export function replicaReadiness(router: ReadRouter): ReadinessCheck[] {
  return router.replicas.map((r) => ({
    name: r.name,
    async check() {
      if (isServing(r.state, router.config.maxLagMs) && !r.database.isDown?.()) return { status: 'ok', detail: `lag ${Math.round(r.state.lagMs!)} ms` };
      return { status: 'degraded', detail: `${r.state.detail ?? 'not serving'}: its reads go to another replica or the primary` };
    },
  }));
}

const readNodes = requestSlot<Request, { node?: string; token?: string }>('readNode');

function invalidReadAfter(): ExecutionResult {
  return {
    errors: [
      new GraphQLError(`${READ_AFTER_HEADER} must be a WAL position such as 16/B374D848 (a mutation's extensions.readAfter).`, {
        extensions: { code: 'CORE_READ_AFTER_INVALID', http: { status: 400 } },
      }),
    ],
  };
}

/**
 * Routes each operation: a query to a replica (retried once on the primary when that replica
 * turns out to be unreachable: a read may run twice, a write never), a mutation to the primary,
 * answered with its read-after token. Without replicas it does nothing.
 */
export function useReadReplicas(platform: Platform): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args, setExecuteFn, executeFn }) {
      const router = platform.replicas;
      if (!router) return;
      const ctx = args.contextValue as unknown as Ctx & { request?: Request };
      const request = ctx.request;
      const kind = operationOf(args.document as DocumentNode, args.operationName)?.operation;
      const facts = { node: 'primary' } as { node?: string; token?: string };
      if (request) readNodes.set(request, facts);
      if (kind === 'mutation') {
        setExecuteFn(async (a) => {
          const result = (await executeFn(a)) as ExecutionResult;
          try {
            facts.token = await router.commitToken();
            return { ...result, extensions: { ...result.extensions, readAfter: facts.token } };
          } catch {
            return result; // the write is done; without a token the next reads are merely not pinned
          }
        });
        return;
      }
      if (kind !== 'query') return;
      setExecuteFn(async (a) => {
        const readAfter = request?.headers.get(READ_AFTER_HEADER)?.trim() || null;
        if (readAfter && !isLsn(readAfter)) return invalidReadAfter();
        const replica = await router.pick(readAfter);
        if (!replica) return executeFn(a);
        const primaryDb = ctx.db;
        ctx.db = replica.database.forRequest?.(ctx.signal ?? new AbortController().signal) ?? replica.database.db;
        facts.node = replica.name;
        const result = (await executeFn(a)) as ExecutionResult;
        if (!result.errors?.some((e) => classifyFault(e) === 'database_unavailable')) return result;
        // The replica went away between two health checks: read again on the primary.
        replica.state = { up: false, lagMs: null, replayLsn: null, detail: 'unreachable' };
        platform.log.warn({ replica: replica.name, requestId: ctx.requestId }, 'replica unreachable during a query: read again on the primary');
        ctx.db = primaryDb;
        ctx.loaders = new Map();
        facts.node = 'primary';
        return executeFn(a);
      });
    },
    onResponse({ request, response }) {
      const f = readNodes.get(request);
      if (!f) return;
      if (f.token) response.headers.set(READ_AFTER_HEADER, f.token);
      else if (f.node) response.headers.set(READ_NODE_HEADER, f.node);
    },
  };
}

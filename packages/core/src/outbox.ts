import { asc, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Platform } from './context.js';
import { statementCounter, type Db } from './db.js';
import type { EmittedEvent, EventName } from './events.js';
import type { ReadinessCheck } from './readiness.js';
import { rowsOf } from './sql-helpers.js';
import { writeTail, type OutboxRecord } from './audit.js';
import { eventOutbox } from './tables.js';

/**
 * The one topic every committed event travels on. One topic (not one per event name) keeps a
 * subscriber's view in commit order across names: Redis delivers one channel's messages in the
 * order they were published, and one in-process topic does the same.
 */
export const EVENTS_TOPIC = 'safecity:events';

/** What subscribers receive: the event and the outbox id to de-duplicate on (ids grow in commit order). */
export interface EventEnvelope {
  id: string;
  name: EventName;
  payload: unknown;
  requestId: string;
  createdAt: string;
}

/** Where relayed events go: in process, or Redis. */
export interface EventTransport {
  kind: 'memory' | 'redis';
  /** Resolves once the event is handed over; rejects (never throws synchronously) when it is not. */
  deliver(envelope: EventEnvelope): Promise<void>;
  /** False while Redis is unreachable: the relay waits instead of trying every event. */
  ready(): boolean;
}

/** One relayer at a time across every instance on the database, so events leave in id order. */
const RELAY_LOCK_KEY = 727_002;

/**
 * The transaction's events as outbox rows. `writeTail` (audit.ts) inserts them last in the
 * writing transaction, under the chain lock held until commit, so a later id never commits first.
 */
export function outboxRecords(events: readonly EmittedEvent[]): OutboxRecord[] {
  return events.map((e) => ({
    name: e.name,
    payload: e.payload as unknown,
    request_id: e.requestId,
    jurisdiction_code: (e.payload as { jurisdictionCode?: string }).jurisdictionCode ?? null,
  }));
}

/** Writes events to the outbox outside `runMutation` (one statement, under the order lock). */
export async function writeOutbox(tx: Db, events: readonly EmittedEvent[]): Promise<void> {
  await writeTail(tx, { events: outboxRecords(events) });
}

/** The outbox keeps what it relayed: rows are marked published, never deleted. */
export const OUTBOX_KEEP_SQL = [
  `create or replace function event_outbox_keep() returns trigger language plpgsql as $$
   begin raise exception 'event_outbox rows are kept: mark them published instead of deleting'; end $$`,
  `drop trigger if exists event_outbox_keep on event_outbox`,
  `create trigger event_outbox_keep before delete on event_outbox for each row execute function event_outbox_keep()`,
];

/** Backoff after a failed relay pass: doubles from `min` up to `max`. */
export function relayBackoff(failures: number, minMs = 200, maxMs = 5000): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, minMs * 2 ** (failures - 1));
}

/**
 * Logs a recurring problem once, then at most once per `intervalMs` with how many were
 * suppressed; `recovered` logs the end of the episode. Keeps an outage from flooding the log.
 */
export function throttledLog(log: Logger, intervalMs = 30_000) {
  const episodes = new Map<string, { last: number; suppressed: number; since: number }>();
  return {
    problem(key: string, fields: Record<string, unknown>, msg: string) {
      const now = Date.now();
      const ep = episodes.get(key);
      if (!ep) {
        episodes.set(key, { last: now, suppressed: 0, since: now });
        log.warn({ ...fields, problem: key }, msg);
      } else if (now - ep.last >= intervalMs) {
        log.warn({ ...fields, problem: key, suppressed: ep.suppressed, sinceMs: now - ep.since }, msg);
        ep.last = now;
        ep.suppressed = 0;
      } else ep.suppressed++;
    },
    recovered(key: string, msg: string) {
      const ep = episodes.get(key);
      if (!ep) return;
      episodes.delete(key);
      log.info({ problem: key, suppressed: ep.suppressed, downMs: Date.now() - ep.since }, msg);
    },
    active(key: string) {
      return episodes.has(key);
    },
  };
}

export interface OutboxRelayOptions {
  /** Poll for rows other instances left (or a crashed process left) when nothing kicks (ms). */
  pollMs?: number;
  batchSize?: number;
  /** Bound on one delivery, so a hung connection cannot hold the relay lock. */
  deliverTimeoutMs?: number;
}

export interface OutboxRelay {
  /**
   * Starts relaying, including rows an earlier (crashed) process left unpublished. Idempotent.
   * Call it once the database is migrated; the first committed event starts it too.
   */
  start(): void;
  /** A transaction with events committed: relay now (coalesced with a pass under way). */
  kick(): void;
  /** Runs passes until nothing is left to relay now (tests, shutdown). */
  flush(): Promise<void>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
  state(): { transport: EventTransport['kind']; transportReady: boolean; failingSinceMs: number | null; lastBacklog: number };
}

type PassResult = 'idle' | 'more' | 'busy' | 'failed';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`delivery took longer than ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/**
 * Relays committed outbox rows in id order until each is delivered. At least once: a process
 * that dies between delivering and marking leaves the rows unpublished and the next pass (here
 * or on another instance) delivers them again, with the same id for subscribers to drop.
 */
export function createOutboxRelay(platform: Pick<Platform, 'database' | 'log'>, transport: EventTransport, o: OutboxRelayOptions = {}): OutboxRelay {
  const pollMs = o.pollMs ?? Number(process.env.OUTBOX_POLL_MS || 1000);
  const batchSize = o.batchSize ?? 200;
  const deliverTimeoutMs = o.deliverTimeoutMs ?? 2000;
  const log = platform.log.child({ component: 'outbox-relay' });
  const problems = throttledLog(log);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let started = false;
  let failures = 0;
  let failingSince: number | null = null;
  let lastBacklog = 0;
  let notReadySince: number | null = null;

  async function pass(): Promise<PassResult> {
    if (!transport.ready()) {
      notReadySince ??= Date.now();
      // Connecting at start-up is not an outage.
      if (Date.now() - notReadySince > 2000) problems.problem('transport', { transport: transport.kind }, 'events wait in the outbox: the event transport is unreachable');
      return 'failed';
    }
    notReadySince = null;
    const db = platform.database.db;
    return db.transaction(async (txAny) => {
      const tx = txAny as unknown as Db;
      const got = rowsOf(await tx.execute(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) as ok`));
      if (!got[0]?.ok) return 'busy';
      const rows = await tx.select().from(eventOutbox).where(isNull(eventOutbox.publishedAt)).orderBy(asc(eventOutbox.id)).limit(batchSize);
      lastBacklog = rows.length;
      const delivered: number[] = [];
      let failed: unknown = null;
      for (const r of rows) {
        try {
          await withTimeout(transport.deliver({ id: String(r.id), name: r.name as EventName, payload: r.payload, requestId: r.requestId, createdAt: r.createdAt.toISOString() }), deliverTimeoutMs);
          delivered.push(r.id);
        } catch (e) {
          // Stop at the first failure: a later event must not overtake this one.
          failed = e;
          break;
        }
      }
      if (delivered.length)
        await tx
          .update(eventOutbox)
          .set({ publishedAt: sql`now()` })
          .where(sql`${eventOutbox.id} = any(${sql.param(delivered)}::bigint[])`);
      lastBacklog = rows.length - delivered.length;
      if (failed) {
        problems.problem('deliver', { transport: transport.kind, err: { message: (failed as Error).message }, pending: lastBacklog }, 'event delivery failed; will retry');
        return 'failed';
      }
      return rows.length === batchSize ? 'more' : 'idle';
    });
  }

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => run(), ms);
    timer.unref();
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    // Outside any request's AsyncLocalStorage: relay statements are nobody's request cost.
    running = statementCounter.exit(async () => {
      let next = pollMs;
      try {
        let r: PassResult;
        do {
          again = false;
          r = await pass();
        } while (!stopped && (r === 'more' || (r === 'idle' && again)));
        // Another instance is relaying and may have read its batch before our commit: look
        // again shortly rather than at the next poll.
        if (r === 'busy') next = Math.min(pollMs, 100);
        if (r === 'failed') {
          failures++;
          failingSince ??= Date.now();
          next = relayBackoff(failures);
        } else {
          if (failures > 0) log.info({ afterFailures: failures }, 'outbox relay delivering again');
          problems.recovered('transport', 'event transport reachable again; relaying the outbox');
          problems.recovered('deliver', 'event delivery recovered');
          problems.recovered('database', 'outbox relay reaches the database again');
          failures = 0;
          failingSince = null;
        }
      } catch (e) {
        failures++;
        failingSince ??= Date.now();
        next = relayBackoff(failures);
        problems.problem('database', { err: { message: (e as Error).message } }, 'outbox relay pass failed; will retry');
      } finally {
        running = null;
      }
      if (again && failures === 0) next = 0;
      schedule(next);
    });
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      schedule(0);
    },
    kick() {
      if (stopped) return;
      started = true;
      if (running) again = true;
      else schedule(0);
    },
    async flush() {
      for (let i = 0; i < 100; i++) {
        if (running) await running;
        const r = await statementCounter.exit(() => pass());
        if (r !== 'more') return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
    state() {
      return { transport: transport.kind, transportReady: transport.ready(), failingSinceMs: failingSince ? Date.now() - failingSince : null, lastBacklog };
    },
  };
}

/**
 * `/readiness` entry for Redis, present when Redis is configured. Degraded, never down: writes
 * still commit and their events wait in the outbox until Redis is back.
 */
export const redisReadiness: ReadinessCheck = {
  name: 'redis',
  async check(platform) {
    const relay = platform.outbox;
    if (!relay) return { status: 'ok', detail: 'not configured' };
    const s = relay.state();
    if (!s.transportReady) return { status: 'degraded', detail: 'Redis unreachable: writes succeed, their events wait in the outbox' };
    // Reachable but the relay keeps failing for a while: events are late.
    if (s.failingSinceMs !== null && s.failingSinceMs > 10_000) return { status: 'degraded', detail: 'events are being delivered late (relay retrying)' };
    return { status: 'ok' };
  },
};

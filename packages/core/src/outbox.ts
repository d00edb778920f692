import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Platform } from './context.js';
import { statementCounter, type Db } from './db.js';
import type { EmittedEvent, EventName } from './events.js';
import type { ReadinessCheck } from './readiness.js';
import { rowsOf } from './sql-helpers.js';
import { auditChainOf, lockAuditChains, writeTail, type OutboxRecord } from './audit.js';

/**
 * The one topic every committed event travels on. One topic (not one per event name) keeps a
 * subscriber's view in commit order across names: Redis delivers one channel's messages in the
 * order they were published, and one in-process topic does the same.
 */
export const EVENTS_TOPIC = 'safecity:events';

/**
 * What subscribers receive: the event, its chain and the outbox id to de-duplicate on. Ids grow in
 * commit order within a chain (a lane of a district, or `city`: the outbox row's `chain`), not
 * across chains, since writers of different lanes do not wait for each other; so a subscriber
 * keeps the last id per chain.
 */
export interface EventEnvelope {
  id: string;
  chain: string;
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
  /** Reconnect attempts so far (Redis): what an outage's retry-bound failures are counted in. */
  reconnects?(): number;
}

/** The chain an outbox row's id is ordered in: the lane it was written under, or, on a row written before lanes, its district's chain. */
export function outboxChain(chain: string | null | undefined, jurisdictionCode: string | null | undefined): string {
  return chain ?? auditChainOf(jurisdictionCode);
}

/** The one row of `outbox_relay_lease`. */
const LEASE_ROW = 1;

/**
 * The transaction's events as outbox rows. `writeTail` (audit.ts) inserts them last in the
 * writing transaction, under the lock of each event's chain held until commit, so a later id of a
 * chain never commits before an earlier one of the same chain.
 */
export function outboxRecords(events: readonly EmittedEvent[]): OutboxRecord[] {
  return events.map((e) => ({
    name: e.name,
    payload: e.payload as unknown,
    request_id: e.requestId,
    jurisdiction_code: (e.payload as { jurisdictionCode?: string }).jurisdictionCode ?? null,
  }));
}

/** Writes events to the outbox outside `runMutation` (one statement, under their chains' locks). */
export async function writeOutbox(tx: Db, events: readonly EmittedEvent[]): Promise<void> {
  await writeTail(tx, { events: outboxRecords(events) });
}

/**
 * Writes one event per row of `source` to the outbox in one statement (a bulk write: the payloads
 * are built in the database). `source` selects `ord`, `payload` (jsonb) and `jurisdiction_code`,
 * one of `jurisdictionCodes` (the codes the rows can have, whose chains are locked). The events' chains are locked first (auditChainOf of each jurisdiction), as `writeTail` does, so
 * their ids keep commit order per chain. No in-process subscriber runs: call it only for an event
 * without subscribers, and kick the relay after commit. Returns the number of events written.
 */
export async function appendOutboxRows(tx: Db, requestId: string, name: EventName, source: SQL, jurisdictionCodes: readonly (string | null)[]): Promise<number> {
  if (jurisdictionCodes.length === 0) return 0;
  await lockAuditChains(tx, jurisdictionCodes.map(auditChainOf));
  const res = await tx.execute(sql`
    with e as (insert into event_outbox (name, payload, request_id, jurisdiction_code)
               select ${name}::text, s.payload, ${requestId}::text, s.jurisdiction_code from (${source}) s order by s.ord
               returning 1)
    select count(*)::int as n from e`);
  return Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
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
  /** Rows a pass reads (default 200); passes that find a full batch double it, up to `maxBatchSize`. */
  batchSize?: number;
  /** The largest batch (default 2,000): a bulk import's backlog drains in a few passes, not hundreds. */
  maxBatchSize?: number;
  /** Bound on one delivery, so a hung connection cannot hold the relay lease. */
  deliverTimeoutMs?: number;
  /** How long a pass's lease holds (OUTBOX_LEASE_MS, default 5,000): a dead relay's rows wait this long for another instance. */
  leaseMs?: number;
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
  state(): { transport: EventTransport['kind']; transportReady: boolean; transportReconnects: number; failingSinceMs: number | null; lastBacklog: number };
}

type PassResult = 'idle' | 'more' | 'busy' | 'failed';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`delivery took longer than ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/**
 * One relay pass in one statement: marks published what the previous pass delivered, renews (or
 * takes) the relay lease, and reads the next unpublished rows in id order if the lease is ours.
 * No transaction: the lease, not a lock held to COMMIT, keeps relaying to one instance at a time.
 * The lease is held for `leaseMs` only when there is something to deliver; a pass that finds
 * nothing leaves it free, so another instance's next kick relays its own events at once.
 * `held` is false when another live relay holds the lease (then no rows).
 */
export function relayPassSql(holder: string, leaseMs: number, marks: readonly number[], batchSize: number) {
  // The batch's ids are read first and the lease's length follows from them (one scan of the
  // unpublished rows' index, not two); the rows themselves are read only when the lease is ours.
  // The marks are excluded through a hashed subplan: `id <> all(array)` compared every row read
  // with every mark, and a bulk import's backlog is read in batches of thousands.
  return sql`with batch as materialized (
      select id from event_outbox
       where ${batchSize}::int > 0 and published_at is null and id not in (select unnest(${sql.param(marks)}::bigint[]))
       order by id limit ${batchSize}),
    lease as (
      insert into outbox_relay_lease (id, holder, lease_until)
      values (${LEASE_ROW}, ${holder}, now() + (case when exists (select 1 from batch) then ${leaseMs}::int else 0 end) * interval '1 millisecond')
      on conflict (id) do update set holder = excluded.holder, lease_until = excluded.lease_until
       where outbox_relay_lease.holder = excluded.holder or outbox_relay_lease.lease_until < now()
      returning 1),
    marked as (update event_outbox set published_at = now() where id = any(${sql.param(marks)}::bigint[]) and published_at is null returning 1)
    select l.held, o.id, o.name, o.payload, o.request_id, o.jurisdiction_code, o.chain, o.created_at
      from (select exists (select 1 from lease) as held, (select count(*) from marked) as marked) l
      left join lateral (select e.* from batch b join event_outbox e on e.id = b.id where l.held order by b.id) o on true`;
}

/**
 * Relays committed outbox rows in id order until each is delivered. At least once: a process
 * that dies between delivering and marking leaves the rows unpublished and the next pass (here
 * or on another instance, once the lease has run out) delivers them again, with the same id for
 * subscribers to drop. Marks ride on the next pass's statement (a kick, a poll, or the short
 * flush after a delivery), so a pass is one statement however many events it carries.
 */
export function createOutboxRelay(platform: Pick<Platform, 'database' | 'log'>, transport: EventTransport, o: OutboxRelayOptions = {}): OutboxRelay {
  const pollMs = o.pollMs ?? Number(process.env.OUTBOX_POLL_MS || 1000);
  const batchSize = o.batchSize ?? 200;
  const maxBatchSize = Math.max(batchSize, o.maxBatchSize ?? 2000);
  // A pass that read a full batch reads twice as many next time: each pass scans the unpublished
  // rows' index from its start, past the entries of rows marked since the oldest running
  // transaction began (dead but not yet removable), so 100k events of an import in batches of 200
  // cost 500 scans of a growing run of dead entries (8.7 s of PostgreSQL in an import of 27 s).
  let size = batchSize;
  const deliverTimeoutMs = o.deliverTimeoutMs ?? 2000;
  const leaseMs = o.leaseMs ?? Number(process.env.OUTBOX_LEASE_MS || 5000);
  const markAfterMs = Math.min(pollMs, 200);
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
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
  /** Delivered, not yet marked published: sent with the next pass. */
  let pending: number[] = [];

  async function pass(): Promise<PassResult> {
    const ready = transport.ready();
    if (!ready) {
      notReadySince ??= Date.now();
      // Connecting at start-up is not an outage.
      if (Date.now() - notReadySince > 2000) problems.problem('transport', { transport: transport.kind }, 'events wait in the outbox: the event transport is unreachable');
      if (pending.length === 0) return 'failed';
    } else notReadySince = null;
    const marks = pending;
    // Transport down: only mark what was delivered (a batch of 0 reads nothing).
    const rows = rowsOf(await platform.database.db.execute(relayPassSql(holder, leaseMs, marks, ready ? size : 0)));
    pending = pending.slice(marks.length);
    if (!ready) return 'failed';
    if (!rows[0]?.held) {
      // Another instance relays: this one's next pass starts small again.
      size = batchSize;
      return 'busy';
    }
    const batch = rows.filter((r) => r.id !== null && r.id !== undefined);
    lastBacklog = batch.length;
    let failed: unknown = null;
    // Stop delivering before the lease can run out (a slow transport): the next pass renews it.
    const deliverUntil = Date.now() + Math.max(0, leaseMs - deliverTimeoutMs);
    let cut = false;
    for (const r of batch) {
      if (Date.now() > deliverUntil) {
        cut = true;
        break;
      }
      const id = Number(r.id);
      try {
        await withTimeout(
          transport.deliver({
            id: String(id),
            chain: outboxChain(r.chain as string | null, r.jurisdiction_code as string | null),
            name: r.name as EventName,
            payload: r.payload,
            requestId: String(r.request_id),
            createdAt: new Date(r.created_at as string | Date).toISOString(),
          }),
          deliverTimeoutMs,
        );
        pending.push(id);
        lastBacklog--;
      } catch (e) {
        // Stop at the first failure: a later event must not overtake this one.
        failed = e;
        break;
      }
    }
    if (failed) {
      problems.problem('deliver', { transport: transport.kind, err: { message: (failed as Error).message }, pending: lastBacklog }, 'event delivery failed; will retry');
      return 'failed';
    }
    const full = batch.length === size;
    size = full ? Math.min(size * 2, maxBatchSize) : batchSize;
    return cut || full ? 'more' : 'idle';
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
      else if (pending.length) next = Math.min(next, markAfterMs);
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
        if (r !== 'more' && (r !== 'idle' || pending.length === 0)) return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
      // Mark what was delivered and hand the lease over now, not when it runs out.
      await statementCounter
        .exit(async () => {
          if (pending.length) await platform.database.db.execute(relayPassSql(holder, leaseMs, pending, 0));
          pending = [];
          await platform.database.db.execute(sql`update outbox_relay_lease set lease_until = now() where id = ${LEASE_ROW} and holder = ${holder}`);
        })
        .catch((e) => log.warn({ err: { message: (e as Error).message } }, 'could not release the outbox relay lease; another instance takes over when it runs out'));
    },
    state() {
      return {
        transport: transport.kind,
        transportReady: transport.ready(),
        transportReconnects: transport.reconnects?.() ?? 0,
        failingSinceMs: failingSince ? Date.now() - failingSince : null,
        lastBacklog,
      };
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

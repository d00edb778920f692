import { and, asc, gt, gte, isNull, max, or, sql } from 'drizzle-orm';
import { createPubSub } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { PubSubLike } from './context.js';
import type { Database } from './db.js';
import type { EventName } from './events.js';
import { EVENTS_TOPIC, outboxChain, throttledLog, type EventEnvelope, type EventTransport } from './outbox.js';
import { rowsOf } from './sql-helpers.js';
import { eventOutbox } from './tables.js';

export interface EventBus {
  /** What GraphQL subscriptions read from (always in process; Redis feeds it). */
  pubsub: PubSubLike;
  /** What the outbox relay delivers to. */
  transport: EventTransport;
  close(): Promise<void>;
}

/** Rows read per catch-up query after a reconnect. */
const CATCH_UP_PAGE = 1000;

/**
 * Committed events for this instance's subscriptions: in process, or through Redis for several
 * instances. Redis pub/sub keeps nothing for a subscriber that is away, so the Redis side is
 * only the fast path: after every (re)connection the instance reads what it missed from the
 * outbox, in id order, and drops anything at or below the last id it passed on.
 *
 * Every Redis promise is handled and every client error is logged through pino (throttled while
 * Redis is away): an outage never ends the process, and ioredis never prints on its own.
 */
export async function createEventBus(redisUrl: string | null, log: Logger, channel: string, database: Database, opts: { retryMaxMs?: number } = {}): Promise<EventBus> {
  const local = createPubSub() as unknown as PubSubLike;
  if (!redisUrl) {
    return {
      pubsub: local,
      transport: {
        kind: 'memory',
        ready: () => true,
        async deliver(envelope: EventEnvelope) {
          local.publish(EVENTS_TOPIC, envelope);
        },
      },
      close: async () => {},
    };
  }
  const { Redis } = await import('ioredis');
  const problems = throttledLog(log.child({ component: 'redis' }));
  // ioredis's own back-off (50 ms more per attempt), capped at the configured longest wait.
  const retryMaxMs = opts.retryMaxMs ?? 2000;
  const retryStrategy = (attempt: number) => Math.min(attempt * 50, retryMaxMs);
  // Publishing fails at once while disconnected (no offline queue): the outbox keeps the event.
  const publishClient = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy });
  // We subscribe ourselves on every 'ready' (then catch up), so ioredis must not do it as well.
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null, connectTimeout: 2000, autoResubscribe: false, retryStrategy });
  let reconnects = 0;
  publishClient.on('reconnecting', () => reconnects++);
  let closing = false;
  for (const [role, client] of [
    ['publish', publishClient],
    ['subscribe', subscribeClient],
  ] as const) {
    // Without an 'error' listener ioredis writes every reconnect failure to stderr.
    client.on('error', (err: Error & { code?: string }) => problems.problem(`redis-${role}`, { role, code: err.code, err: { message: err.message } }, 'Redis unreachable; retrying'));
    client.on('ready', () => problems.recovered(`redis-${role}`, 'Redis reachable again'));
  }

  // Ids grow in commit order within a chain only (EventEnvelope): the last id passed on, per chain.
  const lastSeen = new Map<string, bigint>();
  /** The last id committed when this instance first subscribed: where catching up starts. */
  let floor: bigint | null = null;
  /** When the subscription was last lost: events published since then are read on catch-up. */
  let lostAt: Date | null = null;
  let catchingUp = true;
  let buffered: EventEnvelope[] = [];
  const pass = (env: EventEnvelope) => {
    const id = BigInt(env.id);
    const chain = env.chain ?? '';
    const last = lastSeen.get(chain);
    if (last !== undefined && id <= last) return; // a repeat (relayed again after a crash, or read in catch-up)
    lastSeen.set(chain, id);
    local.publish(EVENTS_TOPIC, env);
  };
  subscribeClient.on('close', () => {
    lostAt ??= new Date();
  });
  subscribeClient.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let env: EventEnvelope;
    try {
      env = JSON.parse(message) as EventEnvelope;
      BigInt(env.id);
    } catch {
      problems.problem('redis-message', { channel }, 'unreadable event message on the events channel; ignored');
      return;
    }
    if (catchingUp) buffered.push(env);
    else pass(env);
  });

  async function lastCommittedId(): Promise<bigint | null> {
    try {
      const [row] = await database.db.select({ id: max(eventOutbox.id) }).from(eventOutbox);
      return BigInt(row?.id ?? 0);
    } catch (e) {
      // Not migrated yet: no event exists, so everything from id 0 is new.
      const err = e as { code?: string; cause?: { code?: string } };
      return (err.cause?.code ?? err.code) === '42P01' ? 0n : null;
    }
  }

  async function resubscribe() {
    catchingUp = true;
    try {
      await subscribeClient.subscribe(channel);
      // Subscribed first, then read: nothing committed in between can fall through the gap.
      if (floor === null) floor = await lastCommittedId();
      else {
        // From the lowest id seen of any chain; plus whatever was published since the loss or is
        // not published yet (an event of a chain not seen so far may have a lower id).
        const from = [...lastSeen.values()].reduce((m, v) => (v < m ? v : m), floor);
        const since = new Date((lostAt ?? new Date()).getTime() - 5000);
        let after = 0n;
        for (;;) {
          const rows = await database.db
            .select()
            .from(eventOutbox)
            .where(and(gt(eventOutbox.id, Number(after)), or(gt(eventOutbox.id, Number(from)), isNull(eventOutbox.publishedAt), gte(eventOutbox.publishedAt, since))))
            .orderBy(asc(eventOutbox.id))
            .limit(CATCH_UP_PAGE);
          for (const r of rows)
            pass({ id: String(r.id), chain: outboxChain(r.chain, r.jurisdictionCode), name: r.name as EventName, payload: r.payload, requestId: r.requestId, createdAt: r.createdAt.toISOString() });
          if (rows.length < CATCH_UP_PAGE) break;
          after = BigInt(rows[rows.length - 1]!.id);
        }
      }
      lostAt = null;
    } catch (e) {
      if (!closing) problems.problem('redis-catch-up', { err: { message: (e as Error).message } }, 'could not catch up on events after reconnecting; some may be missing for this instance');
    } finally {
      catchingUp = false;
      const pending = buffered.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      buffered = [];
      for (const env of pending) pass(env);
    }
  }
  subscribeClient.on('ready', () => void resubscribe());

  return {
    pubsub: local,
    transport: {
      kind: 'redis',
      ready: () => publishClient.status === 'ready',
      reconnects: () => reconnects,
      async deliver(envelope) {
        await publishClient.publish(channel, JSON.stringify(envelope));
      },
    },
    close: async () => {
      closing = true;
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

/** The default Redis channel of a database's events: instances on the same database share it. */
export async function eventsChannelOf(database: Database): Promise<string> {
  const res = (await database.db.execute(sql`select current_database() as name`)) as unknown;
  return `safecity:events:${rowsOf<{ name?: string }>(res)[0]?.name ?? 'default'}`;
}

import { createPubSub } from 'graphql-yoga';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { PubSubLike } from './context.js';
import type { Database } from './db.js';
import { EVENTS_TOPIC, throttledLog, type EventEnvelope, type EventTransport } from './outbox.js';

export interface EventBus {
  /** What GraphQL subscriptions read from. */
  pubsub: PubSubLike;
  /** What the outbox relay delivers to. */
  transport: EventTransport;
  close(): Promise<void>;
}

/**
 * In process, or through Redis for several instances. Every Redis promise is handled and every
 * client error is logged through pino (throttled while Redis is away): an outage never ends the
 * process, and ioredis never prints to stderr on its own.
 */
export async function createEventBus(redisUrl: string | null, log: Logger, channel = EVENTS_TOPIC): Promise<EventBus> {
  if (!redisUrl) {
    const pubsub = createPubSub() as unknown as PubSubLike;
    return {
      pubsub,
      transport: {
        kind: 'memory',
        ready: () => true,
        async deliver(envelope: EventEnvelope) {
          pubsub.publish(EVENTS_TOPIC, envelope);
        },
      },
      close: async () => {},
    };
  }
  const { createRedisEventTarget } = await import('@graphql-yoga/redis-event-target');
  const { Redis } = await import('ioredis');
  const rlog = log.child({ component: 'redis' });
  const problems = throttledLog(rlog);
  // Publishing fails at once while disconnected (no offline queue): the outbox keeps the event.
  const publishClient = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  // SUBSCRIBE waits for the connection (ioredis re-subscribes by itself after a reconnect).
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null, connectTimeout: 2000 });
  for (const [role, client] of [['publish', publishClient], ['subscribe', subscribeClient]] as const) {
    // Without an 'error' listener ioredis writes every reconnect failure to stderr.
    client.on('error', (err: Error & { code?: string }) => problems.problem(`redis-${role}`, { role, code: err.code, err: { message: err.message } }, 'Redis unreachable; retrying'));
    client.on('ready', () => problems.recovered(`redis-${role}`, 'Redis reachable again'));
  }
  let closing = false;
  const handled = (p: Promise<unknown>, what: string) =>
    void p.catch((err: Error) => {
      if (closing) return; // commands cut off by our own disconnect
      problems.problem(`redis-${what}`, { err: { message: err.message } }, `Redis ${what} failed`);
    });
  // The event target calls these without handling their promises; these adapters do.
  const eventTarget = createRedisEventTarget({
    publishClient: { publish: (channel: string, message: string) => handled(publishClient.publish(channel, message), 'publish') } as never,
    subscribeClient: {
      on: (event: string, listener: (...a: any[]) => void) => subscribeClient.on(event, listener),
      // Only once ready: a SUBSCRIBE written while ioredis is still sending its handshake puts the
      // connection in subscriber mode under it, the handshake fails, ioredis reconnects and
      // forgets the channel (ioredis 5.11, seen here on start-up).
      subscribe: (channel: string) => handled(whenReady(subscribeClient).then(() => subscribeClient.subscribe(channel)), 'subscribe'),
      unsubscribe: (channel: string) => handled(subscribeClient.unsubscribe(channel), 'unsubscribe'),
    } as never,
  });
  const inner = createPubSub({ eventTarget }) as unknown as PubSubLike;
  // One channel per database: outbox ids are per database, and subscribers drop ids they have passed.
  const pubsub: PubSubLike = {
    publish: (topic, payload) => inner.publish(topic === EVENTS_TOPIC ? channel : topic, payload),
    subscribe: (topic) => inner.subscribe(topic === EVENTS_TOPIC ? channel : topic),
  };
  return {
    pubsub,
    transport: {
      kind: 'redis',
      ready: () => publishClient.status === 'ready',
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

function whenReady(client: { status: string; once(event: 'ready', cb: () => void): unknown }): Promise<void> {
  return client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => void client.once('ready', resolve));
}

/** The default Redis channel of a database's events: instances on the same database share it. */
export async function eventsChannelOf(database: Database): Promise<string> {
  const res = (await database.db.execute(sql`select current_database() as name`)) as unknown;
  const rows = Array.isArray(res) ? res : ((res as { rows?: { name: string }[] }).rows ?? []);
  return `safecity:events:${(rows[0] as { name?: string } | undefined)?.name ?? 'default'}`;
}

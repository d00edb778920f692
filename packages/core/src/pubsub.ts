import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db.js';
import { createEventBus, eventsChannelOf, type EventBus } from './event-transport.js';
import type { EventName } from './events.js';
import type { ModuleDescriptor, Subscriber } from './module.js';
import { EVENTS_TOPIC } from './outbox.js';

/** Pub/sub wiring: who hears each event, and the bus that carries committed events to subscriptions. */

/** Every module's subscribers by event, in the order the modules are listed. */
export function subscribersOf(modules: ModuleDescriptor[]): Map<EventName, Subscriber<any>[]> {
  const subscribers = new Map<EventName, Subscriber<any>[]>();
  for (const m of modules) for (const s of m.subscribers) subscribers.set(s.event, [...(subscribers.get(s.event) ?? []), s]);
  return subscribers;
}

/**
 * In process without Redis; with Redis, on the configured channel or else the database's own
 * (instances on the same database share it).
 */
export async function openEventBus(config: Config, database: Database, log: Logger): Promise<EventBus> {
  const channel = config.redisUrl ? (config.redisChannel ?? (await eventsChannelOf(database))) : EVENTS_TOPIC;
  return createEventBus(config.redisUrl, log, channel, database, { retryMaxMs: config.redisRetryMaxMs });
}

import { randomUUID } from 'node:crypto';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from './config.js';
import type { Ctx, Platform } from './context.js';
import type { Database } from './db.js';
import { createLogger } from './logger.js';
import { assertEventContract, type ModuleDescriptor } from './module.js';
import { createOutboxRelay, redisReadiness } from './outbox.js';
import { createReadRouter, replicaReadiness } from './replicas.js';
import { openEventBus, subscribersOf } from './pubsub.js';
import { databaseReadiness } from './readiness.js';
import { rolePermissionsOf, withCore } from './schema.js';

/** The platform: what every request and job shares (config, database, log, events, permissions). */

export interface PlatformOptions {
  modules: ModuleDescriptor[];
  config: Config;
  database: Database;
  log?: Logger;
  /** Where the core logger writes (default stdout); tests capture it. */
  logDestination?: DestinationStream;
  /**
   * Refuse to start when a listed module subscribes to an event no listed module emits (default).
   * A test of one module in isolation turns it off: its subscriptions' emitters are left out on purpose.
   */
  eventContract?: 'enforce' | 'off';
}

export async function createPlatform(o: PlatformOptions): Promise<Platform & { close(): Promise<void> }> {
  const all = withCore(o.modules);
  if (o.eventContract !== 'off') assertEventContract(all);
  const log = o.log ?? createLogger({ level: o.config.logLevel, destination: o.logDestination });
  const bus = await openEventBus(o.config, o.database, log);
  const outbox = createOutboxRelay({ database: o.database, log }, bus.transport);
  const replicas = o.config.replicas?.urls.length ? await createReadRouter(o.config.replicas, o.database, log) : undefined;
  return {
    config: o.config,
    database: o.database,
    log,
    pubsub: bus.pubsub,
    subscribers: subscribersOf(all),
    rolePermissions: rolePermissionsOf(o.modules),
    outbox,
    replicas,
    readinessChecks: [databaseReadiness, ...(o.config.redisUrl ? [redisReadiness] : []), ...(replicas ? replicaReadiness(replicas) : []), ...all.flatMap((m) => m.readiness ?? [])],
    close: async () => {
      await outbox.stop();
      await replicas?.close();
      await bus.close();
    },
  };
}

/** A context for work outside HTTP (seeds, sweeps, CLI): acts as `actor` or as nobody. */
export function systemContext(platform: Platform, actor: Ctx['actor'] = null): Ctx {
  return {
    platform,
    db: platform.database.db,
    requestId: `system-${randomUUID()}`,
    actor,
    log: platform.log,
    loaders: new Map(),
    now: () => new Date(),
  };
}

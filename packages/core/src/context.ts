import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { SQL, AnyColumn } from 'drizzle-orm';
import type { Actor } from './auth.js';
import type { AuditInput } from './audit.js';
import type { Config } from './config.js';
import type { Database, Db } from './db.js';
import { CoreErrors, notFound, unauthenticated } from './errors.js';
import type { DomainEvents, EmittedEvent, EventName } from './events.js';
import { isWithin, withinSql } from './jurisdiction.js';
import { inSpan } from './ops/tracing.js';
import type { Subscriber } from './module.js';
import type { OutboxRelay } from './outbox.js';
import type { ReadinessCheck } from './readiness.js';
import type { ReadRouter } from './replicas.js';

export interface PubSubLike {
  publish(topic: string, payload: unknown): void;
  subscribe(topic: string): AsyncIterable<unknown>;
}

/** What lives for the whole process: shared by every request. */
export interface Platform {
  config: Config;
  database: Database;
  log: Logger;
  pubsub: PubSubLike;
  subscribers: ReadonlyMap<EventName, Subscriber<any>[]>;
  rolePermissions: ReadonlyMap<string, ReadonlySet<string>>;
  /** Relays committed events from the outbox (absent on hand-made platforms: events then wait in the outbox). */
  outbox?: OutboxRelay;
  /** Read replicas, when DATABASE_REPLICA_URL is set (replicas.ts). */
  replicas?: ReadRouter;
  /** What `/readiness` runs: `database` first, then the modules' checks; platform pieces (Redis) push theirs. */
  readinessChecks: ReadinessCheck[];
}

/** The request context: services take it first. */
export interface Ctx {
  platform: Platform;
  /** The database handle: inside a mutation, the open transaction. */
  db: Db;
  requestId: string;
  actor: Actor | null;
  log: Logger;
  /** Per-request loaders (batching and caching across one request). */
  loaders: Map<string, DataLoader<any, any>>;
  /** Clock; tests may pin it. */
  now(): Date;
  /** Aborts when the client hangs up or the request's time budget runs out (HTTP requests only). */
  signal?: AbortSignal;
}

/** The context inside a transaction: writes, audit entries and events travel together. */
export interface TxCtx extends Ctx {
  audit(entry: AuditInput): void;
  emit<N extends EventName>(name: N, payload: DomainEvents[N]): Promise<void>;
  /** Events emitted so far in this transaction (published after commit). */
  readonly emitted: EmittedEvent[];
}

export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}

export function can(ctx: Ctx, permission: string): boolean {
  return !!ctx.actor?.permissions.has(permission);
}

export function requirePermission(ctx: Ctx, permission: string): Actor {
  const actor = requireActor(ctx);
  if (!actor.permissions.has(permission)) throw CoreErrors.error('FORBIDDEN', `Missing permission ${permission}.`);
  return actor;
}

/** The caller's jurisdiction code (the root of what they may see). */
export function scopeOf(ctx: Ctx): string {
  return requireActor(ctx).jurisdictionCode;
}

/** SQL condition: the column's division code is inside the caller's subtree. */
export function inScope(ctx: Ctx, column: AnyColumn | SQL): SQL {
  return withinSql(column, scopeOf(ctx));
}

export function isInScope(ctx: Ctx, code: string | null | undefined): boolean {
  return !!code && !!ctx.actor && isWithin(code, ctx.actor.jurisdictionCode);
}

/** A record outside the caller's subtree does not exist for them. */
export function assertInScope(ctx: Ctx, code: string | null | undefined, what = 'record'): void {
  if (!isInScope(ctx, code)) throw notFound(what);
}

/** A per-request DataLoader, created on first use under `key`. */
export function loader<K, V>(ctx: Ctx, key: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>, opts?: DataLoader.Options<K, V, K>): DataLoader<K, V> {
  let l = ctx.loaders.get(key);
  if (!l) {
    l = new DataLoader<K, V>((keys) => inSpan(`dataloader ${key}`, { 'safecity.batch_size': keys.length }, () => batch(keys)), { maxBatchSize: 1000, ...opts });
    ctx.loaders.set(key, l);
  }
  return l as DataLoader<K, V>;
}

/** Groups rows by key in the order of `keys`: the usual shape of a batch function. */
export function groupBy<K, R>(keys: readonly K[], rows: R[], keyOf: (r: R) => K): R[][] {
  const m = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return keys.map((k) => m.get(k) ?? []);
}

export function indexBy<K, R>(keys: readonly K[], rows: R[], keyOf: (r: R) => K): (R | null)[] {
  const m = new Map<K, R>();
  for (const r of rows) m.set(keyOf(r), r);
  return keys.map((k) => m.get(k) ?? null);
}

/** Optimistic concurrency: the version the client read must still be current. */
export function assertVersion(current: number, expected: number | null | undefined, what = 'record'): void {
  if (expected != null && current !== expected) {
    throw CoreErrors.error('VERSION_CONFLICT', `The ${what} is at version ${current}, you sent ${expected}; reload and retry.`, {
      field: 'version',
      details: { currentVersion: current, expectedVersion: expected },
    });
  }
}

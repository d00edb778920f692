import type { PgTable } from 'drizzle-orm/pg-core';
import type { Role } from './auth.js';
import type { Builder } from './builder.js';
import type { Ctx, TxCtx } from './context.js';
import type { Db } from './db.js';
import type { DomainEvents, EventName } from './events.js';
import type { ReadinessCheck } from './readiness.js';

export type Subscriber<N extends EventName = EventName> = {
  event: N;
  /** A short name for logs and audit: `credit.recordVeto`. */
  name: string;
  /** Runs inside the emitting transaction: its writes commit or roll back with the emitter's. */
  handle(tx: TxCtx, payload: DomainEvents[N]): Promise<void>;
};

export interface PermissionSpec {
  description: string;
  /** The seeded roles granted this permission. */
  roles: Role[];
}

export interface ModuleDescriptor {
  name: string;
  /** drizzle tables: migrations are generated from every module's tables. */
  tables: Record<string, PgTable>;
  permissions: Record<string, PermissionSpec>;
  /** The module's closed set of error codes (full codes, e.g. POPULATION_RESIDENT_ID_INVALID). */
  errorCodes: string[];
  /** Adds the module's types, queries, mutations and subscriptions to the one schema. */
  register(builder: Builder): void;
  subscribers: Subscriber<any>[];
  /** Idempotent demo data for the seeded city; runs after core's jurisdictions. */
  seed?(ctx: Ctx): Promise<void>;
  /** CLI commands, run as `safecity <module>:<command> [args]` with a system or role context. */
  commands?: Record<string, ModuleCommand>;
  /** Idempotent SQL applied after migrations (triggers and the like that drizzle-kit does not model). */
  postMigrateSql?: string[];
  /**
   * Idempotent data migration run by `migrate` after the SQL (work SQL cannot do, e.g. encrypting
   * a column with the data key). Must be safe to run on every start.
   */
  postMigrate?(db: Db): Promise<void>;
  /** Checks this module adds to `/readiness` (e.g. the holiday calendar running out). */
  readiness?: ReadinessCheck[];
}

export interface ModuleCommand {
  description: string;
  usage?: string;
  /** `ctx` acts as the role given with --as (default city_admin); `args` are the rest of the command line. */
  run(ctx: Ctx, args: string[]): Promise<void>;
}

/** Declares a module. Typed helper: one object lists everything the module adds. */
export function defineModule<M extends ModuleDescriptor>(m: M): M {
  return m;
}

/** Helper for typed subscribers inside a descriptor. */
export function on<N extends EventName>(event: N, name: string, handle: Subscriber<N>['handle']): Subscriber<N> {
  return { event, name, handle };
}

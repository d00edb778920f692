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
  /**
   * Tables with a `jurisdiction_code` column that row-level security leaves alone, each with the
   * reason (data/row-security.ts): every other such table gets the scope policy.
   */
  unscopedTables?: Record<string, string>;
  permissions: Record<string, PermissionSpec>;
  /** The module's closed set of error codes (full codes, e.g. POPULATION_RESIDENT_ID_INVALID). */
  errorCodes: string[];
  /** Adds the module's types, queries, mutations and subscriptions to the one schema. */
  register(builder: Builder): void;
  subscribers: Subscriber<any>[];
  /**
   * The events this module raises. Declared so the contract between modules is visible: the
   * platform refuses to start when a listed module subscribes to an event no listed module emits
   * (dropping a module would otherwise silently leave its subscribers' events unraised).
   */
  emits: EventName[];
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
  /**
   * Scheduled work (overdue sweeps, settlements, warnings). Core's job runner runs each job on
   * one API node at a time, never inside a request: reads must not write.
   */
  jobs?: ModuleJob[];
}

export interface ModuleJob {
  /** Unique across modules: `assessment.settle-overdue`. */
  name: string;
  /** How often the job runs, in milliseconds. */
  everyMs: number;
  /** Runs with a system context (no request); writes go through the usual services and audit. */
  run(ctx: Ctx): Promise<void>;
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

/**
 * Every subscribed event must have an emitter among the listed modules. Returns the problems
 * (empty when the contract holds); `assertEventContract` throws them.
 */
export function eventContractProblems(modules: readonly Pick<ModuleDescriptor, 'name' | 'emits' | 'subscribers'>[]): string[] {
  const emitted = new Set(modules.flatMap((m) => m.emits));
  return modules.flatMap((m) => m.subscribers.filter((s) => !emitted.has(s.event)).map((s) => `module ${m.name} subscribes to ${s.event} (${s.name}), which no listed module emits`));
}

export function assertEventContract(modules: readonly Pick<ModuleDescriptor, 'name' | 'emits' | 'subscribers'>[]): void {
  const problems = eventContractProblems(modules);
  if (problems.length) throw new Error(`The modules' event contract does not hold:\n- ${problems.join('\n- ')}`);
}

import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Plugin } from 'graphql-yoga';
import { Kind, type DefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Ctx } from '../context.js';
import { openScopedSession, statementCounter, type Db } from '../db.js';
import { isDivisionCode, subtreeRange } from '../jurisdiction.js';
import type { ModuleDescriptor } from '../module.js';

/**
 * Row-level security, the second line behind the services' own scope filters: PostgreSQL itself
 * refuses rows outside the caller's subtree. Every table with a `jurisdiction_code` column gets a
 * policy unless its module declares it unscoped (with the reason); the policy reads the scope
 * from two per-transaction settings, written as range conditions with the pattern operators so
 * the `text_pattern_ops` index on the code is still used (see shared/DATA-LAYER.md).
 */

/** The role a request's transaction switches to: owns nothing, cannot bypass row security. */
export const API_ROLE = 'safecity_api';
export const SCOPE_LO = 'safecity.scope_lo';
export const SCOPE_HI = 'safecity.scope_hi';
/** The column a jurisdiction table is keyed by (the platform's convention). */
export const JURISDICTION_COLUMN = 'jurisdiction_code';
const POLICY = 'safecity_scope';

/** Above every division code: codes are digits, so a range ending here holds them all. */
const TOP = '~';

export interface ScopeRange {
  lo: string;
  hi: string;
}

/** The caller's range: the subtree of a division code (`subtreeRange`), refused for anything else. */
export function scopeRangeOf(code: string): ScopeRange {
  if (!isDivisionCode(code)) throw new Error(`not a division code: ${code}`);
  return subtreeRange(code);
}

/** A system context (seeds, sweeps, jobs acting for the platform): every code. */
export const SYSTEM_RANGE: ScopeRange = { lo: '', hi: TOP };
/** Nothing: what a transaction sees before its scope is set. */
export const EMPTY_RANGE: ScopeRange = { lo: '', hi: '' };

/** The tables row security applies to, with their jurisdiction column. */
export function jurisdictionTablesOf(modules: readonly Pick<ModuleDescriptor, 'name' | 'tables' | 'unscopedTables'>[]): { module: string; table: string; column: string }[] {
  const out: { module: string; table: string; column: string }[] = [];
  for (const m of modules) {
    for (const t of Object.values(m.tables) as PgTable[]) {
      const name = getTableName(t);
      if (m.unscopedTables?.[name]) continue;
      const hasColumn = Object.values(getTableColumns(t)).some((c) => c.name === JURISDICTION_COLUMN);
      if (hasColumn) out.push({ module: m.name, table: name, column: JURISDICTION_COLUMN });
    }
  }
  return out;
}

/** The condition of the policy: inside [lo, hi) of the transaction's settings. */
export function scopePolicyCondition(column: string): string {
  return `${column} ~>=~ current_setting('${SCOPE_LO}', true) and ${column} ~<~ current_setting('${SCOPE_HI}', true)`;
}

/**
 * Idempotent SQL run after migrations: the API role (cluster-wide on a server, so created once,
 * tolerating a concurrent creator), its grants, and one policy per jurisdiction table. The same
 * policy guards reads and writes (`with check` defaults to `using`).
 */
export function rowSecuritySql(modules: readonly Pick<ModuleDescriptor, 'name' | 'tables' | 'unscopedTables'>[]): string[] {
  const stmts = [
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = '${API_ROLE}') then
         create role ${API_ROLE} nologin nosuperuser noinherit nobypassrls;
       end if;
     exception when duplicate_object or unique_violation then null;
     end $$`,
    `grant usage on schema public to ${API_ROLE}`,
    `grant select, insert, update, delete on all tables in schema public to ${API_ROLE}`,
    `grant usage, select on all sequences in schema public to ${API_ROLE}`,
    `grant execute on all functions in schema public to ${API_ROLE}`,
  ];
  for (const { table, column } of jurisdictionTablesOf(modules)) {
    stmts.push(
      `alter table ${table} enable row level security`,
      `drop policy if exists ${POLICY} on ${table}`,
      `create policy ${POLICY} on ${table} to ${API_ROLE} using (${scopePolicyCondition(column)})`,
    );
  }
  return stmts;
}

/** The first statement of a scoped transaction: the role and the range, transaction-local. */
export function scopeSettingsSql(range: ScopeRange) {
  return sql`select set_config('role', ${API_ROLE}, true), set_config(${SCOPE_LO}, ${range.lo}, true), set_config(${SCOPE_HI}, ${range.hi}, true)`;
}

/** The range a context reads with: its actor's subtree; a context without an actor reads nothing. */
export function rangeOf(ctx: Ctx): ScopeRange {
  const code = ctx.actor?.jurisdictionCode;
  return code && isDivisionCode(code) ? scopeRangeOf(code) : EMPTY_RANGE;
}

/** On a request's context while its scoped transaction is open: the range it was opened with (copied by `{ ...ctx }`). */
const SCOPED = Symbol('safecity.scopedTransaction');

/** Whether `ctx.db` is already a scoped request transaction. */
export function inScopedTransaction(ctx: Ctx): boolean {
  return !!(ctx as unknown as Record<symbol, unknown>)[SCOPED];
}

/** Sets the range of the open transaction; bookkeeping of the transaction, so not counted as a request statement. */
async function setRange(db: Db, range: ScopeRange): Promise<void> {
  await db.execute(scopeSettingsSql(range));
  const counted = statementCounter.getStore();
  if (counted) {
    counted.count--;
    counted.log?.pop();
    counted.params?.pop();
  }
}

/**
 * Runs `fn` inside one transaction as the API role with `range` (default: the caller's subtree);
 * `ctx.db` is that transaction for the duration, so every statement of the request is scoped.
 */
export async function runScoped<T>(ctx: Ctx, fn: () => Promise<T>, range: ScopeRange = rangeOf(ctx)): Promise<T> {
  if (inScopedTransaction(ctx)) return fn();
  const outer = ctx.db;
  const holder = ctx as unknown as Record<symbol, unknown>;
  // On a server: a session of the API role that keeps its range between requests, taken at the
  // first statement (data/scoped-sessions.ts); no transaction unless the request writes.
  const session = openScopedSession(outer, range);
  if (session) {
    try {
      ctx.db = session.db;
      holder[SCOPED] = range;
      return await fn();
    } finally {
      ctx.db = outer;
      delete holder[SCOPED];
      session.release();
    }
  }
  try {
    return await outer.transaction(async (tx) => {
      await setRange(tx as unknown as Db, range);
      ctx.db = tx as unknown as Db;
      holder[SCOPED] = range;
      return fn();
    });
  } finally {
    ctx.db = outer;
    delete holder[SCOPED];
  }
}

/**
 * A system write made while a scoped read is open (a rule settled on read): it joins the request's
 * transaction (on PGlite a second transaction would wait for this one) with every code in range,
 * and the caller's range is back when it ends.
 */
export async function widenedForSystem<T>(ctx: Ctx, db: Db, fn: () => Promise<T>): Promise<T> {
  const range = (ctx as unknown as Record<symbol, ScopeRange | undefined>)[SCOPED];
  if (!range) return fn();
  await setRange(db, SYSTEM_RANGE);
  try {
    return await fn();
  } finally {
    await setRange(db, range);
  }
}

/**
 * Every query operation of an authenticated caller runs in one scoped transaction. Mutations
 * keep their own transactions (runMutation); anonymous operations are the public fields, which
 * read city-wide data on purpose.
 */
export function useScopedReads(): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as unknown as Ctx;
      if (!ctx?.actor) return;
      const op = (args.document.definitions as readonly DefinitionNode[]).find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
      );
      if (op?.operation !== 'query') return;
      setExecuteFn((a) => runScoped(ctx, async () => executeFn(a) as never));
    },
  };
}

import { getTableName, sql } from 'drizzle-orm';
import { check, type AnyPgColumn, type PgTable } from 'drizzle-orm/pg-core';

/**
 * Integrity the database keeps itself, whatever code writes to it: one copy of each primitive
 * every module's tables use (jurisdiction references, closed vocabularies, append-only tables).
 */

// `jurisdictionCode()` (a column referencing jurisdictions(code)) lives with the table, in tables.ts.

/** `'a', 'b'` with quotes doubled: the values are the module's own constants, never client input. */
const literals = (values: readonly string[]) => values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');

/**
 * A check constraint keeping an enum-like text column inside its closed vocabulary. The column is
 * declared `text(name, { enum: VALUES })` so reads are typed; this makes the database agree.
 * A null passes (nullable columns stay nullable), as in SQL's own `in`.
 */
export function oneOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  return check(name, sql`${column} in (${sql.raw(literals(values))})`);
}

/** Same for a text array column: every element is in the vocabulary. */
export function allOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  return check(name, sql`${column} <@ array[${sql.raw(literals(values))}]::text[]`);
}

/** The one trigger function behind every append-only table: UPDATE and DELETE raise. */
export const APPEND_ONLY_FUNCTION = 'safecity_append_only';

/**
 * Post-migrate SQL making each table append-only: a row trigger refuses UPDATE and DELETE with
 * `<table> is append-only`; corrections are new rows. Idempotent (runs on every migrate). The
 * trigger is named `<table>_append_only`, so an operator can find (and, for a repair, disable) it.
 */
export function appendOnly(tables: readonly PgTable[]): string[] {
  return [
    `create or replace function ${APPEND_ONLY_FUNCTION}() returns trigger language plpgsql as $$
   begin raise exception '% is append-only', tg_table_name; end $$`,
    ...tables
      .map(getTableName)
      .flatMap((t) => [`drop trigger if exists ${t}_append_only on ${t}`, `create trigger ${t}_append_only before update or delete on ${t} for each row execute function ${APPEND_ONLY_FUNCTION}()`]),
  ];
}

/**
 * The per-module trigger functions appendOnly replaced. Dropped (with the triggers still using
 * them) by core's post-migrate SQL, which runs before the modules' re-create their triggers on
 * the shared function in the same `migrate`.
 */
export const RETIRED_APPEND_ONLY_SQL = ['audit_log_append_only', 'holiday_arrangements_append_only', 'assessment_append_only', 'disputes_append_only', 'credit_append_only'].map(
  (f) => `drop function if exists ${f}() cascade`,
);

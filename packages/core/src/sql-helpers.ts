import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * `column = any($1::type[])`: one array parameter instead of `in ($1, …, $n)`. The statement text
 * stays the same whatever the number of keys (so prepared statements are reused), and building
 * it costs the same for 1 key as for 1,000 (drizzle's `inArray` walks every value).
 */
export function anyOf(column: PgColumn, values: readonly unknown[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(column.getSQLType())}[])`;
}

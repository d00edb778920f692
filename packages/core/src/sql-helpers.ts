import { getTableColumns, getTableName, is, Placeholder, sql, SQL, Table } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Escapes LIKE's metacharacters (\, %, _) so that user text matches only itself (PostgreSQL's default escape is \). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The LIKE pattern of "contains `s`", `s` taken literally. */
export function containsPattern(s: string): string {
  return `%${escapeLike(s)}%`;
}

/**
 * The rows of `db.execute(…)` whichever driver answered: PGlite gives `{ rows }`, postgres.js
 * the array itself.
 */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] } | null)?.rows ?? [])) as T[];
}

/**
 * `column = any($1::type[])`: one array parameter instead of `in ($1, …, $n)`. The statement text
 * stays the same whatever the number of keys (so prepared statements are reused), and building
 * it costs the same for 1 key as for 1,000 (drizzle's `inArray` walks every value). The keys may be
 * a `sql.placeholder`, filled per request where the planner keeps the statement (planRows' `values`).
 */
export function anyOf(column: PgColumn, values: readonly unknown[] | Placeholder): SQL {
  const keys = is(values, Placeholder) ? values : sql.param([...(values as readonly unknown[])]);
  return sql`${column} = any(${keys}::${sql.raw(column.getSQLType())}[])`;
}

/**
 * Many rows as one `select … from jsonb_to_recordset($1)`, for `db.insert(table).select(…)`:
 * one parameter instead of rows × columns. drizzle builds a multi-row VALUES list value by value,
 * which dominated bulk imports (a 500-row batch has thousands of parameters). Columns a row leaves
 * out take their default (SQL default or $defaultFn), as they would with `.values()`.
 */
export function rowsAsSelect<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][]): SQL {
  const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
  const records = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, col] of columns) {
      let v = (row as Record<string, unknown>)[key];
      if (v === undefined && col.defaultFn) v = col.defaultFn();
      if (v !== undefined) out[col.name] = v instanceof Date ? v.toISOString() : v;
    }
    return out;
  });
  const present = columns.filter(([, col]) => records.some((r) => col.name in r));
  const serial = (col: PgColumn) => /serial$/.test(col.getSQLType());
  const select = columns.map(([, col]) => {
    const name = sql.identifier(col.name);
    if (serial(col) && !present.some(([, c]) => c === col)) return sql`nextval(pg_get_serial_sequence(${getTableName(table)}, ${col.name}))`;
    const isPresent = present.some(([, c]) => c === col);
    const dflt = col.hasDefault && col.default !== undefined ? (is(col.default, SQL) ? col.default : sql`${col.default}::${sql.raw(col.getSQLType())}`) : null;
    if (isPresent) return dflt ? sql`coalesce(x.${name}, ${dflt})` : sql`x.${name}`;
    return dflt ?? sql`null::${sql.raw(col.getSQLType())}`;
  });
  const def = sql.join(
    present.map(
      ([, col]) => sql`${sql.identifier(col.name)} ${sql.raw(col.getSQLType().replace(/^(big|small)?serial$/, (_m, p) => (p === 'big' ? 'bigint' : p === 'small' ? 'smallint' : 'integer')))}`,
    ),
    sql`, `,
  );
  return sql`select ${sql.join(select, sql`, `)} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${def})`;
}

/**
 * Column (JS property) names that are NOT NULL in every table that has them: the schema check
 * uses it to tell a field whose value always exists from one whose absence means something.
 */
export function notNullColumnNames(tables: unknown[]): Set<string> {
  const seen = new Map<string, boolean>();
  for (const t of tables) {
    if (!is(t, Table)) continue;
    for (const [key, col] of Object.entries(getTableColumns(t))) seen.set(key, (seen.get(key) ?? true) && (col as { notNull: boolean }).notNull);
  }
  return new Set([...seen].filter(([, notNull]) => notNull).map(([k]) => k));
}

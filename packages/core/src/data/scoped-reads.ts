import { and, eq, getTableColumns, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { inScope, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { isUuid } from '../global-id.js';
import { withinSql } from '../jurisdiction.js';
import { ledByDivisionCode, paginate, type ConnectionArgs, type Page } from '../pagination.js';
import type { TableSpec } from './planner.js';

/**
 * A table a module reads inside the caller's jurisdiction: the same declaration the planner reads
 * (`TableSpec`), with its jurisdiction property required. The column is named once, here, and
 * every plain read of the table goes through `scopedRead`, so no module writes the scope filter.
 */
export type ScopedTable<T extends PgTable = PgTable> = TableSpec<T> & { jurisdiction: keyof T['$inferSelect'] & string };

type RowOf<T extends PgTable> = T['$inferSelect'];

/** The property a module's table keeps its division code in (the platform's convention). */
const JURISDICTION_PROPERTY = 'jurisdictionCode';

/**
 * Declares several tables that follow the convention at once (`{ name: table }` → `{ name:
 * ScopedTable }`); a table without the property is refused when the module loads, not at the
 * first read.
 */
export function scopedTables<M extends Record<string, PgTable>>(tables: M): { [K in keyof M]: ScopedTable<M[K]> } {
  return Object.fromEntries(
    Object.entries(tables).map(([name, table]) => {
      if (!(JURISDICTION_PROPERTY in getTableColumns(table))) throw new Error(`${name}: the table has no ${JURISDICTION_PROPERTY} to scope by`);
      return [name, { table, jurisdiction: JURISDICTION_PROPERTY }];
    }),
  ) as { [K in keyof M]: ScopedTable<M[K]> };
}

export interface ScopedPageOrder<T extends PgTable> {
  args: ConnectionArgs;
  /**
   * The stable order as the table's properties, ending with a unique one (the id); each is both
   * the sort column and the cursor value, so a caller cannot name them inconsistently.
   */
  keys: (keyof RowOf<T> & string)[];
  direction?: 'asc' | 'desc';
  defaultPageSize?: number;
}

export interface ScopedReadOptions<T extends PgTable, R> {
  /**
   * Only rows within this division (or within any of these divisions), on top of the caller's
   * own scope, never instead of it. Null or undefined: no such filter; an empty list: no row.
   */
  within?: string | readonly string[] | null;
  /**
   * `public`: a read everyone may make whatever their jurisdiction (a published list), so the
   * caller's scope is not applied; `within` still is. Named here so a reviewer sees it.
   */
  audience?: 'caller' | 'public';
  /** The module's own conditions (undefined entries are skipped). */
  where?: (SQL | undefined)[];
  /** A list's order (ignored for a page, whose order is its keys). */
  orderBy?: (AnyColumn | SQL)[];
  /** A list's upper bound (a page's is its size). */
  limit?: number;
  /** A keyset page (Relay connection) instead of a list. */
  page?: ScopedPageOrder<T>;
  /**
   * The statement when the read is not every column of the table (a projection, a join, an
   * aggregate): it must filter on `where` (scope, within and the module's conditions, and a page's
   * cursor), and apply `orderBy` and `limit` when given. By default: every column of the table.
   */
  from?: (where: SQL | undefined, orderBy: SQL[], limit: number | undefined) => Promise<R[]>;
}

function columnOf(spec: ScopedTable, prop: string): PgColumn {
  const col = getTableColumns(spec.table)[prop] as PgColumn | undefined;
  if (!col) throw new Error(`the declared table has no property ${prop}`);
  return col;
}

/** The caller's scope and the optional division filter on the table's declared jurisdiction column. */
function scopeConditions(ctx: Ctx, spec: ScopedTable, o: Pick<ScopedReadOptions<PgTable, unknown>, 'within' | 'audience'>): SQL[] {
  const col = columnOf(spec, spec.jurisdiction);
  const conds = o.audience === 'public' ? [] : [inScope(ctx, col)];
  const within = o.within;
  if (typeof within === 'string') conds.push(withinSql(col, within));
  else if (within) conds.push(within.length ? or(...within.map((code) => withinSql(col, code)))! : sql`false`);
  return conds;
}

function everyColumn<R>(ctx: Ctx, table: PgTable) {
  return (where: SQL | undefined, orderBy: SQL[], limit: number | undefined): Promise<R[]> => {
    const q = ctx.db
      .select()
      .from(table as PgTable)
      .where(where)
      .$dynamic();
    if (orderBy.length) q.orderBy(...orderBy);
    if (limit != null) q.limit(limit);
    return q as unknown as Promise<R[]>;
  };
}

/**
 * The one way a module reads rows of a table that has a jurisdiction: a keyset page (`page`),
 * a list, or a lookup (by id, for a loader: put the ids in `where`). The caller's scope is applied
 * here, from the table's declaration, together with the optional `within` filter; the module
 * gives only its own conditions and order. Rows outside the caller's subtree do not exist for the
 * caller, so a lookup of one is simply absent (the loader says NOT_FOUND, leaking nothing).
 *
 * Writes do not come here: a mutation locks the row it changes with `lockInScope` (the same
 * declaration, `for update`) and checks the scope of what it is about to write (`assertInScope`,
 * `requireWritableJurisdiction`) inside its transaction, next to the write; the few writes that
 * still write a scope condition themselves (sweeps, set-based checks) are listed in the api's
 * read-scope check.
 */
export function scopedRead<T extends PgTable, R = RowOf<T>>(ctx: Ctx, spec: ScopedTable<T>, o: ScopedReadOptions<T, R> & { page: ScopedPageOrder<T> }): Promise<Page<R>>;
export function scopedRead<T extends PgTable, R = RowOf<T>>(ctx: Ctx, spec: ScopedTable<T>, o?: ScopedReadOptions<T, R>): Promise<R[]>;
export function scopedRead<T extends PgTable, R = RowOf<T>>(ctx: Ctx, spec: ScopedTable<T>, o: ScopedReadOptions<T, R> = {}): Promise<Page<R> | R[]> {
  const base = [...scopeConditions(ctx, spec as ScopedTable, o), ...(o.where ?? [])];
  const from = o.from ?? everyColumn<R>(ctx, spec.table);
  if (!o.page) {
    const orderBy = (o.orderBy ?? []).map((c) => sql`${c}`);
    return from(and(...base), orderBy, o.limit);
  }
  const keys = o.page.keys.map((prop) => ({ column: columnOf(spec as ScopedTable, prop), of: (r: R) => (r as Record<string, string | number | Date>)[prop]! }));
  return paginate<R>(ctx, {
    args: o.page.args,
    direction: o.page.direction,
    defaultPageSize: o.page.defaultPageSize,
    keys,
    // A page led by the division code is read in its (code text_pattern_ops, id) index's order.
    byteOrdered: ledByDivisionCode(o.page.keys, spec.jurisdiction),
    fetch: (cursor, orderBy, limit) => from(and(...base, cursor), orderBy, limit),
  });
}

/**
 * The row of a declared table with this id inside the caller's jurisdiction, locked for the
 * write about to change it (`for update`, in the mutation's transaction), or NOT_FOUND naming
 * `what`: a malformed id, a row that does not exist and one outside the subtree answer the same,
 * leaking nothing. The one way a write finds its target row by id.
 */
export async function lockInScope<T extends PgTable>(ctx: Ctx, spec: ScopedTable<T>, id: string, what: string): Promise<RowOf<T>> {
  if (!isUuid(id)) throw notFound(what);
  const [row] = (await ctx.db
    .select()
    .from(spec.table as PgTable)
    .where(and(eq(columnOf(spec as ScopedTable, 'id'), id), inScope(ctx, columnOf(spec as ScopedTable, spec.jurisdiction))))
    .for('update')) as RowOf<T>[];
  if (!row) throw notFound(what);
  return row;
}

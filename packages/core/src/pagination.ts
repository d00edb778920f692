import { and, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './db.js';
import { CoreErrors } from './errors.js';

/** What paginate needs of a request context: the configured page maximum. */
export interface PageCtx {
  platform: { config: { limits: { maxPageSize: number } } };
}

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type KeyValue = string | number;

export interface KeysetOptions<Row> {
  args: ConnectionArgs;
  /**
   * The stable order: sort keys ending with a unique one (the id). All ascending or all
   * descending, so a row comparison `(k1, k2) > ($1, $2)` can use the matching index.
   */
  keys: { column: AnyColumn | SQL; of: (row: Row) => KeyValue | Date }[];
  direction?: 'asc' | 'desc';
  /** Runs the query with the cursor condition (if any), the order and the limit. */
  fetch: (cursor: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>;
  defaultPageSize?: number;
  /** The first key is a division code, ordered in byte order (see keysetOrder). */
  byteOrdered?: boolean;
}

/** How keyset SQL is written in one representation (drizzle's SQL, the planner's fragments). */
export interface KeysetWriter<S> {
  text(s: string): S;
  concat(parts: S[]): S;
}

/**
 * The rule of a keyset page's order and cursor condition, over the key columns and the cursor's
 * (bound) values, for paginate and the read planner alike. `byteOrdered`: the first key is a
 * division code, ordered and compared with the pattern operators (`~<~`, byte order), so the
 * `(code text_pattern_ops, id)` index that the scope's range conditions use gives the page's order
 * too and the page is read in order and stops, instead of read whole and sorted. Codes are ASCII
 * digits, whose byte order is every collation's, so the rows and cursors are the same.
 */
export function keysetOrder<S>(w: KeysetWriter<S>, cols: S[], vals: S[] | null, asc: boolean, byteOrdered = false): { where?: S; orderBy: S[] } {
  const list = (xs: S[]) => w.concat(xs.flatMap((x, i) => (i ? [w.text(', '), x] : [x])));
  const after = (cs: S[], vs: S[]) => w.concat([w.text('('), list(cs), w.text(asc ? ') > (' : ') < ('), list(vs), w.text(')')]);
  const orderBy = cols.map((c, i) => w.concat([c, w.text(byteOrdered && i === 0 ? (asc ? ' using ~<~' : ' using ~>~') : asc ? ' asc' : ' desc')]));
  if (!vals) return { orderBy };
  if (!byteOrdered) return { where: after(cols, vals), orderBy };
  // (code, rest) after (v, vs) in byte order, with the code's own bound first, for the index.
  const [c0, ...rest] = cols as [S, ...S[]];
  const [v0, ...vs] = vals as [S, ...S[]];
  const [past, from] = asc ? [' ~>~ ', ' ~>=~ '] : [' ~<~ ', ' ~<=~ '];
  const tail = rest.length ? [w.text(' or ('), c0, w.text(' = '), v0, w.text(' and '), after(rest, vs), w.text(')')] : [];
  return { where: w.concat([c0, w.text(from), v0, w.text(' and ('), c0, w.text(past), v0, ...tail, w.text(')')]), orderBy };
}

/** Pure rule: a page over `keys` is byte-ordered (keysetOrder) when its first key is the table's division code. */
export function ledByDivisionCode(keys: readonly string[], jurisdiction: string | undefined): boolean {
  return !!jurisdiction && keys[0] === jurisdiction;
}

const sqlWriter: KeysetWriter<SQL> = { text: (s) => sql.raw(s), concat: (parts) => sql.join(parts) };

const encode = (values: KeyValue[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
function decode(cursor: string, n: number, field = 'after'): KeyValue[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    /* fallthrough */
  }
  throw CoreErrors.error('INPUT_INVALID', 'Malformed cursor.', { field });
}

/** A cursor of key values (instants as ISO text): the same for paginate and the read planner. */
export function encodeCursor(values: (KeyValue | Date)[]): string {
  return encode(values.map((v) => (v instanceof Date ? v.toISOString() : v)));
}
export const decodeCursor = decode;

/** The page size asked for, checked against the maximum (a negative or oversized page is a client bug). */
export function pageSizeOf(args: ConnectionArgs, max: number, defaultPageSize = 20): number {
  const backward = args.last != null && args.first == null;
  const requested = backward ? args.last : args.first;
  const field = backward ? 'last' : 'first';
  if (requested != null && (!Number.isInteger(requested) || requested < 0)) {
    throw CoreErrors.error('INPUT_INVALID', `${field} must be a whole number from 0 to ${max}.`, { field });
  }
  if ((requested ?? 0) > max) throw CoreErrors.error('INPUT_INVALID', `A page holds at most ${max} items.`, { field });
  return Math.min(requested ?? defaultPageSize, max);
}

/**
 * Keyset (cursor) pagination over a stable order: constant cost per page at any depth. The page
 * maximum is the configuration's (GRAPHQL_MAX_PAGE_SIZE), read here and only here, so no list
 * can forget it; the node limit counts with the same figure.
 */
export async function paginate<Row>(ctx: PageCtx, o: KeysetOptions<Row>): Promise<Page<Row>> {
  const { args } = o;
  const max = ctx.platform.config.limits.maxPageSize;
  const backward = args.last != null && args.first == null;
  // A negative page size is a client bug: answering an empty page would hide it.
  const size = pageSizeOf(args, max, o.defaultPageSize ?? 20);
  const asc = (o.direction ?? 'asc') === 'asc' ? !backward : backward;
  const cursor = backward ? args.before : args.after;
  const values = cursor ? decode(cursor, o.keys.length).map((v) => sql`${v}`) : null;
  const { where, orderBy } = keysetOrder(
    sqlWriter,
    o.keys.map((k) => sql`${k.column}`),
    values,
    asc,
    o.byteOrdered,
  );
  const rows = await o.fetch(where, orderBy, size + 1);
  const hasMore = rows.length > size;
  const pageRows = rows.slice(0, size);
  if (backward) pageRows.reverse();
  const edges = pageRows.map((node) => ({
    cursor: encode(
      o.keys.map((k) => {
        const v = k.of(node);
        return v instanceof Date ? v.toISOString() : v;
      }),
    ),
    node,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? !!args.before : hasMore,
      hasPreviousPage: backward ? hasMore : !!args.after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/**
 * The usual `fetch` of `paginate`: every column of `table` under `conds` (undefined entries are
 * skipped), with the cursor condition, order and limit the page needs.
 */
export function selectPage<T extends PgTable>(db: Db, table: T, conds: (SQL | undefined)[]) {
  return (cursor: SQL | undefined, orderBy: SQL[], limit: number): Promise<T['$inferSelect'][]> =>
    db
      .select()
      .from(table as PgTable)
      .where(and(...conds, cursor))
      .orderBy(...orderBy)
      .limit(limit) as Promise<T['$inferSelect'][]>;
}

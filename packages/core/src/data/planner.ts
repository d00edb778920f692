import { Column, getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import { executePlanned, type Frag, frozen, ident, join, q, RANGE_HI, RANGE_LO, raw, Slot, toQuery } from './plan-sql.js';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { loader, type Ctx } from '../context.js';
import { CoreErrors } from '../errors.js';
import { withinSql } from '../jurisdiction.js';
import { decodeCursor, encodeCursor, keysetOrder, ledByDivisionCode, pageSizeOf, type ConnectionArgs, type KeysetWriter, type Page } from '../pagination.js';
import { memoPerObject } from '../memo.js';
import { rowsOf as driverRows } from '../sql-helpers.js';
import { rangeOf } from './row-security.js';
import { columnElement, parsedJson, rowDecoder, type RowDecoder, type RowField } from './row-text.js';

/**
 * The read planner: one SQL statement per root field for the part of the selection a module has
 * declared. The root rows are the statement's columns and every nested row a JSON array of its
 * columns' text (row-text.ts; both read back keyed like drizzle's rows, so the existing field
 * resolvers read them unchanged); each declared relation the query
 * selects becomes a correlated subquery in the same statement, ordered and limited in PostgreSQL
 * (connections with keyset cursors, one-rows with `limit 1`, lists capped). The caller's
 * jurisdiction is applied to every declared table that has one, at every level, here and only
 * here; row-level security stands behind it. Resolvers of relation fields read what was planned
 * (`planned`) and fall back to their loaders when the field was not planned.
 */

export type Direction = 'asc' | 'desc';

export interface RelationSpec {
  /** The table the relation reaches (a function: specs refer to each other). */
  target: () => TableSpec;
  /** connection: a Relay page; many: a capped list; one: the first row or null. */
  kind: 'connection' | 'many' | 'one';
  /** Join: [parent property, target property] pairs (with `via`: [parent property, via property]). */
  on: [string, string][];
  /**
   * A table between the parent and the target (a block's members through its teams): `on` joins
   * the parent to it, `via.on` ([via property, target property]) joins it to the target. The
   * caller's jurisdiction applies to it as to the target.
   */
  via?: { spec: () => TableSpec; on: [string, string] };
  /** Order of the target rows (target properties), ending with a unique one for cursors. */
  orderBy: string[];
  direction?: Direction;
  /** Extra condition on the target (its alias given), e.g. `ended_on is null`. */
  where?: (alias: SQL) => SQL;
  /** Upper bound of a `many` list (it is a list, so it says so in its description). */
  cap?: number;
}

export interface TableSpec<T extends PgTable = PgTable> {
  table: T;
  /** The property holding the division code (absent: the table has no jurisdiction). */
  jurisdiction?: string;
  /**
   * A table without a division code of its own whose rows belong to a row of another (a decision
   * to its list entry): a row is in the caller's scope when that owner row is, and the planner
   * says so with an `exists` on the owner, at every level, like a jurisdiction column.
   */
  scopedThrough?: { owner: () => TableSpec; on: [string, string] };
  /** GraphQL field name → relation. */
  relations?: Record<string, RelationSpec>;
  /**
   * The columns (properties) a field's resolver reads, for a field whose name is not the one
   * column it shows (`idNumber` shows `idNumberMasked`). The planner reads only the columns the
   * selection needs: a selected field that is neither a column, a relation nor declared here makes
   * it read every column of the level, so an undeclared field costs width, never correctness.
   * A function gets the field's arguments: `idNumber` reads the cipher only when asked to reveal,
   * so a page of masked numbers does not carry every person's ciphertext.
   */
  needs?: Record<string, readonly string[] | ((args: Record<string, unknown>) => readonly string[])>;
}

/**
 * A planned row keeps its planned relations as they came, under `@` and the response key (alias
 * or field name): `@currentTenants`. They are shaped when their field resolves (plannedRelation).
 */
const PLANNED_PREFIX = '@';

/** What was planned for this field of `parent` (by its response key), or undefined. */
export function planned<T>(parent: unknown, info: Pick<GraphQLResolveInfo, 'path'>): T | undefined {
  if (parent == null || typeof parent !== 'object') return undefined;
  const key = PLANNED_PREFIX + String(info.path.key);
  return Object.hasOwn(parent, key) ? ((parent as Record<string, T>)[key] as T) : undefined;
}

interface Level {
  spec: TableSpec;
  alias: string;
  /** The statement's root level (its rows are what the statement selects); every other level hangs off a parent's key. */
  root?: boolean;
}

interface Plan {
  ctx: Ctx;
  info: GraphQLResolveInfo;
  aliasSeq: number;
  maxPageSize: number;
}

const columnsOf = new WeakMap<PgTable, [string, PgColumn][]>();
function columns(table: PgTable): [string, PgColumn][] {
  let c = columnsOf.get(table);
  if (!c) columnsOf.set(table, (c = Object.entries(getTableColumns(table)) as [string, PgColumn][]));
  return c;
}
function columnName(spec: TableSpec, prop: string): string {
  const col = getTableColumns(spec.table)[prop] as PgColumn | undefined;
  if (!col) throw new Error(`${getTableName(spec.table)} has no property ${prop}`);
  return col.name;
}
const ref = (alias: string, col: string) => `${alias}.${ident(col)}`;
// Nested levels are t1, t2, …; the root is its table's quoted name (rootLevel).

/** The fields selected on an object type, through fragments (same response key merged). */
function selectedFields(plan: Plan, set: SelectionSetNode | undefined, type: GraphQLNamedType, out = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  if (!set) return out;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      out.set(key, [...(out.get(key) ?? []), sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (!sel.typeCondition || appliesTo(sel.typeCondition.name.value, type)) selectedFields(plan, sel.selectionSet, type, out);
    } else {
      const f = plan.info.fragments[sel.name.value];
      if (f && appliesTo(f.typeCondition.name.value, type)) selectedFields(plan, f.selectionSet, type, out);
    }
  }
  return out;
}

/** Whether a fragment on `condition` applies to rows of `type` (the type itself or an interface it implements). */
function appliesTo(condition: string, type: GraphQLNamedType): boolean {
  return condition === type.name || (isObjectType(type) && type.getInterfaces().some((i) => i.name === condition));
}

function fieldDef(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** The jurisdiction condition of one level: the caller's range, as the policy writes it. */
function scopeCondition(plan: Plan, level: Level): Frag | undefined {
  const through = level.spec.scopedThrough;
  if (through) {
    // [own property, owner property]: the owner row this one belongs to must be in scope.
    const owner: Level = { spec: through.owner(), alias: `s${++plan.aliasSeq}` };
    const [own, ownerProp] = through.on;
    const inner = scopeCondition(plan, owner);
    const on = `${ref(owner.alias, columnName(owner.spec, ownerProp))} = ${ref(level.alias, columnName(level.spec, own))}`;
    return q`exists (select 1 from ${raw(`${ident(getTableName(owner.spec.table))} ${owner.alias}`)} where ${raw(on)}${inner ? q` and ${inner}` : raw('')})`;
  }
  if (!level.spec.jurisdiction) return undefined;
  // The range by slot: filled with the caller's at execution (kept plans serve every caller).
  // Below the root a level hangs off its parent's key and the range only filters it, so there it
  // is written on `code || ''`, which no index matches: a generic plan (GENERIC_PLAN_MARK) does
  // not know the range and would AND the jurisdiction index into every nested lookup (Q0's
  // children, Q1's tenants: a district's 3,600 registrations read for each dwelling).
  //
  // Below the root the two bounds are written on two different expressions of the same text
  // (`code || ''` and `'' || code`): on one expression PostgreSQL takes the pair for a range and
  // estimates it at 0.5% of the rows (no statistics on the expression), so a relation's last row
  // (Q1's last visit, 17 a dwelling) was read by a bitmap scan of every row and a sort, where an
  // ordered index scan stops at the first; two bounds count as independent (a third each). On a
  // kept city database at --scale 0.1, Q1's statement executed in 1.06 against 2.21 ms
  // (PostGraphile 5's 0.61; docs/request-path.md).
  const code = ref(level.alias, columnName(level.spec, level.spec.jurisdiction));
  if (level.root) return q`${raw(code)} ~>=~ ${RANGE_LO} and ${raw(code)} ~<~ ${RANGE_HI}`;
  return q`${raw(`(${code} || '')`)} ~>=~ ${RANGE_LO} and ${raw(`('' || ${code})`)} ~<~ ${RANGE_HI}`;
}

/** The optional division filter on the level's jurisdiction column (a table without one cannot take it). */
function withinCondition(level: Level, within: string | null | undefined): SQL | undefined {
  if (!within) return undefined;
  if (!level.spec.jurisdiction) throw new Error(`${getTableName(level.spec.table)}: the table has no jurisdiction to filter within`);
  return withinSql(sql.raw(ref(level.alias, columnName(level.spec, level.spec.jurisdiction))), within);
}

/**
 * The properties of `level` the selected fields need, or null for every column: a field named
 * like a column (or exposing one) needs it, a declared relation is its own subquery, `needs`
 * names the rest; anything else (a resolver of another module, a computed field) reads the whole
 * row. The key, the jurisdiction and the page order (`keys`) always come: cursors, scope checks
 * and loaders of fields not planned read them.
 */
function neededColumns(plan: Plan, level: Level, fields: Map<string, FieldNode[]>, type: GraphQLNamedType, keys: readonly string[]): Set<string> | null {
  const all = getTableColumns(level.spec.table);
  const need = new Set<string>(keys);
  if ('id' in all) need.add('id');
  if (level.spec.jurisdiction) need.add(level.spec.jurisdiction);
  if (level.spec.scopedThrough) need.add(level.spec.scopedThrough.on[0]);
  for (const [, nodes] of fields) {
    const name = nodes[0]!.name.value;
    if (name === '__typename' || level.spec.relations?.[name]) continue;
    const needs = level.spec.needs?.[name];
    const declared = typeof needs === 'function' ? needs(fieldArgs(plan, type, nodes[0]!)) : needs;
    if (declared) {
      for (const c of declared) need.add(c);
      continue;
    }
    const exposed = (fieldDef(type, name)?.extensions as { pothosExposedField?: string } | undefined)?.pothosExposedField;
    const column = exposed ?? name;
    if (!(column in all)) return null;
    need.add(column);
  }
  return need;
}

/**
 * A value of a planned row under its key: a column (its property and reference), or a planned
 * relation (`@` and its response key) with the decoder of what its subquery gives.
 */
interface RowPair {
  key: string;
  value: Frag;
  /** A column: its reference and drizzle column (how it travels in a nested row). */
  column?: { ref: string; col: PgColumn };
  /** A relation: its JSON as the driver gives it (or as text, nested) made the planned value. */
  decode?: (v: unknown) => unknown;
  /** A relation joined into the level (`joinedOne`): its row's pairs, in place, and its key's property. */
  joined?: { pairs: RowPair[]; key: string };
}

/** A relation's subquery (a JSON value) and the decoder of that value. */
interface Shaped {
  value: Frag;
  decode: (v: unknown) => unknown;
}

/**
 * The needed columns of the level and a subquery for each selected, declared relation, by key.
 * With `joins` (a nested level, whose row is an array of elements), a `one` relation found by its
 * target's primary key is joined instead (`joinedOne`): its join goes to `joins`, its row's
 * elements in place of the relation's.
 */
function rowPairs(plan: Plan, level: Level, set: SelectionSetNode | undefined, type: GraphQLNamedType, keys: readonly string[] = [], joins?: Frag[]): RowPair[] {
  const fields = set ? selectedFields(plan, set, type) : new Map<string, FieldNode[]>();
  const need = set ? neededColumns(plan, level, fields, type, keys) : null;
  const pairs: RowPair[] = columns(level.spec.table)
    .filter(([prop]) => !need || need.has(prop))
    .map(([prop, col]) => {
      const r = ref(level.alias, col.name);
      return { key: prop, value: raw(r), column: { ref: r, col } };
    });
  for (const [key, nodes] of fields) {
    const node = nodes[0]!;
    const rel = level.spec.relations?.[node.name.value];
    const def = fieldDef(type, node.name.value);
    if (!rel || !def) continue;
    const targetKey = joins && byPrimaryKey(rel);
    if (targetKey) pairs.push({ key: PLANNED_PREFIX + key, value: raw('null'), joined: joinedOne(plan, level, rel, node, def, targetKey, joins) });
    else pairs.push({ key: PLANNED_PREFIX + key, ...relationSubquery(plan, level, rel, node, def) });
  }
  return pairs;
}

/**
 * The target property of a `one` relation found by the target's primary key (at most one row,
 * so no order is needed), or undefined. Such a relation can be a left join of the level instead
 * of a subquery a row: Q1's person of each tenant, 0.1-0.2 ms of its statement and 40 µs of reading
 * it back at a tenth of the city (docs/request-path.md).
 */
function byPrimaryKey(rel: RelationSpec): string | undefined {
  if (rel.kind !== 'one' || rel.via || rel.on.length !== 1) return undefined;
  const targetProp = rel.on[0]![1];
  const col = getTableColumns(rel.target().table)[targetProp] as PgColumn | undefined;
  return col?.primary ? targetProp : undefined;
}

/**
 * A `one` relation joined into the parent's level: `left join target on key and scope and where`
 * (no match, or a row outside the caller's scope, gives nulls, as the subquery gave no row), and
 * the target's pairs, whose own joins follow it in `joins`.
 */
function joinedOne(plan: Plan, parent: Level, rel: RelationSpec, node: FieldNode, def: GraphQLField<unknown, unknown>, targetKey: string, joins: Frag[]): { pairs: RowPair[]; key: string } {
  const target: Level = { spec: rel.target(), alias: `t${++plan.aliasSeq}` };
  const on = joinCondition(plan, rel, target, (p) => ref(parent.alias, columnName(parent.spec, p)));
  const conds = [...on, scopeCondition(plan, target), rel.where?.(sql.raw(target.alias))].filter(present);
  joins.push(q` left join ${raw(`${ident(getTableName(target.spec.table))} ${target.alias}`)} on ${join(conds, ' and ')}`);
  return { pairs: rowPairs(plan, target, node.selectionSet, getNamedType(def.type), [targetKey], joins), key: targetKey };
}

/** The elements of a nested row, a joined row's in place (row-text.ts). */
function elementsOf(pairs: RowPair[]): Frag[] {
  return pairs.flatMap((p) => (p.joined ? elementsOf(p.joined.pairs) : [p.column ? raw(columnElement(p.column.col).sql(p.column.ref)) : q`${p.value}::text`]));
}

/** How each element of `elementsOf(pairs)` is read back. */
function fieldsOf(pairs: RowPair[]): RowField[] {
  return pairs.map((p): RowField => {
    if (p.joined) {
      const fields = fieldsOf(p.joined.pairs);
      const at = p.joined.pairs.findIndex((j) => j.key === p.joined!.key);
      // The key's offset among the joined row's elements (a joined row before it counts its own).
      const presentAt = p.joined.pairs.slice(0, at).reduce((n, j) => n + (j.joined ? elementsOf([j]).length : 1), 0);
      return { key: p.key, joined: fields, presentAt };
    }
    if (p.column) return { key: p.key, decode: columnElement(p.column.col).decode };
    const decode = p.decode!;
    return { key: p.key, decode: (text: string) => decode(JSON.parse(text)) };
  });
}

/**
 * A nested level's row: a text array of its pairs (row-text.ts), the joins its `one` relations
 * by key became (to follow the level's table in its FROM), and the decoder of its elements.
 */
function rowOf(plan: Plan, level: Level, set: SelectionSetNode | undefined, type: GraphQLNamedType, keys: readonly string[] = []): { array: Frag; joins: Frag; decode: RowDecoder } {
  const joins: Frag[] = [];
  const pairs = rowPairs(plan, level, set, type, keys, joins);
  return { array: q`array[${join(elementsOf(pairs), ', ')}]`, joins: join(joins, ''), decode: rowDecoder(fieldsOf(pairs)) };
}

/** The decoders of a root select list's relation columns, by column name. */
type RootDecoders = readonly (readonly [key: string, decode: (v: unknown) => unknown])[];

/**
 * A root level's row: its pairs as the statement's columns, named by key. The driver parses each
 * column by its type, as for drizzle's own selects, and `hydrate` maps them as drizzle does; the
 * relations' JSON comes as one column each, made the planned value by its decoder (`decoders`).
 * PostgreSQL no longer builds a JSON object per root row: Q3b's statement (100 subjects, their
 * entries) executed in 0.22 against 0.32 ms with `json_build_object` a row
 * (docs/request-path.md). A response key longer than PostgreSQL's 63 bytes of a name is cut
 * short there, so its field finds nothing planned and reads by its loader.
 */
function rootColumns(pairs: RowPair[]): { frag: Frag; decoders: RootDecoders } {
  return {
    frag: join(
      pairs.map((p) => q`${p.value} as ${raw(ident(p.key))}`),
      ', ',
    ),
    decoders: pairs.filter((p) => p.decode).map((p) => [p.key, p.decode!] as const),
  };
}

/** The argument values of a selected field (its variables filled in). */
function fieldArgs(plan: Plan, type: GraphQLNamedType, node: FieldNode): Record<string, unknown> {
  const def = fieldDef(type, node.name.value);
  return def ? getArgumentValues(def as never, node, plan.info.variableValues) : {};
}

function connectionArgsOf(plan: Plan, def: GraphQLField<unknown, unknown>, node: FieldNode): ConnectionArgs {
  return getArgumentValues(def as never, node, plan.info.variableValues) as ConnectionArgs;
}

/**
 * The order, limit and cursor condition of a keyset page over `keys` of `level` (keysetOrder's
 * rule; `byteOrdered`: the first key is the level's division code, read in its index's order).
 */
function keyset(plan: Plan, level: Level, keys: string[], direction: Direction, args: ConnectionArgs, field: string, byteOrdered = false) {
  const size = pageSizeOf(args, plan.maxPageSize);
  const backward = args.last != null && args.first == null;
  const asc = (direction === 'asc') !== backward;
  const cols = keys.map((k) => raw(ref(level.alias, columnName(level.spec, k))));
  const cursor = backward ? args.before : args.after;
  const values = cursor ? decodeCursor(cursor, keys.length, field).map((v) => q`${v}`) : null;
  const { where, orderBy } = keysetOrder(fragWriter, cols, values, asc, byteOrdered);
  return { size, backward, where, orderBy: join(orderBy, ', ') };
}

const fragWriter: KeysetWriter<Frag> = { text: raw, concat: (parts) => join(parts, '') };

/** What a connection field selects on its nodes (`edges { node }` and `nodes`), merged. */
function nodeSelection(plan: Plan, node: FieldNode, connectionType: GraphQLNamedType, nodeType: GraphQLNamedType): SelectionSetNode {
  const selections: SelectionSetNode['selections'][number][] = [];
  const top = selectedFields(plan, node.selectionSet, connectionType);
  for (const [, fs] of top) {
    for (const f of fs) {
      if (f.name.value === 'nodes' && f.selectionSet) selections.push(...f.selectionSet.selections);
      if (f.name.value === 'edges') {
        const edgeType = getNamedType(fieldDef(connectionType, 'edges')!.type);
        for (const [, es] of selectedFields(plan, f.selectionSet, edgeType)) for (const e of es) if (e.name.value === 'node' && e.selectionSet) selections.push(...e.selectionSet.selections);
      }
    }
  }
  void nodeType;
  return { kind: Kind.SELECTION_SET, selections };
}

/**
 * The condition joining a relation's target level to its parent: `parentSide(property of the
 * parent, column it is compared with)` gives the parent's value (a parent column, or a key bound
 * by `pagesByParent`). Through `via`, an `exists` on the table between, scoped like the target.
 */
function joinCondition(plan: Plan, rel: RelationSpec, target: Level, parentSide: (parentProp: string) => string): Frag[] {
  if (!rel.via) return rel.on.map(([p, t]) => raw(`${ref(target.alias, columnName(target.spec, t))} = ${parentSide(p)}`));
  const via: Level = { spec: rel.via.spec(), alias: `v${++plan.aliasSeq}` };
  const [viaProp, targetProp] = rel.via.on;
  const conds = [
    ...rel.on.map(([p, v]) => raw(`${ref(via.alias, columnName(via.spec, v))} = ${parentSide(p)}`)),
    raw(`${ref(via.alias, columnName(via.spec, viaProp))} = ${ref(target.alias, columnName(target.spec, targetProp))}`),
    scopeCondition(plan, via),
  ].filter((c): c is Frag => !!c);
  return [q`exists (select 1 from ${raw(`${ident(getTableName(via.spec.table))} ${via.alias}`)} where ${join(conds, ' and ')})`];
}

/** A relation's fixed order over the target level (no cursor). */
function relationOrder(rel: RelationSpec, target: Level): Frag {
  return raw(rel.orderBy.map((k) => `${ref(target.alias, columnName(target.spec, k))} ${rel.direction ?? 'asc'}`).join(', '));
}

/** A condition of the planner or of a module, when present. */
const present = (c: Frag | SQL | undefined): c is Frag | SQL => !!c;

/** A `one` relation's value: the row, or null. */
const oneOf = (decode: RowDecoder) => (v: unknown) => {
  const els = parsedJson(v) as unknown[] | null;
  return els == null ? null : decode(els);
};
/** A `many` relation's value: the rows. */
const manyOf = (decode: RowDecoder) => (v: unknown) => (parsedJson(v) as unknown[][]).map(decode);

function relationSubquery(plan: Plan, parent: Level, rel: RelationSpec, node: FieldNode, def: GraphQLField<unknown, unknown>): Shaped {
  const target: Level = { spec: rel.target(), alias: `t${++plan.aliasSeq}` };
  const joined = joinCondition(plan, rel, target, (p) => ref(parent.alias, columnName(parent.spec, p)));
  const conds = [...joined, scopeCondition(plan, target), rel.where?.(sql.raw(target.alias))].filter(present);
  const from = raw(`${ident(getTableName(target.spec.table))} ${target.alias}`);
  const fieldType = getNamedType(def.type);
  if (rel.kind === 'one') {
    const row = rowOf(plan, target, node.selectionSet, fieldType);
    return { value: q`(select to_json(${row.array}) from ${from}${row.joins} where ${join(conds, ' and ')} order by ${relationOrder(rel, target)} limit 1)`, decode: oneOf(row.decode) };
  }
  if (rel.kind === 'many') {
    const row = rowOf(plan, target, node.selectionSet, fieldType);
    const cap = rel.cap ?? plan.maxPageSize;
    return {
      value: q`to_json(array(select ${row.array} from ${from}${row.joins} where ${join(conds, ' and ')} order by ${relationOrder(rel, target)} limit ${raw(String(cap))}))`,
      decode: manyOf(row.decode),
    };
  }
  const args = connectionArgsOf(plan, def, node);
  const nodeType = getNamedType(fieldDef(fieldType, 'edges') ? getNamedType(fieldDef(getNamedType(fieldDef(fieldType, 'edges')!.type), 'node')!.type) : fieldType);
  const row = rowOf(plan, target, nodeSelection(plan, node, fieldType, nodeType), nodeType, rel.orderBy);
  const ks = keyset(plan, target, rel.orderBy, rel.direction ?? 'asc', args, node.name.value);
  const where = [...conds, ks.where].filter(present);
  // The page's shape is the plan's (a plan reading a variable is not kept): only the rows travel.
  const backward = ks.backward;
  const size = ks.size;
  const hasCursor = !!(args.after || args.before);
  const rows = manyOf(row.decode);
  return {
    value: q`to_json(array(select ${row.array} from ${from}${row.joins} where ${join(where, ' and ')} order by ${ks.orderBy} limit ${raw(String(ks.size + 1))}))`,
    decode: (v) => ({ rows: rows(v), backward, size, hasCursor }),
  };
}

/** The spec a planned row was read by (on its prototype, or its own): the relations its fields may find planned. */
const ROW_SPEC = Symbol('safecity.plannedSpec');

/**
 * Whether planned rows guard the columns the planner did not read (`rowPrototype`): outside
 * production, where the tests run, which is where the guard can act. In production a row carries
 * only its spec, as an own symbol property: `Object.setPrototypeOf` on every row was 6.9% of the
 * server's busy time on Q1 (about 500 rows a request; `--cpu-prof` at a tenth of the city,
 * 2026-12-02), a runtime call a row where a symbol property is a cached map transition.
 */
const GUARD_UNREAD_COLUMNS = process.env.NODE_ENV !== 'production';

/**
 * Per spec: the prototype of planned rows. A column the planner did not read is a getter that
 * throws, so a resolver reading a column its field did not declare (`needs`) fails loudly in the
 * tests instead of answering null; an assignment makes an own property as on a plain object.
 */
const prototypes = new WeakMap<TableSpec, object>();
function rowPrototype(spec: TableSpec): object {
  let proto = prototypes.get(spec);
  if (!proto) {
    const table = spec.table;
    proto = { [ROW_SPEC]: spec };
    for (const [prop] of columns(table)) {
      Object.defineProperty(proto, prop, {
        get() {
          throw new Error(`the planner did not read ${getTableName(table)}.${prop}: declare it in the TableSpec's needs for the field that reads it`);
        },
        set(this: object, v: unknown) {
          Object.defineProperty(this, prop, { value: v, writable: true, enumerable: true, configurable: true });
        },
        enumerable: false,
        configurable: false,
      });
    }
    prototypes.set(spec, proto);
  }
  return proto;
}

/** Per table: the columns whose driver value drizzle maps (timestamps to Date, …); the rest are as JSON gives them. */
const mappedColumnsOf = new WeakMap<PgTable, [string, PgColumn][]>();
function mappedColumns(table: PgTable): [string, PgColumn][] {
  let m = mappedColumnsOf.get(table);
  if (!m) mappedColumnsOf.set(table, (m = columns(table).filter(([, col]) => col.mapFromDriverValue !== Column.prototype.mapFromDriverValue)));
  return m;
}

/**
 * A row of the planner, made the row drizzle gives (its own column mappings) in place: the
 * driver's or decoder's object is the row, so a page is not copied once more. Its planned
 * relations stay under their `@` keys. Idempotent (a row shaped once is returned as it is).
 * `guard`: reading a column the planner did not read throws (GUARD_UNREAD_COLUMNS).
 */
export function hydrate(spec: TableSpec, json: Record<string, unknown>, guard = GUARD_UNREAD_COLUMNS): Record<string, unknown> {
  const tagged = json as Record<string | symbol, unknown>;
  const proto = guard ? rowPrototype(spec) : null;
  if (proto ? Object.getPrototypeOf(json) === proto : tagged[ROW_SPEC] === spec) return json;
  for (const [prop, col] of mappedColumns(spec.table)) {
    const v = json[prop];
    if (v != null) json[prop] = col.mapFromDriverValue(v);
  }
  // After the own properties are set (through the prototype they would hit its setters).
  if (proto) Object.setPrototypeOf(json, proto);
  else tagged[ROW_SPEC] = spec;
  return json;
}

/** A planned relation of `parent`, shaped: a Page, a list of rows or a row (or undefined when not planned). */
export function plannedRelation<T = Record<string, unknown>>(parent: unknown, info: Pick<GraphQLResolveInfo, 'path' | 'fieldName'>): Page<T> | T[] | T | null | undefined {
  const raw = planned<unknown>(parent, info);
  if (raw === undefined) return undefined;
  const spec = (parent as Record<symbol, TableSpec | undefined>)[ROW_SPEC];
  const rel = spec?.relations?.[info.fieldName];
  if (!rel) return undefined;
  const target = rel.target();
  if (rel.kind === 'one') return raw == null ? null : (hydrate(target, raw as Record<string, unknown>) as T);
  if (rel.kind === 'many') return (raw as Record<string, unknown>[]).map((r) => hydrate(target, r) as T);
  const c = raw as { rows: Record<string, unknown>[]; backward: boolean; size: number; hasCursor: boolean };
  return toPage(target, c.rows, rel.orderBy, c.size, c.backward, c.hasCursor) as Page<T>;
}

/** What was planned for this relation field (null included), or else what `fallback` (the loader) gives. */
export function plannedOr<T>(parent: unknown, info: Pick<GraphQLResolveInfo, 'path' | 'fieldName'>, fallback: () => T | Promise<T>): T | Promise<T> {
  const p = plannedRelation(parent, info);
  return p === undefined ? fallback() : (p as T);
}

/**
 * An edge of a planned page whose cursor is encoded when it is read: most pages are read for their
 * nodes (a history, a list of tenants), and encoding a cursor for every edge was 1% of a planned
 * read's CPU (Q2, 100 edges). The key values are taken before the node is hydrated: the cursor
 * keeps PostgreSQL's own text of each key (an instant as a JS Date would lose its microseconds,
 * and a row whose key is a hair after the truncated cursor would come again).
 */
class PlannedEdge<T> {
  constructor(
    readonly node: T,
    private readonly keyValues: (string | number)[],
  ) {}
  get cursor(): string {
    return encodeCursor(this.keyValues);
  }
}

function toPage(spec: TableSpec, rows: Record<string, unknown>[], keys: string[], size: number, backward: boolean, hasCursor: boolean): Page<Record<string, unknown>> {
  const hasMore = rows.length > size;
  const raw = rows.slice(0, size);
  if (backward) raw.reverse();
  const edges = raw.map((r) => {
    const keyValues = keys.map((k) => r[k] as string | number);
    return new PlannedEdge(hydrate(spec, r), keyValues);
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? hasCursor : hasMore,
      hasPreviousPage: backward ? hasMore : hasCursor,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
  };
}

/**
 * Plans kept per document. The select list of a root field's rows (its columns, its relations'
 * subqueries at every level, their scope conditions) depends only on the selection, the schema and
 * the configuration when nothing under the field reads a variable, so it is built once per
 * document (Yoga's parse cache hands back the same nodes for the same text) and the caller's range
 * is filled in per request by slot. A selection reading a variable (a nested page size, a cursor)
 * is planned per request, as is one whose module condition binds a value of its own (`frozen`).
 */
type KeptPlan = { frag: Frag; decoders: RootDecoders; aliases: number } | null;
/** Per schema and root field node: the kept plans by shape. */
const keptPlans = memoPerObject((_schema: GraphQLSchema) => memoPerObject((_field: FieldNode) => new Map<string, KeptPlan>()));

/** Whether the selection under `field` (through its fragments, arguments and directives) reads a variable. */
const selectionReadsVariables = memoPerObject((field: FieldNode, fragments: GraphQLResolveInfo['fragments']): boolean => {
  const seen = new Set<string>();
  const reads = (node: unknown): boolean => {
    if (!node || typeof node !== 'object') return false;
    if (Array.isArray(node)) return node.some(reads);
    const n = node as { kind?: string; name?: { value: string } };
    if (n.kind === Kind.VARIABLE) return true;
    if (n.kind === Kind.FRAGMENT_SPREAD) {
      const name = n.name!.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return reads(fragments[name]);
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && typeof v === 'object' && reads(v)) return true;
    return false;
  };
  return reads(field.selectionSet);
});

/** A statement (or its select list) and the decoders of its relation columns. */
interface Planned {
  frag: Frag;
  decoders: RootDecoders;
}

/** `build()`'s select list, or the one kept for this field, shape and alias position. */
function keptRowColumns(plan: Plan, field: FieldNode, shape: string, build: () => Planned): Planned {
  if (selectionReadsVariables(field, plan.info.fragments)) return build();
  const byShape = keptPlans(plan.info.schema)(field);
  const key = `${shape}|${plan.aliasSeq}|${plan.maxPageSize}`;
  const kept = byShape.get(key);
  if (kept) {
    plan.aliasSeq += kept.aliases;
    return kept;
  }
  if (kept === null) return build();
  const start = plan.aliasSeq;
  const built = build();
  const frozenFrag = frozen(built.frag);
  byShape.set(key, frozenFrag && { frag: frozenFrag, decoders: built.decoders, aliases: plan.aliasSeq - start });
  return built;
}

/** The root level goes by its table's name: conditions a module writes with drizzle columns bind to it. */
function rootLevel(spec: TableSpec): Level {
  return { spec, alias: `"${getTableName(spec.table)}"`, root: true };
}

function newPlan(ctx: Ctx, info: GraphQLResolveInfo): Plan {
  return { ctx, info, aliasSeq: 0, maxPageSize: ctx.platform.config.limits.maxPageSize };
}

/**
 * Rows of a planned statement, each relation column made its planned value (its decoder);
 * `byKey`: its root rows are found by key, so it may run on a generic plan (GENERIC_PLAN_MARK).
 */
async function rowsOf(ctx: Ctx, query: Planned, o: { byKey?: boolean; values?: Readonly<Record<string, unknown>> } = {}): Promise<Record<string, unknown>[]> {
  const rendered = toQuery(query.frag, o.values ? { ...rangeOf(ctx), values: o.values } : rangeOf(ctx), { generic: o.byKey });
  const rows = driverRows<Record<string, unknown>>(await executePlanned(ctx.db, rendered));
  if (query.decoders.length) for (const row of rows) for (const [key, decode] of query.decoders) row[key] = decode(row[key]);
  return rows;
}

/** The current field's node and its return type, for a root (or any) resolver. */
function currentField(info: GraphQLResolveInfo): { node: FieldNode; type: GraphQLNamedType; def: GraphQLField<unknown, unknown> } {
  const node = info.fieldNodes[0]!;
  const def = info.parentType.getFields()[info.fieldName]!;
  return { node, type: getNamedType(info.returnType), def };
}

/**
 * One row of `spec` where `where` holds (inside the caller's jurisdiction), with the selected
 * relations, in one statement. `where` picks the row by a key (an id, a code): the statement runs
 * on a generic plan (GENERIC_PLAN_MARK); a read selected by a range is a page (`planConnection`).
 */
export async function planOne<T = Record<string, unknown>>(
  ctx: Ctx,
  info: GraphQLResolveInfo,
  spec: TableSpec,
  where: (alias: SQL) => SQL,
  /** The row's object type when the field returns an interface (`node(id:)`: the id's type). */
  rowType?: GraphQLNamedType,
  /**
   * The values of the `sql.placeholder`s `where` names. Given, `where` must be a constant that
   * binds nothing of its own, and the whole statement is kept per document and shape, only the
   * values (and the caller's range) changing per request.
   */
  values?: Readonly<Record<string, unknown>>,
): Promise<T | null> {
  const field = currentField(info);
  const node = field.node;
  const type = rowType ?? field.type;
  const shape = `one|${type.name}|${getTableName(spec.table)}`;
  const build = () => {
    const plan = newPlan(ctx, info);
    const level = rootLevel(spec);
    const conds = [where(sql.raw(level.alias)), scopeCondition(plan, level)].filter(present);
    const cols = keptRowColumns(plan, node, shape, () => rootColumns(rowPairs(plan, level, node.selectionSet, type)));
    return { frag: q`select ${cols.frag} from ${raw(ident(getTableName(spec.table)))} where ${join(conds, ' and ')} limit 1`, decoders: cols.decoders };
  };
  const statement =
    values && !selectionReadsVariables(node, info.fragments)
      ? keptStatement(keptOneStatements(info.schema)(node), `${shape}|${ctx.platform.config.limits.maxPageSize}|${identityOf(where)}`, build)
      : build();
  const rows = await rowsOf(ctx, statement, { byKey: true, values });
  return rows[0] ? (hydrate(spec, rows[0]) as T) : null;
}

/** A keyset page of `spec` where `where` holds (inside the caller's jurisdiction), with the selected relations, in one statement. */
export async function planConnection<T = Record<string, unknown>>(
  ctx: Ctx,
  info: GraphQLResolveInfo,
  spec: TableSpec,
  o: {
    where?: (SQL | undefined)[];
    /** Only rows within this division, on top of the caller's scope (as `scopedRead`'s `within`). */
    within?: string | null;
    orderBy: string[];
    direction?: Direction;
    args: ConnectionArgs;
  },
): Promise<Page<T>> {
  const plan = newPlan(ctx, info);
  const level = rootLevel(spec);
  const { node, type } = currentField(info);
  const nodeType = getNamedType(fieldDef(getNamedType(fieldDef(type, 'edges')!.type), 'node')!.type);
  // At the root the range conditions bound the code's pattern index: a page led by the code is read in its order.
  const ks = keyset(plan, level, o.orderBy, o.direction ?? 'asc', o.args, info.fieldName, ledByDivisionCode(o.orderBy, spec.jurisdiction));
  const conds = [...(o.where ?? []), withinCondition(level, o.within), scopeCondition(plan, level), ks.where].filter(present);
  const cols = keptRowColumns(plan, node, `page|${nodeType.name}|${getTableName(spec.table)}|${o.orderBy.join(',')}`, () =>
    rootColumns(rowPairs(plan, level, nodeSelection(plan, node, type, nodeType), nodeType, o.orderBy)),
  );
  const rows = await rowsOf(ctx, {
    frag: q`select ${cols.frag} from ${raw(ident(getTableName(spec.table)))} where ${conds.length ? join(conds, ' and ') : raw('true')} order by ${ks.orderBy} limit ${raw(String(ks.size + 1))}`,
    decoders: cols.decoders,
  });
  return toPage(spec, rows, o.orderBy, ks.size, ks.backward, !!(o.args.after || o.args.before)) as Page<T>;
}

/**
 * Whole statements kept by shape, their request values in slots (`frozen`); null: a shape whose
 * conditions bind values of their own, built per request.
 */
type KeptStatements = Map<string, Planned | null>;
/** The statement kept for `key`, made and kept on first use; `build()`'s own when it cannot be kept. */
function keptStatement(byShape: KeptStatements, key: string, build: () => Planned): Planned {
  const kept = byShape.get(key);
  if (kept !== undefined) return kept ?? build();
  const built = build();
  const frag = frozen(built.frag);
  const keep = frag && { frag, decoders: built.decoders };
  byShape.set(key, keep);
  return keep ?? built;
}
/** planOne's, per schema and root field node (the document). */
const keptOneStatements = memoPerObject((_schema: GraphQLSchema) => memoPerObject((_field: FieldNode): KeptStatements => new Map()));
/** planRows', per configuration of limits (the page maximum caps included lists) and `where` function. */
const keptRowStatements = memoPerObject((_limits: object) => memoPerObject((_where: object): KeptStatements => new Map()));
/** planRows' limit, a parameter: one kept statement whatever the number of keys asked. */
const LIMIT_SLOT = new Slot('planRows.limit', 'value');
/** A number per object for a cache key: the relation specs a kept statement was made of. */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identityOf(o: object): number {
  let n = identities.get(o);
  if (n === undefined) identities.set(o, (n = ++nextIdentity));
  return n;
}

/** One row of `planRows`: the root row and its included relations, shaped like drizzle's rows. */
export interface PlannedRow<T> {
  row: T;
  /** By relation name: a list (`many`) or a row or null (`one`). */
  included: Record<string, Record<string, unknown>[] | Record<string, unknown> | null>;
}

/** A `many` or `one` relation of plain rows (its target's columns), whatever the GraphQL selection. */
function includedSubquery(plan: Plan, parent: Level, rel: RelationSpec): Shaped {
  const target: Level = { spec: rel.target(), alias: `t${++plan.aliasSeq}` };
  const joined = joinCondition(plan, rel, target, (p) => ref(parent.alias, columnName(parent.spec, p)));
  const conds = [...joined, scopeCondition(plan, target), rel.where?.(sql.raw(target.alias))].filter(present);
  const from = raw(`${ident(getTableName(target.spec.table))} ${target.alias}`);
  const row = rowOf(plan, target, undefined, null as never);
  const order = relationOrder(rel, target);
  if (rel.kind === 'one') return { value: q`(select to_json(${row.array}) from ${from}${row.joins} where ${join(conds, ' and ')} order by ${order} limit 1)`, decode: oneOf(row.decode) };
  if (rel.kind !== 'many') throw new Error('planRows includes lists and single rows, not connections');
  const cap = rel.cap ?? plan.maxPageSize;
  return { value: q`to_json(array(select ${row.array} from ${from}${row.joins} where ${join(conds, ' and ')} order by ${order} limit ${raw(String(cap))}))`, decode: manyOf(row.decode) };
}

/**
 * Rows of `spec` where `where` holds (inside the caller's jurisdiction), each with the relations
 * of `include` (inside it too, at every level), in one statement. For a service whose answer is a
 * view of its own rather than the table's GraphQL type (a standing check), so what to include is
 * the service's choice, not the selection's. At most `limit` rows (the page maximum by default).
 */
export async function planRows<T = Record<string, unknown>>(
  ctx: Ctx,
  spec: TableSpec,
  o: {
    where: (alias: SQL) => SQL;
    include?: Record<string, RelationSpec>;
    limit?: number;
    /** `where` finds the rows by a key (codes, ids), not by a range: the statement may run on a generic plan. */
    byKey?: boolean;
    /**
     * The root's columns to read, by property (all by default): a view that answers with a few
     * columns of a wide row reads only those (PostgreSQL builds, and the API parses, that much
     * less JSON). Reading any other property of the row throws, naming the column.
     */
    columns?: readonly string[];
    /**
     * The values of the `sql.placeholder`s that `where` and the included relations' conditions
     * name. Given, the statement is kept per shape (this `where` function, the included relations,
     * the columns) and only the values change per request: `where` and the relations must
     * then be constants that bind nothing of their own (a condition with a bound value is planned
     * per request, as without `values`).
     */
    values?: Readonly<Record<string, unknown>>;
  },
): Promise<PlannedRow<T>[]> {
  const include = Object.entries(o.include ?? {});
  const limit = o.limit ?? ctx.platform.config.limits.maxPageSize;
  const build = () => {
    const plan: Plan = { ctx, info: null as never, aliasSeq: 0, maxPageSize: ctx.platform.config.limits.maxPageSize };
    const level = rootLevel(spec);
    const pairs: RowPair[] = columns(spec.table)
      .filter(([prop]) => !o.columns || o.columns.includes(prop))
      .map(([prop, col]) => ({ key: prop, value: raw(ref(level.alias, col.name)) }));
    for (const [name, rel] of include) pairs.push({ key: PLANNED_PREFIX + name, ...includedSubquery(plan, level, rel) });
    const conds = [o.where(sql.raw(level.alias)), scopeCondition(plan, level)].filter(present);
    const cols = rootColumns(pairs);
    return { frag: q`select ${cols.frag} from ${raw(ident(getTableName(spec.table)))} where ${join(conds, ' and ')} limit ${LIMIT_SLOT}`, decoders: cols.decoders };
  };
  const statement = o.values
    ? keptStatement(
        keptRowStatements(ctx.platform.config.limits)(o.where),
        `${identityOf(spec)}|${include.map(([name, rel]) => `${name}=${identityOf(rel)}`).join(',')}|${o.columns?.join(',') ?? '*'}`,
        build,
      )
    : build();
  const rows = await rowsOf(ctx, statement, { byKey: o.byKey, values: { ...o.values, [LIMIT_SLOT.name]: limit } });
  return rows.map((json) => {
    const included: PlannedRow<T>['included'] = {};
    for (const [name, rel] of include) {
      const raw = json[`@${name}`];
      const target = rel.target();
      included[name] = rel.kind === 'one' ? (raw == null ? null : hydrate(target, raw as Record<string, unknown>)) : ((raw as Record<string, unknown>[]) ?? []).map((r) => hydrate(target, r));
    }
    return { row: hydrate(spec, json) as T, included };
  });
}

/**
 * One keyset page of a `connection` relation for each parent key, in one statement whatever the
 * number of parents: the planner's own subquery, laterally joined to the keys. The fallback of a
 * connection field whose parent was not planned (a parent from a loader or a mutation), so a page
 * of parents costs one statement per nesting level, never one per parent. Pages come in the order
 * of `parentKeys`; the caller's jurisdiction applies to the target as everywhere in the planner.
 */
export async function pagesByParent<T = Record<string, unknown>>(ctx: Ctx, rel: RelationSpec, parentKeys: readonly string[], args: ConnectionArgs, field: string): Promise<Page<T>[]> {
  if (rel.kind !== 'connection' || rel.on.length !== 1) throw new Error('pagesByParent pages a connection joined on one key');
  const plan: Plan = { ctx, info: null as never, aliasSeq: 0, maxPageSize: ctx.platform.config.limits.maxPageSize };
  const target: Level = { spec: rel.target(), alias: 't1' };
  // The key is compared with the target's column, or with the column of the table between.
  const [, joinedKey] = rel.on[0]!;
  const keyColumn = getTableColumns((rel.via ? rel.via.spec() : target.spec).table)[joinedKey] as PgColumn;
  const ks = keyset(plan, target, rel.orderBy, rel.direction ?? 'asc', args, field);
  const conds = [...joinCondition(plan, rel, target, () => 'p.k'), scopeCondition(plan, target), rel.where?.(sql.raw(target.alias)), ks.where].filter(present);
  const keys = [...new Set(parentKeys)];
  const row = rowOf(plan, target, undefined, null as never);
  const rows = (await executePlanned(
    ctx.db,
    toQuery(
      q`select p.k as k, x.j as j from unnest(${keys}::${raw(keyColumn.getSQLType())}[]) as p(k) cross join lateral (select to_json(${row.array}) as j from ${raw(`${ident(getTableName(target.spec.table))} ${target.alias}`)}${row.joins} where ${join(conds, ' and ')} order by ${ks.orderBy} limit ${raw(String(ks.size + 1))}) x`,
      rangeOf(ctx),
    ),
  )) as unknown;
  const list = driverRows<{ k: string; j: unknown }>(rows);
  const byKey = new Map<string, Record<string, unknown>[]>();
  for (const r of list) {
    const j = row.decode(parsedJson(r.j) as unknown[]);
    const k = String(r.k);
    const l = byKey.get(k);
    if (l) l.push(j);
    else byKey.set(k, [j]);
  }
  const hasCursor = !!(args.after || args.before);
  return parentKeys.map((k) => toPage(target.spec, byKey.get(k) ?? [], rel.orderBy, ks.size, ks.backward, hasCursor) as Page<T>);
}

/**
 * The rows of a `many` relation (a capped list) for each parent key, in one statement: at most
 * the relation's cap per parent, in its order, as the planner answers it. The fallback of a list
 * field whose parent was not planned.
 */
export async function listsByParent<T = Record<string, unknown>>(ctx: Ctx, rel: RelationSpec, parentKeys: readonly string[]): Promise<T[][]> {
  if (rel.kind !== 'many' || rel.on.length !== 1) throw new Error('listsByParent reads a list joined on one key');
  const plan: Plan = { ctx, info: null as never, aliasSeq: 0, maxPageSize: ctx.platform.config.limits.maxPageSize };
  const target: Level = { spec: rel.target(), alias: 't1' };
  const [, joinedKey] = rel.on[0]!;
  const keyColumn = getTableColumns((rel.via ? rel.via.spec() : target.spec).table)[joinedKey] as PgColumn;
  const conds = [...joinCondition(plan, rel, target, () => 'p.k'), scopeCondition(plan, target), rel.where?.(sql.raw(target.alias))].filter(present);
  const order = relationOrder(rel, target);
  const cap = rel.cap ?? plan.maxPageSize;
  const keys = [...new Set(parentKeys)];
  const row = rowOf(plan, target, undefined, null as never);
  const rows = (await executePlanned(
    ctx.db,
    toQuery(
      q`select p.k as k, x.j as j from unnest(${keys}::${raw(keyColumn.getSQLType())}[]) as p(k) cross join lateral (select to_json(${row.array}) as j from ${raw(`${ident(getTableName(target.spec.table))} ${target.alias}`)}${row.joins} where ${join(conds, ' and ')} order by ${order} limit ${raw(String(cap))}) x`,
      rangeOf(ctx),
    ),
  )) as unknown;
  const list = driverRows<{ k: string; j: unknown }>(rows);
  const byKey = new Map<string, T[]>();
  for (const r of list) {
    const j = row.decode(parsedJson(r.j) as unknown[]);
    const k = String(r.k);
    const hydrated = hydrate(target.spec, j) as T;
    const l = byKey.get(k);
    if (l) l.push(hydrated);
    else byKey.set(k, [hydrated]);
  }
  return parentKeys.map((k) => byKey.get(k) ?? []);
}

/** The request's batch of `listsByParent` for one relation. */
export function relationList<T = Record<string, unknown>>(ctx: Ctx, name: string, rel: RelationSpec) {
  return loader<string, T[]>(ctx, `list.${name}`, (keys) => listsByParent<T>(ctx, rel, keys));
}

/**
 * The request's batch of `pagesByParent` for one relation and one set of page arguments (every
 * parent of a list asks with the same arguments, so they share one statement).
 */
export function relationPage<T = Record<string, unknown>>(ctx: Ctx, name: string, rel: RelationSpec, args: ConnectionArgs, field: string) {
  const key = `page.${name}:${args.first ?? ''}:${args.after ?? ''}:${args.last ?? ''}:${args.before ?? ''}`;
  return loader<string, Page<T>>(ctx, key, (keys) => pagesByParent<T>(ctx, rel, keys, args, field));
}

export { CoreErrors };

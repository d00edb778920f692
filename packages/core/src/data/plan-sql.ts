import { is, Placeholder, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../db.js';

/**
 * The planner's SQL text, built as plain strings and bound values and rendered here into one
 * statement's text and parameters (`toQuery`). A planned read is hundreds of fragments (a
 * `json_build_object` pair per column, a subquery per relation); as drizzle `sql` objects each is
 * a chunk that drizzle walks and type-checks when it renders (about 8% of the CPU of a planned
 * read at scale 0.1, Q2). Here the fragments are flattened once, adjacent text joined, and drizzle
 * renders only the modules' own conditions (drizzle `SQL`, embedded as they are).
 */

/** A value bound as a parameter. */
class Bound {
  constructor(readonly value: unknown) {}
}

/**
 * A value of the request, not of the plan: the caller's range, or a value a module's condition
 * names with drizzle's `sql.placeholder(name)` (a day, a list of codes). A plan refers to it by
 * slot, so the same plan (kept per document or per shape, see `frozen`) serves every request,
 * each with its own values.
 */
export class Slot {
  constructor(
    readonly name: string,
    /** range: the caller's `lo` / `hi`; value: a placeholder's value (`SlotValues.values`). */
    readonly kind: 'range' | 'value' = 'range',
  ) {}
}
export const RANGE_LO = new Slot('lo');
export const RANGE_HI = new Slot('hi');

/** The request's values of the slots. */
export interface SlotValues {
  lo: string;
  hi: string;
  /** By placeholder name: the values of a module condition's `sql.placeholder`s. */
  values?: Readonly<Record<string, unknown>>;
}

/** A slot's value; a placeholder without a value is a defect of the caller, not a NULL. */
function slotValue(slots: SlotValues, slot: Slot): unknown {
  if (slot.kind === 'range') return slots[slot.name as 'lo' | 'hi'];
  if (!slots.values || !Object.hasOwn(slots.values, slot.name)) throw new Error(`planner: no value for the placeholder ${slot.name}`);
  return slots.values[slot.name];
}

type Part = string | Bound | Slot | SQL | Frag;

/** A fragment of planner SQL: text, bound values, drizzle conditions of a module, fragments. */
export class Frag {
  constructor(readonly parts: readonly Part[]) {}
}

/**
 * Template tag: the literal text as SQL text; an interpolated `Frag` or drizzle `SQL` embedded;
 * any other value bound as a parameter (never spliced into the text).
 */
export function q(strings: TemplateStringsArray, ...values: unknown[]): Frag {
  const parts: Part[] = [];
  for (let i = 0; i < strings.length; i++) {
    if (strings[i]) parts.push(strings[i]!);
    if (i < values.length) {
      const v = values[i];
      parts.push(v instanceof Frag || v instanceof SQL || v instanceof Slot ? v : new Bound(v));
    }
  }
  return new Frag(parts);
}

/** Text the planner made itself (identifiers it quoted, keywords, numbers it computed). */
export function raw(text: string): Frag {
  return new Frag([text]);
}

/** The fragments with `sep` (text) between them. */
export function join(frags: readonly (Frag | SQL)[], sep: string): Frag {
  const parts: Part[] = [];
  frags.forEach((f, i) => {
    if (i) parts.push(sep);
    parts.push(f);
  });
  return new Frag(parts);
}

/** A quoted identifier. */
export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The first text of a statement that may run on a generic plan (`planModeOf`): one whose rows are
 * found by key (a row by its id or code, rows by a list of codes, and their relations joined on
 * those rows), so a plan made without the parameters' values is as good as one made with them,
 * and PostgreSQL keeps it instead of planning every execution (a standing check: 0.40 ms of
 * planning against 0.04 of execution, small city, 2026-11-30). Every other statement is planned per
 * execution (`force_custom_plan`): a page selected by the caller's range wants a plan for that
 * range (with a generic one, a page of 50 dwellings and their tenants ran 65 ms against 10).
 * A comment, so it travels with the text through drizzle to the session that runs it.
 */
export const GENERIC_PLAN_MARK = '/* plan: generic */ ';

export type PlanMode = 'force_generic_plan' | 'force_custom_plan';

/**
 * Pure rule: the plan mode a statement's text asks for (the session's `plan_cache_mode`). A marked
 * statement is forced onto its generic plan, not left to `auto`: `auto` compares the generic plan's
 * estimated cost with the custom plans' and, for rows found by a list of keys (`code = any($n)`,
 * an array of unknown length to the generic plan), estimated the generic one at twice the cost of
 * the same plan with the list known, so it planned every call: at city size the standing check
 * spent 0.54 ms planning against 0.06 executing (2026-11-30, `pg_stat_statements`: as many plans
 * as calls). The generic plan is the custom plan's shape there (index scans by key at every level).
 */
export function planModeOf(text: string): PlanMode {
  return text.startsWith(GENERIC_PLAN_MARK) ? 'force_generic_plan' : 'force_custom_plan';
}

/** A statement ready for the driver: its text with `$n` placeholders and the values they stand for. */
export interface PlannedQuery {
  sql: string;
  params: unknown[];
}

/**
 * The statement rendered here, not by drizzle: the text flattened, each bound value and slot a
 * `$n` parameter, a module's drizzle condition rendered by drizzle in place (its parameters
 * numbered on from ours). drizzle's rendering of the whole statement walked every chunk again
 * and opened tracing spans around each step. Measured on the small city (2026-11-29, the server
 * alone on a core, Node 24, six alternating 4 s rounds): Q2 0.58 to 0.55 ms CPU a request, Q3a
 * 0.53 to 0.52 (its module conditions are still rendered by drizzle).
 */
export function toQuery(frag: Frag, slots: SlotValues, o: { generic?: boolean } = {}): PlannedQuery {
  const requestValue = (p: Bound | Slot) => (p instanceof Slot ? slotValue(slots, p) : p.value);
  if (frag instanceof KeptFrag) return { sql: o.generic ? frag.genericText() : frag.text, params: frag.sources.map(requestValue) };
  const r = render(frag, requestValue);
  return o.generic ? { sql: GENERIC_PLAN_MARK + r.sql, params: r.params } : r;
}

/** The text of `frag` with a `$n` for each bound value and slot, and what `source` makes of each, in order. */
function render<T>(frag: Frag, source: (p: Bound | Slot) => T): { sql: string; params: T[] } {
  let text = '';
  const params: T[] = [];
  const walk = (f: Frag) => {
    for (const p of f.parts) {
      if (typeof p === 'string') text += p;
      else if (p instanceof Frag) walk(p);
      // One parameter whatever the value, so an array is one parameter (a list of keys).
      else if (p instanceof Bound || p instanceof Slot) {
        params.push(source(p));
        text += `$${params.length}`;
      } else {
        const r = renderCondition(p, params.length);
        text += r.sql;
        for (const v of r.params) params.push(is(v, Placeholder) ? source(new Slot(v.name, 'value')) : source(new Bound(v)));
      }
    }
  };
  walk(frag);
  return { sql: text, params };
}

/**
 * A frozen fragment with its text rendered once. A kept statement then hands the driver the same
 * string every request instead of a text rebuilt piece by piece and prefixed again: built per
 * request, a Q3a statement's 2.5 KB text was allocated three times over (the pieces joined, the
 * generic mark prefixed, the flattening for `planModeOf`'s `startsWith`).
 */
class KeptFrag extends Frag {
  readonly text: string;
  /** Each `$n`'s source, in order: a slot filled per request or a value bound when planned. */
  readonly sources: readonly (Bound | Slot)[];
  #generic: string | null = null;
  constructor(parts: readonly Part[]) {
    super(parts);
    const r = render(this, (p) => p);
    this.text = r.sql;
    this.sources = r.params;
  }
  genericText(): string {
    this.#generic ??= GENERIC_PLAN_MARK + this.text;
    return this.#generic;
  }
}

const dialect = new PgDialect();

/** A module's drizzle condition as drizzle renders it for PostgreSQL, its parameters numbered after the first `offset`. */
function renderCondition(condition: SQL, offset: number, escapeParam = (n: number) => dialect.escapeParam(n)): PlannedQuery {
  const d = dialect as unknown as { casing: unknown };
  return condition.toQuery({
    casing: d.casing as never,
    escapeName: (n) => dialect.escapeName(n),
    escapeParam,
    escapeString: (s) => dialect.escapeString(s),
    paramStartIndex: { value: offset },
  });
}

/** The drizzle session a handle runs its statements on (a database, a transaction, a scoped session's handle). */
interface SessionLike {
  prepareQuery(query: PlannedQuery, fields: undefined, name: undefined, arrayMode: boolean): { execute(): Promise<unknown> };
}

/**
 * Runs a rendered statement on `db` through drizzle's session, as `db.execute` would after its
 * own rendering: the same driver call, statement count (its logger), errors and transaction.
 */
export function executePlanned(db: Db, query: PlannedQuery): Promise<unknown> {
  return (db as unknown as { session: SessionLike }).session.prepareQuery(query, undefined, undefined, false).execute();
}

/** Stands for a parameter while a condition is rendered to be kept (`frozen`): a private-use character no SQL text of ours holds. */
const PARAM_MARK = '\uE000';
const PARAM_MARKS = /\uE000(\d+)\uE000/;

/**
 * The fragment flattened once, to be kept and embedded again in later statements: its text
 * joined, its slots and bound values kept, a module's drizzle condition inlined as its text with
 * each `sql.placeholder` a slot filled per request (`SlotValues.values`). Null when it cannot be
 * kept: a module's condition with a bound value of its own (a date of the request written into
 * the condition) belongs to one request only.
 */
export function frozen(frag: Frag): Frag | null {
  const parts: Part[] = [''];
  let keepable = true;
  const walk = (f: Frag) => {
    for (const p of f.parts) {
      if (!keepable) return;
      if (typeof p === 'string') parts[parts.length - 1] += p;
      else if (p instanceof Frag) walk(p);
      else if (p instanceof SQL) {
        const r = renderCondition(p, 0, (n) => `${PARAM_MARK}${n}${PARAM_MARK}`);
        if (!r.params.every((v) => is(v, Placeholder))) {
          keepable = false;
          return;
        }
        // Text and marks alternate: text, index, text, index, ..., text.
        r.sql.split(PARAM_MARKS).forEach((piece, i) => {
          if (i % 2 === 0) parts[parts.length - 1] += piece;
          else parts.push(new Slot((r.params[Number(piece)] as Placeholder).name, 'value'), '');
        });
      } else parts.push(p, '');
    }
  };
  walk(frag);
  return keepable ? new KeptFrag(parts) : null;
}

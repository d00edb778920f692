import { Param, SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * The planner's SQL text, built as plain strings and bound values and handed to drizzle as one
 * statement of few chunks. A planned read is hundreds of fragments (a `json_build_object` pair per
 * column, a subquery per relation); as drizzle `sql` objects each is a chunk that drizzle walks
 * and type-checks when it renders (about 8% of the CPU of a planned read at scale 0.1, Q2). Here
 * the fragments are flattened once, adjacent text joined, so drizzle renders only the bound
 * values and the modules' own conditions (drizzle `SQL`, embedded as they are).
 */

/** A value bound as a parameter. */
class Bound {
  constructor(readonly value: unknown) {}
}

/**
 * A value of the request, not of the plan: the caller's range. A plan refers to it by slot, so the
 * same plan (cached per document, see `frozen`) serves every caller, each with their own range.
 */
export class Slot {
  constructor(readonly name: 'lo' | 'hi') {}
}
export const RANGE_LO = new Slot('lo');
export const RANGE_HI = new Slot('hi');

/** The request's values of the slots. */
export interface SlotValues {
  lo: string;
  hi: string;
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

/** The statement as drizzle SQL: the text flattened, each bound value a parameter, slots the request's values, module conditions in place. */
export function toSql(frag: Frag, slots: SlotValues): SQL {
  const strings: string[] = [''];
  const values: unknown[] = [];
  const walk = (f: Frag) => {
    for (const p of f.parts) {
      if (typeof p === 'string') strings[strings.length - 1] += p;
      else if (p instanceof Frag) walk(p);
      else {
        // A Param, so an array is one parameter (a list of keys), not drizzle's `(a, b, …)`.
        values.push(p instanceof Bound ? new Param(p.value) : p instanceof Slot ? new Param(slots[p.name]) : p);
        strings.push('');
      }
    }
  };
  walk(frag);
  return sql(strings as unknown as TemplateStringsArray, ...values);
}

const dialect = new PgDialect();

/**
 * The fragment flattened once, to be kept and embedded again in later statements: its text
 * joined, its slots and bound values kept, a module's drizzle condition inlined as its text. Null
 * when it cannot be kept: a module's condition with a parameter of its own (a date of the
 * request, say) belongs to one request only.
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
        const r = dialect.sqlToQuery(p);
        if (r.params.length) keepable = false;
        else parts[parts.length - 1] += r.sql;
      } else parts.push(p, '');
    }
  };
  walk(frag);
  return keepable ? new Frag(parts) : null;
}

import { and, eq, inArray, Param, SQL, sql } from 'drizzle-orm';
import { date, PgDialect, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { Frag, frozen, GENERIC_PLAN_MARK, join, planModeOf, q, RANGE_HI, RANGE_LO, raw, toQuery } from '../src/data/plan-sql.js';

const dialect = new PgDialect();
const render = (f: Parameters<typeof toQuery>[0], slots = { lo: '6201', hi: '6202' }) => toQuery(f, slots);

describe('planner SQL text', () => {
  it.each([
    ['text only', raw('select 1'), 'select 1', []],
    ['a value is a parameter, never text', q`select ${"x'; drop table t; --"}`, 'select $1', ["x'; drop table t; --"]],
    ['nested fragments flatten in order', q`a ${q`b ${1} c`} d ${2}`, 'a b $1 c d $2', [1, 2]],
    ['join puts the separator between', join([q`x = ${1}`, raw('y'), q`z = ${3}`], ' and '), 'x = $1 and y and z = $2', [1, 3]],
    ['an array is one parameter', q`unnest(${['a', 'b']}::uuid[])`, 'unnest($1::uuid[])', [['a', 'b']]],
    ['null is a parameter', q`x = ${null}`, 'x = $1', [null]],
    ['a drizzle condition is embedded with its own parameters, numbered in place', q`${1} and ${sql`m = ${'v'}`} and ${2}`, '$1 and m = $2 and $3', [1, 'v', 2]],
    [
      'a drizzle condition on a column binds through the column (its own numbering, quoting)',
      q`${1} and ${sql`${sql.identifier('t')}.${sql.identifier('d')} = ${'2026-11-29'} and ${"o'k"} = ${sql.raw("'o''k'")}`}`,
      '$1 and "t"."d" = $2 and $3 = \'o\'\'k\'',
      [1, '2026-11-29', "o'k"],
    ],
    ['the range slots take the request values', q`c >= ${RANGE_LO} and c < ${RANGE_HI} and d >= ${RANGE_LO}`, 'c >= $1 and c < $2 and d >= $3', ['6201', '6202', '6201']],
  ])('%s', (_name, frag, text, params) => {
    const r = render(frag);
    expect(r.sql).toBe(text);
    expect(r.params).toEqual(params);
  });
});

describe('rendered here as drizzle renders it', () => {
  // The oracle: the fragment handed to drizzle whole (each value a Param, slots their values), as
  // the planner did before it rendered statements itself.
  const viaDrizzle = (frag: Frag, slots: { lo: string; hi: string }) => {
    const strings: string[] = [''];
    const values: unknown[] = [];
    const walk = (f: Frag) => {
      for (const p of f.parts) {
        if (typeof p === 'string') strings[strings.length - 1] += p;
        else if (p instanceof Frag) walk(p);
        else {
          values.push(p instanceof SQL ? p : new Param(p === RANGE_LO ? slots.lo : p === RANGE_HI ? slots.hi : (p as unknown as { value: unknown }).value));
          strings.push('');
        }
      }
    };
    walk(frag);
    return dialect.sqlToQuery(sql(strings as unknown as TemplateStringsArray, ...values));
  };
  const t = pgTable('t', { d: date('d'), n: text('n') });
  it.each([
    ['plain', q`select ${1}, ${'a'}`],
    ['nested with drizzle conditions', q`select ${q`x ${2}`} where ${sql`y = ${'b'} and ${sql`z = any(${['c', 'd']})`}`} and ${3}`],
    ['a condition on table columns', q`select 1 from t where ${and(eq(t.d, '2026-11-29'), inArray(t.n, ['a', 'b']))} and c >= ${RANGE_LO}`],
    ['slots', q`c >= ${RANGE_LO} and c < ${RANGE_HI}`],
  ])('%s', (_name, frag) => {
    const slots = { lo: '6201', hi: '6202' };
    const d = viaDrizzle(frag, slots);
    expect(toQuery(frag, slots)).toEqual({ sql: d.sql, params: d.params });
  });
});

describe('a kept (frozen) plan', () => {
  const plan = q`select ${raw('x')} where ${sql`t.ended_on is null`} and c >= ${RANGE_LO} and c < ${RANGE_HI} limit ${raw('51')} and k > ${'cursor'}`;
  it('keeps the text, a module condition without parameters inlined, and fills each caller its own range', () => {
    const kept = frozen(plan)!;
    expect(kept).not.toBeNull();
    const a = render(q`${kept} /* a */`, { lo: '620102', hi: '620103' });
    const b = render(kept, { lo: '', hi: '~' });
    expect(a.sql).toBe('select x where t.ended_on is null and c >= $1 and c < $2 limit 51 and k > $3 /* a */');
    expect(a.params).toEqual(['620102', '620103', 'cursor']);
    expect(b.params).toEqual(['', '~', 'cursor']);
  });
  it('is refused when a module condition binds a value of its own (a value of one request)', () => {
    expect(frozen(q`select 1 where ${sql`t.day <= ${'2026-11-29'}`}`)).toBeNull();
  });
  it("keeps a module condition's placeholders as slots, each request filling its own values", () => {
    const condition = sql`t.start <= ${sql.placeholder('day')}::date and t.code = any(${sql.placeholder('codes')}::text[]) and t.kind = 'x''$1'`;
    const kept = frozen(q`select 1 where ${condition} and c >= ${RANGE_LO} limit ${2}`)!;
    expect(kept).not.toBeNull();
    const a = toQuery(kept, { lo: '6201', hi: '6202', values: { day: '2026-11-29', codes: ['A', 'B'] } });
    const b = toQuery(kept, { lo: '6202', hi: '6203', values: { day: '2025-01-01', codes: [] } });
    expect(a.sql).toBe("select 1 where t.start <= $1::date and t.code = any($2::text[]) and t.kind = 'x''$1' and c >= $3 limit $4");
    expect(a.params).toEqual(['2026-11-29', ['A', 'B'], '6201', 2]);
    expect(b.sql).toBe(a.sql);
    expect(b.params).toEqual(['2025-01-01', [], '6202', 2]);
  });
  it('gives a kept statement its text rendered once, with or without the generic-plan mark, and the same text a walk renders', () => {
    const kept = frozen(plan)!;
    const slots = { lo: '6201', hi: '6202' };
    const walked = render(q`${kept}`, slots);
    const once = toQuery(kept, slots);
    expect(once).toEqual(walked);
    const generic = toQuery(kept, slots, { generic: true });
    expect(generic).toEqual({ sql: GENERIC_PLAN_MARK + walked.sql, params: walked.params });
    expect(toQuery(kept, slots, { generic: true }).sql).toBe(generic.sql);
    expect(planModeOf(generic.sql)).toBe('force_generic_plan');
    expect(planModeOf(once.sql)).toBe('force_custom_plan');
    expect(toQuery(q`select ${1}`, slots, { generic: true }).sql).toBe(`${GENERIC_PLAN_MARK}select $1`);
    const withValue = frozen(q`select 1 where ${sql`d = ${sql.placeholder('day')}`}`)!;
    expect(() => toQuery(withValue, slots)).toThrow(/no value for the placeholder day/);
  });
  it('renders placeholders of a condition planned per request from the same values, and refuses a missing one', () => {
    const f = q`select ${1} where ${sql`d = ${sql.placeholder('day')} and e = ${'e'}`}`;
    expect(toQuery(f, { lo: '', hi: '', values: { day: '2026-01-02' } })).toEqual({ sql: 'select $1 where d = $2 and e = $3', params: [1, '2026-01-02', 'e'] });
    expect(() => toQuery(f, { lo: '', hi: '' })).toThrow(/no value for the placeholder day/);
  });
});

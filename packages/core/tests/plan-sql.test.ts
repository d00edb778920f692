import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { frozen, join, q, RANGE_HI, RANGE_LO, raw, toSql } from '../src/data/plan-sql.js';

const dialect = new PgDialect();
const render = (f: Parameters<typeof toSql>[0], slots = { lo: '6201', hi: '6202' }) => dialect.sqlToQuery(toSql(f, slots));

describe('planner SQL text', () => {
  it.each([
    ['text only', raw('select 1'), 'select 1', []],
    ['a value is a parameter, never text', q`select ${"x'; drop table t; --"}`, 'select $1', ["x'; drop table t; --"]],
    ['nested fragments flatten in order', q`a ${q`b ${1} c`} d ${2}`, 'a b $1 c d $2', [1, 2]],
    ['join puts the separator between', join([q`x = ${1}`, raw('y'), q`z = ${3}`], ' and '), 'x = $1 and y and z = $2', [1, 3]],
    ['an array is one parameter', q`unnest(${['a', 'b']}::uuid[])`, 'unnest($1::uuid[])', [['a', 'b']]],
    ['null is a parameter', q`x = ${null}`, 'x = $1', [null]],
    ['a drizzle condition is embedded with its own parameters, numbered in place', q`${1} and ${sql`m = ${'v'}`} and ${2}`, '$1 and m = $2 and $3', [1, 'v', 2]],
    ['the range slots take the request values', q`c >= ${RANGE_LO} and c < ${RANGE_HI} and d >= ${RANGE_LO}`, 'c >= $1 and c < $2 and d >= $3', ['6201', '6202', '6201']],
  ])('%s', (_name, frag, text, params) => {
    const r = render(frag);
    expect(r.sql).toBe(text);
    expect(r.params).toEqual(params);
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
});

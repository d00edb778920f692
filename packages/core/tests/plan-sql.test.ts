import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { join, q, raw, toSql } from '../src/data/plan-sql.js';

const dialect = new PgDialect();
const render = (f: Parameters<typeof toSql>[0]) => dialect.sqlToQuery(toSql(f));

describe('planner SQL text', () => {
  it.each([
    ['text only', raw('select 1'), 'select 1', []],
    ['a value is a parameter, never text', q`select ${"x'; drop table t; --"}`, 'select $1', ["x'; drop table t; --"]],
    ['nested fragments flatten in order', q`a ${q`b ${1} c`} d ${2}`, 'a b $1 c d $2', [1, 2]],
    ['join puts the separator between', join([q`x = ${1}`, raw('y'), q`z = ${3}`], ' and '), 'x = $1 and y and z = $2', [1, 3]],
    ['an array is one parameter', q`unnest(${['a', 'b']}::uuid[])`, 'unnest($1::uuid[])', [['a', 'b']]],
    ['null is a parameter', q`x = ${null}`, 'x = $1', [null]],
    ['a drizzle condition is embedded with its own parameters, numbered in place', q`${1} and ${sql`m = ${'v'}`} and ${2}`, '$1 and m = $2 and $3', [1, 'v', 2]],
  ])('%s', (_name, frag, text, params) => {
    const r = render(frag);
    expect(r.sql).toBe(text);
    expect(r.params).toEqual(params);
  });
});

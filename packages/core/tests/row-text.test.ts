import { sql } from 'drizzle-orm';
import { bigint, boolean, char, date, doublePrecision, integer, json, jsonb, numeric, pgTable, smallint, text, timestamp, uuid, type PgColumn } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { columnElement, parsedJson, rowDecoder } from '../src/data/row-text.js';
import { rowsOf } from '../src/sql-helpers.js';

// Every column type a module table uses, and a few it may: a nested row's element must read back
// as the value the driver gives for the same column at the root (what `hydrate` then maps).
const t = pgTable('row_text_probe', {
  text: text('text'),
  padded: char('padded', { length: 4 }),
  uuid: uuid('uuid'),
  bool: boolean('bool'),
  int: integer('int'),
  small: smallint('small'),
  big: bigint('big', { mode: 'number' }),
  num: numeric('num'),
  dbl: doublePrecision('dbl'),
  day: date('day'),
  dayAsDate: date('day_as_date', { mode: 'date' }),
  at: timestamp('at', { withTimezone: true }),
  atString: timestamp('at_string', { withTimezone: true, mode: 'string' }),
  plain: timestamp('plain'),
  doc: jsonb('doc'),
  doc2: json('doc2'),
  list: text('list').array(),
  ids: uuid('ids').array(),
});
const col = (k: keyof typeof t._.columns) => t[k] as unknown as PgColumn;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ modules: [] });
});
afterAll(() => s?.close());

const cases: [name: string, column: keyof typeof t._.columns, literal: string][] = [
  ['text', 'text', `'plain'`],
  ['text with quotes, a backslash, braces, a comma and white space', 'text', `E'a "b" \\\\ {c}, d\\te'`],
  ['text that reads NULL', 'text', `'NULL'`],
  ['empty text', 'text', `''`],
  ['text in Chinese', 'text', `'城关区 张三'`],
  ['char keeps its padding', 'padded', `'ab'::char(4)`],
  ['uuid', 'uuid', `'00000012-0000-4000-8000-00000001a81b'::uuid`],
  ['true', 'bool', 'true'],
  ['false', 'bool', 'false'],
  ['integer', 'int', '-42::integer'],
  ['smallint', 'small', '7::smallint'],
  ['bigint', 'big', '9007199254740993::bigint'],
  ['numeric', 'num', `'12.50'::numeric`],
  ['double', 'dbl', '0.1::float8'],
  ['tiny double', 'dbl', `'1e-7'::float8`],
  ['date', 'day', `'2024-02-29'::date`],
  ['date as a Date', 'dayAsDate', `'2024-02-29'::date`],
  ['timestamptz', 'at', `'2024-06-30 12:34:56.789012+08'::timestamptz`],
  ['timestamptz as a string', 'atString', `'2024-06-30 12:34:56.789012+08'::timestamptz`],
  ['timestamp', 'plain', `'2024-06-30 12:34:56'::timestamp`],
  ['jsonb', 'doc', `'{"ruleId": "r1", "eventIds": ["e1"], "n": 1.5, "q": "a\\"b"}'::jsonb`],
  ['json', 'doc2', `'[1, "x", null]'::json`],
  ['text array with quotes and NULL', 'list', `array['a', 'b "c"', 'NULL', null]::text[]`],
  ['empty text array', 'list', `'{}'::text[]`],
  ['uuid array', 'ids', `array['00000012-0000-4000-8000-00000001a81b']::uuid[]`],
];

describe('a nested row element reads back as the root column does', () => {
  it.each(cases)('%s', async (_name, key, literal) => {
    const column = col(key);
    const el = columnElement(column);
    const [root] = rowsOf<{ v: unknown }>(await s.database.db.execute(sql.raw(`select ${literal} as v`)));
    const [nested] = rowsOf<{ j: unknown }>(await s.database.db.execute(sql.raw(`select to_json(array[${el.sql(`(${literal})`)}, null]) as j`)));
    const [text, missing] = parsedJson(nested!.j) as [string | null, null];
    expect(missing).toBeNull();
    const decoded = text == null ? null : el.decode ? el.decode(text) : text;
    // PGlite gives a 64-bit integer as a BigInt where postgres.js gives its text: the mapping below settles both.
    if (typeof root!.v !== 'bigint') expect(decoded).toEqual(root!.v);
    // And drizzle's mapping of either gives the same value (what hydrate does).
    expect(column.mapFromDriverValue(decoded)).toEqual(column.mapFromDriverValue(root!.v));
  });

  it('reads a row of elements by key, a null element as null whatever its column', () => {
    const decode = rowDecoder([
      { key: 'id', decode: null },
      { key: 'matched', decode: columnElement(col('bool')).decode },
      { key: 'n', decode: columnElement(col('int')).decode },
      { key: '@person', decode: (x) => JSON.parse(x) },
    ]);
    expect(decode(['a', 'true', '3', '["p"]'])).toEqual({ id: 'a', matched: true, n: 3, '@person': ['p'] });
    expect(decode(['a', null, null, null])).toEqual({ id: 'a', matched: null, n: null, '@person': null });
  });

  it.each([
    ['a match', ['r1', 'p1', '张三', 'h1', 'x', '2024-01-01'], { id: 'r1', '@person': { id: 'p1', name: '张三', '@home': { id: 'h1', code: 'x' } }, on: '2024-01-01' }],
    ['no match: the joined row is null, its own joined row with it', ['r1', null, null, null, null, '2024-01-01'], { id: 'r1', '@person': null, on: '2024-01-01' }],
    ['a match whose own join has none', ['r1', 'p1', null, null, null, null], { id: 'r1', '@person': { id: 'p1', name: null, '@home': null }, on: null }],
  ])('reads a joined row in place of its elements: %s', (_name, elements, row) => {
    const home = {
      key: '@home',
      presentAt: 0,
      joined: [
        { key: 'id', decode: null },
        { key: 'code', decode: null },
      ],
    };
    const person = { key: '@person', presentAt: 0, joined: [{ key: 'id', decode: null }, { key: 'name', decode: null }, home] };
    const decode = rowDecoder([{ key: 'id', decode: null }, person, { key: 'on', decode: null }]);
    expect(decode(elements)).toEqual(row);
  });
});

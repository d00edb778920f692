import { buildSchema as sdl, type GraphQLEnumType, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { TOP_LEVEL_ERROR_CODES } from '@safecity/core';
import { alwaysPresent, schemaFigures, schemaReport, TARGETS } from '../src/schema-check.js';
import { checkedSchema, schema } from '../src/schema.js';

const columns = { notNull: new Set(['name', 'version', 'address']) };

describe('schema conventions: the rules of the check (table)', () => {
  it.each([
    ['id', 'ID', true, 'an ID named id always exists'],
    ['id', 'String', false, 'a String named id is not a record id'],
    ['name', 'String', true, 'name is NOT NULL in every table'],
    ['version', 'Int', true, 'version is NOT NULL in every table'],
    ['code', 'String', false, 'no NOT NULL column named code here'],
    ['note', 'String', false, 'not an identity-like name'],
  ])('%s: %s → %s (%s)', (name, type, expected) => {
    const s = sdl(`type Query { x: T } type T { ${name}: ${type} }`);
    const field = (s.getType('T') as GraphQLObjectType).getFields()[name];
    expect(alwaysPresent(field, columns)).toBe(expected);
  });

  it('finds nullable always-present fields, root look-alikes and missing descriptions', () => {
    const s = sdl(`
      """Reads""" type Query { """x""" t: T, q: QueryTConnection }
      """A record""" type T { """id""" id: ID, """name""" name: String!, address: String, note: String }
      type QueryTConnection { """n""" n: Int }
    `);
    const f = schemaFigures(s, columns);
    expect(f.nullableAlwaysPresent).toEqual(['T.id', 'T.address']);
    expect(f.rootLookalikes).toEqual(['QueryTConnection']);
    expect(f.types).toEqual({ described: 2, total: 3, missing: ['QueryTConnection'] });
    expect(f.rootFields).toEqual({ described: 1, total: 2, missing: ['Query.q'] });
    const { failures } = schemaReport(f, TARGETS);
    expect(failures.map((l) => l.split(':')[0].split(' below')[0])).toEqual([
      'nullable fields whose value always exists',
      'descriptions on types',
      'descriptions on rootFields',
      'descriptions on fields',
      'types named Query…/Mutation…/Subscription…',
    ]);
  });
});

describe('the API schema', () => {
  it('keeps the conventions CI enforces: 0 nullable always-present fields, no Query…/Mutation… types, coverage at or above the floors', () => {
    const { figures, failures } = checkedSchema();
    expect(failures).toEqual([]);
    expect(figures.nullableAlwaysPresent).toEqual([]);
    expect(figures.rootLookalikes).toEqual([]);
  });

  it('names connections after their node and payloads after their mutation', () => {
    const names = Object.keys(schema.getTypeMap());
    expect(names).toEqual(expect.arrayContaining(['PersonConnection', 'PersonEdge', 'DwellingConnection', 'RecordPersonPayload', 'RecordPersonSuccess']));
    expect(names.filter((n) => /^(Query|Mutation)[A-Z]/.test(n))).toEqual([]);
  });

  it('lists every top-level code in ErrorCode, each described', () => {
    const values = new Map((schema.getType('ErrorCode') as GraphQLEnumType).getValues().map((v) => [v.name, v]));
    for (const code of [...Object.keys(TOP_LEVEL_ERROR_CODES), 'FORBIDDEN']) {
      expect(values.has(code), code).toBe(true);
      expect(values.get(code)?.description?.length ?? 0, code).toBeGreaterThan(10);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { declaredForeignKeys, orderByForeignKeys, type ForeignKey } from '../lib/fk.js';
import { hasGraphqlErrors } from '../lib/load.js';
import { plans } from '../plans.js';

const fk = (table: string, foreignTable: string): ForeignKey => ({ table, columns: [`${foreignTable}_id`], foreignTable, foreignColumns: ['id'] });

describe('orderByForeignKeys: parents are COPYed before their children', () => {
  const cases: { name: string; tables: string[]; fks: ForeignKey[]; order: string[] }[] = [
    { name: 'no keys keep the given order', tables: ['c', 'b', 'a'], fks: [], order: ['c', 'b', 'a'] },
    { name: 'a child listed first moves after its parent', tables: ['child', 'parent'], fks: [fk('child', 'parent')], order: ['parent', 'child'] },
    { name: 'a chain', tables: ['c', 'b', 'a'], fks: [fk('c', 'b'), fk('b', 'a')], order: ['a', 'b', 'c'] },
    { name: 'a self reference does not constrain', tables: ['tree', 'x'], fks: [fk('tree', 'tree')], order: ['tree', 'x'] },
    { name: 'a reference outside the list (seeded before) does not constrain', tables: ['b', 'a'], fks: [fk('a', 'jurisdictions'), fk('b', 'jurisdictions')], order: ['b', 'a'] },
    { name: 'two parents', tables: ['reg', 'person', 'dwelling'], fks: [fk('reg', 'person'), fk('reg', 'dwelling')], order: ['person', 'dwelling', 'reg'] },
  ];
  for (const c of cases) it(c.name, () => expect(orderByForeignKeys(c.tables, c.fks)).toEqual(c.order));

  it('a cycle is an error naming the tables', () => {
    expect(() => orderByForeignKeys(['a', 'b', 'c'], [fk('a', 'b'), fk('b', 'a')])).toThrow('foreign keys form a cycle among: a, b');
  });
});

describe('the foreign keys of the modules drizzle tables', () => {
  it('includes the credit module’s keys, and the generator loads in an order that satisfies every declared key', () => {
    const fks = declaredForeignKeys();
    expect(fks).toContainEqual({ table: 'credit_list_entries', columns: ['subject_id'], foreignTable: 'credit_subjects', foreignColumns: ['id'] });
    expect(fks).toContainEqual({ table: 'credit_list_decisions', columns: ['entry_id'], foreignTable: 'credit_list_entries', foreignColumns: ['id'] });
    const tables = plans.map((p) => p.table);
    const order = orderByForeignKeys(tables, fks);
    for (const f of fks.filter((x) => tables.includes(x.table) && tables.includes(x.foreignTable) && x.table !== x.foreignTable)) {
      expect(order.indexOf(f.foreignTable), `${f.table} → ${f.foreignTable}`).toBeLessThan(order.indexOf(f.table));
    }
  });
});

describe('hasGraphqlErrors: a 200 answer can still be an error', () => {
  const cases: [string, boolean][] = [
    ['{"data":{"hello":"world"}}', false],
    ['{"errors":[{"message":"x"}],"data":null}', true],
    ['{"data":{"a":null},"errors":[{"message":"x"}]}', true],
    ['{"data":{"note":"errors"}}', false],
  ];
  for (const [body, want] of cases) it(body, () => expect(hasGraphqlErrors(body)).toBe(want));
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { builtOnce, executeFixed, jurisdictions, rowsOf, sql, type Database, type Db } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';

let d: Database;
beforeAll(async () => {
  d = await createTestDatabase();
});
afterAll(() => d?.close());

const p = sql.placeholder;
const insertGrid = builtOnce(
  (db) =>
    db
      .insert(jurisdictions)
      .values({ code: p('code'), name: p('name'), level: 'grid', parentCode: '620102001001', depth: 5 })
      .returning({ code: jurisdictions.code, name: jurisdictions.name }),
  'test_insert_grid',
);
const gridByCode = builtOnce(
  (db) =>
    db
      .select({ name: jurisdictions.name })
      .from(jurisdictions)
      .where(eq(jurisdictions.code, p('code'))),
  'test_grid_by_code',
);

class Rollback extends Error {}
const inTransaction = async (fn: (db: Db) => Promise<void>, commit: boolean) => {
  try {
    await d.db.transaction(async (tx) => {
      await fn(tx as unknown as Db);
      if (!commit) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
};

describe('builtOnce (a statement built once, run in each transaction)', () => {
  // Each row runs in a new transaction after the previous ones: a reused statement must take this
  // row's values and run on this transaction's connection (a rollback undoes only its own insert).
  it.each([
    { code: '620102001001971', name: '网格一', commit: true },
    { code: '620102001001972', name: '网格二', commit: false },
    { code: '620102001001973', name: '网格三', commit: true },
  ])('inserts $code in its own transaction (commit: $commit)', async ({ code, name, commit }) => {
    await inTransaction(async (tx) => {
      expect(await insertGrid(tx, { code, name })).toEqual([{ code, name }]);
      expect(await gridByCode(tx, { code })).toEqual([{ name }]);
    }, commit);
    expect(await gridByCode(d.db, { code })).toEqual(commit ? [{ name }] : []);
  });

  it('refuses a handle without a driver session instead of running elsewhere', () => {
    expect(() => gridByCode({} as Db, { code: 'x' })).toThrow(/driver session/);
  });
});

describe('executeFixed (a fixed SQL text, prepared on its connection)', () => {
  const probe = (n: number) => sql`select ${n}::int + 1 as next, 'executeFixed probe' as tag`;
  it.each([1, 41])('answers like execute (%i), and on a server the text is a prepared statement of the connection', async (n) => {
    await inTransaction(async (tx) => {
      expect(rowsOf(await executeFixed(tx, probe(n)))).toEqual([{ next: n + 1, tag: 'executeFixed probe' }]);
      if (d.kind === 'postgres') {
        // drizzle's own execute sends the text unnamed: no prepared statement is left behind.
        const prepared = await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like '%executeFixed probe%'`);
        expect(rowsOf(prepared)[0]).toEqual({ n: 1 });
      }
    }, false);
  });

  it('refuses a handle without a driver session', () => {
    expect(() => executeFixed({} as Db, probe(1))).toThrow(/driver session/);
  });
});

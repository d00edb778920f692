import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, like, sql } from 'drizzle-orm';
import { jurisdictions, rowsOf, scopedRead, withinSql, type Ctx, type Page, type ScopedTable } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';

// The jurisdiction tree has no row-level security policy (its key is `code`), so what these
// tests see is scopedRead's own filter, not PostgreSQL's.
const tree: ScopedTable<typeof jurisdictions> = { table: jurisdictions, jurisdiction: 'code' };

let s: TestServer;
let district: Ctx;
beforeAll(async () => {
  s = await startTestServer({ modules: [] });
  district = await s.ctxAs('district_officer', '620102');
});
afterAll(() => s?.close());

const codes = (rows: { code: string }[]) => rows.map((r) => r.code);
const subdistricts = like(jurisdictions.code, '_________');

describe('scopedRead: the caller’s scope and the division filter, from the table’s declaration', () => {
  it.each([
    ['the caller’s subtree only', {}, (c: string) => c.startsWith('620102'), 'some'],
    ['within one division, inside the scope', { within: '620102001' }, (c: string) => c === '620102001', 'some'],
    ['within a division outside the scope: nothing', { within: '620103' }, () => false, 'none'],
    ['within any of several divisions', { within: ['620102001', '620102002'] }, (c: string) => c === '620102001' || c === '620102002', 'some'],
    ['within an empty list: nothing', { within: [] as string[] }, () => false, 'none'],
    ['a public read: the division filter without the caller’s scope', { audience: 'public' as const, within: '620103' }, (c: string) => c.startsWith('620103'), 'some'],
  ])('%s', async (_name, o, expected, rows) => {
    const all = await s.database.db.select({ code: jurisdictions.code }).from(jurisdictions).where(subdistricts).orderBy(asc(jurisdictions.code));
    const want = codes(all).filter(expected);
    const got = codes(await scopedRead(district, tree, { ...o, where: [subdistricts], orderBy: [jurisdictions.code] }));
    expect(got).toEqual(want);
    // A case expecting rows must find some, or it would pass on an empty tree.
    expect(want.length > 0).toBe(rows === 'some');
  });

  it('pages by the declared keys: the pages join up to the list, cursors from the same properties', async () => {
    const list = codes(await scopedRead(district, tree, { where: [eq(jurisdictions.level, 'community')], orderBy: [jurisdictions.code] }));
    expect(list.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const page: Page<typeof jurisdictions.$inferSelect> = await scopedRead(district, tree, { where: [eq(jurisdictions.level, 'community')], page: { args: { first: 3, after }, keys: ['code'] } });
      seen.push(...page.edges.map((e) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(list);
  });

  it('a lookup of a row outside the scope finds nothing (the loader then says NOT_FOUND)', async () => {
    expect(await scopedRead(district, tree, { where: [eq(jurisdictions.code, '620103')] })).toEqual([]);
    expect(codes(await scopedRead(district, tree, { where: [eq(jurisdictions.code, '620102')] }))).toEqual(['620102']);
  });
});

describe('withinSql: the subtree as a range says what a prefix says', () => {
  // Codes are digits, but the range must not depend on it: its upper bound is the prefix with the
  // last character moved on, and byte order puts exactly the prefix's strings in between.
  const strings = ['620102', '620102999', '620102999001', '620103', '620102:', '62010299', '620101999', '620102/', '620102\u00ff', '620102\u4e00', '620102998', '62010300', 'x620102', '6201'];
  it.each(['620102', '620102999', '620102998'])('within %s', async (code) => {
    const rows = rowsOf<{ s: string; inside: boolean }>(
      await s.database.db.execute(sql`select s, ${withinSql(sql.raw('s'), code)} as inside from jsonb_array_elements_text(${JSON.stringify(strings)}::jsonb) as t(s)`),
    );
    expect(rows.filter((r) => r.inside).map((r) => r.s)).toEqual(strings.filter((x) => x.startsWith(code)));
    expect(rows.some((r) => r.inside)).toBe(true);
  });
});

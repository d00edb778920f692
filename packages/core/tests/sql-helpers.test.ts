import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyOf, auditLog, jurisdictions, rowsAsSelect, sql } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import type { Database } from '@safecity/core';

let d: Database;
beforeAll(async () => {
  d = await createTestDatabase();
});
afterAll(() => d?.close());

describe('rowsAsSelect (bulk insert in one parameter)', () => {
  it('inserts like .values(): given columns, SQL defaults for the missing ones, returning mapped rows', async () => {
    const rows = [
      { code: '620102001001901', name: '测试网格甲', level: 'grid' as const, parentCode: '620102001001', depth: 5 },
      { code: '620102001001902', name: '测试网格乙', level: 'grid' as const, parentCode: '620102001001', depth: 5, version: 7 },
    ];
    const out = await d.db.insert(jurisdictions).select(rowsAsSelect(jurisdictions, rows)).returning();
    expect(out.map((r) => [r.code, r.version])).toEqual([
      ['620102001001901', 1],
      ['620102001001902', 7],
    ]);
    expect(out[0].updatedAt).toBeInstanceOf(Date);
  });

  it('keeps jsonb, text[] and serial columns intact', async () => {
    const row = {
      id: '0b9c1c0e-1111-4d1e-9c3b-000000000001',
      at: new Date('2026-01-02T03:04:05.678Z'),
      actorId: 'tester',
      actorRoles: ['auditor', 'city_admin'],
      operation: 'test',
      entityType: 'Thing',
      entityId: 'x',
      jurisdictionCode: '620102',
      before: null,
      after: { nested: { list: [1, 2, '三'] } },
      purpose: null,
      requestId: 'r',
      prevHash: 'p',
      hash: 'h',
    };
    const [r] = await d.db
      .insert(auditLog)
      .select(rowsAsSelect(auditLog, [row]))
      .returning();
    expect(r).toMatchObject({ actorRoles: ['auditor', 'city_admin'], after: { nested: { list: [1, 2, '三'] } }, at: row.at });
    expect(r.seq).toBeGreaterThan(0);
  });
});

describe('anyOf (one array parameter)', () => {
  it('matches like IN, and nothing for an empty list', async () => {
    const codes = ['620102', '620103', '999999'];
    const hit = await d.db.select({ code: jurisdictions.code }).from(jurisdictions).where(anyOf(jurisdictions.code, codes)).orderBy(jurisdictions.code);
    expect(hit.map((h) => h.code)).toEqual(['620102', '620103']);
    const none = await d.db.select({ n: sql<number>`count(*)::int` }).from(jurisdictions).where(anyOf(jurisdictions.code, []));
    expect(none[0].n).toBe(0);
  });
  it('takes a placeholder for the keys, filled when the prepared query runs', async () => {
    const q = d.db
      .select({ code: jurisdictions.code })
      .from(jurisdictions)
      .where(anyOf(jurisdictions.code, sql.placeholder('codes')))
      .orderBy(jurisdictions.code)
      .prepare('any_of_placeholder');
    expect((await q.execute({ codes: ['620103', '620102', '999999'] })).map((h) => h.code)).toEqual(['620102', '620103']);
    expect(await q.execute({ codes: ['620104'] })).toEqual([{ code: '620104' }]);
  });
});

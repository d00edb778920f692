import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { isValidCreditCode, rowsOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { assessmentModule } from '../src/index.js';

describe('assessment seed', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ modules: [assessmentModule] });
    await assessmentModule.seed!(await s.ctxAs(null));
  });
  afterAll(() => s?.close());

  const rows = async (q: string) => {
    return rowsOf<any>(await s.database.db.execute(sql.raw(q)));
  };

  it('places a batch of all 11 categories in the Lanzhou tree with two years of results, vetoes, a revoked plaque and an overdue move', async () => {
    const [u] = await rows(
      `select count(*)::int n, count(distinct category)::int c, count(*) filter (where jurisdiction_code not like '620102%' and jurisdiction_code not like '620103%')::int outside from safe_units`,
    );
    expect(u).toEqual({ n: 22, c: 11, outside: 0 });
    const [a] = await rows(
      `select count(distinct chain_id)::int chains, count(*) filter (where version > 1)::int corrections, count(*) filter (where vetoed)::int vetoes, count(distinct period_start)::int periods from unit_assessments`,
    );
    expect(a).toMatchObject({ chains: 44, corrections: 1, periods: 2 });
    expect(a.vetoes).toBeGreaterThanOrEqual(4);
    const vetoed = await rows(`select triggering_event_ids, explanation from unit_assessments where vetoed`);
    for (const v of vetoed) expect(v.triggering_event_ids.length).toBeGreaterThan(0);
    const revoked = await rows(`select p.revoke_reason from plaques p join safe_units u on u.id = p.unit_id where p.revoked_at is not null and u.name = '畅家巷小学'`);
    expect(revoked[0].revoke_reason).toContain('校门口持刀伤人案');
    expect((await rows(`select count(*)::int n from unit_batch_moves`))[0].n).toBeGreaterThanOrEqual(1);
    const codes = (await rows(`select credit_code from safe_units where credit_code is not null`)).map((r) => r.credit_code);
    expect(codes.length).toBeGreaterThanOrEqual(4);
    for (const c of codes) expect(isValidCreditCode(c), c).toBe(true);
  });

  it('is idempotent', async () => {
    await assessmentModule.seed!(await s.ctxAs(null));
    expect((await rows(`select count(*)::int n from safe_units`))[0].n).toBe(22);
  });
});

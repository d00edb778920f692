import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { disputesModule } from '../src/index.js';
import { JIUQUANLU_2026 } from './fixtures/jiuquanlu-2026.js';
import { rows } from './helpers.js';

const RATES = `query($j: DivisionCode!, $p: String!) { disputeRates(jurisdictionCode: $j, period: $p) {
  period start end
  total { jurisdictionCode name screened resolved resolution { numerator denominator value percent } overdue escalated massIncidents }
  children { jurisdictionCode screened resolved overdue escalated massIncidents }
} }`;

describe('disputes seed and rates', () => {
  let s: TestServer;
  let district: string;
  beforeAll(async () => {
    s = await startTestServer({ modules: [disputesModule] });
    await disputesModule.seed!(await s.ctxAs(null));
    district = await s.token('district_officer', '620102');
  });
  afterAll(() => s?.close());

  it('seeds a few dozen disputes across 620102 and 620103 sub-districts, and is idempotent', async () => {
    const count = async () =>
      (await rows(s, sql`select count(*)::int as n, count(*) filter (where jurisdiction_code not like '620102%' and jurisdiction_code not like '620103%')::int as outside from disputes`))[0];
    expect(await count()).toEqual({ n: 31, outside: 0 });
    await disputesModule.seed!(await s.ctxAs(null));
    expect((await count()).n).toBe(31);
  });

  it('the resolution rate of 酒泉路街道 in 2026 matches the hand-computed fixture, in one SQL statement', async () => {
    const r = await s.gql(RATES, { j: '620102001', p: '2026' }, { token: district });
    expect(r.errors).toBeUndefined();
    expect(r.data.disputeRates.total).toEqual(JIUQUANLU_2026.total);
    expect(r.data.disputeRates.children).toEqual(JIUQUANLU_2026.children);
    expect(r.extensions?.sqlStatements).toBe(1);
  });

  it('rolls up the tree: the district adds its other sub-district', async () => {
    const r = await s.gql(RATES, { j: '620102', p: '2026' }, { token: district });
    expect(r.data.disputeRates.total).toMatchObject({
      screened: JIUQUANLU_2026.district.screened,
      resolved: JIUQUANLU_2026.district.resolved,
      resolution: { percent: JIUQUANLU_2026.district.percent },
    });
    const jql = r.data.disputeRates.children.find((c: any) => c.jurisdictionCode === '620102001');
    expect(jql).toMatchObject({ screened: 14, resolved: 12 });
    const sum = r.data.disputeRates.children.reduce((n: number, c: any) => n + c.screened, 0);
    expect(sum).toBe(JIUQUANLU_2026.district.screened);
    // a quarter: Q1 holds the January to March disputes of 酒泉路街道 (6, all resolved)
    const q1 = await s.gql(RATES, { j: '620102001', p: '2026-Q1' }, { token: district });
    expect(q1.data.disputeRates.total).toMatchObject({ screened: 6, resolved: 6, resolution: { percent: '100.00%' } });
  });

  it('a page of disputes with parties, steps, organisations and rounds costs the same few statements at any size', async () => {
    const PAGE = `query($n: Int) { disputes(first: $n) { edges { node { id kind parties { role name } steps { edges { node { kind organisation { name } } } }
      organisation { name } screeningRound { period findings { disputes } } } } } }`;
    const costs: number[] = [];
    for (const n of [2, 25]) {
      const r = await s.gql(PAGE, { n }, { token: district });
      expect(r.errors).toBeUndefined();
      expect(r.data.disputes.edges).toHaveLength(n === 2 ? 2 : 21); // 城关区 holds 21 seeded disputes
      costs.push(r.extensions?.sqlStatements);
    }
    // one statement per kind of nested record, whatever the page size (the small page has no screening round)
    expect(costs[0]).toBeLessThanOrEqual(7);
    expect(costs[1]).toBeLessThanOrEqual(7);
  });

  it('another district sees none of it', async () => {
    const other = await s.token('district_officer', '620103');
    const r = await s.gql(RATES, { j: '620102001', p: '2026' }, { token: other });
    expect(r.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    const own = await s.gql(RATES, { j: '620103', p: '2026' }, { token: other });
    expect(own.data.disputeRates.total).toMatchObject({ screened: 10, resolved: 8, escalated: 1 });
  });
});

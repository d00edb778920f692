import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { devTokenClaims, isValidResidentId } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { decryptResidentId } from '../src/identity.js';
import { demoGrids } from '../src/seed.js';
import { rows } from './helpers.js';

describe('demoGrids', () => {
  const grids = ['620102001001001', '620102001001002', '620102001001003', '620102001002001', '620102001002002', '620103001001001', '620103001001002', '620103001001003', '620104001001001'];
  it.each([
    [1, ['620102001001001', '620103001001001']],
    [2, ['620102001001001', '620103001001001', '620102001001003', '620103001001003']],
    [5, ['620102001001001', '620103001001001', '620102001001003', '620103001001003', '620102001002002']],
  ])('%i per district → %o (every other grid, interleaved, other districts left out)', (per, expected) => {
    expect(demoGrids(grids, per)).toEqual(expected);
  });
});

/** The demo seed covers 城关区 and 七里河区, as the README says, so isolation can be tried on it. */
describe('population demo seed', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ modules: [populationModule] });
    await populationModule.seed!(await s.ctxAs(null));
  });
  afterAll(() => s?.close());

  const byDistrict = (table: string) => rows<{ d: string; n: number }>(s, sql`select left(jurisdiction_code, 6) as d, count(*)::int as n from ${sql.identifier(table)} group by 1 order by 1`);

  it('spreads persons, dwellings, registrations and visits over both districts, about evenly', async () => {
    for (const [table, total] of [
      ['persons', 500],
      ['dwellings', 150],
      ['residence_registrations', 400],
    ] as const) {
      const split = await byDistrict(table);
      expect(
        split.map((r) => r.d),
        table,
      ).toEqual(['620102', '620103']);
      expect(
        split.reduce((a, r) => a + r.n, 0),
        table,
      ).toBe(total);
      for (const r of split) expect(r.n, `${table} in ${r.d}`).toBeGreaterThanOrEqual(total * 0.4);
    }
    expect((await byDistrict('revisits')).map((r) => r.d)).toEqual(['620102', '620103']);
    // The seeded grid worker's community (畅家巷) has dwellings of its own.
    const [{ n }] = await rows<{ n: number }>(s, sql`select count(*)::int as n from dwellings where jurisdiction_code like '620102001001%'`);
    expect(n).toBeGreaterThan(0);
    // Visits in 七里河区 are not made by 畅家巷's grid worker.
    const visitors = await rows<{ v: string }>(s, sql`select distinct visitor_id as v from revisits where jurisdiction_code like '620103%'`);
    expect(visitors.map((r) => r.v)).not.toContain('changjiaxiang-grid-worker');
    for (const { v } of visitors) expect(v).toMatch(/^grid_worker@620103\d{6}$/);
  });

  it('lets each district officer read their own district and nothing of the other (through HTTP)', async () => {
    const q = `{ dwellings(first: 100) { edges { node { jurisdictionCode currentTenants { person { jurisdictionCode } } } } } }`;
    for (const [district, other] of [
      ['620102', '620103'],
      ['620103', '620102'],
    ]) {
      const c = devTokenClaims('district_officer', { jurisdiction: district });
      const token = await s.token('district_officer', district, { sub: c.sub });
      const r = await s.gql(q, {}, { token });
      expect(r.errors).toBeUndefined();
      const codes = r.data.dwellings.edges.map((e: any) => e.node.jurisdictionCode as string);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c: string) => c.startsWith(district))).toBe(true);
      expect(JSON.stringify(r.data)).not.toContain(`"${other}`);
    }
  });

  it('is idempotent', async () => {
    const before = await Promise.all(['persons', 'dwellings', 'residence_registrations', 'revisits', 'floating_population_estimates', 'five_ones_checks'].map((t) => byDistrict(t)));
    await populationModule.seed!(await s.ctxAs(null));
    const after = await Promise.all(['persons', 'dwellings', 'residence_registrations', 'revisits', 'floating_population_estimates', 'five_ones_checks'].map((t) => byDistrict(t)));
    expect(after).toEqual(before);
  });

  // Moved here from reports.test.ts, where seeding the whole demo city changed the rates and the
  // overdue lists the other tests there read; that it is idempotent is the test above.
  it('seeds a realistic demo set: every class, visits recent, old and never, valid numbers, most overdue first', async () => {
    const classes = await rows(s, sql`select dwelling_class, count(*)::int as n from dwellings where jurisdiction_code like '620103%' or jurisdiction_code like '620102%' group by 1 order by 1`);
    expect(classes.map((c: any) => c.dwelling_class)).toEqual(['general', 'key', 'trusted']);
    const ages = await rows(
      s,
      sql`select count(*) filter (where last_visited_on >= current_date - 15)::int as recent, count(*) filter (where last_visited_on < current_date - 90)::int as old, count(*) filter (where last_visited_on is null)::int as never from dwellings`,
    );
    expect(ages[0].recent).toBeGreaterThan(0);
    expect(ages[0].old).toBeGreaterThan(0);
    expect(ages[0].never).toBeGreaterThan(0);
    const ps = await rows(s, sql`select p.name, p.id_number_cipher from persons p join residence_registrations r on r.person_id = p.id and r.source = 'seed' order by p.id limit 50`);
    expect(ps).toHaveLength(50);
    for (const p of ps) expect(isValidResidentId(decryptResidentId(p.id_number_cipher))).toBe(true);
    expect(ps.every((p: any) => /^[\u4e00-\u9fa5]{2,3}/.test(p.name))).toBe(true);
    const overdue = await s.gql(
      `{ overdueDwellings(first: 5) { edges { node { address daysOverdue } } } overdueTenants(first: 5) { edges { node { name } } } }`,
      {},
      { token: await s.token('city_admin') },
    );
    expect(overdue.data.overdueDwellings.edges.length).toBe(5);
    expect(overdue.data.overdueTenants.edges.length).toBe(5);
    const days = overdue.data.overdueDwellings.edges.map((e: any) => e.node.daysOverdue);
    expect([...days].sort((a, b) => b - a)).toEqual(days); // most overdue first
  });
});

import { parse, Kind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDateOf, daysBetween, isValidCreditCode, seedAll, sql } from '@safecity/core';
import { rows, SEEDED_USERS, startTestServer, type TestServer } from '@safecity/core/testing';
import { EXAMPLE_OPERATIONS } from '../src/examples.js';
import { modules } from '../src/modules.js';

/** The operations GraphiQL offers a new user run cleanly on the seeded demo city, and the seed is idempotent. */
let s: TestServer;
let countsSeededOnce: Record<string, number>;
let countsSeededTwice: Record<string, number>;
beforeAll(async () => {
  // The demo city seeded once (the global setup's seeded template), then seeded again here.
  s = await startTestServer({ modules, seeded: true });
  countsSeededOnce = await tableCounts();
  await seedAll(s.platform, modules);
  countsSeededTwice = await tableCounts();
  // Seeding the whole demo city is the slowest setup of the suite: on a loaded machine it
  // outlasts the default hook timeout.
}, 300_000);
afterAll(() => s?.close());

/**
 * The server's background workers keep their own bookkeeping beside the seed (the outbox relay
 * takes its lease on its first pass, whenever that comes): not the seed's rows.
 */
const BACKGROUND_TABLES = ['outbox_relay_lease', 'job_schedule'];

/** The row count of every table in the public schema but the background ones, in one statement. */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = (await rows<{ t: string }>(s, sql`select tablename as t from pg_tables where schemaname = 'public' order by tablename`)).filter(({ t }) => !BACKGROUND_TABLES.includes(t));
  const union = tables.map(({ t }) => `select '${t}' as t, count(*)::int as n from "${t}"`).join(' union all ');
  const counted = await rows<{ t: string; n: number }>(s, sql.raw(union));
  return Object.fromEntries(counted.map((r) => [r.t, Number(r.n)]));
}

describe('the demo seed', () => {
  it('fills the demo city, and seeding it again adds no row to any table', () => {
    expect(countsSeededOnce.persons).toBeGreaterThan(0);
    expect(countsSeededTwice).toEqual(countsSeededOnce);
  });
});

const names = parse(EXAMPLE_OPERATIONS)
  .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  .map((d) => (d as { name?: { value: string } }).name!.value);

const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);
const today = chinaDateOf(new Date());

/**
 * What each example must show on the demo city: enough to know it ran against the seeded data
 * (a page filled to its size, the right jurisdiction, figures that agree with each other). The
 * seed is relative to today, so counts that move with the date are checked for consistency.
 */
const CHECKS: Record<string, (data: Record<string, any>) => void> = {
  MyJurisdiction(d) {
    expect(d.me).toEqual({ id: SEEDED_USERS.city_admin.sub, roles: ['city_admin'], jurisdiction: { code: '620100', name: '兰州市', level: 'city' } });
    expect(d.jurisdiction.name).toBe('城关区');
    expect(nodes(d.jurisdiction.children)).toEqual([
      { code: '620102001', name: '酒泉路街道', level: 'subdistrict' },
      { code: '620102002', name: '张掖路街道', level: 'subdistrict' },
      { code: '620102003', name: '雁南街道', level: 'subdistrict' },
      { code: '620102004', name: '临夏路街道', level: 'subdistrict' },
      { code: '620102005', name: '雁北街道', level: 'subdistrict' },
    ]);
  },
  DwellingsWithTenants(d) {
    const page = nodes(d.dwellings);
    expect(page).toHaveLength(10);
    expect(d.dwellings.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.stringMatching(/^[\w-]+$/) });
    for (const w of page) expect(w.address).toMatch(/^甘肃省兰州市城关区/);
    expect(page.some((w) => w.currentTenants.length > 0)).toBe(true);
    // Identity numbers leave the API masked.
    for (const t of page.flatMap((w) => w.currentTenants)) expect(t.person.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
  },
  OverdueRevisits(d) {
    const page = nodes(d.overdueDwellings);
    expect(page).toHaveLength(10);
    for (const w of page) {
      expect(w.address).toMatch(/^甘肃省兰州市城关区/);
      expect(w.daysOverdue).toBe(daysBetween(w.revisitDueOn, today));
      expect(w.daysOverdue).toBeGreaterThan(0);
    }
    // Most overdue first.
    expect(page.map((w) => w.daysOverdue)).toEqual([...page.map((w) => w.daysOverdue)].sort((a, b) => b - a));
  },
  Rates(d) {
    const { total, children } = d.populationRates;
    expect(total.name).toBe('城关区');
    const reg = total.registration;
    expect(reg.denominator).toBeGreaterThan(0);
    expect(reg.value).toBeCloseTo(reg.numerator / reg.denominator, 12);
    expect(reg.met).toBe(reg.value >= reg.target);
    expect(children[0].name).toBe('酒泉路街道');
    expect(children.filter((c: any) => c.registration.value !== null).length).toBeGreaterThan(0);
  },
  SafeUnits(d) {
    const page = nodes(d.safeUnits);
    expect(page).toHaveLength(5);
    for (const u of page) expect(nodes(u.assessments).length).toBeGreaterThan(0);
  },
  PublishedBlackList(d) {
    const page = nodes(d.publishedCreditList);
    expect(page.length).toBeGreaterThan(0);
    for (const e of page) {
      expect(isValidCreditCode(e.creditCode)).toBe(true);
      expect(e.startDate <= today).toBe(true);
      expect(e.endDate === null || e.endDate > today).toBe(true);
    }
  },
  Disputes(d) {
    const page = nodes(d.disputes);
    expect(page).toHaveLength(10);
    for (const x of page) {
      expect(x.parties.length).toBeGreaterThan(0);
      expect(nodes(x.steps)[0].kind).toBe('registered');
    }
  },
  DisputeRates(d) {
    const { total, children } = d.disputeRates;
    expect(total.name).toBe('酒泉路街道');
    expect(total.screened).toBeGreaterThan(0);
    expect(total.resolution.value).toBeCloseTo(total.resolved / total.screened, 4);
    expect(children.reduce((n: number, c: any) => n + c.screened, 0)).toBe(total.screened);
    expect(children.reduce((n: number, c: any) => n + c.resolved, 0)).toBe(total.resolved);
  },
  AuditTrail(d) {
    expect(nodes(d.auditLog)).toHaveLength(5);
    expect(d.verifyAuditChain.ok).toBe(true);
    expect(d.verifyAuditChain.checked).toBeGreaterThan(5);
  },
};

describe('GraphiQL example operations', () => {
  it('every example has its checks, and every check its example', () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s answers without errors and with the demo city’s data', async (operationName) => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await s.token('city_admin')}` },
      body: JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName }),
    });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    CHECKS[operationName]!(body.data!);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Ctx, addDays, chinaDateOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { residentIdNumber } from '../src/seed.js';
import { importRegistrationsCsv } from '../src/service/csv.js';
import { fileDwelling, recordDwelling, recordFiveOnesCheck } from '../src/service/dwellings.js';
import { recordPerson } from '../src/service/persons.js';
import { recordFloatingPopulationEstimate } from '../src/service/rates.js';
import { deregisterResidence, registerResidence } from '../src/service/registrations.js';
import { recordRevisit } from '../src/service/revisits.js';
import { count, failed, ok, rows } from './helpers.js';

const A = '620102001001';
const B = '620102001002';
const GA = '620102001001001';
const GB = '620102001002001';

let s: TestServer;
let admin: Ctx;
let n = 0;
const id = (area = '510104') => residentIdNumber(area, addDays('1975-01-01', n++ * 3), 201);

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  admin = await s.ctxAs('city_admin');
  await quarterFixture();
});
afterAll(() => s?.close());

async function floating(j: string, name: string) {
  return recordPerson(admin, { name, idNumber: id(), kind: 'floating', inflowReason: 'work', inflowDate: '2024-10-01', hukouPlaceCode: '510104', jurisdictionCode: j });
}
const dwelling = (j: string, address: string, extra: Partial<Parameters<typeof recordDwelling>[1]> = {}) =>
  recordDwelling(admin, { address, jurisdictionCode: j, rooms: 3, capacity: 6, listedOn: '2024-12-01', ...extra });
const visit = (d: string, at: string, matched: boolean, departed?: string[]) => recordRevisit(admin, { dwellingId: d, visitedAt: new Date(at), matched, departed });

/**
 * Communities A and B as of 2025-Q1, made once for the whole file: the rates and the overdue sweep
 * read them, and no test writes anything into them that those read (the five-ones buildings are
 * listed after the quarter).
 */
async function quarterFixture() {
  // Community A: filing 1/3, registration 2/3, consistency 1/2, deregistration 1/2.
  const dA1 = await dwelling(GA, '城关区庆阳路1号', { filingNumber: 'LZ-A1', filedOn: '2025-01-10' });
  const dA2 = await dwelling(GA, '城关区庆阳路2号');
  const dA3 = await dwelling(GA, '城关区庆阳路3号');
  await fileDwelling(admin, { dwellingId: dA3.id, filingNumber: 'LZ-A3', filedOn: '2025-04-10', version: 1 }); // filed after the period
  await dwelling(GA, '城关区庆阳路4号', { listedOn: '2025-05-01' }); // listed after the period: not counted
  const [fA1, fA2, fA3, fA4] = [await floating(GA, '甲一'), await floating(GA, '甲二'), await floating(GA, '甲三'), await floating(GA, '甲四')];
  const local = await recordPerson(admin, { name: '本地', idNumber: id('620102'), kind: 'registered', hukouPlaceCode: '620102', jurisdictionCode: GA });
  await registerResidence(admin, { personId: fA1.id, dwellingId: dA1.id, registeredOn: '2025-01-05' });
  await registerResidence(admin, { personId: fA2.id, dwellingId: dA2.id, registeredOn: '2025-01-06' });
  const r3 = await registerResidence(admin, { personId: fA3.id, dwellingId: dA1.id, registeredOn: '2025-01-07' });
  await registerResidence(admin, { personId: fA4.id, dwellingId: dA1.id, registeredOn: '2025-04-15' }); // after the period
  await registerResidence(admin, { personId: local.id, dwellingId: dA2.id, registeredOn: '2025-01-08' }); // not floating
  await deregisterResidence(admin, { registrationId: r3.id, deregisteredOn: '2025-03-20', reason: '返回原籍' });
  await visit(dA1.id, '2025-02-01T02:00:00Z', true);
  await visit(dA2.id, '2025-03-10T02:00:00Z', false, [fA2.id]); // fA2 found gone, not deregistered
  await visit(dA1.id, '2025-04-02T02:00:00Z', true); // after the period
  await recordFloatingPopulationEstimate(admin, { jurisdictionCode: A, period: '2025-Q1', estimate: 5 });
  await recordFloatingPopulationEstimate(admin, { jurisdictionCode: A, period: '2025-Q1', estimate: 3 }); // supersedes 5
  // Community B: filing 2/2, registration 3/3, consistency 3/3, no departures.
  const dB1 = await dwelling(GB, '城关区张掖路1号', { filingNumber: 'LZ-B1', filedOn: '2024-12-15' });
  const dB2 = await dwelling(GB, '城关区张掖路2号', { filingNumber: 'LZ-B2', filedOn: '2025-02-01' });
  for (const [i, d] of [dB1, dB1, dB2].entries()) {
    const p = await floating(GB, `乙${i}`);
    await registerResidence(admin, { personId: p.id, dwellingId: d.id, registeredOn: '2025-02-01' });
  }
  for (const d of [dB1, dB2, dB1]) await visit(d.id, '2025-03-01T03:00:00Z', true);
  await recordFloatingPopulationEstimate(admin, { jurisdictionCode: B, period: '2025-Q1', estimate: 3 });
}

describe('rates', () => {
  const RATES = `query($j: DivisionCode!, $p: String!) { populationRates(jurisdictionCode: $j, period: $p) { start end
    total { jurisdictionCode ...R } children { jurisdictionCode ...R } } }
    fragment R on JurisdictionPopulationRates {
      registration { numerator denominator target met } consistency { numerator denominator target met }
      deregistration { numerator denominator target met } filing { numerator denominator target met } }`;
  const nums = (r: any) => ({
    registration: [r.registration.numerator, r.registration.denominator, r.registration.met],
    consistency: [r.consistency.numerator, r.consistency.denominator, r.consistency.met],
    deregistration: [r.deregistration.numerator, r.deregistration.denominator, r.deregistration.met],
    filing: [r.filing.numerator, r.filing.denominator, r.filing.met],
  });
  const communityA = { registration: [2, 3, false], consistency: [1, 2, false], deregistration: [1, 2, false], filing: [1, 3, false] };
  const communityB = { registration: [3, 3, true], consistency: [3, 3, true], deregistration: [0, 0, null], filing: [2, 2, true] };
  const subdistrict = { registration: [5, 6, false], consistency: [4, 5, false], deregistration: [1, 2, false], filing: [3, 5, false] };

  it('equals the hand-computed fixture per community', async () => {
    const r = await s.gql(RATES, { j: '620102001', p: '2025-Q1' }, { token: await s.token('district_officer') });
    expect(r.errors).toBeUndefined();
    const rates = r.data.populationRates;
    expect([rates.start, rates.end]).toEqual(['2025-01-01', '2025-03-31']);
    const byCode = Object.fromEntries(rates.children.map((c: any) => [c.jurisdictionCode, nums(c)]));
    expect(byCode[A]).toEqual(communityA);
    expect(byCode[B]).toEqual(communityB);
    expect(nums(rates.total)).toEqual(subdistrict);
    expect(rates.total.registration.target).toBe(0.9);
    expect(rates.total.consistency.target).toBe(0.85);
  });

  it('rolls up from communities to the district and down to grids', async () => {
    const r = await s.gql(RATES, { j: '620102', p: '2025-Q1' }, { token: await s.token('district_officer') });
    const rates = r.data.populationRates;
    expect(nums(rates.total)).toEqual(subdistrict);
    expect(nums(rates.children.find((c: any) => c.jurisdictionCode === '620102001'))).toEqual(subdistrict);
    const grid = await s.gql(RATES, { j: A, p: '2025-Q1' }, { token: await s.token('grid_worker', A) });
    expect(nums(grid.data.populationRates.children.find((c: any) => c.jurisdictionCode === GA))).toEqual({ ...communityA, registration: [2, 0, null] });
  });

  it('scopes rates to the caller and checks the period', async () => {
    const other = await s.gql(RATES, { j: '620102001', p: '2025-Q1' }, { token: await s.token('grid_worker', B) });
    expect(other.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    const bad = await s.gql(RATES, { j: '620102001', p: '2025-Q5' }, { token: await s.token('district_officer') });
    expect(bad.errors?.[0].extensions?.code).toBe('POPULATION_PERIOD_INVALID');
    const est = await s.gql(
      `mutation { r: recordFloatingPopulationEstimate(jurisdictionCode: "620102001", period: "2025", estimate: 10) { __typename ... on DomainError { code } } }`,
      {},
      { token: await s.token('district_officer') },
    );
    expect(est.data.r.code).toBe('POPULATION_ESTIMATE_LEVEL');
  });

  it('reports the share of complete five-ones buildings', async () => {
    // Listed after 2025-Q1, whose rates the other tests read.
    const b1 = await dwelling(GB, '城关区张掖路城中村1栋', { urbanVillageBuilding: true, listedOn: '2025-05-01' });
    const b2 = await dwelling(GB, '城关区张掖路城中村2栋', { urbanVillageBuilding: true, listedOn: '2025-05-01' });
    const all = { manager: true, electronicLock: true, registerBook: true, policeReminderSign: true, responsibilityLetter: true };
    await recordFiveOnesCheck(admin, { dwellingId: b1.id, ...all, electronicLock: false });
    await recordFiveOnesCheck(admin, { dwellingId: b1.id, ...all }); // the latest check counts
    await recordFiveOnesCheck(admin, { dwellingId: b2.id, ...all, policeReminderSign: false });
    const year = chinaDateOf(new Date()).slice(0, 4);
    const r = await s.gql(
      `query($p: String!) { populationRates(jurisdictionCode: "620102001002", period: $p) { total { fiveOnes { numerator denominator met } } } }`,
      { p: year },
      { token: await s.token('district_officer') },
    );
    expect(r.data.populationRates.total.fiveOnes).toEqual({ numerator: 1, denominator: 2, met: false });
    const notUv = await s.gql(
      `mutation($d: ID!) { r: recordFiveOnesCheck(dwellingId: $d, manager: true, electronicLock: true, registerBook: true, policeReminderSign: true, responsibilityLetter: true) { __typename ... on DomainError { code } } }`,
      { d: Buffer.from(`Dwelling:${(await rows(s, sql`select id from dwellings where address = '城关区张掖路1号'`))[0].id}`).toString('base64url') },
      { token: await s.token('district_officer') },
    );
    expect(notUv.data.r.code).toBe('POPULATION_NOT_URBAN_VILLAGE_BUILDING');
  });
});

describe('overdue sweep', () => {
  it('emits revisitOverdue once per subject and due date', async () => {
    const tok = await s.token('district_officer');
    const sub = await s.subscribe(`subscription { populationEvents(names: [revisitOverdue]) { name subjectType subjectId dueDate daysOverdue jurisdictionCode } }`, {}, tok);
    const SWEEP = `mutation($asOf: Date) { r: sweepOverdueRevisits(asOf: $asOf, jurisdictionCode: "620102001001") {
      __typename ... on SweepOverdueRevisitsSuccess { data { dwellings tenants } } ... on DomainError { code } } }`;
    // Community A on 2025-08-01: dwellings 3 号 (due 03-01), 2 号 (06-10), 1 号 (07-02); tenant 甲二 (not seen, due 07-06).
    const first = ok(await s.gql(SWEEP, { asOf: '2025-08-01' }, { token: tok }));
    expect(first).toEqual({ dwellings: 3, tenants: 1 });
    const ev = await sub.next();
    expect(ev.data.populationEvents).toMatchObject({ name: 'revisitOverdue', subjectType: 'dwelling', dueDate: '2025-03-01', daysOverdue: 153, jurisdictionCode: GA });
    const [d3] = await rows(s, sql`select id from dwellings where address = '城关区庆阳路3号'`);
    expect(ev.data.populationEvents.subjectId).toBe(Buffer.from(`Dwelling:${d3.id}`).toString('base64url'));
    // A day later only 4 号 (due 08-01) is new; the same day again emits nothing.
    expect(ok(await s.gql(SWEEP, { asOf: '2025-08-02' }, { token: tok }))).toEqual({ dwellings: 1, tenants: 0 });
    expect(ok(await s.gql(SWEEP, { asOf: '2025-08-02' }, { token: tok }))).toEqual({ dwellings: 0, tenants: 0 });
    const first_ = { dwellings: 4, tenants: 1 };
    const notices = await count(s, 'overdue_notices');
    expect(notices).toBe(first_.dwellings + first_.tenants);
    sub.close();
    const gw = await s.gql(SWEEP, { asOf: '2025-06-01' }, { token: await s.token('grid_worker', A) });
    expect(gw.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('CSV import and export', () => {
  let grid: string, community: string, tok: string;
  const header = 'name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn';
  let csv: string;
  const IMPORT = `mutation($csv: String!) { r: importRegistrations(csv: $csv) {
    __typename ... on ImportRegistrationsSuccess { data { rows imported duplicates personsCreated batches errors { row column code } } }
    ... on DomainError { code message } } }`;

  // Each test imports into a 七里河区 community of its own (its first grid, two dwellings there)
  // a file of its own: the counts and the export read what that test imported, not another's.
  let k = 0;
  beforeEach(async () => {
    const nth = k++;
    [{ code: grid }] = await rows(s, sql`select code from jurisdictions where level = 'grid' and code like '620103%' and code like '%001' order by code limit 1 offset ${nth}`);
    community = grid.slice(0, 12);
    tok = await s.token('grid_worker', community);
    const street = `七里河区西津西路${10 + nth}号`;
    await dwelling(grid, `${street}1单元101室`);
    await dwelling(grid, `${street}1单元102室`);
    const good1 = id('410102');
    const bad = good1.slice(0, 17) + (good1[17] === '5' ? '6' : '5');
    const tomorrow = addDays(chinaDateOf(new Date()), 1);
    csv = [
      header,
      `王小明,${good1},,,13800000001,floating,work,2025-01-01,410102,${street}1单元101室,2025-02-01`,
      `坏号码,${bad},,,,floating,work,2025-01-01,410102,${street}1单元101室,2025-02-01`,
      `明天,${id('410102')},,,,floating,business,2025-01-01,410102,${street}1单元101室,${tomorrow}`,
      `无房,${id('410102')},,,,floating,work,2025-01-01,410102,七里河区不存在路1号,2025-02-01`,
      `"李,华",${id('610102')},,,,floating,经商,2025-01-01,610102,${street}1单元102室,2025-02-03`,
      `王小明,${good1},,,13800000001,floating,work,2025-01-01,410102,${street}1单元102室,2025-02-05`,
      `无原因,${id('410102')},,,,floating,,2025-01-01,410102,${street}1单元102室,2025-02-01`,
      `本地人,${id('620103')},,,,registered,,,620103,${street}1单元101室,2025-03-01`,
    ].join('\n');
  });

  it('commits the good rows, reports every bad row, and a rerun adds nothing', async () => {
    const [p0, r0, a0] = [await count(s, 'persons'), await count(s, 'residence_registrations'), await count(s, 'audit_log')];
    const first = ok(await s.gql(IMPORT, { csv }, { token: tok }));
    expect(first).toMatchObject({ rows: 8, imported: 3, duplicates: 0, personsCreated: 3, batches: 1 });
    expect(first.errors).toEqual([
      { row: 3, column: 'idNumber', code: 'POPULATION_RESIDENT_ID_INVALID' },
      { row: 4, column: 'registeredOn', code: 'POPULATION_REGISTRATION_DATE_IN_FUTURE' },
      { row: 5, column: 'dwellingAddress', code: 'POPULATION_DWELLING_UNKNOWN' },
      { row: 7, column: 'idNumber', code: 'POPULATION_ALREADY_REGISTERED' },
      { row: 8, column: 'inflowReason', code: 'POPULATION_INFLOW_REASON_REQUIRED' },
    ]);
    expect(await count(s, 'persons')).toBe(p0 + 3);
    expect(await count(s, 'residence_registrations')).toBe(r0 + 3);
    expect(await count(s, 'audit_log')).toBeGreaterThan(a0);

    const second = ok(await s.gql(IMPORT, { csv }, { token: tok }));
    expect(second).toMatchObject({ rows: 8, imported: 0, duplicates: 3, personsCreated: 0 });
    expect(second.errors).toHaveLength(5);
    // in small batches too (each batch its own transaction)
    const batched = await importRegistrationsCsv(await s.ctxAs('grid_worker', community), csv, { batchSize: 2 });
    expect(batched).toMatchObject({ imported: 0, duplicates: 3, batches: 3 }); // 5 rows pass the row checks: 2 + 2 + 1
    expect(await count(s, 'persons')).toBe(p0 + 3);
    expect(await count(s, 'residence_registrations')).toBe(r0 + 3);
  });

  it('runs the same import from the CLI command with a progress bar, adding nothing on a rerun', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pop-import-')), 'registrations.csv');
    writeFileSync(file, csv);
    const r0 = await count(s, 'residence_registrations');
    const run = async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await populationModule.commands.import.run(await s.ctxAs('grid_worker', community), [file]);
        return JSON.parse(log.mock.calls[0][0] as string);
      } finally {
        log.mockRestore();
      }
    };
    expect(await run()).toMatchObject({ imported: 3, duplicates: 0, errors: 5 });
    expect(await count(s, 'residence_registrations')).toBe(r0 + 3);
    expect(await run()).toMatchObject({ imported: 0, duplicates: 3, errors: 5 });
    expect(await count(s, 'residence_registrations')).toBe(r0 + 3);
  });

  it('refuses a file without the required columns and one outside the caller’s jurisdiction writes nothing', async () => {
    expect(failed(await s.gql(IMPORT, { csv: 'name,idNumber\n张三,1' }, { token: tok })).code).toBe('POPULATION_CSV_HEADER_MISSING');
    const other = ok(await s.gql(IMPORT, { csv }, { token: await s.token('grid_worker', A) }));
    expect(other.imported).toBe(0);
    expect(other.errors.filter((e: any) => e.code === 'POPULATION_DWELLING_UNKNOWN')).toHaveLength(5);
  });

  it('exports the jurisdiction’s registrations as CSV with masked numbers, audited', async () => {
    expect(ok(await s.gql(IMPORT, { csv }, { token: tok }))).toMatchObject({ imported: 3 });
    const r = await s.gql(`query($j: DivisionCode!) { registrationsCsv(jurisdictionCode: $j) { csv rows truncated } }`, { j: community }, { token: await s.token('district_officer', '620103') });
    expect(r.errors).toBeUndefined();
    const { csv: out, rows: n } = r.data.registrationsCsv;
    expect(n).toBe(3);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^registrationId,name,idNumber,/);
    expect(lines).toHaveLength(4);
    expect(out).toContain('"李,华"');
    expect(out).toMatch(/4101\*{10}\d{3}[\dX]/);
    expect(out).not.toMatch(/\d{17}[\dX]/);
    const [audit] = await rows(s, sql`select count(*)::int as n from audit_log where operation = 'exportRegistrations' and entity_id = ${community}`);
    expect(Number(audit.n)).toBe(1);
    const gw = await s.gql(`query($j: DivisionCode!) { registrationsCsv(jurisdictionCode: $j) { rows } }`, { j: community }, { token: tok });
    expect(gw.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

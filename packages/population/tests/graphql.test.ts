import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { isValidResidentId, maskResidentId, addDays, chinaDateOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { generateCityScale, insertBatch, residentIdNumber } from '../src/seed.js';
import { count, DEREGISTER, failed, ok, RECORD_DWELLING, RECORD_PERSON, REGISTER, REVISIT, rows } from './helpers.js';

const A = '620102001001'; // 畅家巷社区
const B = '620102001002'; // 张家园社区
const GRID_A = '620102001001001';
const GRID_PAGE = '620102001002003';

let s: TestServer;
let gwA: string, gwB: string, admin: string, auditor: string, district: string;
let n = 0;
/** A fresh valid identity number per call (distinct birth dates in the 1980s). */
const newId = (area = '410102', seq = 123) => residentIdNumber(area, addDays('1980-01-01', n++ * 7), seq);

async function person(token: string, vars: Record<string, unknown> = {}) {
  return s.gql(RECORD_PERSON, { name: '张三', idNumber: newId(), kind: 'floating', inflowReason: 'work', inflowDate: '2024-12-01', hukou: '410102', j: A, ...vars }, { token });
}
async function dwelling(token: string, vars: Record<string, unknown> = {}) {
  return s.gql(RECORD_DWELLING, { address: `甘肃省兰州市城关区庆阳路${n++}号`, j: GRID_A, rooms: 2, capacity: 3, ...vars }, { token });
}

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  [gwA, gwB, admin, auditor, district] = await Promise.all([s.token('grid_worker', A), s.token('grid_worker', B), s.token('city_admin'), s.token('auditor'), s.token('district_officer')]);
});
afterAll(() => s?.close());

describe('persons', () => {
  it('derives birth date and gender from the identity number and masks it for a grid worker', async () => {
    const id = residentIdNumber('620102', '1988-09-15', 357); // odd sequence: male
    const p = ok(await person(gwA, { idNumber: id, kind: 'registered', inflowReason: null, inflowDate: null, hukou: '620102' }));
    expect(p).toMatchObject({ birthDate: '1988-09-15', gender: 'male', kind: 'registered', idNumber: maskResidentId(id) });
    expect(p.idNumber).toMatch(/^6201\*{10}\d{3}[\dX]$/);
    const [stored] = await rows(s, sql`select * from persons where name = '张三' and birth_date = '1988-09-15'`);
    expect(JSON.stringify(stored)).not.toContain(id); // never readable in the table
  });

  it('refuses an invalid identity number with a coded error and writes nothing', async () => {
    const before = await count(s, 'persons');
    const good = newId();
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const r = await person(gwA, { idNumber: bad });
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('CORE_RESIDENT_ID_INVALID');
    expect(await count(s, 'persons')).toBe(before);
  });

  it.each([
    [{ birthDate: '1970-01-01' }, 'POPULATION_BIRTH_DATE_MISMATCH', 'input.birthDate'],
    [{ gender: 'female' }, 'POPULATION_GENDER_MISMATCH', 'input.gender'],
    [{ inflowReason: null }, 'POPULATION_INFLOW_REASON_REQUIRED', 'input.inflowReason'],
    [{ inflowDate: addDays(chinaDateOf(new Date()), 2) }, 'POPULATION_INFLOW_DATE_IN_FUTURE', 'input.inflowDate'],
    [{ j: B }, 'CORE_JURISDICTION_OUT_OF_SCOPE', 'jurisdictionCode'],
  ])('refuses %o with %s and writes nothing', async (patch, code, field) => {
    const before = await count(s, 'persons');
    expect(failed(await person(gwA, patch))).toMatchObject({ code, field });
    expect(await count(s, 'persons')).toBe(before);
  });

  it('refuses a second person with the same identity number', async () => {
    const id = newId();
    ok(await person(gwA, { idNumber: id }));
    expect(failed(await person(gwA, { idNumber: id.toLowerCase() })).code).toBe('POPULATION_PERSON_EXISTS');
  });

  it('finds a person by exact identity number and by exact name', async () => {
    const id = newId('622901');
    const p = ok(await person(gwA, { idNumber: id, name: '马晓燕', hukou: '622901' }));
    const q = `query($f: PersonFilter) { persons(first: 10, filter: $f) { edges { node { id name } } } }`;
    const byId = await s.gql(q, { f: { idNumber: id } }, { token: gwA });
    expect(byId.data.persons.edges.map((e: any) => e.node.id)).toEqual([p.id]);
    const byName = await s.gql(q, { f: { name: '马晓燕' } }, { token: gwA });
    expect(byName.data.persons.edges.map((e: any) => e.node.id)).toEqual([p.id]);
    const other = await s.gql(q, { f: { idNumber: newId('622901') } }, { token: gwA });
    expect(other.data.persons.edges).toEqual([]);
  });

  it('reveals the number to a permitted role with a purpose, audits it, and refuses a grid worker', async () => {
    const id = newId('640104');
    const p = ok(await person(gwA, { idNumber: id, hukou: '640104' }));
    const q = `query($id: ID!, $purpose: String) { node(id: $id) { ... on Person { idNumber(purpose: $purpose) } } }`;
    const masked = await s.gql(q, { id: p.id }, { token: admin });
    expect(masked.data.node.idNumber).toBe(maskResidentId(id));
    const denied = await s.gql(q, { id: p.id, purpose: '核查身份' }, { token: gwA });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const revealed = await s.gql(q, { id: p.id, purpose: '派出所协查函 2025-118' }, { token: admin });
    expect(revealed.errors).toBeUndefined();
    expect(revealed.data.node.idNumber).toBe(id);
    const audit = await s.gql(`{ auditLog(first: 5, filter: { operation: "revealIdentityNumber" }) { edges { node { actorId entityType entityId purpose after } } } }`, {}, { token: auditor });
    const entries = audit.data.auditLog.edges.map((e: any) => e.node);
    expect(entries).toContainEqual(expect.objectContaining({ actorId: 'city-admin', entityType: 'Person', purpose: '派出所协查函 2025-118' }));
    expect(JSON.stringify(entries)).not.toContain(id);
  });
});

describe('registrations', () => {
  let p1: any, p2: any, d1: any, d2: any;
  // Fresh persons and dwellings for each test; a test registers what it starts from itself.
  beforeEach(async () => {
    p1 = ok(await person(gwA, { name: '李娜' }));
    p2 = ok(await person(gwA, { name: '赵强' }));
    d1 = ok(await dwelling(gwA, { capacity: 1, listedOn: '2024-06-01' }));
    d2 = ok(await dwelling(gwA, { listedOn: '2024-06-01' }));
  });

  it('refuses a future registration date and one before the inflow date, writing nothing', async () => {
    const before = await count(s, 'residence_registrations');
    const tomorrow = addDays(chinaDateOf(new Date()), 1);
    expect(failed(await s.gql(REGISTER, { p: p1.id, d: d1.id, on: tomorrow }, { token: gwA }))).toMatchObject({ code: 'POPULATION_REGISTRATION_DATE_IN_FUTURE', field: 'input.registeredOn' });
    expect(failed(await s.gql(REGISTER, { p: p1.id, d: d1.id, on: '2024-11-30' }, { token: gwA })).code).toBe('POPULATION_REGISTRATION_BEFORE_INFLOW');
    expect(await count(s, 'residence_registrations')).toBe(before);
  });

  it('registers, allows one active registration per person, and flags registrations above capacity', async () => {
    const r1 = ok(await s.gql(REGISTER, { p: p1.id, d: d1.id, on: '2024-12-01' }, { token: gwA }));
    expect(r1).toMatchObject({ registeredOn: '2024-12-01', overCapacity: false, active: true, jurisdictionCode: GRID_A });
    expect(failed(await s.gql(REGISTER, { p: p1.id, d: d2.id, on: '2025-01-01' }, { token: gwA })).code).toBe('POPULATION_ALREADY_REGISTERED');
    const r2 = ok(await s.gql(REGISTER, { p: p2.id, d: d1.id, on: '2025-01-01' }, { token: gwA }));
    expect(r2.overCapacity).toBe(true); // accepted and flagged, not refused
    expect(r2.dwelling.overCapacity).toBe(true);
    const list = await s.gql(`{ dwellings(first: 10, filter: { overCapacity: true }) { edges { node { id } } } }`, {}, { token: gwA });
    expect(list.data.dwellings.edges.map((e: any) => e.node.id)).toEqual([d1.id]);
  });

  it('changes a residence to another dwelling and keeps the history per person and per dwelling', async () => {
    ok(await s.gql(REGISTER, { p: p1.id, d: d1.id, on: '2024-12-01' }, { token: gwA }));
    ok(await s.gql(REGISTER, { p: p2.id, d: d1.id, on: '2025-01-01' }, { token: gwA }));
    const reg = (await s.gql(`query($id: ID!) { node(id: $id) { ... on Person { currentRegistration { id } } } }`, { id: p2.id }, { token: gwA })).data.node.currentRegistration;
    const changed = ok(
      await s.gql(
        `mutation($r: ID!, $d: ID!) { r: changeResidence(registrationId: $r, toDwellingId: $d, changedOn: "2025-02-01", reason: "换租") {
          __typename ... on ChangeResidenceSuccess { data { id registeredOn previousRegistration { id endKind endedOn endReason } dwelling { id } } } ... on DomainError { code } } }`,
        { r: reg.id, d: d2.id },
        { token: gwA },
      ),
    );
    expect(changed).toMatchObject({ registeredOn: '2025-02-01', previousRegistration: { id: reg.id, endKind: 'changed', endedOn: '2025-02-01', endReason: '换租' }, dwelling: { id: d2.id } });
    const hist = await s.gql(
      `query($p: ID!, $d: ID!) { p: node(id: $p) { ... on Person { registrations { edges { node { registeredOn active dwelling { id } } } } } }
        d: node(id: $d) { ... on Dwelling { registrations { edges { node { person { id } active } } } currentTenants { person { id } } overCapacity } } }`,
      { p: p2.id, d: d1.id },
      { token: gwA },
    );
    expect(hist.data.p.registrations.edges.map((e: any) => e.node)).toEqual([
      { registeredOn: '2025-02-01', active: true, dwelling: { id: d2.id } },
      { registeredOn: '2025-01-01', active: false, dwelling: { id: d1.id } },
    ]);
    expect(hist.data.d.registrations.edges).toHaveLength(2);
    expect(hist.data.d.currentTenants).toEqual([{ person: { id: p1.id } }]);
    expect(hist.data.d.overCapacity).toBe(false);
  });

  it('deregisters with reason and date and publishes residenceDeregistered', async () => {
    ok(await s.gql(REGISTER, { p: p1.id, d: d1.id, on: '2024-12-01' }, { token: gwA }));
    const sub = await s.subscribe(`subscription { populationEvents(names: [residenceDeregistered, residenceRegistered]) { name personId jurisdictionCode date reason } }`, {}, gwA);
    const reg = (await s.gql(`query($id: ID!) { node(id: $id) { ... on Person { currentRegistration { id } } } }`, { id: p1.id }, { token: gwA })).data.node.currentRegistration;
    expect(failed(await s.gql(DEREGISTER, { id: reg.id, on: '2024-11-01', reason: '返回原籍' }, { token: gwA })).code).toBe('POPULATION_END_BEFORE_START');
    const done = ok(await s.gql(DEREGISTER, { id: reg.id, on: '2025-03-01', reason: '返回原籍' }, { token: gwA }));
    expect(done).toMatchObject({ active: false, endedOn: '2025-03-01', endKind: 'deregistered', endReason: '返回原籍' });
    // Delivery is at least once and the relay may still be delivering an earlier test's event when
    // the subscription starts: skip events that are not this test's (at most a few).
    const nextOf = async (name: string, date: string) => {
      for (let i = 0; i < 5; i++) {
        const e = (await sub.next()).data.populationEvents;
        if (e.name === name && e.personId === p1.id && e.date === date) return e;
      }
      throw new Error(`no ${name} of ${date} among the next 5 events`);
    };
    expect(await nextOf('residenceDeregistered', '2025-03-01')).toEqual({ name: 'residenceDeregistered', personId: p1.id, jurisdictionCode: GRID_A, date: '2025-03-01', reason: '返回原籍' });
    expect(failed(await s.gql(DEREGISTER, { id: reg.id, on: '2025-03-02', reason: 'x' }, { token: gwA })).code).toBe('POPULATION_REGISTRATION_ENDED');
    // and a new registration is possible again
    ok(await s.gql(REGISTER, { p: p1.id, d: d2.id, on: '2025-03-05' }, { token: gwA }));
    expect(await nextOf('residenceRegistered', '2025-03-05')).toMatchObject({ name: 'residenceRegistered', personId: p1.id, date: '2025-03-05' });
    sub.close();
  });
});

describe('jurisdiction isolation', () => {
  it("hides community A's persons and dwellings from a grid worker of community B, also through node(id:)", async () => {
    const p = ok(await person(gwA, { name: '孙丽' }));
    const d = ok(await dwelling(gwA));
    for (const id of [p.id, d.id]) {
      const r = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token: gwB });
      expect(r.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
      const mine = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token: gwA });
      expect(mine.data.node.id).toBe(id);
    }
    const lists = await s.gql(`{ persons(first: 100) { edges { node { id } } } dwellings(first: 100) { edges { node { id } } } }`, {}, { token: gwB });
    expect(lists.data.persons.edges.map((e: any) => e.node.id)).not.toContain(p.id);
    expect(lists.data.dwellings.edges.map((e: any) => e.node.id)).not.toContain(d.id);
    expect(failed(await s.gql(REGISTER, { p: p.id, d: d.id, on: '2025-01-01' }, { token: gwB })).code).toBe('CORE_NOT_FOUND');
    const district_ = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: p.id }, { token: district });
    expect(district_.data.node.id).toBe(p.id);
  });
});

describe('revisits and overdue lists', () => {
  // Each test starts from its own subjects, alone in a grid of their own: the overdue lists are
  // read per grid, and the visits, tiers and classes the tests set would otherwise move the
  // dates another test reads.
  const GRIDS = ['620102001003', '620102001004', '620102001005'].flatMap((c) => [1, 2, 3].map((g) => `${c}00${g}`));
  let grid: string, tok: string;
  let key: any, general: any, trusted: any, tenant: any;
  const overdue = (asOf: string) =>
    s.gql(
      `query($asOf: Date!, $j: DivisionCode!) {
        d: overdueDwellings(first: 20, asOf: $asOf, jurisdictionCode: $j) { edges { node { id daysOverdue(asOf: $asOf) } } }
        t: overdueTenants(first: 20, asOf: $asOf, jurisdictionCode: $j) { edges { node { id daysOverdue(asOf: $asOf) } } } }`,
      { asOf, j: grid },
      { token: district },
    );
  const ids = (r: any, k: 'd' | 't') => r.data[k].edges.map((e: any) => [e.node.id, e.node.daysOverdue]);
  /** The tenant and the key dwelling seen on 2025-01-20. */
  const visitOnJan20 = () => s.gql(REVISIT, { d: key.id, at: '2025-01-20T02:00:00Z', matched: true }, { token: tok });

  beforeEach(async () => {
    grid = GRIDS.shift() as string;
    tok = await s.token('grid_worker', grid.slice(0, 12));
    key = ok(await dwelling(tok, { j: grid, cls: 'key', listedOn: '2025-01-01' }));
    general = ok(await dwelling(tok, { j: grid, cls: 'general', listedOn: '2024-11-30' }));
    trusted = ok(await dwelling(tok, { j: grid, cls: 'trusted', listedOn: '2024-08-31' }));
    tenant = ok(await person(tok, { j: grid, tier: 'key' }));
    ok(await s.gql(REGISTER, { p: tenant.id, d: key.id, on: '2025-01-01' }, { token: tok }));
  });

  it('computes due dates from class (15 days, a quarter, half a year)', () => {
    expect([key.revisitDueOn, general.revisitDueOn, trusted.revisitDueOn]).toEqual(['2025-01-16', '2025-02-28', '2025-02-28']);
  });

  it('lists nothing on the due date and the subject the day after, most overdue first', async () => {
    expect(ids(await overdue('2025-01-16'), 'd')).toEqual([]);
    expect(ids(await overdue('2025-01-16'), 't')).toEqual([]);
    expect(ids(await overdue('2025-01-17'), 'd')).toEqual([[key.id, 1]]);
    expect(ids(await overdue('2025-01-17'), 't')).toEqual([[tenant.id, 1]]);
    expect(ids(await overdue('2025-02-28'), 'd')).toEqual([[key.id, 43]]);
    const mar1 = ids(await overdue('2025-03-01'), 'd');
    expect(mar1[0]).toEqual([key.id, 44]);
    expect(mar1.slice(1).map((x: any) => x[1])).toEqual([1, 1]);
    expect(new Set(mar1.slice(1).map((x: any) => x[0]))).toEqual(new Set([general.id, trusted.id]));
  });

  it('restarts the clocks of the dwelling and the tenants seen on a visit', async () => {
    const v = ok(await visitOnJan20());
    expect(v).toMatchObject({ visitedOn: '2025-01-20', matched: true, tenants: { edges: [{ node: { outcome: 'seen', person: { id: tenant.id } } }] } });
    expect(ids(await overdue('2025-02-04'), 'd')).toEqual([]);
    expect(ids(await overdue('2025-02-04'), 't')).toEqual([]);
    expect(ids(await overdue('2025-02-05'), 'd')).toEqual([[key.id, 1]]);
    expect(ids(await overdue('2025-02-05'), 't')).toEqual([[tenant.id, 1]]);
    const last = await s.gql(`query($id: ID!) { node(id: $id) { ... on Dwelling { lastVisitedOn revisitDueOn lastVisit { visitedOn matched } } } }`, { id: key.id }, { token: tok });
    expect(last.data.node).toEqual({ lastVisitedOn: '2025-01-20', revisitDueOn: '2025-02-04', lastVisit: { visitedOn: '2025-01-20', matched: true } });
  });

  it('sets a tenant tier with history; the due date follows the tier; details are corrected by version', async () => {
    ok(await visitOnJan20());
    const SET = `mutation($id: ID!, $v: Int!) { r: setTenantTier(personId: $id, tier: stable, reason: "稳定就业", version: $v) {
      __typename ... on SetTenantTierSuccess { data { tier revisitDueOn version tierHistory { edges { node { tier reason } } } } } ... on DomainError { code } } }`;
    const r = ok(await s.gql(SET, { id: tenant.id, v: tenant.version }, { token: tok }));
    expect(r).toMatchObject({ tier: 'stable', revisitDueOn: '2025-07-20', version: 2 }); // last seen 2025-01-20 + half a year
    expect(r.tierHistory.edges.map(({ node: h }: any) => [h.tier, h.reason])).toEqual([
      ['key', 'initial'],
      ['stable', '稳定就业'],
    ]);
    const CORRECT = `mutation($id: ID!, $v: Int!) { r: correctPersonDetails(personId: $id, version: $v, phone: "13912345678") {
      __typename ... on CorrectPersonDetailsSuccess { data { phone version } } ... on DomainError { code } } }`;
    expect(failed(await s.gql(CORRECT, { id: tenant.id, v: 1 }, { token: tok })).code).toBe('CORE_VERSION_CONFLICT');
    // Phones are masked by default (issue #11); the full number is an audited reveal (api/tests/security.test.ts).
    expect(ok(await s.gql(CORRECT, { id: tenant.id, v: 2 }, { token: tok }))).toEqual({ phone: '139****5678', version: 3 });
    const q = await s.gql(`query($d: Date!) { persons(first: 5, filter: { overdueOn: $d, jurisdictionCode: "${grid}" }) { edges { node { id } } } }`, { d: '2025-07-21' }, { token: tok });
    expect(q.data.persons.edges.map((e: any) => e.node.id)).toEqual([tenant.id]);
  });

  it('refuses a visit in the future', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect(failed(await s.gql(REVISIT, { d: key.id, at, matched: true }, { token: tok })).code).toBe('POPULATION_VISIT_IN_FUTURE');
  });

  it('reclassifies with history; the due date follows the class', async () => {
    ok(await visitOnJan20());
    const r = ok(
      await s.gql(
        `mutation($id: ID!, $v: Int!) { r: classifyDwelling(dwellingId: $id, dwellingClass: trusted, reason: "连续两年无问题", version: $v) {
          __typename ... on ClassifyDwellingSuccess { data { dwellingClass revisitDueOn version classHistory { edges { node { dwellingClass reason setBy } } } } } ... on DomainError { code } } }`,
        { id: key.id, v: key.version },
        { token: tok },
      ),
    );
    expect(r).toMatchObject({ dwellingClass: 'trusted', revisitDueOn: '2025-07-20', version: 2 });
    expect(r.classHistory.edges.map(({ node: h }: any) => [h.dwellingClass, h.reason])).toEqual([
      ['key', 'initial'],
      ['trusted', '连续两年无问题'],
    ]);
    const stale = await s.gql(
      `mutation($id: ID!) { r: classifyDwelling(dwellingId: $id, dwellingClass: key, reason: "x", version: 1) { __typename ... on DomainError { code } } }`,
      { id: key.id },
      { token: tok },
    );
    expect(stale.data.r.code).toBe('CORE_VERSION_CONFLICT');
  });
});

describe('a page of dwellings', () => {
  beforeAll(async () => {
    for await (const batch of generateCityScale({ persons: 150, dwellings: 50, grids: [GRID_PAGE], seed: 7, asOf: '2025-06-01' })) await insertBatch(s.database.db, batch);
  });

  it('costs at most 4 SQL statements with current tenants, their persons and the last visit', async () => {
    const r = await s.gql(
      `query($j: DivisionCode!) { dwellings(first: 50, filter: { jurisdictionCode: $j }) { edges { node {
        id address dwellingClass currentTenants { registeredOn person { name idNumber tier } } lastVisit { visitedAt matched } } } } }`,
      { j: GRID_PAGE },
      { token: district },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data.dwellings.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(50);
    const tenants = nodes.flatMap((d: any) => d.currentTenants);
    expect(tenants.length).toBeGreaterThan(80);
    expect(tenants.every((t: any) => t.person && /\*{10}/.test(t.person.idNumber))).toBe(true);
    expect(nodes.filter((d: any) => d.lastVisit).length).toBeGreaterThan(30);
    expect(r.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(r.extensions?.sqlStatements).toBeLessThanOrEqual(4);
  });

  it('generates valid identity numbers with correct check characters', async () => {
    const { decryptResidentId } = await import('../src/identity.js');
    const ps = await rows<{ id_number_cipher: string; birth_date: string }>(s, sql`select id_number_cipher, birth_date::text from persons where jurisdiction_code = ${GRID_PAGE}`);
    expect(ps.length).toBeGreaterThan(100);
    for (const p of ps) {
      const id = decryptResidentId(p.id_number_cipher);
      expect(isValidResidentId(id)).toBe(true);
      expect(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`).toBe(p.birth_date);
    }
  });
});

import { addDays, chinaDateOf } from '@safecity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { residentIdNumber } from '../src/seed.js';
import { count, failed, ok, RECORD_DWELLING, RECORD_PERSON, REGISTER, RESULT, rows } from './helpers.js';

/**
 * 迁出 / 迁入 through the real HTTP server: a floating person registered in 畅家巷社区 (城关区 620102)
 * moves to 下西园社区 (七里河区 620103). What each side's grid worker, district officer and auditor
 * can read afterwards, the audit entries on both sides, the events, and the refusals.
 */
const CHENGGUAN = '620102';
const QILIHE = '620103';
const CJX = '620102001001'; // 畅家巷社区
const CJX_GRID = '620102001001001';
const XXY = '620103001001'; // 下西园社区
const XXY_GRID = '620103001001001';
const ADDRESS_TO = '甘肃省兰州市七里河区西津西路16号3单元502室';

let s: TestServer;
const tok: Record<string, string> = {};
// The person who moves and the sending side's records: each describe block starts from a person
// of its own (`sendingSide` in its beforeAll), so that none depends on whether another block's
// move ran first. Global ids, as the API hands them out.
let idNumber: string, fromAddress: string, personId: string, fromDwellingId: string, fromRegistrationId: string;
// The receiving side's dwelling, shared: no test reads who lives there.
let toDwellingId: string;

const ARRIVAL = `mutation($n: ResidentIdNumber!, $d: ID!, $on: Date!, $tier: TenantTier, $reason: String) {
  r: registerArrival(idNumber: $n, dwellingId: $d, arrivedOn: $on, tier: $tier, reason: $reason) {
    ${RESULT('RegisterArrivalSuccess', 'id active source registeredOn jurisdictionCode previousRegistration { id } dwelling { address } person { id jurisdictionCode tier lastVisitedOn revisitDueOn registrations { edges { node { id } } } tierHistory { edges { node { tier reason setBy } } } }')}
  }
}`;
const PERSON_BY_NUMBER = `query($n: ResidentIdNumber!) { persons(first: 5, filter: { idNumber: $n }) { edges { node { id name jurisdictionCode registrations { edges { node { id jurisdictionCode endKind } } } tierHistory { edges { node { tier reason } } } } } } }`;
const DEPARTURES = `query($n: ResidentIdNumber) { personDepartures(first: 10, filter: { idNumber: $n }) { edges { node {
  id jurisdictionCode personName idNumber movedOn toDistrictCode toDistrictName
  registration { id endKind endedOn person { id } dwelling { address } }
  tierHistory { edges { node { tier reason } } } } } } }`;
const AUDIT = `query { auditLog(first: 50, filter: { operation: "registerArrival" }) { edges { node { actorId operation entityType entityId jurisdictionCode before after } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const nodesOf = (c: { edges: { node: unknown }[] }) => c.edges.map((e) => e.node);

const raw = (type: string, globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').replace(`${type}:`, '');

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  // Each officer has their own subject, so the audit shows who did what.
  const mint = async (name: string, role: Parameters<TestServer['token']>[0], j: string) => (tok[name] = await s.token(role, j, { sub: `${name}-${j}` }));
  await Promise.all([
    mint('gwFrom', 'grid_worker', CJX),
    mint('gwTo', 'grid_worker', XXY),
    mint('officerFrom', 'district_officer', CHENGGUAN),
    mint('officerTo', 'district_officer', QILIHE),
    mint('auditorFrom', 'auditor', CHENGGUAN),
    mint('auditorTo', 'auditor', QILIHE),
    mint('cityAuditor', 'auditor', '620100'),
  ]);
  // The receiving side's dwelling in 七里河区.
  toDwellingId = ok(await s.gql(RECORD_DWELLING, { address: ADDRESS_TO, j: XXY_GRID, rooms: 3, capacity: 4, listedOn: '2024-10-01' }, { token: tok.gwTo })).id;
});
afterAll(() => s?.close());

/**
 * The sending side, all in 城关区: a person (the `serial`th 马建国), a dwelling at room 30`serial`
 * of the same building, a registration, a tier change and a visit.
 */
async function sendingSide(serial: number) {
  idNumber = residentIdNumber('622901', '1990-04-12', 216 + serial);
  fromAddress = `甘肃省兰州市城关区庆阳路88号2单元30${serial}室`;
  const p = ok(await s.gql(RECORD_PERSON, { name: '马建国', idNumber, kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '622901', j: CJX }, { token: tok.gwFrom }));
  personId = p.id;
  fromDwellingId = ok(await s.gql(RECORD_DWELLING, { address: fromAddress, j: CJX_GRID, rooms: 2, capacity: 3, listedOn: '2024-10-01' }, { token: tok.gwFrom })).id;
  fromRegistrationId = ok(await s.gql(REGISTER, { p: personId, d: fromDwellingId, on: '2025-01-10' }, { token: tok.gwFrom })).id;
  ok(
    await s.gql(
      `mutation($id: ID!) { r: setTenantTier(personId: $id, tier: key, reason: "夜间频繁出入，列为重点", version: 1) { ${RESULT('SetTenantTierSuccess', 'tier')} } }`,
      { id: personId },
      { token: tok.gwFrom },
    ),
  );
  ok(
    await s.gql(
      `mutation($d: ID!) { r: recordRevisit(dwellingId: $d, visitedAt: "2025-03-03T02:00:00Z", matched: true, notes: "人户一致") { ${RESULT('RecordRevisitSuccess', 'id')} } }`,
      { d: fromDwellingId },
      { token: tok.gwFrom },
    ),
  );
}

describe('before the move', () => {
  beforeAll(() => sendingSide(2));
  it('the receiving grid worker cannot see the person, and recordPerson is refused without saying where', async () => {
    const found = await s.gql(PERSON_BY_NUMBER, { n: idNumber }, { token: tok.gwTo });
    expect(found.data.persons.edges).toEqual([]);
    const before = await count(s, 'persons');
    const r = await s.gql(RECORD_PERSON, { name: '马建国', idNumber, kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '622901', j: XXY }, { token: tok.gwTo });
    const e = failed(r) as { code: string; field: string; message: string };
    expect(e).toMatchObject({ code: 'POPULATION_PERSON_EXISTS', field: 'input.idNumber' });
    expect(JSON.stringify(r)).not.toMatch(/620102|城关|畅家巷|庆阳路/);
    expect(await count(s, 'persons')).toBe(before);
  });
});

describe('registerArrival refuses bad input and writes nothing', () => {
  const tables = ['persons', 'residence_registrations', 'person_departures', 'person_tier_history', 'audit_log'];
  const snapshot = () => Promise.all(tables.map((t) => count(s, t)));
  const today = chinaDateOf(new Date());
  beforeAll(() => sendingSide(3));
  it.each([
    ['an unknown number', 'POPULATION_PERSON_NOT_ON_REGISTER', 'gwTo', 'input.idNumber', () => ({ n: residentIdNumber('622901', '1991-01-01', 11), d: toDwellingId, on: '2025-06-01' })],
    ['a date in the future', 'POPULATION_REGISTRATION_DATE_IN_FUTURE', 'gwTo', 'input.arrivedOn', () => ({ n: idNumber, d: toDwellingId, on: addDays(today, 3) })],
    ['a date before the inflow', 'POPULATION_REGISTRATION_BEFORE_INFLOW', 'gwTo', 'input.arrivedOn', () => ({ n: idNumber, d: toDwellingId, on: '2024-11-01' })],
    ['a date before the current registration began', 'POPULATION_ARRIVAL_BEFORE_CURRENT_REGISTRATION', 'gwTo', 'input.arrivedOn', () => ({ n: idNumber, d: toDwellingId, on: '2025-01-05' })],
    ['a person of the caller’s own jurisdiction', 'POPULATION_NOT_AN_ARRIVAL', 'gwFrom', 'input.idNumber', () => ({ n: idNumber, d: fromDwellingId, on: '2025-06-01' })],
    ['a dwelling outside the caller’s jurisdiction', 'CORE_NOT_FOUND', 'gwTo', null, () => ({ n: idNumber, d: fromDwellingId, on: '2025-06-01' })],
  ] as const)('%s → %s', async (_what, code, who, field, vars) => {
    const before = await snapshot();
    const r = await s.gql(ARRIVAL, vars(), { token: tok[who] });
    const e = r.data?.r?.__typename === 'DomainError' ? r.data.r : r.errors?.[0]?.extensions;
    expect(e?.code, JSON.stringify(r)).toBe(code);
    if (field) expect(r.data.r.field).toBe(field);
    expect(await snapshot()).toEqual(before);
  });

  it('needs population:write', async () => {
    const r = await s.gql(ARRIVAL, { n: idNumber, d: toDwellingId, on: '2025-06-01' }, { token: tok.auditorTo });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the move from 城关区 to 七里河区', () => {
  let events: { from: Awaited<ReturnType<TestServer['subscribe']>>; to: Awaited<ReturnType<TestServer['subscribe']>> };
  let arrival: any;

  beforeAll(async () => {
    await sendingSide(1);
    const q = `subscription { populationEvents(names: [personMovedAway, personArrived]) { name jurisdictionCode personId registrationId toDistrictCode date } }`;
    events = { from: await s.subscribe(q, {}, tok.gwFrom), to: await s.subscribe(q, {}, tok.gwTo) };
    arrival = ok(await s.gql(ARRIVAL, { n: idNumber, d: toDwellingId, on: '2025-06-01', reason: '新租住' }, { token: tok.gwTo }));
  });
  afterAll(() => {
    events.from.close();
    events.to.close();
  });

  it('opens the new registration at the receiving dwelling; the person follows without the other side’s records', async () => {
    expect(arrival).toMatchObject({ active: true, source: 'arrival', registeredOn: '2025-06-01', jurisdictionCode: XXY_GRID, previousRegistration: null, dwelling: { address: ADDRESS_TO } });
    expect(arrival.person).toMatchObject({ id: personId, jurisdictionCode: XXY_GRID, tier: 'key', lastVisitedOn: null, revisitDueOn: '2025-06-16' });
    expect(nodesOf(arrival.person.registrations)).toEqual([{ id: arrival.id }]);
    expect(nodesOf(arrival.person.tierHistory)).toEqual([{ tier: 'key', reason: '新租住（沿用原层级）', setBy: `gwTo-${XXY}` }]);
  });

  it('the receiving grid worker and district officer see the person, the new registration only, and no departure', async () => {
    for (const who of ['gwTo', 'officerTo']) {
      const r = await s.gql(PERSON_BY_NUMBER, { n: idNumber }, { token: tok[who] });
      expect(r.data.persons.edges).toHaveLength(1);
      const node = r.data.persons.edges[0].node;
      expect(nodesOf(node.registrations)).toEqual([{ id: arrival.id, jurisdictionCode: XXY_GRID, endKind: null }]);
      expect(nodesOf(node.tierHistory).map((t: any) => t.reason)).toEqual(['新租住（沿用原层级）']);
      expect((await s.gql(DEPARTURES, { n: idNumber }, { token: tok[who] })).data.personDepartures.edges).toEqual([]);
      // The sending side's registration and dwelling do not exist for them.
      expect((await s.gql(NODE, { id: fromRegistrationId }, { token: tok[who] })).data?.node ?? null).toBeNull();
      expect((await s.gql(NODE, { id: fromDwellingId }, { token: tok[who] })).data?.node ?? null).toBeNull();
      expect(JSON.stringify(r)).not.toMatch(/620102|庆阳路|夜间频繁/);
    }
  });

  it('the sending grid worker and district officer see that the person left and the district, not the new address', async () => {
    for (const who of ['gwFrom', 'officerFrom']) {
      expect((await s.gql(PERSON_BY_NUMBER, { n: idNumber }, { token: tok[who] })).data.persons.edges).toEqual([]);
      const d = await s.gql(DEPARTURES, { n: idNumber }, { token: tok[who] });
      expect(d.errors).toBeUndefined();
      expect(d.data.personDepartures.edges).toHaveLength(1);
      const dep = d.data.personDepartures.edges[0].node;
      expect(dep).toMatchObject({
        jurisdictionCode: CJX_GRID,
        personName: '马建国',
        idNumber: `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`,
        movedOn: '2025-06-01',
        toDistrictCode: QILIHE,
        toDistrictName: '七里河区',
        registration: { id: fromRegistrationId, endKind: 'moved_out', endedOn: '2025-06-01', person: null, dwelling: { address: fromAddress } },
      });
      // Their own tier history stays readable to them; the receiving side's entry does not show.
      expect(nodesOf(dep.tierHistory).map((t: any) => t.reason)).toEqual(['initial', '夜间频繁出入，列为重点']);
      expect(JSON.stringify(d)).not.toMatch(/620103001|西津西路|新租住/);
      // Their dwelling's history shows the moved-out registration and their visit.
      const dw = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on Dwelling { currentTenants { id } lastVisit { visitedOn } registrations { edges { node { endKind departure { toDistrictCode } } } } } } }`,
        { id: fromDwellingId },
        { token: tok[who] },
      );
      expect(dw.data.node).toEqual({
        currentTenants: [],
        lastVisit: { visitedOn: '2025-03-03' },
        registrations: { edges: [{ node: { endKind: 'moved_out', departure: { toDistrictCode: QILIHE } } }] },
      });
      // The person and the new registration do not exist for them.
      expect((await s.gql(NODE, { id: personId }, { token: tok[who] })).data?.node ?? null).toBeNull();
      expect((await s.gql(NODE, { id: arrival.id }, { token: tok[who] })).data?.node ?? null).toBeNull();
    }
  });

  it('audits each side under its own jurisdiction, with the receiving officer as actor, and shows each side only its own entries', async () => {
    // This move's entries: other blocks register arrivals of their own (under the same actor).
    // (A departure's id is its database id, not a global id.)
    const departure = (await s.gql(DEPARTURES, { n: idNumber }, { token: tok.officerFrom })).data.personDepartures.edges[0].node.id;
    const ours = new Set([raw('Person', personId), raw('ResidenceRegistration', fromRegistrationId), raw('ResidenceRegistration', arrival.id), departure]);
    const entries = async (who: string) => (await s.gql(AUDIT, {}, { token: tok[who] })).data.auditLog.edges.map((e: any) => e.node).filter((e: any) => ours.has(e.entityId));
    const from = await entries('auditorFrom');
    const to = await entries('auditorTo');
    const all = await entries('cityAuditor');
    const kinds = (list: any[]) => list.map((e) => `${e.entityType}@${e.jurisdictionCode}`).sort();
    expect(kinds(from)).toEqual([`PersonDeparture@${CJX_GRID}`, `ResidenceRegistration@${CJX_GRID}`]);
    expect(kinds(to)).toEqual([`Person@${XXY_GRID}`, `ResidenceRegistration@${XXY_GRID}`]);
    expect(kinds(all)).toEqual([...kinds(from), ...kinds(to)].sort());
    for (const e of all) expect(e.actorId).toBe(`gwTo-${XXY}`);
    const closed = from.find((e: any) => e.entityType === 'ResidenceRegistration');
    expect(closed).toMatchObject({ entityId: raw('ResidenceRegistration', fromRegistrationId), before: { endedOn: null }, after: { endKind: 'moved_out', endedOn: '2025-06-01' } });
    expect(from.find((e: any) => e.entityType === 'PersonDeparture').after).toMatchObject({ toDistrictCode: QILIHE, movedOn: '2025-06-01' });
    expect(to.find((e: any) => e.entityType === 'ResidenceRegistration')).toMatchObject({ entityId: raw('ResidenceRegistration', arrival.id) });
    // Neither side's entries tell the other side's address or community. (The actor is named as it is:
    // an auditor of the side left sees which officer registered the arrival.)
    const content = (list: any[]) => JSON.stringify(list.map(({ actorId: _a, ...rest }) => rest));
    expect(content(from)).not.toMatch(/620103001|西津西路/);
    expect(content(to)).not.toMatch(/620102|庆阳路/);
    expect(JSON.stringify(all)).not.toContain(idNumber);
    const chain = await s.gql(`{ verifyAuditChain { ok } }`, {}, { token: tok.cityAuditor });
    expect(chain.data.verifyAuditChain.ok).toBe(true);
  });

  it('publishes personMovedAway to the side left (district only) and personArrived to the receiving side', async () => {
    expect((await events.from.next()).data.populationEvents).toEqual({
      name: 'personMovedAway',
      jurisdictionCode: CJX_GRID,
      personId: personId,
      registrationId: fromRegistrationId,
      toDistrictCode: QILIHE,
      date: '2025-06-01',
    });
    expect((await events.to.next()).data.populationEvents).toEqual({
      name: 'personArrived',
      jurisdictionCode: XXY_GRID,
      personId: personId,
      registrationId: arrival.id,
      toDistrictCode: null,
      date: '2025-06-01',
    });
    await expect(events.from.next(500)).rejects.toThrow(/no subscription event/);
    await expect(events.to.next(500)).rejects.toThrow(/no subscription event/);
  });

  it('never registers the person twice: recordPerson is refused on both sides without saying where, and the arrival cannot be repeated', async () => {
    for (const [who, j] of [
      ['gwFrom', CJX],
      ['gwTo', XXY],
      ['officerFrom', CHENGGUAN],
    ] as const) {
      const before = await count(s, 'persons');
      const r = await s.gql(RECORD_PERSON, { name: '马建国', idNumber, kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '622901', j }, { token: tok[who] });
      expect(failed(r)).toMatchObject({ code: 'POPULATION_PERSON_EXISTS', field: 'input.idNumber' });
      expect(JSON.stringify(r)).not.toMatch(/62010[23]\d|城关|七里河|畅家巷|下西园/);
      expect(await count(s, 'persons')).toBe(before);
    }
    expect(failed(await s.gql(ARRIVAL, { n: idNumber, d: toDwellingId, on: '2025-06-02' }, { token: tok.gwTo })).code).toBe('POPULATION_NOT_AN_ARRIVAL');
    const [{ open }] = await rows<{ open: number }>(s, sql`select count(*)::int as open from residence_registrations where person_id = ${raw('Person', personId)} and ended_on is null`);
    expect(open).toBe(1);
  });

  it('counts the move-out as a deregistered departure in the sending community’s rates', async () => {
    const r = await s.gql(`{ populationRates(jurisdictionCode: "${CJX}", period: "2025-06") { total { deregistration { numerator denominator } } } }`, {}, { token: tok.officerFrom });
    expect(r.data.populationRates.total.deregistration).toEqual({ numerator: 1, denominator: 1 });
  });
});

describe('after the move', () => {
  // Moved in May: the rates test counts the departures of June (the block above).
  beforeAll(async () => {
    await sendingSide(4);
    ok(await s.gql(ARRIVAL, { n: idNumber, d: toDwellingId, on: '2025-05-20' }, { token: tok.gwTo }));
  });

  it('a CSV import on the side left neither moves the person back silently nor says where they are registered', async () => {
    const csv = (address: string) => `name,idNumber,kind,hukouPlace,dwellingAddress,registeredOn,inflowReason,inflowDate\n马建国,${idNumber},floating,622901,${address},2025-07-01,work,2024-11-20\n`;
    const r = await s.gql(
      `mutation($csv: String!) { importRegistrations(csv: $csv) { __typename ... on ImportRegistrationsSuccess { data { imported errors { row column code message } } } } }`,
      { csv: csv(fromAddress) },
      { token: tok.gwFrom },
    );
    const result = r.data.importRegistrations.data;
    expect(result.imported).toBe(0);
    expect(result.errors).toEqual([{ row: 2, column: 'idNumber', code: 'POPULATION_PERSON_EXISTS', message: expect.any(String) }]);
    expect(JSON.stringify(result)).not.toMatch(/620103|七里河|下西园/);
    const [{ j }] = await rows<{ j: string }>(s, sql`select jurisdiction_code as j from persons where id = ${raw('Person', personId)}`);
    expect(j).toBe(XXY_GRID);
  });

  it('a page of departures costs the same statements for one departure as for several', async () => {
    const statements = async (vars: Record<string, unknown>) => {
      const r = await s.gql(DEPARTURES, vars, { token: tok.officerFrom });
      expect(r.errors).toBeUndefined();
      return { n: r.data.personDepartures.edges.length, statements: r.extensions?.sqlStatements };
    };
    const one = await statements({ n: idNumber });
    // Departures of the other blocks may be on the page too.
    const before = await statements({});
    for (let i = 0; i < 3; i++) {
      const n = residentIdNumber('620421', `1985-0${i + 1}-15`, 31 + i);
      const p = ok(
        await s.gql(RECORD_PERSON, { name: `随迁${i}`, idNumber: n, kind: 'floating', inflowReason: 'accompanying', inflowDate: '2024-12-01', hukou: '620421', j: CJX }, { token: tok.gwFrom }),
      );
      ok(await s.gql(REGISTER, { p: p.id, d: fromDwellingId, on: '2025-02-01' }, { token: tok.gwFrom }));
      ok(await s.gql(ARRIVAL, { n, d: toDwellingId, on: '2025-08-01' }, { token: tok.gwTo }));
    }
    const many = await statements({});
    expect(one.n).toBe(1);
    expect(many.n).toBe(before.n + 3);
    expect(one.statements).toBeGreaterThan(0);
    expect(many.statements).toBe(one.statements);
  });
});

describe('concurrent writes on both sides', () => {
  it('an arrival racing a change of residence on the sending side ends with one open registration and no unexpected error', async () => {
    await sendingSide(5);
    const otherFrom = ok(await s.gql(RECORD_DWELLING, { address: '甘肃省兰州市城关区张掖路5号1单元101室', j: CJX_GRID, rooms: 2, capacity: 9, listedOn: '2024-10-01' }, { token: tok.gwFrom })).id;
    const CHANGE = `mutation($id: ID!, $to: ID!) { r: changeResidence(registrationId: $id, toDwellingId: $to, changedOn: "2025-09-01", reason: "换房") { ${RESULT('ChangeResidenceSuccess', 'id')} } }`;
    for (let i = 0; i < 4; i++) {
      const n = residentIdNumber('621102', `1992-0${i + 1}-1${i}`, 51 + i);
      const p = ok(await s.gql(RECORD_PERSON, { name: `并发${i}`, idNumber: n, kind: 'floating', inflowReason: 'work', inflowDate: '2024-12-01', hukou: '621102', j: CJX }, { token: tok.gwFrom }));
      const reg = ok(await s.gql(REGISTER, { p: p.id, d: fromDwellingId, on: '2025-02-01' }, { token: tok.gwFrom }));
      const [arrival, change] = await Promise.all([s.gql(ARRIVAL, { n, d: toDwellingId, on: '2025-09-02' }, { token: tok.gwTo }), s.gql(CHANGE, { id: reg.id, to: otherFrom }, { token: tok.gwFrom })]);
      // Each answers with its success or a coded domain error, never a masked failure (e.g. a deadlock).
      for (const r of [arrival, change]) {
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        expect(['RegisterArrivalSuccess', 'ChangeResidenceSuccess', 'DomainError']).toContain(r.data.r.__typename);
      }
      expect(arrival.data.r.__typename).toBe('RegisterArrivalSuccess'); // the arrival ends whichever registration is open
      const open = await rows<{ j: string }>(s, sql`select jurisdiction_code as j from residence_registrations where person_id = ${raw('Person', p.id)} and ended_on is null`);
      expect(open).toEqual([{ j: XXY_GRID }]);
    }
  });
});

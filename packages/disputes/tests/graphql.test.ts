import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { disputesModule } from '../src/index.js';
import { chinaDay, DISPUTE_FIELDS, failed, MASS, ok, ORG, REGISTER, RESULT, ROUTE, rows, SESSION } from './helpers.js';

const PERSON = Buffer.from('Person:7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11').toString('base64url');
const PARTIES = [
  { role: 'applicant', personId: PERSON },
  { role: 'respondent', name: '马某', phone: '13893101234' },
];

let s: TestServer;
let admin: string, gridWorker: string, townCentre: string, district: string, otherDistrict: string, auditor: string;
const orgs: Record<string, string> = {};

const count = async (table: string) => Number((await rows<{ n: number }>(s, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0].n);

beforeAll(async () => {
  s = await startTestServer({ modules: [disputesModule] });
  [admin, gridWorker, townCentre, district, otherDistrict, auditor] = await Promise.all([
    s.token('city_admin'),
    s.token('grid_worker', '620102001001'),
    s.token('district_officer', '620102001'), // the staff of 酒泉路街道's mediation centre
    s.token('district_officer', '620102'),
    s.token('district_officer', '620103'),
    s.token('auditor'),
  ]);
  for (const [key, name, kind, j] of [
    ['room', '畅家巷社区调解室（测试）', 'community_room', '620102001001'],
    ['centre', '酒泉路街道调解中心（测试）', 'town_centre', '620102001'],
    ['district', '城关区调解中心（测试）', 'district_centre', '620102'],
    ['west', '西园街道调解中心（测试）', 'town_centre', '620103001'],
  ] as const) {
    orgs[key] = ok(await s.gql(ORG, { name, kind, j }, { token: admin })).id;
  }
});
afterAll(() => s?.close());

describe('a grid worker registers a dispute', () => {
  it('with a register person by reference and a named party; deadline and mediation kind follow the rules', async () => {
    const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'neighbourhood', source: 'informant', risk: 'low', mass: false, desc: '楼上漏水纠纷', parties: PARTIES }, { token: gridWorker }));
    expect(d).toMatchObject({ status: 'registered', level: 'community', mediationKind: 'peoples', registeredOn: chinaDay(), deadline: chinaDay(30), escalations: 0, organisation: null });
    expect(d.parties).toEqual([
      { role: 'applicant', personId: PERSON, name: null, phone: null },
      { role: 'respondent', personId: null, name: '马某', phone: '138****1234' },
    ]);
    expect(d.steps.edges.map((e: any) => e.node)).toEqual([expect.objectContaining({ kind: 'registered', on: chinaDay() })]);
    // the person is stored by reference only, and the audit log never holds the phone in clear
    const [p] = await rows(s, sql`select person_ref, name from dispute_parties where seq = 1 and dispute_id = ${Buffer.from(d.id, 'base64url').toString().split(':')[1]}`);
    expect(p).toEqual({ person_ref: '7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11', name: null });
    const audit = await rows(s, sql`select after::text as after from audit_log where entity_type = 'Dispute'`);
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(a.after).not.toContain('13893101234');
  });

  it.each([
    ['a sub-district is not a place to register in', { j: '620102001', as: 'admin' }, 'DISPUTES_JURISDICTION_LEVEL'],
    ['a party both on the register and named', { parties: [{ role: 'applicant', personId: PERSON, name: '马某' }] }, 'DISPUTES_PARTY_INVALID'],
    ['a party neither', { parties: [{ role: 'applicant' }] }, 'DISPUTES_PARTY_INVALID'],
    ['no party', { parties: [] }, 'DISPUTES_PARTY_REQUIRED'],
    ['a person id of another type', { parties: [{ role: 'applicant', personId: Buffer.from('Dwelling:7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11').toString('base64url') }] }, 'CORE_ID_MALFORMED'],
    ['a date in the future', { on: chinaDay(2) }, 'DISPUTES_DATE_IN_FUTURE'],
    ['another community', { j: '620102001002' }, 'CORE_JURISDICTION_OUT_OF_SCOPE'],
  ])('refuses %s with a code and writes nothing', async (_name, { as, ...patch }: Record<string, unknown>, code) => {
    const before = await count('disputes');
    const r = await s.gql(
      REGISTER,
      { j: '620102001001', kind: 'family', source: 'walk_in', risk: 'low', mass: false, desc: '家庭纠纷', parties: PARTIES, ...patch },
      { token: as === 'admin' ? admin : gridWorker },
    );
    expect(failed(r).code).toBe(code);
    expect(await count('disputes')).toBe(before);
  });

  it('a retried idempotency key registers once', async () => {
    const before = await count('disputes');
    const KEYED = REGISTER.replace('screeningRoundId: $round)', 'screeningRoundId: $round, idempotencyKey: "dispute-retry-1")');
    const vars = { j: '620102001001', kind: 'family', source: 'walk_in', risk: 'low', mass: false, desc: '重试', parties: PARTIES };
    const first = ok(await s.gql(KEYED, vars, { token: gridWorker }));
    const second = ok(await s.gql(KEYED, vars, { token: gridWorker }));
    expect(second.id).toBe(first.id);
    expect(await count('disputes')).toBe(before + 1);
    expect(failed(await s.gql(KEYED, { ...vars, desc: '另一件' }, { token: gridWorker })).code).toBe('CORE_IDEMPOTENCY_KEY_REUSED');
  });

  it('a grid worker cannot route or mediate', async () => {
    const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'family', source: 'walk_in', risk: 'low', mass: false, desc: '家庭纠纷', parties: PARTIES }, { token: gridWorker }));
    const r = await s.gql(ROUTE, { d: d.id, o: orgs.centre, m: '王调解员' }, { token: gridWorker });
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a town centre routes and mediates', () => {
  it('routes to itself, records sessions, an agreement, and a follow-up visit', async () => {
    const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'labour_wages', source: 'walk_in', risk: 'medium', mass: false, desc: '小餐馆拖欠工资', parties: PARTIES }, { token: gridWorker }));
    expect(d).toMatchObject({ mediationKind: 'administrative', deadline: chinaDay(10) });
    // a stale version is refused
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.centre, m: '王调解员', v: d.version + 1 }, { token: townCentre })).code).toBe('CORE_VERSION_CONFLICT');
    // an organisation of another branch does not cover the dispute (and another district's is not even visible)
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.west, m: '王调解员' }, { token: admin })).code).toBe('DISPUTES_ORGANISATION_NOT_COVERING');
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.west, m: '王调解员' }, { token: townCentre })).code).toBe('CORE_NOT_FOUND');
    // the town does not assign the district's mediators: that is escalation
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.district, m: '区调解员' }, { token: townCentre })).code).toBe('DISPUTES_ORGANISATION_NOT_COVERING');
    // no session before routing
    expect(failed(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: '约谈' }, { token: townCentre })).code).toBe('DISPUTES_NOT_ROUTED');

    const routed = ok(await s.gql(ROUTE, { d: d.id, o: orgs.centre, m: '王调解员', v: d.version, k: 'peoples' }, { token: townCentre }));
    expect(routed).toMatchObject({ status: 'mediating', level: 'subdistrict', mediatorName: '王调解员', mediationKind: 'peoples', organisation: { id: orgs.centre } });
    expect(failed(await s.gql(SESSION, { d: d.id, on: chinaDay(-1), outcome: 'continued', notes: '早于受理' }, { token: townCentre })).code).toBe('DISPUTES_DATE_BEFORE_REGISTRATION');
    ok(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: '首次调解，双方各自陈述' }, { token: townCentre }));
    const done = ok(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'agreement', notes: '达成协议', agreement: '三日内结清工资' }, { token: townCentre }));
    expect(done).toMatchObject({ status: 'resolved', resolvedOn: chinaDay(), agreement: '三日内结清工资', followUpDueOn: chinaDay(15) });
    expect(done.steps.edges.map((e: any) => e.node).map((x: any) => x.kind)).toEqual(['registered', 'routed', 'session', 'agreement']);
    // closed: no more sessions
    expect(failed(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: 'x' }, { token: townCentre })).code).toBe('DISPUTES_CLOSED');

    const due = await s.gql(`query($on: Date) { disputeFollowUpsDue(asOf: $on, first: 10) { edges { node { id } } } }`, { on: chinaDay(15) }, { token: gridWorker });
    expect(due.data.disputeFollowUpsDue.edges.map((e: any) => e.node.id)).toContain(d.id);
    const FOLLOW = `mutation($d: ID!, $on: Date!, $h: Boolean!) { r: recordDisputeFollowUp(disputeId: $d, visitedOn: $on, holding: $h, notes: "回访") { ${RESULT('RecordDisputeFollowUpSuccess', 'followUpDueOn steps { edges { node { kind outcome } } }')} } }`;
    const notHolding = ok(await s.gql(FOLLOW, { d: d.id, on: chinaDay(), h: false }, { token: gridWorker }));
    expect(notHolding.followUpDueOn).toBe(chinaDay(7));
    const holding = ok(await s.gql(FOLLOW, { d: d.id, on: chinaDay(), h: true }, { token: gridWorker }));
    expect(holding.followUpDueOn).toBeNull();
    expect(holding.steps.edges.map((e: any) => e.node).at(-1)).toMatchObject({ kind: 'follow_up', outcome: expect.stringContaining('holding') });
  });
});

describe('an overdue dispute escalates to the district', () => {
  it('by the sweep, not by reads; a second run changes nothing', async () => {
    const d = ok(
      await s.gql(
        REGISTER,
        { j: '620102001001', kind: 'neighbourhood', source: 'screening', risk: 'low', mass: false, desc: '违章搭建遮挡采光', parties: PARTIES, on: chinaDay(-45) },
        { token: gridWorker },
      ),
    );
    ok(await s.gql(ROUTE, { d: d.id, o: orgs.centre, m: '李调解员', on: chinaDay(-45) }, { token: townCentre }));
    const OVERDUE = `{ overdueDisputes(first: 50) { edges { node { id level deadline } } } }`;
    const listed = await s.gql(OVERDUE, {}, { token: district });
    expect(listed.data.overdueDisputes.edges.map((e: any) => e.node)).toContainEqual({ id: d.id, level: 'subdistrict', deadline: chinaDay(-15) });
    // reading did not escalate
    const again = await s.gql(`query($id: ID!) { node(id: $id) { ... on Dispute { level status escalations } } }`, { id: d.id }, { token: district });
    expect(again.data.node).toEqual({ level: 'subdistrict', status: 'mediating', escalations: 0 });

    const sub = await s.subscribe(`subscription { domainEvents(names: [disputeEscalated]) { name jurisdictionCode payload } }`, {}, district);
    const SWEEP = `mutation { r: escalateOverdueDisputes { ${RESULT('EscalateOverdueDisputesSuccess', 'asOf escalated closedFailed remaining')} } }`;
    expect(ok(await s.gql(SWEEP, {}, { token: otherDistrict }))).toMatchObject({ escalated: 0 }); // runs, but sees nothing of 620102
    const swept = ok(await s.gql(SWEEP, {}, { token: district }));
    expect(swept).toMatchObject({ asOf: chinaDay(), escalated: 1, closedFailed: 0, remaining: 0 });
    try {
      const msg = await sub.next();
      expect(msg.data.domainEvents).toMatchObject({ name: 'disputeEscalated', jurisdictionCode: '620102001001', payload: { fromLevel: 'subdistrict', toLevel: 'district', on: chinaDay() } });
    } finally {
      sub.close();
    }
    const after = await s.gql(`query($id: ID!) { node(id: $id) { ... on Dispute { ${DISPUTE_FIELDS} steps { edges { node { kind level outcome } } } } } }`, { id: d.id }, { token: district });
    expect(after.data.node).toMatchObject({ level: 'district', status: 'escalated', escalations: 1, organisation: null, deadline: chinaDay(30) });
    expect(after.data.node.steps.edges.map((e: any) => e.node).at(-1)).toMatchObject({ kind: 'escalated', level: 'district', outcome: expect.stringContaining('deadline') });
    expect(ok(await s.gql(SWEEP, {}, { token: district }))).toMatchObject({ escalated: 0 });
    // the district centre now takes it; the town centre may no longer
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.centre, m: '李调解员' }, { token: townCentre })).code).toBe('DISPUTES_ORGANISATION_NOT_COVERING');
    expect(ok(await s.gql(ROUTE, { d: d.id, o: orgs.district, m: '区联席会议' }, { token: district }))).toMatchObject({ status: 'mediating', level: 'district' });
  });

  it('a failed session goes one level up at once', async () => {
    const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'property_management', source: 'walk_in', risk: 'high', mass: false, desc: '物业撤场', parties: PARTIES }, { token: gridWorker }));
    ok(await s.gql(ROUTE, { d: d.id, o: orgs.room, m: '社区调解员' }, { token: townCentre }));
    const f = ok(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'failed', notes: '业主拒绝方案' }, { token: townCentre }));
    expect(f).toMatchObject({ status: 'escalated', level: 'subdistrict', escalations: 1, deadline: chinaDay(7) });
    expect(
      f.steps.edges
        .map((e: any) => e.node)
        .map((x: any) => x.kind)
        .slice(-2),
    ).toEqual(['failure', 'escalated']);
  });
});

describe('isolation', () => {
  it('another district’s officer gets NOT_FOUND and empty lists', async () => {
    const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'family', source: 'walk_in', risk: 'low', mass: false, desc: '隔离测试', parties: PARTIES }, { token: gridWorker }));
    const node = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: d.id }, { token: otherDistrict });
    expect(node.data?.node ?? null).toBeNull();
    expect(failed(await s.gql(ROUTE, { d: d.id, o: orgs.west, m: 'x' }, { token: otherDistrict })).code).toBe('CORE_NOT_FOUND');
    expect(failed(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: 'x' }, { token: otherDistrict })).code).toBe('CORE_NOT_FOUND');
    expect(failed(await s.gql(MASS, { d: d.id, at: new Date().toISOString(), desc: 'x' }, { token: otherDistrict })).code).toBe('CORE_NOT_FOUND');
    const lists = await s.gql(
      `{ disputes(first: 50) { edges { node { id } } } overdueDisputes(first: 50) { edges { node { id } } } mediationOrganisations(first: 50) { edges { node { name } } } }`,
      {},
      { token: otherDistrict },
    );
    expect(lists.data.disputes.edges).toEqual([]);
    expect(lists.data.overdueDisputes.edges).toEqual([]);
    expect(lists.data.mediationOrganisations.edges.map((e: any) => e.node.name)).toEqual(['西园街道调解中心（测试）']);
    const rates = await s.gql(`{ disputeRates(jurisdictionCode: "620102", period: "2026") { total { screened } } }`, {}, { token: otherDistrict });
    expect(rates.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    // the district and the auditor see it
    for (const token of [district, auditor]) {
      const mine = await s.gql(`{ disputes(first: 100) { edges { node { id } } } }`, {}, { token });
      expect(mine.data.disputes.edges.map((e: any) => e.node.id)).toContain(d.id);
    }
  });

  it('pages are bounded', async () => {
    // More than a page of its own, whichever tests registered disputes before it.
    for (const desc of ['分页测试一', '分页测试二', '分页测试三'])
      ok(await s.gql(REGISTER, { j: '620102001001', kind: 'neighbourhood', source: 'informant', risk: 'low', mass: false, desc, parties: PARTIES }, { token: gridWorker }));
    const r = await s.gql(`{ disputes(first: 101) { edges { node { id } } } }`, {}, { token: district });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'CORE_INPUT_INVALID', field: 'first' });
    const page = await s.gql(`{ disputes(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }`, {}, { token: district });
    expect(page.data.disputes.edges).toHaveLength(2);
    expect(page.data.disputes.pageInfo.hasNextPage).toBe(true);
  });
});

describe('screening rounds', () => {
  it('record what each round found', async () => {
    const ROUND = `mutation { r: recordScreeningRound(jurisdictionCode: "620102001001", period: "2026-Q4", startedOn: "${chinaDay(-3)}", endedOn: "${chinaDay()}", focus: "元旦前排查", hazardsFound: 2) {
      ${RESULT('RecordScreeningRoundSuccess', 'id period hazardsFound findings { disputes resolved massIncidentRisk }')} } }`;
    const round = ok(await s.gql(ROUND, {}, { token: gridWorker }));
    expect(round.findings).toEqual({ disputes: 0, resolved: 0, massIncidentRisk: 0 });
    for (const mass of [true, false]) {
      ok(await s.gql(REGISTER, { j: '620102001001', kind: 'land_demolition', source: 'screening', risk: 'high', mass, desc: '排查发现', parties: PARTIES, round: round.id }, { token: gridWorker }));
    }
    const listed = await s.gql(`{ screeningRounds(first: 5) { edges { node { period hazardsFound findings { disputes massIncidentRisk } } } } }`, {}, { token: district });
    expect(listed.data.screeningRounds.edges[0].node).toEqual({ period: '2026-Q4', hazardsFound: 2, findings: { disputes: 2, massIncidentRisk: 1 } });
    const bad = await s.gql(ROUND.replace('2026-Q4', '2026-Q5'), {}, { token: gridWorker });
    expect(failed(bad).code).toBe('DISPUTES_PERIOD_INVALID');
  });
});

describe('veto proposals', () => {
  it('come from a centre only, and are decided by someone other than the proposer', async () => {
    const PROPOSE = `mutation($o: ID!) { r: proposeVeto(organisationId: $o, unit: { name: "兰州某物业公司" }, reason: "拒不执行调解协议，引发多次集体上访") {
      ${RESULT('ProposeVetoSuccess', 'id status version unit { name }')} } }`;
    expect(failed(await s.gql(PROPOSE, { o: orgs.room }, { token: townCentre })).code).toBe('DISPUTES_NOT_A_CENTRE');
    const p = ok(await s.gql(PROPOSE, { o: orgs.centre }, { token: townCentre }));
    expect(p).toMatchObject({ status: 'pending', unit: { name: '兰州某物业公司' } });
    const DECIDE = `mutation($p: ID!) { r: decideVetoProposal(proposalId: $p, accept: true, reason: "属实") { ${RESULT('DecideVetoProposalSuccess', 'status decidedBy decisionReason')} } }`;
    expect((await s.gql(DECIDE, { p: p.id }, { token: townCentre })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const assessor = await s.token('assessor', '620102');
    expect(ok(await s.gql(DECIDE, { p: p.id }, { token: assessor }))).toMatchObject({ status: 'accepted', decisionReason: '属实' });
    expect(failed(await s.gql(DECIDE, { p: p.id }, { token: assessor })).code).toBe('DISPUTES_PROPOSAL_DECIDED');
  });
});

describe('audit', () => {
  it('every write left an entry in the hash chain', async () => {
    // Its own writes: the other tests' may or may not have run before it.
    const audited = async () => Number((await rows<{ n: number }>(s, sql`select count(*)::int as n from audit_log where entity_type in ('Dispute', 'MediationOrganisation')`))[0].n);
    const atStart = await audited();
    ok(await s.gql(ORG, { name: '庆阳路社区调解室（审计测试）', kind: 'community_room', j: '620102001002' }, { token: admin }));
    const afterOrganisation = await audited();
    expect(afterOrganisation).toBeGreaterThan(atStart);
    ok(await s.gql(REGISTER, { j: '620102001001', kind: 'neighbourhood', source: 'informant', risk: 'low', mass: false, desc: '审计测试纠纷', parties: PARTIES }, { token: gridWorker }));
    expect(await audited()).toBeGreaterThan(afterOrganisation);
    const v = await s.gql(`{ verifyAuditChain { ok } }`, {}, { token: auditor });
    expect(v.data.verifyAuditChain.ok).toBe(true);
  });
});

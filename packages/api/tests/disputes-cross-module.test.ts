import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, creditCodeCheckCharacter, sql, rowsOf, addDays, chinaDateOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';
import { enterpriseUnderVeto, okOn } from './cross-module-fixture.js';

/**
 * disputes → assessment through core's events only: a failed mediation that turns into a mass
 * incident (群体性事件) is a major mass incident for assessment's veto rules, recorded in the
 * transaction of the write that caused it; a centre's veto proposal lands on the unit's timeline.
 */
const BODY = '91620102MA72YY00';
const CODE = `${BODY}1${creditCodeCheckCharacter(`${BODY}1`)}`;
const UNIT = '兰州恒基装饰工程有限公司';

let s: TestServer;
let admin: string, assessor: string, gridWorker: string, townCentre: string;
let unitId: string, centreId: string;

const chinaDay = (offset = 0) => addDays(chinaDateOf(new Date()), offset);
const YEAR = chinaDay(-1).slice(0, 4);

let ok: ReturnType<typeof okOn>;

beforeAll(async () => {
  s = await startTestServer({ modules });
  ok = okOn(s);
  [admin, assessor, gridWorker, townCentre] = await Promise.all([
    s.token('city_admin'),
    s.token('assessor', '620102'),
    s.token('grid_worker', '620102001001'),
    s.token('district_officer', '620102001'),
  ]);
  unitId = await enterpriseUnderVeto(s, admin, {
    secondItem: '矛盾纠纷化解',
    rule: { id: 'M1', description: '发生重大群体性事件一票否决', eventKind: 'major_mass_incident' },
    leadUnit: '市综治办',
    participatingUnit: '市人社局',
    targetDate: '2030-12-31',
    unitName: UNIT,
    creditCode: CODE,
  });
  const centre = await ok(
    `mutation { registerMediationOrganisation(name: "酒泉路街道调解中心", kind: town_centre, jurisdictionCode: "620102001") { __typename ... on RegisterMediationOrganisationSuccess { data { id } } } }`,
    {},
    admin,
  );
  centreId = centre.data.id;
});
afterAll(() => s?.close());

describe('disputes → assessment, through events only', () => {
  it('a failed mediation that becomes a mass incident vetoes the unit, in the same transaction', async () => {
    const d = await ok(
      `mutation($c: CreditCode, $on: Date) { registerDispute(jurisdictionCode: "620102001001", kind: labour_wages, source: informant, riskLevel: high, massIncidentRisk: true,
        description: "装修公司拖欠农民工工资", registeredOn: $on, unit: { creditCode: $c, name: "${UNIT}" },
        parties: [{ role: applicant, name: "农民工代表" }, { role: respondent, name: "${UNIT}" }]) {
        __typename ... on RegisterDisputeSuccess { data { id deadline } } } }`,
      { c: CODE, on: chinaDay(-3) },
      gridWorker,
    );
    const id = d.data.id;
    await ok(
      `mutation($d: ID!, $o: ID!, $on: Date) { routeDispute(disputeId: $d, organisationId: $o, mediatorName: "王调解员", on: $on) { __typename } }`,
      { d: id, o: centreId, on: chinaDay(-3) },
      townCentre,
    );
    const failed = await ok(
      `mutation($d: ID!, $on: Date!) { recordMediationSession(disputeId: $d, on: $on, outcome: failed, notes: "企业拒不支付") { __typename ... on RecordMediationSessionSuccess { data { status level } } } }`,
      { d: id, on: chinaDay(-2) },
      townCentre,
    );
    expect(failed.data).toEqual({ status: 'escalated', level: 'district' });
    const mass = await ok(
      `mutation($d: ID!, $at: DateTime!) { recordMassIncident(disputeId: $d, occurredAt: $at, description: "23名农民工聚集讨薪", participants: 23) {
        __typename ... on RecordMassIncidentSuccess { data { status massIncidentOn } } } }`,
      { d: id, at: `${chinaDay(-1)}T02:00:00Z` },
      townCentre,
      { 'x-request-id': 'mass-incident-1' },
    );
    expect(mass.data).toEqual({ status: 'mass_incident', massIncidentOn: chinaDay(-1) });

    // one request, one transaction: the dispute's step and assessment's major event share the request id
    const entities = await s.database.db.select({ type: auditLog.entityType }).from(auditLog).where(sql`${auditLog.requestId} = 'mass-incident-1'`);
    expect(new Set(entities.map((e) => e.type))).toEqual(new Set(['Dispute', 'MajorEvent']));
    const [event] = rowsOf(await s.database.db.execute(sql`select kind, source, source_ref, unit_id from major_events`));
    expect(event).toMatchObject({ kind: 'major_mass_incident', source: 'disputes', unit_id: expect.any(String) });

    const assessed = await ok(
      `mutation($u: ID!) { assessUnit(unitId: $u, periodStart: "${YEAR}-01-01", periodEnd: "${YEAR}-12-31", items: [{ itemCode: "E1", points: 50 }, { itemCode: "E2", points: 48 }]) {
        __typename ... on AssessUnitSuccess { data { total passed vetoed explanation } } } }`,
      { u: unitId },
      assessor,
    );
    expect(assessed.data).toMatchObject({ total: 98, passed: false, vetoed: true });
    expect(assessed.data.explanation).toMatch(/M1/);
    expect(assessed.data.explanation).toMatch(/23名农民工聚集讨薪/);

    // recording it twice is refused and writes nothing
    const again = await s.gql(
      `mutation($d: ID!, $at: DateTime!) { r: recordMassIncident(disputeId: $d, occurredAt: $at, description: "再次") { __typename ... on DomainError { code } } }`,
      { d: id, at: `${chinaDay(-1)}T03:00:00Z` },
      { token: townCentre },
    );
    expect(again.data.r).toEqual({ __typename: 'DomainError', code: 'DISPUTES_MASS_INCIDENT_RECORDED' });
  });

  it('a centre’s veto proposal lands on the unit’s timeline for the assessor to decide', async () => {
    const p = await ok(
      `mutation($o: ID!, $c: CreditCode) { proposeVeto(organisationId: $o, unit: { creditCode: $c }, reason: "拒不履行调解协议，引发群体性事件") {
        __typename ... on ProposeVetoSuccess { data { id status } } } }`,
      { o: centreId, c: CODE },
      townCentre,
    );
    expect(p.data.status).toBe('pending');
    const history = await s.gql(`query($u: ID!) { unitHistory(unitId: $u, first: 100) { edges { node { kind summary } } } }`, { u: unitId }, { token: assessor });
    expect(history.errors).toBeUndefined();
    expect(history.data.unitHistory.edges.map((e: any) => e.node)).toContainEqual({ kind: 'veto_proposed', summary: expect.stringContaining('拒不履行调解协议') });
    const pending = await s.gql(`{ vetoProposals(status: pending, first: 10) { edges { node { id unit { creditCode } } } } }`, {}, { token: assessor });
    expect(pending.data.vetoProposals.edges.map((e: any) => e.node.id)).toEqual([p.data.id]);
    const decided = await ok(
      `mutation($p: ID!) { decideVetoProposal(proposalId: $p, accept: true, reason: "已据群体性事件否决") { __typename ... on DecideVetoProposalSuccess { data { status decidedBy } } } }`,
      { p: p.data.id },
      assessor,
    );
    expect(decided.data.status).toBe('accepted');
  });
});

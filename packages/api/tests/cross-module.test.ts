import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, creditCodeCheckCharacter, sql } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';
import { enterpriseUnderVeto, okOn } from './cross-module-fixture.js';

/**
 * The modules as the api lists them, wired only through core's events:
 * a major robbery recorded by patrol → a veto in assessment → a negative credit record and a
 * black-list proposal in credit, each reaction inside the transaction of the write that caused it.
 */
const BODY = '91620102MA71XX00';
const CODE = `${BODY}1${creditCodeCheckCharacter(`${BODY}1`)}`;
const UNIT = '兰州平安物流有限公司';

let s: TestServer;
let admin: string, assessor: string, officer: string, creditOfficer: string, service: string;

let ok: ReturnType<typeof okOn>;

beforeAll(async () => {
  s = await startTestServer({ modules });
  ok = okOn(s);
  [admin, assessor, officer, creditOfficer, service] = await Promise.all([
    s.token('city_admin'),
    s.token('assessor', '620102'),
    s.token('district_officer', '620102'),
    s.token('credit_officer'),
    s.token('department_service'),
  ]);
  (globalThis as any).unitId = await enterpriseUnderVeto(s, admin, {
    secondItem: '治安防范',
    rule: { id: 'V1', description: '重大刑事案件一票否决', eventKind: 'major_criminal_case' },
    leadUnit: '市应急管理局',
    participatingUnit: '市公安局',
    targetDate: '2025-12-31',
    unitName: UNIT,
    creditCode: CODE,
  });
});
afterAll(() => s?.close());

describe('patrol → assessment → credit, through events only', () => {
  it('a major robbery at the unit vetoes its assessment and proposes it for the black list', async () => {
    await ok(
      `mutation($c: CreditCode) { recordAlert(jurisdictionCode: "620102001001", occurredAt: "2025-05-01T03:00:00Z", place: "物流园仓库", type: robbery,
        major: true, majorKind: major_criminal_case, unit: { creditCode: $c, name: "${UNIT}" }, description: "持刀抢劫仓库") { __typename } }`,
      { c: CODE },
      officer,
    );
    const assessed = await ok(
      `mutation($u: ID!) { assessUnit(unitId: $u, periodStart: "2025-01-01", periodEnd: "2025-12-31", items: [{ itemCode: "E1", points: 49 }, { itemCode: "E2", points: 49 }]) {
        __typename ... on AssessUnitSuccess { data { total passed vetoed explanation ruleSetVersion } } } }`,
      { u: (globalThis as any).unitId },
      assessor,
      { 'x-request-id': 'veto-request-1' },
    );
    expect(assessed.data).toMatchObject({ total: 98, passed: false, vetoed: true, ruleSetVersion: 1 });
    expect(assessed.data.explanation).toMatch(/V1/);

    const standing = await s.gql(
      `query($c: CreditCode!) { creditStanding(code: $c) { known name standing } creditListEntries(creditCode: $c) { edges { node { listType status reason } } } }`,
      { c: CODE },
      { token: creditOfficer },
    );
    expect(standing.errors).toBeUndefined();
    expect(standing.data.creditStanding).toMatchObject({ known: true, name: UNIT });
    expect(standing.data.creditListEntries.edges.map((e: any) => e.node)).toEqual([expect.objectContaining({ listType: 'black', status: 'pending' })]);

    // The credit writes are part of the assessor's request: one transaction, one request id.
    const entities = await s.database.db.select({ type: auditLog.entityType }).from(auditLog).where(sql`${auditLog.requestId} = 'veto-request-1'`);
    const types = new Set(entities.map((e) => e.type));
    expect([...types].some((t) => /Assessment/i.test(t))).toBe(true);
    expect([...types].some((t) => /Credit/i.test(t))).toBe(true);

    const svc = await s.gql(`query($c: String!) { creditStandings(codes: [$c]) { code status standing { creditCode } } }`, { c: CODE }, { token: service });
    expect(svc.data.creditStandings).toEqual([{ code: CODE, status: 'OK', standing: { creditCode: CODE } }]);
  });
});

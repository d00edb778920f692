import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { FICTIONAL_2027 } from '../../core/tests/fixtures/calendar.js';
import { assessmentModule } from '../src/index.js';
import { plaques, rectificationOrders, vetoRuleSets, yellowCards } from '../src/tables.js';

/**
 * Issue 16 over HTTP: deadlines on the official calendar (a year not loaded is refused),
 * retroactive rule sets under maker-checker, plaques in valid time.
 */
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const raw = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const FULL = [
  { itemCode: 'A1', points: 38 },
  { itemCode: 'A2', points: 60 },
]; // 98 points

let s: TestServer;
let admin: string, admin2: string, assessor: string, auditor: string;
let batchId: string;

const ok = async (q: string, v: Record<string, unknown>, token: string) => {
  const r = await s.gql(q, v, { token });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
};
const rows = async (table: any, where?: any) => (await s.database.db.select({ n: sql<number>`count(*)::int` }).from(table).where(where))[0].n;

const register = async (name: string) => {
  const d = await ok(
    `mutation($n: String!, $b: ID!) { registerSafeUnit(name: $n, category: hospital, jurisdictionCode: "620102001", batchId: $b, registeredOn: "2024-01-01") {
      ... on RegisterSafeUnitSuccess { data { id } } } }`,
    { n: name, b: batchId },
    admin,
  );
  return raw(d.registerSafeUnit.data.id);
};
const ASSESS = `mutation($u: ID!, $s: Date!, $e: Date!, $items: [ItemScoreInput!]!) { assessUnit(unitId: $u, periodStart: $s, periodEnd: $e, items: $items) {
  __typename ... on DomainError { code } ... on AssessUnitSuccess { data { id passed vetoed ruleSetVersion } } } }`;
const assess = async (unit: string, start: string, end: string) => (await ok(ASSESS, { u: gid('SafeUnit', unit), s: start, e: end, items: FULL }, assessor)).assessUnit.data;
const event = async (unit: string, occurredAt: string, kind = 'major_criminal_case') => {
  const d = await ok(
    `mutation($u: ID!, $at: DateTime!, $k: MajorEventKind!) { recordMajorEvent(kind: $k, occurredAt: $at, unitId: $u, description: "案件") { ... on RecordMajorEventSuccess { data { id } } } }`,
    { u: gid('SafeUnit', unit), at: occurredAt, k: kind },
    assessor,
  );
  return d.recordMajorEvent.data.id as string;
};
const standing = async (unit: string, onDate: string, asRecordedOn?: string) =>
  (
    await ok(
      `query($u: ID!, $d: Date!, $k: Date) { unitStanding(unitId: $u, onDate: $d, asRecordedOn: $k) { holdsPlaque plaqueId plaqueHeldSince } }`,
      { u: gid('SafeUnit', unit), d: onDate, k: asRecordedOn ?? null },
      auditor,
    )
  ).unitStanding;

const PUBLISH = `mutation($eff: Date!, $retro: Boolean, $reason: String, $rules: [VetoRuleInput!]!) {
  publishVetoRuleSet(effectiveFrom: $eff, retroactive: $retro, retroactiveReason: $reason, rules: $rules, yellowCardPolicy: { rectificationWorkingDays: 30, repeatWindowDays: 365, repeatEscalatesTo: none }) {
    __typename ... on DomainError { code field } ... on PublishVetoRuleSetSuccess { data { id version status retroactive retroactiveReason publishedOn } } } }`;
const DECIDE = `mutation($id: ID!, $approve: Boolean!, $reason: String!) { decideVetoRuleSet(ruleSetId: $id, approve: $approve, reason: $reason) {
  __typename ... on DomainError { code field }
  ... on DecideVetoRuleSetSuccess { data { version status decision { action decidedBy affectedAssessments } retroactiveEffects { assessmentId unitId decidedUnderVersion decidedPassed wouldPass wouldVeto differs } } } } }`;
const CASE_OR_ACCIDENT = [{ id: 'V1', description: '重大刑事案件或安全事故', eventKinds: ['major_criminal_case', 'major_safety_accident'], scope: 'unit' }];
const ACCIDENT_ONLY = [{ id: 'V1', description: '重大安全事故', eventKinds: ['major_safety_accident'], scope: 'unit' }];

beforeAll(async () => {
  s = await startTestServer({ modules: [assessmentModule] });
  [admin, admin2, assessor, auditor] = await Promise.all([s.token('city_admin'), s.token('city_admin', undefined, { sub: 'city-admin-2' }), s.token('assessor', '620102'), s.token('auditor')]);
  await ok(
    `mutation { publishAssessmentStandard(category: hospital, title: "平安医院", passMark: 85, effectiveFrom: "2024-01-01", items: [
      { code: "A1", name: "组织领导", maxPoints: 40, deductions: [] }, { code: "A2", name: "防范措施", maxPoints: 60, deductions: [] }]) { __typename } }`,
    {},
    admin,
  );
  // The first set ever reaches back over days no set governed: nothing can have been decided then, no flag needed.
  const v1 = await ok(PUBLISH, { eff: '2024-01-01', rules: CASE_OR_ACCIDENT }, admin);
  expect(v1.publishVetoRuleSet.data).toMatchObject({ version: 1, status: 'in_force', retroactive: false });
  const b = await ok(
    `mutation { createCreationBatch(projectName: "平安医院创建", seq: 1, name: "第一批", jurisdictionCode: "620100", leadUnit: "市卫健局", participatingUnits: [], targetDate: "2026-12-31") {
      ... on CreateCreationBatchSuccess { data { id } } } }`,
    {},
    admin,
  );
  batchId = b.createCreationBatch.data.id;
});
afterAll(() => s?.close());

describe('deadlines on the official calendar', () => {
  let unit: string;
  const CARD = `mutation($u: ID!) { issueYellowCard(unitId: $u, reason: "消防通道堵塞", issuedOn: "2026-11-27") {
    __typename ... on DomainError { code field message details } ... on IssueYellowCardSuccess { data { rectificationDeadline } } } }`;
  const ORDER = `mutation($u: ID!, $n: Int!) { issueRectificationOrder(unitId: $u, items: ["整改"], issuedOn: "2026-11-27", workingDays: $n) {
    __typename ... on DomainError { code field details } ... on IssueRectificationOrderSuccess { data { deadline } } } }`;
  beforeAll(async () => {
    unit = await register('日历医院');
  });

  it('a deadline inside the loaded years is computed', async () => {
    const order = await ok(ORDER, { u: gid('SafeUnit', unit), n: 24 }, assessor);
    expect(order.issueRectificationOrder.data.deadline).toBe('2026-12-31');
  });

  // Loading 2027 is city-wide and cannot be undone: the refusal before it and the deadlines after
  // it are one test, so that no other test's order decides which of them sees 2027 loaded.
  it('a deadline that crosses into 2027 is refused with a code while 2027 is not loaded, writing nothing; once loaded, deadlines skip its New Year holiday', async () => {
    // refused while 2027 is not loaded, writing nothing
    {
      const written = () => Promise.all([rows(yellowCards), rows(rectificationOrders), rows(auditLog, and(eq(auditLog.operation, 'issueYellowCard')))]);
      const before = await written();
      const card = await ok(CARD, { u: gid('SafeUnit', unit) }, assessor);
      expect(card.issueYellowCard).toMatchObject({ __typename: 'DomainError', code: 'CORE_CALENDAR_NOT_LOADED', field: 'issuedOn', details: { year: 2027 } });
      const order = await ok(ORDER, { u: gid('SafeUnit', unit), n: 30 }, assessor);
      expect(order.issueRectificationOrder).toMatchObject({ code: 'CORE_CALENDAR_NOT_LOADED', field: 'workingDays' });
      expect(await written()).toEqual(before);
    }
    // once loaded, deadlines skip its New Year holiday
    {
      const load = await ok(
        `mutation($h: [HolidayBlockInput!]!, $m: [Date!]!) { loadHolidayArrangement(year: 2027, holidays: $h, makeUpWorkdays: $m, noticeRef: "TEST-FIXTURE-2027") { __typename } }`,
        { h: FICTIONAL_2027.holidays, m: FICTIONAL_2027.makeUpWorkdays },
        admin,
      );
      expect(load.loadHolidayArrangement.__typename).toBe('LoadHolidayArrangementSuccess');
      // 2026-11-27 + 30 working days: 24 to 2026-12-31, 2027-01-01..03 off, then 01-04..08 and 01-11.
      const card = await ok(CARD, { u: gid('SafeUnit', unit) }, assessor);
      expect(card.issueYellowCard.data.rectificationDeadline).toBe('2027-01-11');
      const order = await ok(ORDER, { u: gid('SafeUnit', unit), n: 25 }, assessor);
      expect(order.issueRectificationOrder.data.deadline).toBe('2027-01-04');
    }
  });
});

describe('retroactive veto rule sets: flag, reason, second officer', () => {
  const u: Record<string, string> = {};
  const a: Record<string, any> = {};
  let v2: string;

  beforeAll(async () => {
    for (const k of ['vetoed', 'clean', 'twin']) u[k] = await register(`追溯医院-${k}`);
    await event(u.vetoed, '2025-08-10T02:00:00Z');
    await event(u.twin, '2025-08-10T02:00:00Z');
    a.vetoed = await assess(u.vetoed, '2025-07-01', '2025-12-31');
    a.clean = await assess(u.clean, '2025-07-01', '2025-12-31');
    expect(a.vetoed).toMatchObject({ vetoed: true, passed: false, ruleSetVersion: 1 });
    expect(a.clean).toMatchObject({ vetoed: false, passed: true, ruleSetVersion: 1 });
  });

  // One workflow on the city-wide rule sets: each step needs the state the one before left,
  // so the steps are one test (any test of this file can then run alone, in any order).
  it('a retroactive set is refused unflagged, waits for approval, is not approved by its publisher or an assessor, is approved by a second officer, and then governs', async () => {
    // refuses an unflagged set effective before today over days set 1 governed, writing nothing
    {
      const r = await ok(PUBLISH, { eff: '2025-01-01', rules: ACCIDENT_ONLY }, admin);
      expect(r.publishVetoRuleSet).toMatchObject({ __typename: 'DomainError', code: 'ASSESSMENT_RULE_SET_RETROACTIVE_UNFLAGGED', field: 'effectiveFrom' });
      const noReason = await ok(PUBLISH, { eff: '2025-01-01', retro: true, reason: ' ', rules: ACCIDENT_ONLY }, admin);
      expect(noReason.publishVetoRuleSet).toMatchObject({ code: 'ASSESSMENT_RETROACTIVE_REASON_REQUIRED', field: 'retroactiveReason' });
      const notRetro = await ok(PUBLISH, { eff: '2099-01-01', retro: true, reason: '无', rules: ACCIDENT_ONLY }, admin);
      expect(notRetro.publishVetoRuleSet).toMatchObject({ code: 'ASSESSMENT_RULE_SET_INVALID', field: 'retroactive' });
      expect(await rows(vetoRuleSets)).toBe(1);
    }
    // a flagged set with a reason awaits approval and is not in force meanwhile
    {
      const r = await ok(PUBLISH, { eff: '2025-01-01', retro: true, reason: '省委平安办通知：刑事案件不再一票否决', rules: ACCIDENT_ONLY }, admin);
      expect(r.publishVetoRuleSet.data).toMatchObject({ version: 2, status: 'pending_approval', retroactive: true, retroactiveReason: '省委平安办通知：刑事案件不再一票否决' });
      v2 = r.publishVetoRuleSet.data.id;
      a.twin = await assess(u.twin, '2025-07-01', '2025-12-31');
      expect(a.twin).toMatchObject({ vetoed: true, ruleSetVersion: 1 });
    }
    // the publisher may not approve it, nor may an assessor
    {
      expect((await ok(DECIDE, { id: v2, approve: true, reason: '同意' }, admin)).decideVetoRuleSet).toMatchObject({ code: 'ASSESSMENT_RULE_SET_SELF_APPROVAL' });
      const byAssessor = await s.gql(DECIDE, { id: v2, approve: true, reason: '同意' }, { token: assessor });
      expect(byAssessor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await rows(auditLog, eq(auditLog.operation, 'decideVetoRuleSet'))).toBe(0);
    }
    // a second officer approves: decided assessments keep their version, the unit history names the ones it would have decided differently
    {
      const r = await ok(DECIDE, { id: v2, approve: true, reason: '经集体研究同意' }, admin2);
      const d = r.decideVetoRuleSet.data;
      expect(d).toMatchObject({ version: 2, status: 'in_force', decision: { action: 'approve', decidedBy: 'city-admin-2' } });
      // The set now governs this test's three assessments, and those of 2025 other tests decided
      // when they ran first.
      expect(d.decision.affectedAssessments).toBe(d.retroactiveEffects.length);
      const ours = new Set(Object.values(u));
      expect(
        d.retroactiveEffects
          .filter((e: any) => ours.has(e.unitId))
          .map((e: any) => e.assessmentId)
          .sort(),
      ).toEqual([a.vetoed, a.clean, a.twin].map((x) => raw(x.id)).sort());
      const byAssessment = Object.fromEntries(d.retroactiveEffects.map((e: any) => [e.assessmentId, e]));
      expect(byAssessment[raw(a.vetoed.id)]).toMatchObject({ decidedUnderVersion: 1, decidedPassed: false, wouldPass: true, wouldVeto: false, differs: true });
      expect(byAssessment[raw(a.twin.id)]).toMatchObject({ differs: true });
      expect(byAssessment[raw(a.clean.id)]).toMatchObject({ decidedPassed: true, wouldPass: true, differs: false });

      const kept = await ok(`query($id: ID!) { node(id: $id) { ... on Assessment { version vetoed passed ruleSetVersion } } }`, { id: a.vetoed.id }, auditor);
      expect(kept.node).toEqual({ version: 1, vetoed: true, passed: false, ruleSetVersion: 1 });

      const h = await ok(`query($u: ID!) { unitHistory(unitId: $u, first: 100) { edges { node { kind summary validOn } } } }`, { u: gid('SafeUnit', u.vetoed) }, auditor);
      const fact = h.unitHistory.edges.map((e: any) => e.node).find((f: any) => f.kind === 'retroactive_rule_set');
      expect(fact).toMatchObject({ validOn: '2025-12-31' });
      expect(fact.summary).toContain('rule set v2');
      expect(fact.summary).toContain('a different outcome');
      const clean = await ok(`query($u: ID!) { unitHistory(unitId: $u, first: 100) { edges { node { kind summary } } } }`, { u: gid('SafeUnit', u.clean) }, auditor);
      expect(clean.unitHistory.edges.map((e: any) => e.node).find((f: any) => f.kind === 'retroactive_rule_set').summary).not.toContain('different outcome');
      expect(await s.database.db.select({ actorId: auditLog.actorId }).from(auditLog).where(eq(auditLog.operation, 'decideVetoRuleSet'))).toEqual([{ actorId: 'city-admin-2' }]);
    }
    // after approval a new assessment of those days is decided under the new set; a second verdict is refused
    {
      const late = await register('追溯医院-late');
      await event(late, '2025-08-10T02:00:00Z');
      expect(await assess(late, '2025-07-01', '2025-12-31')).toMatchObject({ vetoed: false, passed: true, ruleSetVersion: 2 });
      expect((await ok(DECIDE, { id: v2, approve: false, reason: '反悔' }, admin2)).decideVetoRuleSet).toMatchObject({ code: 'ASSESSMENT_RULE_SET_NOT_PENDING' });
      const sets = await ok(`{ vetoRuleSets { version status retroactive decision { action } } }`, {}, auditor);
      expect(sets.vetoRuleSets).toEqual([
        { version: 1, status: 'in_force', retroactive: false, decision: null },
        { version: 2, status: 'in_force', retroactive: true, decision: { action: 'approve' } },
      ]);
    }
  });
});

describe('plaques in valid time', () => {
  let unit: string;
  beforeAll(async () => {
    unit = await register('授牌医院');
    const r = await assess(unit, '2025-01-01', '2025-12-31');
    expect(r.passed).toBe(true);
  });

  it('is held from the end of the period it was earned for, though recorded later', async () => {
    const [p] = await s.database.db.select().from(plaques).where(eq(plaques.unitId, unit));
    expect(p.awardedOn).toBe('2025-12-31');
    expect(await standing(unit, '2026-01-15')).toMatchObject({ holdsPlaque: true, plaqueId: p.id, plaqueHeldSince: '2025-12-31' });
    expect(await standing(unit, '2025-12-30')).toMatchObject({ holdsPlaque: false });
    // transaction time: on 2026-01-15 nobody had recorded the award yet
    expect(await standing(unit, '2026-01-15', '2026-01-15')).toMatchObject({ holdsPlaque: false });
  });

  it('an event before the award does not revoke it; an event after does, from its own day', async () => {
    await event(unit, '2025-07-01T02:00:00Z', 'major_safety_accident');
    expect((await s.database.db.select().from(plaques).where(eq(plaques.unitId, unit)))[0].revokedAt).toBeNull();
    expect(await standing(unit, '2026-06-01')).toMatchObject({ holdsPlaque: true });

    const later = await event(unit, '2026-03-01T02:00:00Z', 'major_safety_accident');
    const [p] = await s.database.db.select().from(plaques).where(eq(plaques.unitId, unit));
    expect(p).toMatchObject({ revokedOn: '2026-03-01', revokedByEventId: later });
    expect(await standing(unit, '2026-02-28')).toMatchObject({ holdsPlaque: true });
    expect(await standing(unit, '2026-03-01')).toMatchObject({ holdsPlaque: false });
  });
});

describe('a correction that fails the period withdraws the plaque earned for it', () => {
  it('withdraws it from its award day, audited, with the history saying why', async () => {
    const unit = await register('更正医院');
    const a = await assess(unit, '2025-01-01', '2025-12-31');
    expect(await standing(unit, '2026-01-15')).toMatchObject({ holdsPlaque: true, plaqueHeldSince: '2025-12-31' });
    const r = await ok(
      `mutation($id: ID!, $items: [ItemScoreInput!]!) { correctAssessment(assessmentId: $id, version: 1, items: $items, reason: "台账造假，复核扣分") {
        __typename ... on CorrectAssessmentSuccess { data { version passed } } } }`,
      {
        id: a.id,
        items: [
          { itemCode: 'A1', points: 10 },
          { itemCode: 'A2', points: 60 },
        ],
      },
      assessor,
    );
    expect(r.correctAssessment.data).toEqual({ version: 2, passed: false });
    const [p] = await s.database.db.select().from(plaques).where(eq(plaques.unitId, unit));
    expect(p).toMatchObject({ revokedOn: '2025-12-31', revokedByEventId: null });
    expect(await standing(unit, '2026-01-15')).toMatchObject({ holdsPlaque: false });
    const h = await ok(`query($u: ID!) { unitHistory(unitId: $u, first: 100) { edges { node { kind summary } } } }`, { u: gid('SafeUnit', unit) }, auditor);
    expect(h.unitHistory.edges.map((e: any) => e.node).find((f: any) => f.kind === 'plaque_revoked').summary).toContain('台账造假');
    expect(await rows(auditLog, and(eq(auditLog.entityType, 'Plaque'), eq(auditLog.entityId, p.id)))).toBe(2);
  });
});

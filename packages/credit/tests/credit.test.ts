import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, like, sql } from 'drizzle-orm';
import { auditLog, CoreErrors, decodeGlobalId, defineModule, pagesByParent, runMutation, systemContext, type Role, addDays, chinaDateOf } from '@safecity/core';
import { entryReads } from '../src/reads.js';
import { startTestServer, type GqlResult, type TestServer } from '@safecity/core/testing';
import { creditModule } from '../src/index.js';
import { JOINT_MEASURES } from '../src/rules.js';
import { demoCreditCode, seedCredit } from '../src/seed.js';
import { creditListDecisions, creditListEntries, creditRecords, creditSubjects } from '../src/tables.js';

/**
 * A stand-in for the assessment module (never imported): its mutations emit unitVetoed and
 * unitAssessed through runMutation exactly as the real one does, optionally failing afterwards.
 */
const fakeAssessment = defineModule({
  name: 'fake_assessment',
  tables: {},
  permissions: {},
  errorCodes: [],
  subscribers: [],
  emits: ['unitVetoed', 'unitAssessed'],
  register(builder) {
    builder.mutationFields((t) => ({
      testAssessUnit: t.boolean({
        args: {
          assessmentId: t.arg.string({ required: true }),
          creditCode: t.arg.string(),
          unitName: t.arg.string({ required: true }),
          jurisdictionCode: t.arg.string({ required: true }),
          veto: t.arg.boolean({ required: true }),
          passed: t.arg.boolean(),
          failAfterEmit: t.arg.boolean(),
        },
        resolve: (_r, a, ctx) =>
          runMutation(ctx, { operation: 'testAssessUnit' }, async (tx) => {
            tx.audit({ entityType: 'Assessment', entityId: a.assessmentId, jurisdictionCode: a.jurisdictionCode });
            const unit = {
              assessmentId: a.assessmentId,
              unitId: `unit-${a.assessmentId}`,
              unitName: a.unitName,
              creditCode: a.creditCode ?? null,
              jurisdictionCode: a.jurisdictionCode,
              periodStart: '2024-01-01',
              periodEnd: '2024-12-31',
            };
            if (a.veto) await tx.emit('unitVetoed', { ...unit, ruleSetVersion: 3, eventIds: ['incident-1'], explanation: '重大安全事故（一票否决）' });
            else await tx.emit('unitAssessed', { ...unit, passed: a.passed ?? true, total: 92, grade: '优秀' });
            if (a.failAfterEmit) throw CoreErrors.error('INPUT_INVALID', 'simulated failure after the event');
            return true;
          }),
      }),
    }));
  },
});

const E = '... on DomainError { code field details }';
const ENTRY = 'id listType status asOf reasonCategory reason startDate endDate proposalRule proposedBy';
const today = chinaDateOf(new Date());

/** Distinct valid codes in a county, numbered away from the seed's. */
let serial = 50_000;
function newCode(county = '620102'): string {
  for (;;) {
    const c = demoCreditCode(county, serial++);
    if (c) return c;
  }
}

describe('credit module through the GraphQL API', () => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  const as = (k: string) => ({ token: tok[k] });

  beforeAll(async () => {
    s = await startTestServer({ modules: [creditModule, fakeAssessment] });
    const roles: [string, Role, string?, string?][] = [
      ['officer', 'credit_officer'],
      ['officer2', 'credit_officer', '620100', 'credit-officer-2'],
      ['service', 'department_service'],
      ['assessor', 'assessor'],
      ['district', 'district_officer', '620102'],
      ['qilihe', 'district_officer', '620103'],
      ['auditor', 'auditor'],
    ];
    for (const [k, role, j, sub] of roles) tok[k] = await s.token(role, j, sub ? { sub } : undefined);
    // The shared template may have been migrated without this module's list; apply its (idempotent) triggers here.
    for (const stmt of creditModule.postMigrateSql ?? []) await s.database.db.execute(sql.raw(stmt));
  });
  afterAll(() => s?.close());

  async function ok<T = any>(q: string, v: Record<string, unknown>, token: string | null = tok.officer): Promise<T> {
    const r = await s.gql(q, v, { token });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data as T;
  }

  async function register(code: string, jurisdictionCode = '620102001001', onFileSince?: string) {
    const d = await ok(
      `mutation($c: CreditCode!, $j: DivisionCode!, $since: Date) { registerCreditSubject(creditCode: $c, name: "兰州测试商贸有限公司", kind: enterprise, jurisdictionCode: $j, onFileSince: $since) { __typename ${E} ... on RegisterCreditSubjectSuccess { data { id creditCode } } } }`,
      { c: code, j: jurisdictionCode, since: onFileSince },
    );
    return d.registerCreditSubject;
  }

  async function propose(code: string, o: { listType?: string; startDate?: string; endDate?: string | null; token?: string } = {}) {
    const d = await ok(
      `mutation($c: CreditCode!, $l: CreditListType!, $s: Date!, $e: Date) { proposeCreditListEntry(creditCode: $c, listType: $l, reasonCategory: severe_violation, reason: "严重违法失信", internalNote: "线索来自举报人王某", authority: "市市场监管局", startDate: $s, endDate: $e) { __typename ${E} ... on ProposeCreditListEntrySuccess { data { ${ENTRY} } } } }`,
      { c: code, l: o.listType ?? 'black', s: o.startDate ?? today, e: o.endDate === undefined ? addDays(today, 1000) : o.endDate },
      o.token ?? tok.officer,
    );
    return d.proposeCreditListEntry;
  }

  async function decide(entryId: string, approve: boolean, token: string) {
    const d = await ok(
      `mutation($id: ID!, $a: Boolean!) { decideCreditListProposal(entryId: $id, approve: $a, reason: "审核意见") { __typename ${E} ... on DecideCreditListProposalSuccess { data { ${ENTRY} decisions { edges { node { action decidedBy effectiveDate } } } } } } }`,
      { id: entryId, a: approve },
      token,
    );
    return d.decideCreditListProposal;
  }

  /** A subject with an approved (active) black entry: proposed by officer, approved by officer2. */
  async function activeBlack(startDate = today, endDate: string | null = addDays(today, 1000), county = '620102', jurisdiction = '620102001001') {
    const code = newCode(county);
    await register(code, jurisdiction);
    const p = await propose(code, { startDate, endDate });
    const d = await decide(p.data.id, true, tok.officer2);
    expect(d.__typename).toBe('DecideCreditListProposalSuccess');
    return { code, entryId: p.data.id as string };
  }

  const auditCount = async () => (await s.database.db.select({ n: count() }).from(auditLog))[0].n;

  describe('subjects and codes', () => {
    it('refuses an invalid credit code with a coded error and writes nothing', async () => {
      const before = await s.database.db.select({ n: count() }).from(creditSubjects);
      const bad = '91110000600037342L'; // wrong check character
      const r = await s.gql(`mutation { registerCreditSubject(creditCode: "${bad}", name: "X", kind: enterprise, jurisdictionCode: "620102") { __typename } }`, {}, as('officer'));
      expect(r.errors?.[0].extensions?.code).toBe('CORE_CREDIT_CODE_INVALID');
      const r2 = await s.gql(`query($c: CreditCode!) { creditStanding(code: $c) { standing } }`, { c: '9111000060003734IL' }, as('service'));
      expect(r2.errors?.[0].extensions?.code).toBe('CORE_CREDIT_CODE_INVALID');
      expect(r2.data).toBeNull();
      expect(await s.database.db.select({ n: count() }).from(creditSubjects)).toEqual(before);
    });

    it('registers a subject once; a second registration is SUBJECT_EXISTS', async () => {
      const code = newCode();
      expect((await register(code)).data.creditCode).toBe(code);
      expect(await register(code)).toMatchObject({ __typename: 'DomainError', code: 'CREDIT_SUBJECT_EXISTS', field: 'creditCode' });
    });

    it('refuses a registration outside the caller’s jurisdiction, and callers without the permission', async () => {
      const districtOfficer = await s.token('credit_officer', '620102', { sub: 'chengguan-credit' });
      const q = `mutation($c: CreditCode!) { registerCreditSubject(creditCode: $c, name: "X", kind: enterprise, jurisdictionCode: "620103001001") { __typename ${E} } }`;
      const r = await ok(q, { c: newCode('620103') }, districtOfficer);
      expect(r.registerCreditSubject).toMatchObject({ code: 'CORE_JURISDICTION_OUT_OF_SCOPE', field: 'jurisdictionCode' });
      const denied = await s.gql(q, { c: newCode('620103') }, as('district'));
      expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await ok(q, { c: newCode('620103') })).registerCreditSubject.__typename).toBe('RegisterCreditSubjectSuccess');
    });
  });

  describe('reactions to assessment events', () => {
    const assess = (v: Record<string, unknown>, token = tok.assessor) =>
      s.gql(
        `mutation($id: String!, $c: String, $veto: Boolean!, $passed: Boolean, $fail: Boolean) { testAssessUnit(assessmentId: $id, creditCode: $c, unitName: "兰州黄河机械制造有限公司", jurisdictionCode: "620102001002", veto: $veto, passed: $passed, failAfterEmit: $fail) }`,
        v,
        { token },
      );
    const subjectQuery = `query($c: CreditCode!) { creditSubject(code: $c) { name jurisdictionCode records { edges { node { polarity kind severity evidenceRef } } } listEntries { edges { node { listType status proposalRule reasonCategory proposedBy internalNote } } } } }`;

    it('a veto of a unit with a credit code creates the subject, a negative record and a black-list proposal', async () => {
      const code = newCode();
      const r = await assess({ id: 'a-veto-1', c: code, veto: true });
      expect(r.errors).toBeUndefined();
      const d = await ok(subjectQuery, { c: code });
      expect(d.creditSubject).toMatchObject({ name: '兰州黄河机械制造有限公司', jurisdictionCode: '620102001002' });
      expect(d.creditSubject.records.edges.map((e: any) => e.node)).toEqual([
        { polarity: 'negative', kind: 'safe_unit_veto', severity: 'severe', evidenceRef: expect.stringContaining('assessment:a-veto-1') },
      ]);
      expect(d.creditSubject.listEntries.edges.map((x: any) => x.node)).toEqual([
        { listType: 'black', status: 'pending', proposalRule: 'safe_unit_veto', reasonCategory: 'safe_unit_veto', proposedBy: 'chengguan-assessor', internalNote: '重大安全事故（一票否决）' },
      ]);
      // One transaction: the emitter's audit entry and ours share the request.
      const audits = await s.database.db
        .select({ requestId: auditLog.requestId, entityType: auditLog.entityType, entityId: auditLog.entityId })
        .from(auditLog)
        .where(eq(auditLog.operation, 'testAssessUnit'));
      // This assessment's request: the other tests' assessments are audited under the same operation.
      const request = audits.find((a) => a.entityType === 'Assessment' && a.entityId === 'a-veto-1')!.requestId;
      expect(
        audits
          .filter((a) => a.requestId === request)
          .map((a) => a.entityType)
          .sort(),
      ).toEqual(['Assessment', 'CreditListEntry', 'CreditRecord', 'CreditSubject']);
      // A redelivered event writes nothing twice.
      expect((await assess({ id: 'a-veto-1', c: code, veto: true })).errors).toBeUndefined();
      const again = await ok(subjectQuery, { c: code });
      expect(again.creditSubject.records.edges).toHaveLength(1);
      expect(again.creditSubject.listEntries.edges).toHaveLength(1);
    });

    it('writes nothing when the veto’s transaction rolls back', async () => {
      const code = newCode();
      const r = await assess({ id: 'a-veto-2', c: code, veto: true, fail: true });
      expect(r.errors?.[0].extensions?.code).toBe('CORE_INPUT_INVALID');
      expect((await ok(subjectQuery, { c: code })).creditSubject).toBeNull();
      const db = s.database.db;
      expect(await db.select().from(creditSubjects).where(eq(creditSubjects.creditCode, code))).toEqual([]);
      expect(await db.select().from(creditRecords).where(like(creditRecords.sourceRef, '%a-veto-2'))).toEqual([]);
      expect(await db.select().from(auditLog).where(eq(auditLog.entityId, 'a-veto-2'))).toEqual([]);
    });

    it('ignores units without a credit code, and failed assessments', async () => {
      const before = await s.database.db.select({ n: count() }).from(creditRecords);
      expect((await assess({ id: 'a-veto-3', c: null, veto: true })).errors).toBeUndefined();
      expect((await assess({ id: 'a-fail-1', c: newCode(), veto: false, passed: false })).errors).toBeUndefined();
      expect(await s.database.db.select({ n: count() }).from(creditRecords)).toEqual(before);
    });

    it('a passed assessment becomes a positive record', async () => {
      const code = newCode();
      expect((await assess({ id: 'a-pass-1', c: code, veto: false, passed: true })).errors).toBeUndefined();
      const d = await ok(subjectQuery, { c: code });
      expect(d.creditSubject.records.edges.map((e: any) => e.node)).toEqual([{ polarity: 'positive', kind: 'safe_unit_pass', severity: null, evidenceRef: 'assessment:a-pass-1' }]);
      expect(d.creditSubject.listEntries.edges.map((x: any) => x.node)).toEqual([]); // on file since today: too recent for the red list
    });
  });

  describe('proposals and decisions', () => {
    it('reads an entry’s decisions in the caller’s scope through the entry (decisions have no division code of their own)', async () => {
      const { entryId } = await activeBlack(); // an entry of 620102001001 with its approval
      const id = decodeGlobalId(entryId).id;
      const decisionsAs = async (role: Role, jurisdiction: string) => (await pagesByParent(await s.ctxAs(role, jurisdiction), entryReads.relations!.decisions!, [id], {}, 'decisions'))[0]!.edges;
      expect((await decisionsAs('district_officer', '620102')).map((e) => (e.node as { action: string }).action)).toEqual(['approve']);
      // Asked by the entry's id, from another district: the layer finds no decision, not just no entry.
      expect(await decisionsAs('district_officer', '620103')).toEqual([]);
    });

    it('a proposer cannot approve their own proposal; another officer can, once', async () => {
      const code = newCode();
      await register(code);
      const p = await propose(code);
      expect(p.data).toMatchObject({ status: 'pending', proposalRule: 'manual', proposedBy: 'credit-officer' });
      expect(await decide(p.data.id, true, tok.officer)).toMatchObject({ __typename: 'DomainError', code: 'CREDIT_SELF_DECISION_FORBIDDEN', field: 'entryId' });
      const [{ n }] = await s.database.db
        .select({ n: count() })
        .from(creditListDecisions)
        .where(eq(creditListDecisions.entryId, fromGlobal(p.data.id)));
      expect(n).toBe(0);
      const d = await decide(p.data.id, true, tok.officer2);
      expect(d.data).toMatchObject({ status: 'active', decisions: { edges: [{ node: { action: 'approve', decidedBy: 'credit-officer-2', effectiveDate: today } }] } });
      expect(await decide(p.data.id, false, tok.officer2)).toMatchObject({ code: 'CREDIT_ALREADY_DECIDED' });
      // A second open entry on the same list is refused.
      expect(await propose(code)).toMatchObject({ code: 'CREDIT_ENTRY_OPEN_EXISTS' });
    });

    it('a severe negative record proposes a black-list entry by rule; a serious one does not', async () => {
      const code = newCode();
      await register(code);
      const rec = (severity: string) =>
        ok(
          `mutation($c: CreditCode!, $d: Date!, $s: CreditSeverity) { recordCreditRecord(creditCode: $c, polarity: negative, kind: violation, sourceDepartment: "市应急管理局", date: $d, severity: $s, summary: "安全生产违法") { __typename ${E} } }`,
          { c: code, d: today, s: severity },
        );
      await rec('serious');
      const entries = async () =>
        (await ok(`query($c: CreditCode!) { creditSubject(code: $c) { listEntries { edges { node { status proposalRule } } } } }`, { c: code })).creditSubject.listEntries.edges.map(
          (x: any) => x.node,
        );
      expect(await entries()).toEqual([]);
      await rec('severe');
      expect(await entries()).toEqual([{ status: 'pending', proposalRule: 'severe_negative_record' }]);
    });

    it('a positive record after N clean years on file proposes a red-list entry', async () => {
      const code = newCode();
      await register(code, '620102001001', addDays(today, -4 * 366));
      const d = await ok(
        `mutation($c: CreditCode!, $d: Date!) { recordCreditRecord(creditCode: $c, polarity: positive, kind: commendation, sourceDepartment: "市平安办", date: $d, summary: "守信表彰") { __typename ${E} } }`,
        { c: code, d: today },
      );
      expect(d.recordCreditRecord.__typename).toBe('RecordCreditRecordSuccess');
      const e = await ok(`query($c: CreditCode!) { creditSubject(code: $c) { listEntries { edges { node { listType status proposalRule } } } } }`, { c: code });
      expect(e.creditSubject.listEntries.edges.map((x: any) => x.node)).toEqual([{ listType: 'red', status: 'pending', proposalRule: 'red_clean_record' }]);
    });

    it('the red-list sweep proposes subjects whose clean period elapsed without a new record, once', async () => {
      const db = s.database.db;
      const sweep = () => ok(`mutation { proposeEligibleRedListEntries { __typename ${E} ... on ProposeEligibleRedListEntriesSuccess { data } } }`, {});
      // Whatever other tests (or the seed) left eligible is proposed first, so the count below is ours alone.
      await sweep();
      const code = newCode();
      const [subject] = await db
        .insert(creditSubjects)
        .values({ creditCode: code, name: '兰州守信企业', kind: 'enterprise', jurisdictionCode: '620102001001', onFileSince: addDays(today, -5 * 365) })
        .returning();
      await db.insert(creditRecords).values({
        subjectId: subject.id,
        jurisdictionCode: subject.jurisdictionCode,
        polarity: 'positive',
        kind: 'commendation',
        sourceDepartment: '市平安办',
        date: addDays(today, -400),
        summary: '守信表彰',
        validFrom: addDays(today, -400),
        recordedBy: 'test',
      });
      expect((await sweep()).proposeEligibleRedListEntries.data).toBe(1);
      expect((await sweep()).proposeEligibleRedListEntries.data).toBe(0);
      const e = await ok(`query($c: CreditCode!) { creditSubject(code: $c) { listEntries { edges { node { listType status proposalRule } } } } }`, { c: code });
      expect(e.creditSubject.listEntries.edges.map((x: any) => x.node)).toEqual([{ listType: 'red', status: 'pending', proposalRule: 'red_clean_record' }]);
    });

    it('decisions and entries are append-only in the database', async () => {
      // Rows of its own: a row trigger does not fire on an empty table.
      await activeBlack();
      const failure = (q: ReturnType<typeof sql>) =>
        s.database.db.execute(q).then(
          () => 'no error',
          (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`,
        );
      expect(await failure(sql`update credit_list_decisions set reason = 'edited'`)).toMatch(/credit_list_decisions is append-only/);
      expect(await failure(sql`delete from credit_list_entries`)).toMatch(/credit_list_entries is append-only/);
    });

    it('refuses an end date not after the start date', async () => {
      const code = newCode();
      await register(code);
      expect(await propose(code, { startDate: today, endDate: today })).toMatchObject({ code: 'CREDIT_DATES_INVALID', field: 'endDate' });
    });
  });

  describe('derived status', () => {
    const listQuery = `query($c: CreditCode, $asOf: Date, $st: CreditListStatus) { creditListEntries(creditCode: $c, asOf: $asOf, status: $st, first: 50) { edges { node { id status asOf } } } }`;

    it('turns to expired on the end date, with no write', async () => {
      const { code } = await activeBlack(addDays(today, -10), addDays(today, 2));
      const audits = await auditCount();
      const decisions = await s.database.db.select({ n: count() }).from(creditListDecisions);
      const at = async (asOf: string) => (await ok(listQuery, { c: code, asOf })).creditListEntries.edges.map((e: any) => e.node.status);
      expect(await at(addDays(today, 1))).toEqual(['active']);
      expect(await at(addDays(today, 2))).toEqual(['expired']);
      // The SQL filter agrees with the derived field.
      expect((await ok(listQuery, { c: code, asOf: addDays(today, 2), st: 'expired' })).creditListEntries.edges).toHaveLength(1);
      expect((await ok(listQuery, { c: code, asOf: addDays(today, 2), st: 'active' })).creditListEntries.edges).toHaveLength(0);
      expect(await auditCount()).toBe(audits);
      expect(await s.database.db.select({ n: count() }).from(creditListDecisions)).toEqual(decisions);
    });

    it('a standing is of its day: one kept statement answers each day its own (the day is a parameter, not part of the plan)', async () => {
      const { code } = await activeBlack(addDays(today, -10), addDays(today, 2));
      const q = `query($c: CreditCode!, $asOf: Date) { creditStanding(code: $c, asOf: $asOf) { standing activeEntries { status } } }`;
      const on = async (asOf: string) => (await ok(q, { c: code, asOf })).creditStanding;
      // In force, ended, not yet started (nor approved), in force again: alternating days over the same statement.
      expect(await on(addDays(today, 1))).toEqual({ standing: 'black', activeEntries: [{ status: 'active' }] });
      expect(await on(addDays(today, 2))).toEqual({ standing: 'clear', activeEntries: [] });
      expect(await on(addDays(today, -11))).toEqual({ standing: 'clear', activeEntries: [] });
      expect(await on(today)).toEqual({ standing: 'black', activeEntries: [{ status: 'active' }] });
    });

    it('an entry whose end date is today reads expired today', async () => {
      const { code } = await activeBlack(addDays(today, -30), today);
      expect((await ok(listQuery, { c: code })).creditListEntries.edges.map((e: any) => e.node.status)).toEqual(['expired']);
      const st = await ok(`query($c: CreditCode!) { creditStanding(code: $c) { standing activeEntries { id } } }`, { c: code }, tok.service);
      expect(st.creditStanding).toEqual({ standing: 'clear', activeEntries: [] });
    });

    it('the status filter returns exactly the entries whose derived status matches', async () => {
      // One subject per status, made here: the filter must find each under its own status only.
      const pending = newCode();
      await register(pending);
      await propose(pending);
      const rejected = newCode();
      await register(rejected);
      expect((await decide((await propose(rejected)).data.id, false, tok.officer2)).data.status).toBe('rejected');
      const active = (await activeBlack(addDays(today, -10))).code;
      const expired = (await activeBlack(addDays(today, -30), today)).code;
      const lifted = await activeBlack(addDays(today, -365));
      const repair = await ok(
        `mutation($id: ID!, $cs: [CreditRepairConditionInput!]!) { r: requestCreditRepair(entryId: $id, statement: "已整改完毕", conditions: $cs) { __typename ${E} ... on RequestCreditRepairSuccess { data { id } } } }`,
        { id: lifted.entryId, cs: ['rectification_completed', 'penalty_fulfilled', 'credit_commitment_signed'].map((condition) => ({ condition, evidence: `材料-${condition}` })) },
        tok.district,
      );
      const lift = await ok(`mutation($id: ID!) { r: decideCreditRepair(requestId: $id, approve: true, reason: "符合信用修复条件") { __typename ${E} } }`, { id: repair.r.data.id });
      expect(lift.r.__typename).toBe('DecideCreditRepairSuccess');
      const byStatus: Record<string, string> = { pending, active, expired, lifted: lifted.code, rejected };
      for (const [status, c] of Object.entries(byStatus)) {
        for (const st of Object.keys(byStatus)) {
          const d = await ok(listQuery, { c, st }, tok.auditor);
          expect(
            d.creditListEntries.edges.map((e: any) => e.node.status),
            `${status} entry under filter ${st}`,
          ).toEqual(st === status ? [status] : []);
        }
      }
    });
  });

  describe('credit repair', () => {
    const requestRepair = (entryId: string, conditions: string[], token = tok.district) =>
      ok(
        `mutation($id: ID!, $cs: [CreditRepairConditionInput!]!) { requestCreditRepair(entryId: $id, statement: "已整改完毕", conditions: $cs) { __typename ${E} ... on RequestCreditRepairSuccess { data { id status } } } }`,
        { id: entryId, cs: conditions.map((condition) => ({ condition, evidence: `材料-${condition}` })) },
        token,
      ).then((d) => d.requestCreditRepair);
    const ALL = ['rectification_completed', 'penalty_fulfilled', 'credit_commitment_signed'];

    it('refuses a repair too early or without the conditions; approval lifts the entry and keeps its history', async () => {
      const early = await activeBlack(addDays(today, -10));
      expect(await requestRepair(early.entryId, ALL)).toMatchObject({ code: 'CREDIT_REPAIR_TOO_EARLY' });

      const { code, entryId } = await activeBlack(addDays(today, -365));
      expect(await requestRepair(entryId, ALL.slice(0, 2))).toMatchObject({ code: 'CREDIT_REPAIR_CONDITIONS_UNMET', field: 'conditions', details: { missing: ['credit_commitment_signed'] } });
      const req = await requestRepair(entryId, ALL);
      expect(req.data.status).toBe('pending');
      expect(await requestRepair(entryId, ALL)).toMatchObject({ code: 'CREDIT_REPAIR_PENDING_EXISTS' });

      const decideRepair = (token: string) =>
        ok(
          `mutation($id: ID!) { decideCreditRepair(requestId: $id, approve: true, reason: "符合信用修复条件") { __typename ${E} ... on DecideCreditRepairSuccess { data { status decision { action effectiveDate } } } } }`,
          { id: req.data.id },
          token,
        ).then((d) => d.decideCreditRepair);
      expect((await decideRepair(tok.officer)).data).toEqual({ status: 'approved', decision: { action: 'lift', effectiveDate: today } });
      expect(await decideRepair(tok.officer2)).toMatchObject({ code: 'CREDIT_ALREADY_DECIDED' });

      const h = await ok(
        `query($c: CreditCode!) { creditListEntries(creditCode: $c) { edges { node { status reason startDate decisions { edges { node { action reason } } } repairRequests { edges { node { status statement conditions { condition } } } } } } } }`,
        { c: code },
      );
      expect(h.creditListEntries.edges).toEqual([
        {
          node: {
            status: 'lifted',
            reason: '严重违法失信',
            startDate: addDays(today, -365),
            decisions: { edges: [{ node: { action: 'approve', reason: '审核意见' } }, { node: { action: 'lift', reason: '符合信用修复条件' } }] },
            repairRequests: { edges: [{ node: { status: 'approved', statement: '已整改完毕', conditions: ALL.map((condition) => ({ condition })) } }] },
          },
        },
      ]);
      // Lifted is not active: the standing is clear, and a lifted entry cannot be repaired again.
      expect((await ok(`query($c: CreditCode!) { creditStanding(code: $c) { standing } }`, { c: code }, tok.service)).creditStanding.standing).toBe('clear');
      expect(await requestRepair(entryId, ALL)).toMatchObject({ code: 'CREDIT_REPAIR_NOT_ALLOWED' });
    });

    it('the requester of a repair cannot decide it', async () => {
      const { entryId } = await activeBlack(addDays(today, -365));
      const req = await requestRepair(entryId, ALL, tok.officer);
      const d = await ok(`mutation($id: ID!) { decideCreditRepair(requestId: $id, approve: true, reason: "x") { __typename ${E} } }`, { id: req.data.id }, tok.officer);
      expect(d.decideCreditRepair).toMatchObject({ code: 'CREDIT_SELF_DECISION_FORBIDDEN' });
    });
  });

  describe('public lists and what stays private', () => {
    it('an anonymous reader sees the published lists: active entries only, no details', async () => {
      const { code } = await activeBlack(addDays(today, -5), addDays(today, 1000));
      const pendingCode = newCode();
      await register(pendingCode);
      await propose(pendingCode);
      // Every page: other tests (the seed's few hundred entries) may publish before or after ours.
      const nodes: any[] = [];
      for (let after: string | null = null, pages = 0; ; pages++) {
        expect(pages).toBeLessThan(50);
        const r: GqlResult = await s.gql(
          `query($after: String) { publishedCreditList(listType: black, first: 100, after: $after) { edges { node { subjectName creditCode listType reasonCategory authority startDate endDate } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        expect(r.errors).toBeUndefined();
        nodes.push(...r.data.publishedCreditList.edges.map((e: any) => e.node));
        if (!r.data.publishedCreditList.pageInfo.hasNextPage) break;
        after = r.data.publishedCreditList.pageInfo.endCursor;
      }
      expect(nodes).toContainEqual({
        subjectName: '兰州测试商贸有限公司',
        creditCode: code,
        listType: 'black',
        reasonCategory: 'severe_violation',
        authority: '市市场监管局',
        startDate: addDays(today, -5),
        endDate: addDays(today, 1000),
      });
      expect(nodes.map((n: any) => n.creditCode)).not.toContain(pendingCode);
    });

    it('evidence and internal notes are unreachable anonymously, and forbidden without the permission', async () => {
      const { code, entryId } = await activeBlack();
      const viaPublic = await s.gql(`{ publishedCreditList(listType: black) { edges { node { creditCode internalNote } } } }`);
      expect(viaPublic.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(viaPublic.data).toBeNull();
      const viaList = await s.gql(`{ creditListEntries(listType: black) { edges { node { internalNote } } } }`);
      expect(viaList.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(viaList.data?.creditListEntries ?? null).toBeNull();
      const viaNode = await s.gql(`query($id: ID!) { node(id: $id) { ... on CreditListEntry { internalNote } } }`, { id: entryId });
      expect(viaNode.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(viaNode.data ?? null)).not.toContain('举报人');
      const viaStanding = await s.gql(`query($c: CreditCode!) { creditStanding(code: $c) { standing activeEntries { reason internalNote } } }`, { c: code });
      expect(viaStanding.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      // A department service account gets the standing, but not the notes or evidence.
      const svc = await s.gql(`query($c: CreditCode!) { creditStanding(code: $c) { standing activeEntries { reason internalNote } } }`, { c: code }, as('service'));
      expect(svc.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(svc.data)).not.toContain('举报人');
      const officer = await ok(`query($c: CreditCode!) { creditStanding(code: $c) { activeEntries { internalNote } } }`, { c: code });
      expect(officer.creditStanding.activeEntries).toEqual([{ internalNote: '线索来自举报人王某' }]);
    });

    it('entries outside the caller’s jurisdiction do not exist for them', async () => {
      const { code, entryId } = await activeBlack(today, addDays(today, 100), '620102', '620102001001');
      const r = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: entryId }, as('qilihe'));
      expect(r.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
      const list = await ok(`query($c: CreditCode) { creditListEntries(creditCode: $c) { edges { node { id } } } }`, { c: code }, tok.qilihe).catch(() => null);
      expect(list).toBeNull(); // SUBJECT_UNKNOWN for them
      const own = await ok(`query($id: ID!) { node(id: $id) { id } }`, { id: entryId }, tok.district);
      expect(own.node.id).toBe(entryId);
    });
  });

  describe('standing checks', () => {
    it('answers list standing, active entries and the measures that apply', async () => {
      const { code } = await activeBlack();
      const unknown = newCode();
      const d = await ok(
        `query($c: CreditCode!, $u: CreditCode!) { a: creditStanding(code: $c) { creditCode known standing activeEntries { listType status } measures { code kind } } b: creditStanding(code: $u) { known standing measures { code } } }`,
        { c: code, u: unknown },
        tok.service,
      );
      expect(d.a).toEqual({
        creditCode: code,
        known: true,
        standing: 'black',
        activeEntries: [{ listType: 'black', status: 'active' }],
        measures: JOINT_MEASURES.black.map((m) => ({ code: m.code, kind: m.kind })),
      });
      expect(d.b).toEqual({ known: false, standing: 'unknown', measures: [] });
    });

    // A standing answers with whether the subject is known and its name: its statement reads those
    // columns of the subject, not the row (kind, jurisdiction, dates), and still answers whole.
    it("reads only the subject's columns the standing answers with", async () => {
      const { code } = await activeBlack();
      const { result, log } = await s.gqlStatements(
        `query($c: [String!]!) { creditStandings(codes: $c) { code status standing { creditCode known name standing activeEntries { listType } } } }`,
        { c: [code] },
        tok.service,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.creditStandings[0]).toMatchObject({
        status: 'OK',
        standing: { creditCode: code, known: true, name: '兰州测试商贸有限公司', standing: 'black', activeEntries: [{ listType: 'black' }] },
      });
      const standing = log.find((q) => q.includes('from "credit_subjects"'));
      expect(standing).toBeDefined();
      expect(standing).toContain('"credit_subjects"."name"');
      for (const col of ['kind', 'on_file_since', 'created_at']) expect(standing).not.toContain(`"credit_subjects"."${col}"`);
    });

    it('a subject of another district is unknown to the standing check, with no entry of it', async () => {
      const { code } = await activeBlack(today, addDays(today, 100), '620102', '620102001001');
      const q = `query($c: CreditCode!) { creditStanding(code: $c) { known name standing activeEntries { id } } }`;
      expect((await ok(q, { c: code }, tok.qilihe)).creditStanding).toEqual({ known: false, name: null, standing: 'unknown', activeEntries: [] });
      expect((await ok(q, { c: code }, tok.district)).creditStanding).toMatchObject({ known: true, standing: 'black' });
    });

    it('a batch of 1,000 codes costs the same bounded number of statements as a batch of 10', async () => {
      const db = s.database.db;
      const codes = Array.from({ length: 1000 }, () => newCode('620103'));
      const rows = await db
        .insert(creditSubjects)
        .values(codes.map((creditCode, i) => ({ creditCode, name: `批量企业${i}`, kind: 'enterprise' as const, jurisdictionCode: '620103001001', onFileSince: '2020-01-01' })))
        .returning({ id: creditSubjects.id });
      // Every tenth one on the black list (approved), every tenth+1 with a pending proposal.
      const entries = await db
        .insert(creditListEntries)
        .values(
          rows.flatMap((r, i) =>
            i % 10 <= 1
              ? [
                  {
                    subjectId: r.id,
                    jurisdictionCode: '620103001001',
                    listType: 'black' as const,
                    reasonCategory: 'severe_violation',
                    reason: 'r',
                    authority: 'a',
                    startDate: addDays(today, -1),
                    endDate: addDays(today, 100),
                    proposalRule: 'manual',
                    ruleVersion: '-',
                    proposedBy: 'x',
                  },
                ]
              : [],
          ),
        )
        .returning({ id: creditListEntries.id, subjectId: creditListEntries.subjectId });
      const approved = entries.filter((_, i) => i % 2 === 0);
      await db.insert(creditListDecisions).values(approved.map((e) => ({ entryId: e.id, action: 'approve' as const, reason: 'ok', effectiveDate: addDays(today, -1), decidedBy: 'y' })));

      const q = `query($codes: [String!]!) { creditStandings(codes: $codes) { code status standing { creditCode standing activeEntries { id status } measures { code } } } }`;
      const big = await s.gql(q, { codes }, as('service'));
      expect(big.errors).toBeUndefined();
      expect(big.data.creditStandings).toHaveLength(1000);
      expect(big.data.creditStandings.map((x: any) => x.code)).toEqual(codes);
      expect(big.data.creditStandings.map((x: any) => x.standing.creditCode)).toEqual(codes);
      expect(new Set(big.data.creditStandings.map((x: any) => x.status))).toEqual(new Set(['OK']));
      const black = big.data.creditStandings.filter((x: any) => x.standing.standing === 'black');
      expect(black).toHaveLength(100);
      expect(black.every((x: any) => x.standing.activeEntries.length === 1 && x.standing.activeEntries[0].status === 'active')).toBe(true);
      expect(big.data.creditStandings.filter((x: any) => x.standing.standing === 'clear')).toHaveLength(900);

      const small = await s.gql(q, { codes: codes.slice(0, 10) }, as('service'));
      // One statement (the read planner): the subjects with their entries in force.
      expect(big.extensions?.sqlStatements).toBe(1);
      expect(big.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);

      // A department's list as it comes: a malformed code and one not on file are answered, in
      // order, with HTTP 200, and do not spoil the others.
      const unknown = newCode('620103');
      const mixed = await s.gql(q, { codes: [codes[0], 'NOT-A-CODE', ` ${codes[1].toLowerCase()} `, unknown] }, as('service'));
      expect(mixed.status).toBe(200);
      expect(mixed.errors).toBeUndefined();
      expect(mixed.data.creditStandings.map((x: any) => [x.code, x.status, x.standing?.standing ?? null])).toEqual([
        [codes[0], 'OK', 'black'],
        ['NOT-A-CODE', 'MALFORMED', null],
        [codes[1], 'OK', 'clear'],
        [unknown, 'NOT_FOUND', 'unknown'],
      ]);

      const tooMany = await s.gql(q, { codes: [...codes, newCode('620103')] }, as('service'));
      expect(tooMany.errors?.[0].extensions?.code).toBe('CREDIT_TOO_MANY_CODES');
    });
  });

  describe('seed', () => {
    it('seeds a few hundred valid subjects with records of both kinds and entries in every status, idempotently', async () => {
      const ctx = systemContext(s.platform);
      await seedCredit(ctx);
      await seedCredit(ctx);
      const db = s.database.db;
      const seeded = await db.select({ n: count() }).from(creditSubjects).where(like(creditSubjects.name, '兰州%有限公司%'));
      expect(seeded[0].n).toBeGreaterThanOrEqual(300);
      const polarities = await db.selectDistinct({ p: creditRecords.polarity }).from(creditRecords).where(eq(creditRecords.recordedBy, 'seed'));
      expect(polarities.map((p) => p.p).sort()).toEqual(['negative', 'positive']);
      const seededEntries = await db.select({ id: creditListEntries.id }).from(creditListEntries).where(eq(creditListEntries.proposedBy, 'seed-rules'));
      const ids = seededEntries.map((e) => Buffer.from(`CreditListEntry:${e.id}`).toString('base64url'));
      const d = await ok(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on CreditListEntry { status } } }`, { ids }, tok.auditor);
      const statuses = new Set<string>(d.nodes.map((n: { status: string }) => n.status));
      expect([...statuses].sort()).toEqual(['active', 'expired', 'lifted', 'pending', 'rejected']);
    });
  });
});

function fromGlobal(id: string): string {
  return Buffer.from(id, 'base64url').toString('utf8').split(':')[1];
}

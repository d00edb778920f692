import { notFound, z, type Builder, type Ctx } from '@safecity/core';
import { CATEGORIES, CATEGORY_KEYS, MAJOR_EVENT_KINDS, type Category } from './rules/categories.js';
import { rectificationStatus } from './rules/rectification.js';
import { FACT_KINDS } from './rules/standing.js';
import type { FiredRule } from './rules/veto.js';
import type { ScoredItem } from './rules/scoring.js';
import { assessmentLoader, assessmentsOfUnitLoader, assessUnit, correctAssessment, eventLoader, versionsLoader, type AssessmentRow, type MajorEventRow } from './service/assessments.js';
import { isUuid, today, unitLoader, type UnitRow } from './service/common.js';
import { recordMajorEvent } from './service/events.js';
import {
  configureEvaluationWeights,
  evaluateJurisdiction,
  getUnitHistory,
  getUnitStanding,
  listEvaluations,
  zeroCaseRates,
  type HistoryRow,
  type StandingAnswer,
  type ZeroCaseRate,
} from './service/history.js';
import {
  cardsOfUnitLoader,
  completeRectification,
  concludeInvestigation,
  INVESTIGATION_OUTCOMES,
  investigationsOfUnitLoader,
  issueRectificationOrder,
  issueYellowCard,
  openInvestigation,
  ordersOfUnitLoader,
  settleOverdueRectifications,
  type CardRow,
  type InvestigationRow,
  type OrderRow,
} from './service/rectification.js';
import { createCreationBatch, getBatch, listRuleSets, listSafeUnits, listStandards, publishRuleSet, publishStandard, registerSafeUnit, type BatchRow, type RuleSetRow, type StandardRow } from './service/setup.js';
import { loader } from '@safecity/core';
import { creationBatches, jurisdictionEvaluations, safeUnits } from './tables.js';
import { inArray } from 'drizzle-orm';

const READ = { permission: 'assessment:read' } as const;
const ASSESS = { permission: 'assessment:assess' } as const;
const CONFIGURE = { permission: 'assessment:configure' } as const;
const HISTORY = { permission: 'assessment:history.read' } as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/** A global id of `typename`, or NOT_FOUND (nothing about other records leaks). */
export function rawId(globalId: string, typename: string): string {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const prefix = `${typename}:`;
  if (!decoded.startsWith(prefix) || !isUuid(decoded.slice(prefix.length))) throw notFound(typename);
  return decoded.slice(prefix.length);
}

/** The current batch of units, after applying the overdue rule to them (one settle, one select). */
function currentBatchLoader(ctx: Ctx) {
  return loader<string, BatchRow>(ctx, 'assessment.currentBatch', async (unitIds) => {
    await settleOverdueRectifications(ctx, { unitIds: [...unitIds] });
    const units = await ctx.db.select({ id: safeUnits.id, batchId: safeUnits.batchId }).from(safeUnits).where(inArray(safeUnits.id, [...unitIds]));
    const batchIds = [...new Set(units.map((u) => u.batchId))];
    const batches = batchIds.length ? await ctx.db.select().from(creationBatches).where(inArray(creationBatches.id, batchIds)) : [];
    const byId = new Map(batches.map((b) => [b.id, b]));
    const byUnit = new Map(units.map((u) => [u.id, byId.get(u.batchId)!]));
    return unitIds.map((id) => byUnit.get(id) ?? notFound('creation batch'));
  });
}

export function registerAssessmentSchema(builder: Builder) {
  const CategoryEnum = builder.enumType('SafeUnitCategory', {
    description: 'The 11 safe-cell categories (平安细胞).',
    values: Object.fromEntries(CATEGORY_KEYS.map((k) => [k, { value: k, description: CATEGORIES[k].label }])),
  });
  const EventKind = builder.enumType('MajorEventKind', { values: MAJOR_EVENT_KINDS });
  const VetoScope = builder.enumType('VetoScope', { values: ['unit', 'jurisdiction'] as const });
  const FactKind = builder.enumType('UnitHistoryKind', { values: FACT_KINDS });
  const RectStatus = builder.enumType('RectificationStatus', { values: ['open', 'completed', 'completed_late', 'overdue'] as const });
  const Outcome = builder.enumType('InvestigationOutcome', { values: INVESTIGATION_OUTCOMES });
  const Escalation = builder.enumType('YellowCardEscalation', { values: ['red_card', 'veto_review', 'none'] as const });
  const Level = builder.enumType('ZeroCaseLevel', { values: ['district', 'subdistrict', 'community'] as const });

  const Batch = builder.objectRef<BatchRow>('CreationBatch').implement({
    description: 'A creation batch (创建批次) of a creation project.',
    fields: (t) => ({
      id: t.exposeID('id'),
      projectName: t.exposeString('projectName'),
      seq: t.exposeInt('seq'),
      name: t.exposeString('name'),
      jurisdictionCode: t.exposeString('jurisdictionCode'),
      leadUnit: t.exposeString('leadUnit', { description: '牵头指导考核单位' }),
      participatingUnits: t.exposeStringList('participatingUnits'),
      targetDate: t.field({ type: 'Date', resolve: (b) => b.targetDate }),
    }),
  });

  const MajorEvent = builder.objectRef<MajorEventRow>('MajorEvent').implement({
    description: 'A major event that can veto (重大案事件): from patrol or recorded by an assessor.',
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: EventKind, resolve: (e) => e.kind as (typeof MAJOR_EVENT_KINDS)[number] }),
      occurredAt: t.field({ type: 'DateTime', resolve: (e) => e.occurredAt }),
      occurredOn: t.field({ type: 'Date', resolve: (e) => e.occurredOn }),
      jurisdictionCode: t.exposeString('jurisdictionCode'),
      unitId: t.exposeString('unitId', { nullable: true }),
      source: t.exposeString('source'),
      sourceRef: t.exposeString('sourceRef', { nullable: true }),
      place: t.exposeString('place', { nullable: true }),
      description: t.exposeString('description'),
      recordedBy: t.exposeString('recordedBy'),
      recordedAt: t.field({ type: 'DateTime', resolve: (e) => e.recordedAt }),
    }),
  });

  const Fired = builder.objectRef<FiredRule>('FiredVetoRule').implement({
    fields: (t) => ({
      ruleId: t.exposeString('ruleId'),
      eventKinds: t.field({ type: [EventKind], resolve: (r) => r.eventKinds }),
      scope: t.field({ type: VetoScope, resolve: (r) => r.scope }),
      eventIds: t.exposeStringList('eventIds'),
    }),
  });

  const Scored = builder.objectRef<ScoredItem>('ScoredItem').implement({
    fields: (t) => ({
      itemCode: t.exposeString('itemCode'),
      name: t.exposeString('name'),
      maxPoints: t.exposeFloat('maxPoints'),
      points: t.exposeFloat('points'),
      deducted: t.exposeFloat('deducted'),
      deductions: t.field({ type: 'JSON', resolve: (i) => i.deductions }),
    }),
  });

  const SafeUnit = builder.loadableNodeRef('SafeUnit', {
    id: { resolve: (u: UnitRow) => u.id },
    load: (ids: string[], ctx: Ctx) => unitLoader(ctx).loadMany(ids),
  });

  const Assessment = builder.loadableNodeRef('Assessment', {
    id: { resolve: (a: AssessmentRow) => a.id },
    load: (ids: string[], ctx: Ctx) => assessmentLoader(ctx).loadMany(ids),
  });
  Assessment.implement({
    description: 'One version of an assessment (考评) of a unit for a period. Corrections are new versions.',
    fields: (t) => ({
      assessmentChainId: t.exposeString('chainId', { description: 'Shared by every version of the same assessment.' }),
      version: t.exposeInt('version'),
      unit: t.field({ type: SafeUnit, resolve: (a, _x, ctx) => unitLoader(ctx).load(a.unitId) }),
      periodStart: t.field({ type: 'Date', resolve: (a) => a.periodStart }),
      periodEnd: t.field({ type: 'Date', resolve: (a) => a.periodEnd }),
      standardId: t.exposeString('standardId'),
      standardVersion: t.exposeInt('standardVersion'),
      ruleSetVersion: t.exposeInt('ruleSetVersion'),
      items: t.field({ type: [Scored], resolve: (a) => a.items }),
      total: t.exposeFloat('total'),
      passMark: t.exposeFloat('passMark'),
      scorePassed: t.exposeBoolean('scorePassed', { description: 'The score alone reached the pass mark.' }),
      vetoed: t.exposeBoolean('vetoed'),
      passed: t.exposeBoolean('passed', { description: 'Score passed and no veto.' }),
      grade: t.exposeString('grade', { nullable: true }),
      firedRules: t.field({ type: [Fired], resolve: (a) => a.firedRules }),
      triggeringEvents: t.field({
        type: [MajorEvent],
        resolve: async (a, _x, ctx) => (await eventLoader(ctx).loadMany(a.triggeringEventIds)).filter((e): e is MajorEventRow => !!e && !(e instanceof Error)),
      }),
      explanation: t.exposeString('explanation'),
      correctionReason: t.exposeString('correctionReason', { nullable: true }),
      supersedes: t.field({ type: Assessment, nullable: true, resolve: (a, _x, ctx) => (a.supersedesId ? assessmentLoader(ctx).load(a.supersedesId) : null) }),
      versions: t.field({ type: [Assessment], description: 'Every version of this assessment, oldest first.', resolve: (a, _x, ctx) => versionsLoader(ctx).load(a.chainId) }),
      assessedBy: t.exposeString('assessedBy'),
      recordedAt: t.field({ type: 'DateTime', resolve: (a) => a.recordedAt }),
    }),
  });

  const Card = builder.objectRef<CardRow>('YellowCard').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      reason: t.exposeString('reason'),
      issuedOn: t.field({ type: 'Date', resolve: (c) => c.issuedOn }),
      rectificationDeadline: t.field({ type: 'Date', resolve: (c) => c.rectificationDeadline }),
      ruleSetVersion: t.exposeInt('ruleSetVersion'),
      repeatOfId: t.exposeString('repeatOfId', { nullable: true }),
      escalation: t.exposeString('escalation', { nullable: true }),
      explanation: t.exposeString('explanation'),
      issuedBy: t.exposeString('issuedBy'),
    }),
  });

  const Order = builder.objectRef<OrderRow>('RectificationOrder').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      items: t.exposeStringList('items'),
      issuedOn: t.field({ type: 'Date', resolve: (o) => o.issuedOn }),
      deadline: t.field({ type: 'Date', resolve: (o) => o.deadline }),
      completedOn: t.field({ type: 'Date', nullable: true, resolve: (o) => o.completedOn }),
      status: t.field({ type: RectStatus, description: 'Decided on read by the same rule the sweep uses.', resolve: (o, _x, ctx) => rectificationStatus(o, today(ctx)) }),
      yellowCardId: t.exposeString('yellowCardId', { nullable: true }),
      version: t.exposeInt('version'),
    }),
  });

  const Investigation = builder.objectRef<InvestigationRow>('ResponsibilityInvestigation').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      subject: t.exposeString('subject'),
      eventId: t.exposeString('eventId', { nullable: true }),
      openedOn: t.field({ type: 'Date', resolve: (i) => i.openedOn }),
      outcome: t.field({ type: Outcome, nullable: true, resolve: (i) => i.outcome as (typeof INVESTIGATION_OUTCOMES)[number] | null }),
      outcomeNote: t.exposeString('outcomeNote', { nullable: true }),
      concludedOn: t.field({ type: 'Date', nullable: true, resolve: (i) => i.concludedOn }),
      version: t.exposeInt('version'),
    }),
  });

  SafeUnit.implement({
    description: 'A unit under safe creation (平安细胞).',
    fields: (t) => ({
      name: t.exposeString('name'),
      category: t.field({ type: CategoryEnum, resolve: (u) => u.category as Category }),
      jurisdictionCode: t.exposeString('jurisdictionCode'),
      creditCode: t.exposeString('creditCode', { nullable: true }),
      version: t.exposeInt('version'),
      batch: t.field({ type: Batch, description: 'The current batch; an overdue rectification has moved the unit on.', resolve: (u, _x, ctx) => currentBatchLoader(ctx).load(u.id) }),
      assessments: t.field({ type: [Assessment], description: 'Every version of every assessment, newest period first.', resolve: (u, _x, ctx) => assessmentsOfUnitLoader(ctx).load(u.id) }),
      yellowCards: t.field({ type: [Card], resolve: (u, _x, ctx) => cardsOfUnitLoader(ctx).load(u.id) }),
      rectificationOrders: t.field({ type: [Order], resolve: (u, _x, ctx) => ordersOfUnitLoader(ctx).load(u.id) }),
      investigations: t.field({ type: [Investigation], resolve: (u, _x, ctx) => investigationsOfUnitLoader(ctx).load(u.id) }),
    }),
  });

  const Standard = builder.objectRef<StandardRow>('AssessmentStandard').implement({
    description: 'One version of a category standard; versions are never changed.',
    fields: (t) => ({
      id: t.exposeID('id'),
      category: t.field({ type: CategoryEnum, resolve: (s) => s.category as Category }),
      version: t.exposeInt('version'),
      title: t.exposeString('title'),
      items: t.field({ type: 'JSON', resolve: (s) => s.items }),
      passMark: t.exposeFloat('passMark'),
      effectiveFrom: t.field({ type: 'Date', resolve: (s) => s.effectiveFrom }),
      publishedBy: t.exposeString('publishedBy'),
    }),
  });

  const RuleSet = builder.objectRef<RuleSetRow>('VetoRuleSet').implement({
    description: 'One version of the one-vote veto rules (一票否决), with the yellow-card and grade policies.',
    fields: (t) => ({
      id: t.exposeID('id'),
      version: t.exposeInt('version'),
      effectiveFrom: t.field({ type: 'Date', resolve: (r) => r.effectiveFrom }),
      rules: t.field({ type: 'JSON', resolve: (r) => r.rules }),
      yellowCardPolicy: t.field({ type: 'JSON', resolve: (r) => r.yellowCardPolicy }),
      gradePolicy: t.field({ type: 'JSON', resolve: (r) => r.gradePolicy }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });

  const Entry = builder.objectRef<HistoryRow>('UnitHistoryEntry').implement({
    description: 'One fact of a unit’s timeline: valid from `validOn`, recorded at `recordedAt` by `actorId`.',
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: FactKind, resolve: (h) => h.kind as (typeof FACT_KINDS)[number] }),
      validOn: t.field({ type: 'Date', resolve: (h) => h.validOn }),
      recordedAt: t.field({ type: 'DateTime', resolve: (h) => h.recordedAt }),
      actorId: t.exposeString('actorId'),
      refId: t.exposeString('refId', { nullable: true }),
      summary: t.exposeString('summary'),
      data: t.field({ type: 'JSON', resolve: (h) => h.data }),
    }),
  });

  const Standing = builder.objectRef<StandingAnswer>('UnitStanding').implement({
    fields: (t) => ({
      onDate: t.field({ type: 'Date', resolve: (s) => s.onDate }),
      asRecordedOn: t.field({ type: 'Date', resolve: (s) => s.asRecordedOn }),
      known: t.exposeBoolean('known', { description: 'The unit was registered by then.' }),
      batch: t.field({ type: Batch, nullable: true, resolve: (s, _x, ctx) => (s.batchId ? getBatch(ctx, s.batchId) : null) }),
      lastAssessment: t.field({ type: Assessment, nullable: true, resolve: (s, _x, ctx) => (s.lastAssessment ? assessmentLoader(ctx).load(s.lastAssessment.assessmentId) : null) }),
      passed: t.boolean({ nullable: true, resolve: (s) => s.lastAssessment?.passed ?? null }),
      vetoed: t.boolean({ nullable: true, resolve: (s) => s.lastAssessment?.vetoed ?? null }),
      total: t.float({ nullable: true, resolve: (s) => s.lastAssessment?.total ?? null }),
      grade: t.exposeString('grade', { nullable: true }),
      holdsPlaque: t.exposeBoolean('holdsPlaque'),
      yellowCards: t.exposeInt('yellowCards'),
      overdueMoves: t.exposeInt('overdueMoves'),
    }),
  });

  const ZeroCase = builder.objectRef<ZeroCaseRate>('ZeroCaseRate').implement({
    description: 'Share of units with no major event at the unit in the period (零案件).',
    fields: (t) => ({
      category: t.field({ type: CategoryEnum, resolve: (r) => r.category as Category }),
      jurisdictionCode: t.exposeString('jurisdictionCode'),
      units: t.exposeInt('units'),
      zeroCaseUnits: t.exposeInt('zeroCaseUnits'),
      rate: t.exposeFloat('rate'),
    }),
  });

  type EvaluationRow = typeof jurisdictionEvaluations.$inferSelect;
  const Evaluation = builder.objectRef<EvaluationRow>('JurisdictionEvaluation').implement({
    description: 'Three assessments in one (三考合一).',
    fields: (t) => ({
      id: t.exposeID('id'),
      jurisdictionCode: t.exposeString('jurisdictionCode'),
      periodStart: t.field({ type: 'Date', resolve: (e) => e.periodStart }),
      periodEnd: t.field({ type: 'Date', resolve: (e) => e.periodEnd }),
      safeCreation: t.exposeFloat('safeCreation'),
      governance: t.exposeFloat('governance'),
      stability: t.exposeFloat('stability'),
      weights: t.field({ type: 'JSON', resolve: (e) => e.weights }),
      weightsVersion: t.exposeInt('weightsVersion', { nullable: true }),
      total: t.exposeFloat('total'),
    }),
  });

  // ---- inputs ----
  const DeductionRuleInput = builder.inputType('DeductionRuleInput', {
    fields: (t) => ({ code: t.string({ required: true, validate: text(20) }), description: t.string({ required: true, validate: text(200) }), points: t.float({ required: true }) }),
  });
  const StandardItemInput = builder.inputType('StandardItemInput', {
    fields: (t) => ({
      code: t.string({ required: true, validate: text(20) }),
      name: t.string({ required: true, validate: text(100) }),
      maxPoints: t.float({ required: true }),
      cap: t.float(),
      deductions: t.field({ type: [DeductionRuleInput], required: true }),
    }),
  });
  const VetoRuleInput = builder.inputType('VetoRuleInput', {
    fields: (t) => ({
      id: t.string({ required: true, validate: text(20) }),
      description: t.string({ required: true, validate: text(200) }),
      eventKinds: t.field({ type: [EventKind], required: true }),
      scope: t.field({ type: VetoScope, required: true }),
      categories: t.field({ type: [CategoryEnum] }),
      minEvents: t.int(),
    }),
  });
  const YellowCardPolicyInput = builder.inputType('YellowCardPolicyInput', {
    fields: (t) => ({
      rectificationWorkingDays: t.int({ required: true }),
      repeatWindowDays: t.int({ required: true }),
      repeatEscalatesTo: t.field({ type: Escalation, required: true }),
    }),
  });
  const DeductionInput = builder.inputType('DeductionInput', { fields: (t) => ({ code: t.string({ required: true, validate: text(20) }), count: t.int({ required: true }) }) });
  const ItemScoreInput = builder.inputType('ItemScoreInput', {
    fields: (t) => ({ itemCode: t.string({ required: true, validate: text(20) }), points: t.float(), deductions: t.field({ type: [DeductionInput] }) }),
  });

  const key = (t: any) => t.arg({ type: 'IdempotencyKey' });

  builder.queryFields((t) => ({
    safeUnits: t.connection({
      type: SafeUnit,
      authScopes: READ,
      args: { category: t.arg({ type: CategoryEnum }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), batchId: t.arg.id() },
      resolve: (_r, args, ctx) => listSafeUnits(ctx, { category: args.category, jurisdictionCode: args.jurisdictionCode, batchId: args.batchId as string | null }, args),
    }),
    assessmentStandards: t.field({ type: [Standard], authScopes: READ, args: { category: t.arg({ type: CategoryEnum }) }, resolve: (_r, a, ctx) => listStandards(ctx, a.category) }),
    vetoRuleSets: t.field({ type: [RuleSet], authScopes: READ, resolve: (_r, _a, ctx) => listRuleSets(ctx) }),
    unitHistory: t.field({
      type: [Entry],
      description: 'Every assessment, correction, veto, card, plaque, grade and batch change of a unit, in order, with who and when.',
      authScopes: HISTORY,
      args: { unitId: t.arg.id({ required: true }) },
      resolve: (_r, a, ctx) => getUnitHistory(ctx, rawId(String(a.unitId), 'SafeUnit')),
    }),
    unitStanding: t.field({
      type: Standing,
      description: 'The unit’s standing on `onDate` as recorded on `asRecordedOn` (default today), answered from its history.',
      authScopes: HISTORY,
      args: { unitId: t.arg.id({ required: true }), onDate: t.arg({ type: 'Date', required: true }), asRecordedOn: t.arg({ type: 'Date' }) },
      resolve: (_r, a, ctx) => getUnitStanding(ctx, { unitId: rawId(String(a.unitId), 'SafeUnit'), onDate: a.onDate, asRecordedOn: a.asRecordedOn }),
    }),
    zeroCaseRates: t.field({
      type: [ZeroCase],
      authScopes: READ,
      args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), level: t.arg({ type: Level }) },
      resolve: (_r, a, ctx) => zeroCaseRates(ctx, a),
    }),
    jurisdictionEvaluations: t.field({ type: [Evaluation], authScopes: READ, args: { jurisdictionCode: t.arg({ type: 'DivisionCode' }) }, resolve: (_r, a, ctx) => listEvaluations(ctx, a.jurisdictionCode) }),
  }));

  builder.mutationFields((t) => ({
    publishAssessmentStandard: t.field({
      type: Standard,
      errors: {},
      authScopes: CONFIGURE,
      description: 'Publishes a new version of a category standard; past assessments keep the version they used.',
      args: {
        category: t.arg({ type: CategoryEnum, required: true }),
        title: t.arg.string({ required: true, validate: text(200) }),
        items: t.arg({ type: [StandardItemInput], required: true }),
        passMark: t.arg.float({ required: true }),
        effectiveFrom: t.arg({ type: 'Date', required: true }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        publishStandard(ctx, { ...a, items: a.items.map((i) => ({ ...i, cap: i.cap ?? null, deductions: i.deductions })) }, idempotencyKey as string | null),
    }),
    publishVetoRuleSet: t.field({
      type: RuleSet,
      errors: {},
      authScopes: CONFIGURE,
      args: {
        rules: t.arg({ type: [VetoRuleInput], required: true }),
        effectiveFrom: t.arg({ type: 'Date', required: true }),
        yellowCardPolicy: t.arg({ type: YellowCardPolicyInput }),
        note: t.arg.string({ validate: z.string().max(500) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => publishRuleSet(ctx, a, idempotencyKey as string | null),
    }),
    createCreationBatch: t.field({
      type: Batch,
      errors: {},
      authScopes: CONFIGURE,
      args: {
        projectName: t.arg.string({ required: true, validate: text(100) }),
        seq: t.arg.int({ required: true }),
        name: t.arg.string({ required: true, validate: text(100) }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        leadUnit: t.arg.string({ required: true, validate: text(100) }),
        participatingUnits: t.arg.stringList({ required: true }),
        targetDate: t.arg({ type: 'Date', required: true }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => createCreationBatch(ctx, a, idempotencyKey as string | null),
    }),
    registerSafeUnit: t.field({
      type: SafeUnit,
      errors: {},
      authScopes: ASSESS,
      args: {
        name: t.arg.string({ required: true, validate: text(100) }),
        category: t.arg({ type: CategoryEnum, required: true }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        creditCode: t.arg({ type: 'CreditCode' }),
        batchId: t.arg.id({ required: true }),
        registeredOn: t.arg({ type: 'Date' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => registerSafeUnit(ctx, { ...a, batchId: String(a.batchId) }, idempotencyKey as string | null),
    }),
    assessUnit: t.field({
      type: Assessment,
      errors: {},
      authScopes: ASSESS,
      description: 'Scores a unit for a period under the standard and veto rule set in force at its end.',
      args: {
        unitId: t.arg.id({ required: true }),
        periodStart: t.arg({ type: 'Date', required: true }),
        periodEnd: t.arg({ type: 'Date', required: true }),
        items: t.arg({ type: [ItemScoreInput], required: true }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => assessUnit(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    correctAssessment: t.field({
      type: Assessment,
      errors: {},
      authScopes: ASSESS,
      description: 'A new version of an assessment with a reason (required); the earlier version stays in the history.',
      args: {
        assessmentId: t.arg.id({ required: true }),
        version: t.arg.int({ required: true, description: 'The version you read.' }),
        items: t.arg({ type: [ItemScoreInput], required: true }),
        reason: t.arg.string({ validate: z.string().max(1000) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => correctAssessment(ctx, { ...a, assessmentId: rawId(String(a.assessmentId), 'Assessment') }, idempotencyKey as string | null),
    }),
    recordMajorEvent: t.field({
      type: MajorEvent,
      errors: {},
      authScopes: ASSESS,
      description: 'Records a major event (accident, duty crime, …) at a unit or in a jurisdiction; a unit holding a plaque loses it.',
      args: {
        kind: t.arg({ type: EventKind, required: true }),
        occurredAt: t.arg({ type: 'DateTime', required: true }),
        unitId: t.arg.id(),
        jurisdictionCode: t.arg({ type: 'DivisionCode' }),
        description: t.arg.string({ required: true, validate: text(500) }),
        place: t.arg.string({ validate: z.string().max(200) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => recordMajorEvent(ctx, { ...a, unitId: a.unitId ? rawId(String(a.unitId), 'SafeUnit') : null }, idempotencyKey as string | null),
    }),
    issueYellowCard: t.field({
      type: Card,
      errors: {},
      authScopes: ASSESS,
      args: { unitId: t.arg.id({ required: true }), reason: t.arg.string({ required: true, validate: text(500) }), issuedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueYellowCard(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    issueRectificationOrder: t.field({
      type: Order,
      errors: {},
      authScopes: ASSESS,
      args: {
        unitId: t.arg.id({ required: true }),
        items: t.arg.stringList({ required: true, validate: z.array(text(300)).min(1).max(50) }),
        issuedOn: t.arg({ type: 'Date' }),
        deadline: t.arg({ type: 'Date' }),
        workingDays: t.arg.int({ validate: z.number().int().min(1).max(250) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueRectificationOrder(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    completeRectification: t.field({
      type: Order,
      errors: {},
      authScopes: ASSESS,
      args: { orderId: t.arg.id({ required: true }), version: t.arg.int({ required: true }), completedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => completeRectification(ctx, { ...a, orderId: String(a.orderId) }, idempotencyKey as string | null),
    }),
    openInvestigation: t.field({
      type: Investigation,
      errors: {},
      authScopes: ASSESS,
      args: { unitId: t.arg.id({ required: true }), subject: t.arg.string({ required: true, validate: text(300) }), eventId: t.arg.id(), openedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        openInvestigation(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit'), eventId: a.eventId ? String(a.eventId) : null }, idempotencyKey as string | null),
    }),
    concludeInvestigation: t.field({
      type: Investigation,
      errors: {},
      authScopes: ASSESS,
      args: { investigationId: t.arg.id({ required: true }), version: t.arg.int({ required: true }), outcome: t.arg({ type: Outcome, required: true }), note: t.arg.string({ validate: z.string().max(500) }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => concludeInvestigation(ctx, { ...a, investigationId: String(a.investigationId) }, idempotencyKey as string | null),
    }),
    configureEvaluationWeights: t.field({
      type: 'JSON',
      errors: {},
      authScopes: CONFIGURE,
      args: { safeCreation: t.arg.float({ required: true }), governance: t.arg.float({ required: true }), stability: t.arg.float({ required: true }), effectiveFrom: t.arg({ type: 'Date', required: true }), idempotencyKey: key(t) },
      resolve: async (_r, { idempotencyKey, ...a }, ctx) => {
        const row = await configureEvaluationWeights(ctx, a, idempotencyKey as string | null);
        return { version: row.version, effectiveFrom: row.effectiveFrom, safeCreation: row.safeCreation, governance: row.governance, stability: row.stability };
      },
    }),
    evaluateJurisdiction: t.field({
      type: Evaluation,
      errors: {},
      authScopes: ASSESS,
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        periodStart: t.arg({ type: 'Date', required: true }),
        periodEnd: t.arg({ type: 'Date', required: true }),
        safeCreation: t.arg.float({ required: true, validate: z.number().min(0).max(100) }),
        governance: t.arg.float({ required: true, validate: z.number().min(0).max(100) }),
        stability: t.arg.float({ required: true, validate: z.number().min(0).max(100) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => evaluateJurisdiction(ctx, a, idempotencyKey as string | null),
    }),
  }));

  return { SafeUnit, Assessment };
}

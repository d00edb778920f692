import { z, type Builder, requiredText, connectionOf, loader, notFound, type Ctx } from '@safecity/core';
import type { MAJOR_EVENT_KINDS, Category } from '../rules/categories.js';
import type { ScoredItem } from '../rules/scoring.js';
import type { FiredRule } from '../rules/veto.js';
import { assessmentLoader, assessmentsOfUnitLoader, assessUnit, correctAssessment, eventLoader, versionsLoader, type MajorEventRow } from '../service/assessments.js';
import { unitLoader } from '../service/common.js';
import { recordMajorEvent } from '../service/events.js';
import { cardsOfUnitLoader, currentBatchLoader, investigationsOfUnitLoader, ordersOfUnitLoader } from '../service/rectification.js';
import { createCreationBatch, listSafeUnits, registerSafeUnit } from '../service/setup.js';
import { ASSESS, CONFIGURE, key, rawId, READ, type Refs } from './refs.js';

/** Safe units, creation batches, major events, assessments and their corrections. */
export function registerUnitSchema(builder: Builder, refs: Refs) {
  const { CategoryEnum, EventKind, VetoScope, SafeUnit, Assessment, Batch, MajorEvent, Card, Order, Investigation } = refs;

  Batch.implement({
    description: 'A creation batch (创建批次) of a creation project.',
    fields: (t) => ({
      id: t.exposeID('id'),
      projectName: t.exposeString('projectName'),
      seq: t.exposeInt('seq'),
      name: t.exposeString('name'),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode' }),
      leadUnit: t.exposeString('leadUnit', { description: '牵头指导考核单位' }),
      participatingUnits: t.exposeStringList('participatingUnits'),
      targetDate: t.field({ type: 'Date', resolve: (b) => b.targetDate }),
    }),
  });

  MajorEvent.implement({
    description: 'A major event that can veto (重大案事件): from patrol or recorded by an assessor.',
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: EventKind, resolve: (e) => e.kind as (typeof MAJOR_EVENT_KINDS)[number] }),
      occurredAt: t.field({ type: 'DateTime', resolve: (e) => e.occurredAt }),
      occurredOn: t.field({ type: 'Date', resolve: (e) => e.occurredOn }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode' }),
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
      eventKinds: t.field({ type: [EventKind], description: 'The kinds of the events that fired the rule.', resolve: (r) => r.eventKinds }),
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

  SafeUnit.implement({
    description: 'A unit under safe creation (平安细胞).',
    fields: (t) => ({
      name: t.exposeString('name'),
      category: t.field({ type: CategoryEnum, resolve: (u) => u.category as Category }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode' }),
      creditCode: t.expose('creditCode', { type: 'CreditCode', nullable: true, description: 'The unit\'s unified social credit code (统一社会信用代码); null for a unit registered without one (a village, a residential compound).' }),
      version: t.exposeInt('version'),
      batch: t.field({ type: Batch, description: 'The current batch; the settle-overdue job moves a unit on when a rectification is overdue.', resolve: (u, _x, ctx) => currentBatchLoader(ctx).load(u.id) }),
      assessments: t.field({ type: [Assessment], description: 'Every version of every assessment, newest period first.', resolve: (u, _x, ctx) => assessmentsOfUnitLoader(ctx).load(u.id) }),
      yellowCards: t.field({ type: [Card], resolve: (u, _x, ctx) => cardsOfUnitLoader(ctx).load(u.id) }),
      rectificationOrders: t.field({ type: [Order], resolve: (u, _x, ctx) => ordersOfUnitLoader(ctx).load(u.id) }),
      investigations: t.field({ type: [Investigation], resolve: (u, _x, ctx) => investigationsOfUnitLoader(ctx).load(u.id) }),
    }),
  });

  const DeductionInput = builder.inputType('DeductionInput', { fields: (t) => ({ code: t.string({ required: true, validate: requiredText(20) }), count: t.int({ required: true, validate: z.number().int().min(0).max(1000) }) }) });
  const ItemScoreInput = builder.inputType('ItemScoreInput', {
    fields: (t) => ({ itemCode: t.string({ required: true, validate: requiredText(20) }), points: t.float({ validate: z.number().min(0).max(1000) }), deductions: t.field({ type: [DeductionInput], validate: z.array(z.any()).max(100) }) }),
  });

  builder.queryFields((t) => ({
    safeUnits: t.connection({
      type: SafeUnit,
      authScopes: READ,
      args: { category: t.arg({ type: CategoryEnum }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), batchId: t.arg.id() },
      resolve: (_r, args, ctx) => listSafeUnits(ctx, { category: args.category, jurisdictionCode: args.jurisdictionCode, batchId: args.batchId as string | null }, args),
    }, connectionOf(builder, SafeUnit)),
  }));

  builder.mutationFields((t) => ({
    createCreationBatch: t.field({
      type: Batch,
      errors: {},
      authScopes: CONFIGURE,
      args: {
        projectName: t.arg.string({ required: true, validate: requiredText(100) }),
        seq: t.arg.int({ required: true, validate: z.number().int().min(1).max(10_000) }),
        name: t.arg.string({ required: true, validate: requiredText(100) }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        leadUnit: t.arg.string({ required: true, validate: requiredText(100) }),
        participatingUnits: t.arg.stringList({ required: true, validate: z.array(requiredText(100)).max(100) }),
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
        name: t.arg.string({ required: true, validate: requiredText(100) }),
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
        items: t.arg({ type: [ItemScoreInput], required: true, validate: z.array(z.any()).max(200) }),
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
        items: t.arg({ type: [ItemScoreInput], required: true, validate: z.array(z.any()).max(200) }),
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
        description: t.arg.string({ required: true, validate: requiredText(500) }),
        place: t.arg.string({ validate: z.string().max(200) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => recordMajorEvent(ctx, { ...a, unitId: a.unitId ? rawId(String(a.unitId), 'SafeUnit') : null }, idempotencyKey as string | null),
    }),
  }));
}

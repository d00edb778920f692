import { plannedOr, z, type Builder, requiredText, connectionOf } from '@safecity/core';
import type { MAJOR_EVENT_KINDS, Category } from '../rules/categories.js';
import type { ScoredItem } from '../rules/scoring.js';
import type { FiredRule } from '../rules/veto.js';
import { assessmentLoader, assessmentPagesOfUnit, assessUnit, correctAssessment, eventLoader, versionPages, type MajorEventRow } from '../service/assessments.js';
import { unitLoader } from '../service/common.js';
import { recordMajorEvent } from '../service/events.js';
import { cardPagesOfUnit, currentBatchLoader, investigationPagesOfUnit, orderPagesOfUnit } from '../service/rectification.js';
import { createCreationBatch, listSafeUnits, registerSafeUnit } from '../service/setup.js';
import { ASSESS, CONFIGURE, key, rawId, READ, type Refs } from './refs.js';

/** Safe units, creation batches, major events, assessments and their corrections. */
export function registerUnitSchema(builder: Builder, refs: Refs) {
  const { CategoryEnum, EventKind, VetoScope, SafeUnit, Assessment, Batch, MajorEvent, Card, Order, Investigation } = refs;

  Batch.implement({
    description: 'A creation batch (创建批次) of a creation project.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the batch (the `batchId` of registerSafeUnit and safeUnits).' }),
      projectName: t.exposeString('projectName', { description: 'The creation project (创建项目) the batch belongs to.' }),
      seq: t.exposeInt('seq', { description: 'Batch number within the project: 1, 2, …' }),
      name: t.exposeString('name', { description: 'Display name (a batch created by the overdue rule is named "<project> 第N批").' }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', description: 'The division running the batch (行政区划代码).' }),
      leadUnit: t.exposeString('leadUnit', { description: '牵头指导考核单位' }),
      participatingUnits: t.exposeStringList('participatingUnits', { description: 'Participating units (参与单位), by name.' }),
      targetDate: t.field({ type: 'Date', description: 'The batch’s target date (deadline); a batch created by the overdue rule gets its predecessor’s plus 365 days.', resolve: (b) => b.targetDate }),
    }),
  });

  MajorEvent.implement({
    description: 'A major event that can veto (重大案事件): from patrol or recorded by an assessor.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the event (what FiredVetoRule.eventIds and `eventId` arguments hold).' }),
      kind: t.field({ type: EventKind, description: 'What kind of major event it was.', resolve: (e) => e.kind as (typeof MAJOR_EVENT_KINDS)[number] }),
      occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.occurredAt }),
      occurredOn: t.field({ type: 'Date', description: 'The China calendar day of occurredAt: the day veto periods and plaque revocation compare.', resolve: (e) => e.occurredOn }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', description: 'Where it happened (the unit’s jurisdiction when it happened at a unit).' }),
      unitId: t.exposeString('unitId', { nullable: true, description: 'Row id (UUID, not the global ID) of the safe unit it happened at; null for an event in a jurisdiction only.' }),
      source: t.exposeString('source', { description: 'Who delivered it: `patrol` (a major incident), `disputes` or `assessment` (recorded by an assessor).' }),
      sourceRef: t.exposeString('sourceRef', {
        nullable: true,
        description: 'The record in the source module (e.g. the patrol incident id; a generated id for assessor-recorded events); null when none was stored.',
      }),
      place: t.exposeString('place', { nullable: true, description: 'Free-text place; null when not given.' }),
      description: t.exposeString('description', { description: 'What happened.' }),
      recordedBy: t.exposeString('recordedBy', { description: 'User id of who recorded it (for an event from another module, the user whose action delivered it); `system` when there was none.' }),
      recordedAt: t.field({ type: 'DateTime', description: 'When it was recorded here.', resolve: (e) => e.recordedAt }),
    }),
  });

  const Fired = builder.objectRef<FiredRule>('FiredVetoRule').implement({
    description: 'A veto rule (一票否决) that fired on an assessment, with the events that fired it.',
    fields: (t) => ({
      ruleId: t.exposeString('ruleId', { description: 'The rule’s id within its rule set version (VetoRuleInput.id).' }),
      eventKinds: t.field({ type: [EventKind], description: 'The kinds of the events that fired the rule.', resolve: (r) => r.eventKinds }),
      scope: t.field({ type: VetoScope, description: 'The rule’s scope: events at the unit, or in its jurisdiction.', resolve: (r) => r.scope }),
      eventIds: t.exposeStringList('eventIds', { description: 'Row ids of the major events (MajorEvent.id) that fired the rule, oldest first.' }),
    }),
  });

  const Scored = builder.objectRef<ScoredItem>('ScoredItem').implement({
    description: 'The score of one standard item in an assessment.',
    fields: (t) => ({
      itemCode: t.exposeString('itemCode', { description: 'The item’s code in the standard.' }),
      name: t.exposeString('name', { description: 'The item’s name in the standard.' }),
      maxPoints: t.exposeFloat('maxPoints', { description: 'Points the item is worth.' }),
      points: t.exposeFloat('points', { description: 'Points awarded: given directly, or maxPoints less the (capped) deductions; 2 decimals.' }),
      deducted: t.exposeFloat('deducted', { description: 'maxPoints less points.' }),
      deductions: t.field({
        type: 'JSON',
        description: 'Deductions applied `[{ code, count, points }]` (points = the rule’s points × count, before the cap); empty when points were given directly.',
        resolve: (i) => i.deductions,
      }),
    }),
  });

  Assessment.implement({
    description: 'One version of an assessment (考评) of a unit for a period. Corrections are new versions.',
    fields: (t) => ({
      assessmentChainId: t.exposeString('chainId', { description: 'Shared by every version of the same assessment.' }),
      version: t.exposeInt('version', { description: 'Version number: 1 for the first assessment, +1 per correction; send the latest to correctAssessment.' }),
      unit: t.field({ type: SafeUnit, description: 'The assessed unit.', resolve: (a, _x, ctx) => unitLoader(ctx).load(a.unitId) }),
      periodStart: t.field({ type: 'Date', description: 'First day of the assessed period.', resolve: (a) => a.periodStart }),
      periodEnd: t.field({ type: 'Date', description: 'Last day of the assessed period (inclusive); the standard and rule set in force on it apply.', resolve: (a) => a.periodEnd }),
      standardId: t.exposeString('standardId', { description: 'AssessmentStandard.id of the standard version used.' }),
      standardVersion: t.exposeInt('standardVersion', { description: 'Version of the category standard used (a correction keeps the original’s).' }),
      ruleSetVersion: t.exposeInt('ruleSetVersion', { description: 'Version of the veto rule set used (a correction keeps the original’s).' }),
      items: t.field({ type: [Scored], description: 'The score of every item of the standard.', resolve: (a) => a.items }),
      total: t.exposeFloat('total', { description: 'Sum of the items’ points, 2 decimals.' }),
      passMark: t.exposeFloat('passMark', { description: 'The standard version’s pass mark.' }),
      scorePassed: t.exposeBoolean('scorePassed', { description: 'The score alone reached the pass mark.' }),
      vetoed: t.exposeBoolean('vetoed', { description: 'At least one veto rule fired (一票否决): the unit fails whatever its score.' }),
      passed: t.exposeBoolean('passed', { description: 'Score passed and no veto.' }),
      grade: t.exposeString('grade', {
        nullable: true,
        description: 'The unit’s grade (等级) `A`, `B` or `C` after this result; null when it holds none (not passed yet, or lost by a veto or fail).',
      }),
      firedRules: t.field({ type: [Fired], description: 'The veto rules that fired; empty when not vetoed.', resolve: (a) => a.firedRules }),
      triggeringEvents: t.field({
        type: [MajorEvent],
        description: 'The major events that fired the veto rules; empty when not vetoed.',
        resolve: async (a, _x, ctx) => (await eventLoader(ctx).loadMany(a.triggeringEventIds)).filter((e): e is MajorEventRow => !!e && !(e instanceof Error)),
      }),
      explanation: t.exposeString('explanation', { description: 'The veto decision in words: which rules fired on which events under which rule set version, or why none did.' }),
      correctionReason: t.exposeString('correctionReason', { nullable: true, description: 'Why this version corrects the previous one; null for version 1.' }),
      supersedes: t.field({
        type: Assessment,
        nullable: true,
        description: 'The version this one corrects; null for version 1.',
        resolve: (a, _x, ctx) => (a.supersedesId ? assessmentLoader(ctx).load(a.supersedesId) : null),
      }),
      versions: t.connection(
        {
          type: Assessment,
          description: 'Every version of this assessment inside your jurisdiction, oldest first.',
          resolve: (a, args, ctx, info) => plannedOr(a, info, () => versionPages(ctx, args).load(a.chainId)),
        },
        connectionOf(builder, Assessment),
      ),
      assessedBy: t.exposeString('assessedBy', { description: 'User id of the assessor who recorded this version.' }),
      recordedAt: t.field({ type: 'DateTime', description: 'When this version was recorded.', resolve: (a) => a.recordedAt }),
    }),
  });

  SafeUnit.implement({
    description: 'A unit under safe creation (平安细胞).',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'The unit’s name.' }),
      category: t.field({ type: CategoryEnum, description: 'Its safe-cell category (平安细胞), which picks the standard it is scored by.', resolve: (u) => u.category as Category }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', description: 'The division the unit lies in (属地, 行政区划代码).' }),
      creditCode: t.expose('creditCode', {
        type: 'CreditCode',
        nullable: true,
        description: "The unit's unified social credit code (统一社会信用代码); null for a unit registered without one (a village, a residential compound).",
      }),
      version: t.exposeInt('version', { description: 'Record version; rises when the unit changes (e.g. a move to the next batch).' }),
      batch: t.field({
        type: Batch,
        description: 'The current batch; the settle-overdue job moves a unit on when a rectification is overdue.',
        resolve: (u, _x, ctx) => currentBatchLoader(ctx).load(u.id),
      }),
      assessments: t.connection(
        {
          type: Assessment,
          description: 'Every version of every assessment inside your jurisdiction, newest period first, the versions of one assessment latest first.',
          resolve: (u, args, ctx, info) => plannedOr(u, info, () => assessmentPagesOfUnit(ctx, args).load(u.id)),
        },
        connectionOf(builder, Assessment),
      ),
      yellowCards: t.connection(
        {
          type: Card,
          description: 'Its yellow cards (黄牌警告) inside your jurisdiction, newest first.',
          resolve: (u, args, ctx, info) => plannedOr(u, info, () => cardPagesOfUnit(ctx, args).load(u.id)),
        },
        connectionOf(builder, Card),
      ),
      rectificationOrders: t.connection(
        {
          type: Order,
          description: 'Its rectification orders (限期整改) inside your jurisdiction, newest issue day first.',
          resolve: (u, args, ctx, info) => plannedOr(u, info, () => orderPagesOfUnit(ctx, args).load(u.id)),
        },
        connectionOf(builder, Order),
      ),
      investigations: t.connection(
        {
          type: Investigation,
          description: 'Its responsibility investigations (责任查究) inside your jurisdiction, newest first.',
          resolve: (u, args, ctx, info) => plannedOr(u, info, () => investigationPagesOfUnit(ctx, args).load(u.id)),
        },
        connectionOf(builder, Investigation),
      ),
    }),
  });

  const DeductionInput = builder.inputType('DeductionInput', {
    description: 'A deduction rule of the item applied so many times.',
    fields: (t) => ({
      code: t.string({ required: true, validate: requiredText(20), description: 'Code of one of the item’s deduction rules in the standard.' }),
      count: t.int({ required: true, validate: z.number().int().min(0).max(1000), description: 'How many times it applies: a positive integer.' }),
    }),
  });
  const ItemScoreInput = builder.inputType('ItemScoreInput', {
    description: 'The score of one standard item: points, or deductions, not both. Every item of the standard is scored exactly once.',
    fields: (t) => ({
      itemCode: t.string({ required: true, validate: requiredText(20), description: 'Code of the item in the standard in force.' }),
      points: t.float({ validate: z.number().min(0).max(1000), description: 'Points awarded directly, between 0 and the item’s maxPoints.' }),
      deductions: t.field({
        type: [DeductionInput],
        validate: z.array(z.any()).max(100),
        description: 'Deductions from the item’s maxPoints, at most its cap; absent or empty with no points: full points.',
      }),
    }),
  });

  builder.queryFields((t) => ({
    safeUnits: t.connection(
      {
        type: SafeUnit,
        description: 'Safe units (平安细胞) in your jurisdiction, a page at a time.',
        authScopes: READ,
        args: {
          category: t.arg({ type: CategoryEnum, description: 'Only units of this category.' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Only units under this division.' }),
          batchId: t.arg.id({ description: 'Only units currently in this creation batch (CreationBatch.id); a value that is not a UUID filters nothing.' }),
        },
        resolve: (_r, args, ctx) => listSafeUnits(ctx, { category: args.category, jurisdictionCode: args.jurisdictionCode, batchId: args.batchId as string | null }, args),
      },
      connectionOf(builder, SafeUnit),
    ),
  }));

  builder.mutationFields((t) => ({
    createCreationBatch: t.field({
      type: Batch,
      errors: { dataField: { description: 'The batch created.' } },
      authScopes: CONFIGURE,
      description: 'Creates a creation batch (创建批次) of a creation project. Errors: CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, ASSESSMENT_BATCH_EXISTS.',
      args: {
        projectName: t.arg.string({ required: true, validate: requiredText(100), description: 'The creation project (创建项目).' }),
        seq: t.arg.int({ required: true, validate: z.number().int().min(1).max(10_000), description: 'Batch number, unique within the project.' }),
        name: t.arg.string({ required: true, validate: requiredText(100), description: 'Display name of the batch.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The division running it, in your jurisdiction.' }),
        leadUnit: t.arg.string({ required: true, validate: requiredText(100), description: 'The lead assessing unit (牵头指导考核单位).' }),
        participatingUnits: t.arg.stringList({ required: true, validate: z.array(requiredText(100)).max(100), description: 'Participating units (参与单位), by name; may be empty.' }),
        targetDate: t.arg({ type: 'Date', required: true, description: 'The batch’s target date (deadline).' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => createCreationBatch(ctx, a, idempotencyKey as string | null),
    }),
    registerSafeUnit: t.field({
      type: SafeUnit,
      errors: { dataField: { description: 'The unit registered.' } },
      authScopes: ASSESS,
      description:
        'Registers a unit under safe creation (平安细胞) in a creation batch. Errors: CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_NOT_FOUND, CORE_INPUT_INVALID, ASSESSMENT_CREDIT_CODE_TAKEN.',
      args: {
        name: t.arg.string({ required: true, validate: requiredText(100), description: 'The unit’s name.' }),
        category: t.arg({ type: CategoryEnum, required: true, description: 'Its safe-cell category.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The division it lies in, in your jurisdiction.' }),
        creditCode: t.arg({ type: 'CreditCode', description: 'Its unified social credit code (统一社会信用代码), unique among units; absent for a unit without one.' }),
        batchId: t.arg.id({ required: true, description: 'CreationBatch.id of the batch it joins.' }),
        registeredOn: t.arg({ type: 'Date', description: 'The day the registration holds from in the unit history; absent: today.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => registerSafeUnit(ctx, { ...a, batchId: String(a.batchId) }, idempotencyKey as string | null),
    }),
    assessUnit: t.field({
      type: Assessment,
      errors: { dataField: { description: 'The assessment written (version 1).' } },
      authScopes: ASSESS,
      description:
        'Scores a unit for a period under the standard and veto rule set in force at its end. Errors: CORE_ID_MALFORMED, ASSESSMENT_PERIOD_INVALID, CORE_NOT_FOUND, ASSESSMENT_NO_STANDARD_IN_FORCE, ASSESSMENT_NO_RULE_SET_IN_FORCE, ASSESSMENT_ALREADY_ASSESSED, ASSESSMENT_ITEM_SCORES_INVALID.',
      args: {
        unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit, in your jurisdiction.' }),
        periodStart: t.arg({ type: 'Date', required: true, description: 'First day of the period.' }),
        periodEnd: t.arg({ type: 'Date', required: true, description: 'Last day of the period (inclusive), on or after periodStart.' }),
        items: t.arg({ type: [ItemScoreInput], required: true, validate: z.array(z.any()).max(200), description: 'One score per item of the standard in force.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => assessUnit(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    correctAssessment: t.field({
      type: Assessment,
      errors: { dataField: { description: 'The new version written.' } },
      authScopes: ASSESS,
      description:
        'A new version of an assessment with a reason (required); the earlier version stays in the history. Errors: CORE_ID_MALFORMED, ASSESSMENT_CORRECTION_REASON_REQUIRED, CORE_NOT_FOUND, ASSESSMENT_NOT_LATEST_VERSION, CORE_VERSION_CONFLICT, ASSESSMENT_ITEM_SCORES_INVALID.',
      args: {
        assessmentId: t.arg.id({ required: true, description: 'Global ID of the latest version of the Assessment.' }),
        version: t.arg.int({ required: true, description: 'The version you read.' }),
        items: t.arg({ type: [ItemScoreInput], required: true, validate: z.array(z.any()).max(200), description: 'The corrected scores, one per item of the standard version the original used.' }),
        reason: t.arg.string({ validate: z.string().max(1000), description: 'Why it is corrected; required (non-blank).' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => correctAssessment(ctx, { ...a, assessmentId: rawId(String(a.assessmentId), 'Assessment') }, idempotencyKey as string | null),
    }),
    recordMajorEvent: t.field({
      type: MajorEvent,
      errors: { dataField: { description: 'The event recorded.' } },
      authScopes: ASSESS,
      description:
        'Records a major event (accident, duty crime, …) at a unit or in a jurisdiction; a unit holding a plaque loses it when the event falls after the plaque’s award day. Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      args: {
        kind: t.arg({ type: EventKind, required: true, description: 'What kind of major event.' }),
        occurredAt: t.arg({ type: 'DateTime', required: true, description: 'When it happened.' }),
        unitId: t.arg.id({ description: 'Global ID of the SafeUnit it happened at, in your jurisdiction; its jurisdiction is used.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Where it happened; required when no unitId is given, ignored otherwise.' }),
        description: t.arg.string({ required: true, validate: requiredText(500), description: 'What happened.' }),
        place: t.arg.string({ validate: z.string().max(200), description: 'Free-text place.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => recordMajorEvent(ctx, { ...a, unitId: a.unitId ? rawId(String(a.unitId), 'SafeUnit') : null }, idempotencyKey as string | null),
    }),
  }));
}

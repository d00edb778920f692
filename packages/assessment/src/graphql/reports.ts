import { connectionOf, z, type Builder, describedValues } from '@safecity/core';
import type { Category } from '../rules/categories.js';
import { FACT_KINDS } from '../rules/standing.js';
import { assessmentLoader } from '../service/assessments.js';
import {
  configureEvaluationWeights,
  evaluateJurisdiction,
  getUnitHistoryPage,
  getUnitStanding,
  listEvaluations,
  zeroCaseRates,
  type HistoryRow,
  type StandingAnswer,
  type ZeroCaseRate,
} from '../service/history.js';
import { getBatch } from '../service/setup.js';
import type { jurisdictionEvaluations } from '../tables.js';
import { ASSESS, CONFIGURE, HISTORY, key, rawId, READ, type Refs } from './refs.js';

type EvaluationRow = typeof jurisdictionEvaluations.$inferSelect;

/** A unit's history and past standing, zero-case rates, and the three-in-one jurisdiction evaluation. */
/** A weight of the three-in-one evaluation: a share between 0 and 1 (or a percentage up to 100). */
const WEIGHT = z.number().min(0).max(100);

export function registerReportSchema(builder: Builder, refs: Refs) {
  const { CategoryEnum, Batch, Assessment } = refs;
  const FactKind = builder.enumType('UnitHistoryKind', {
    description: 'Kind of a fact on a unit’s timeline (UnitHistoryEntry.kind); `data` holds the details of each kind.',
    values: describedValues(FACT_KINDS, {
      registered: 'The unit was registered in a creation batch (创建批次).',
      assessed: 'The first version of an assessment (考评) was recorded.',
      corrected: 'A corrected version of an assessment was recorded, with its reason.',
      vetoed: 'An assessment version was vetoed (一票否决); the summary names the rules and events.',
      yellow_card: 'A yellow card (黄牌警告) was issued.',
      plaque_awarded: 'The unit was awarded the plaque (授牌) for passing a period; valid from the period’s end.',
      plaque_revoked: 'The plaque was revoked (摘牌): by a later major event at the unit, or withdrawn by a correction that failed the period it was earned for.',
      grade_changed: 'The unit’s grade changed (动态升降级).',
      rectification_ordered: 'A rectification order (限期整改) was issued.',
      rectification_completed: 'A rectification order was completed.',
      batch_moved: 'The unit moved to the next creation batch because a rectification order was overdue (the settle-overdue job).',
      major_event: 'A major event (重大案事件) at the unit was recorded.',
      investigation: 'A responsibility investigation (责任查究) was opened or concluded (`data.stage`).',
      retroactive_rule_set: 'An approved retroactive veto rule set now governs one of the unit’s decided assessments; the summary says whether it would have decided differently.',
      veto_proposed: 'A mediation centre proposed a comprehensive-governance veto (综治否决建议); the proposal alone does not veto.',
    }),
  });
  const Level = builder.enumType('ZeroCaseLevel', {
    description: 'The division level zero-case rates are grouped by.',
    values: describedValues(['district', 'subdistrict', 'community'] as const, {
      district: 'District/county (区/县): the first 6 digits of the division code.',
      subdistrict: 'Sub-district/town (街道/乡镇): the first 9 digits.',
      community: 'Community/village (社区/村): the first 12 digits.',
    }),
  });

  const Entry = builder.objectRef<HistoryRow>('UnitHistoryEntry').implement({
    description: 'One fact of a unit’s timeline: valid from `validOn`, recorded at `recordedAt` by `actorId`.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the fact.' }),
      kind: t.field({ type: FactKind, description: 'What happened.', resolve: (h) => h.kind as (typeof FACT_KINDS)[number] }),
      validOn: t.field({ type: 'Date', description: 'Valid time: the China calendar day the fact holds from (e.g. an assessment’s period end).', resolve: (h) => h.validOn }),
      recordedAt: t.field({ type: 'DateTime', description: 'Transaction time: when the fact was recorded.', resolve: (h) => h.recordedAt }),
      actorId: t.exposeString('actorId', { description: 'User id of who recorded it; `system` for jobs and reactions to other modules’ events.' }),
      refId: t.exposeString('refId', {
        nullable: true,
        description: 'Row id (UUID) of the record the fact is about (assessment, card, order, plaque, batch move, event, investigation, proposal); null when there is none.',
      }),
      summary: t.exposeString('summary', { description: 'The fact in one human-readable sentence.' }),
      data: t.field({
        type: 'JSON',
        description: 'Machine-readable details; the keys depend on `kind` (e.g. `chainId`, `version`, `total`, `passed` for assessed and corrected).',
        resolve: (h) => h.data,
      }),
    }),
  });

  const Standing = builder.objectRef<StandingAnswer>('UnitStanding').implement({
    description: 'A unit’s standing on a day as the records stood on another (bitemporal), computed from its history alone.',
    fields: (t) => ({
      onDate: t.field({ type: 'Date', description: 'The day the standing is for: facts valid on or before it count.', resolve: (s) => s.onDate }),
      asRecordedOn: t.field({ type: 'Date', description: 'The records as they stood at the end of this China day: later recordings and corrections are left out.', resolve: (s) => s.asRecordedOn }),
      known: t.exposeBoolean('known', { description: 'The unit was registered by then.' }),
      batch: t.field({
        type: Batch,
        nullable: true,
        description: 'The creation batch the unit was in; null when it was not registered by then.',
        resolve: (s, _x, ctx) => (s.batchId ? getBatch(ctx, s.batchId) : null),
      }),
      lastAssessment: t.field({
        type: Assessment,
        nullable: true,
        description: 'The latest recorded version of the assessment of the latest period by then; null when none.',
        resolve: (s, _x, ctx) => (s.lastAssessment ? assessmentLoader(ctx).load(s.lastAssessment.assessmentId) : null),
      }),
      passed: t.boolean({ nullable: true, description: 'Whether that assessment passed; null when there is none.', resolve: (s) => s.lastAssessment?.passed ?? null }),
      vetoed: t.boolean({ nullable: true, description: 'Whether that assessment was vetoed (一票否决); null when there is none.', resolve: (s) => s.lastAssessment?.vetoed ?? null }),
      total: t.float({ nullable: true, description: 'That assessment’s total points; null when there is none.', resolve: (s) => s.lastAssessment?.total ?? null }),
      grade: t.exposeString('grade', {
        nullable: true,
        description: 'Grade (等级) `A`, `B` or `C` after the results by then; null when the unit holds no grade (none passed yet, or lost by a veto or fail).',
      }),
      holdsPlaque: t.exposeBoolean('holdsPlaque', { description: 'Whether the unit held the plaque (授牌) that day.' }),
      plaqueId: t.exposeString('plaqueId', { nullable: true, description: 'Row id of the plaque held; null when none.' }),
      plaqueHeldSince: t.field({ type: 'Date', nullable: true, description: 'Valid time: the end of the period the plaque was earned for.', resolve: (s) => s.plaqueHeldSince }),
      yellowCards: t.exposeInt('yellowCards', { description: 'Yellow cards (黄牌警告) issued to the unit up to that day, all time.' }),
      overdueMoves: t.exposeInt('overdueMoves', { description: 'Times the unit was moved to the next batch for an overdue rectification, up to that day.' }),
    }),
  });

  const ZeroCase = builder.objectRef<ZeroCaseRate>('ZeroCaseRate').implement({
    description: 'Share of units with no major event at the unit in the period (零案件).',
    fields: (t) => ({
      category: t.field({ type: CategoryEnum, description: 'The units’ category.', resolve: (r) => r.category as Category }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', description: 'The division at the requested level the units lie in (their code’s first 6, 9 or 12 digits).' }),
      units: t.exposeInt('units', { description: 'Safe units of the category in the division (within your jurisdiction).' }),
      zeroCaseUnits: t.exposeInt('zeroCaseUnits', { description: 'Of those, units with no major event recorded at the unit in the period.' }),
      rate: t.exposeFloat('rate', { description: 'zeroCaseUnits / units as a share between 0 and 1, rounded to 4 decimals.' }),
    }),
  });

  const Evaluation = builder.objectRef<EvaluationRow>('JurisdictionEvaluation').implement({
    description: 'Three assessments in one (三考合一): a division’s safe-creation, comprehensive-governance and stability scores for a period, combined with weights.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the evaluation.' }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', description: 'The division evaluated (行政区划代码; a division, never a grid).' }),
      periodStart: t.field({ type: 'Date', description: 'First day of the period.', resolve: (e) => e.periodStart }),
      periodEnd: t.field({ type: 'Date', description: 'Last day of the period (inclusive).', resolve: (e) => e.periodEnd }),
      safeCreation: t.exposeFloat('safeCreation', { description: 'Safe-creation score (平安创建), 0–100, as entered.' }),
      governance: t.exposeFloat('governance', { description: 'Comprehensive-governance score (综治), 0–100, as entered.' }),
      stability: t.exposeFloat('stability', { description: 'Stability-maintenance score (维稳), 0–100, as entered.' }),
      weights: t.field({ type: 'JSON', description: 'The weights applied `{ safeCreation, governance, stability }`: shares adding up to 1.', resolve: (e) => e.weights }),
      weightsVersion: t.exposeInt('weightsVersion', {
        nullable: true,
        description: 'Version of the configured weights applied; null when none was in force and the defaults (0.4, 0.3, 0.3) applied.',
      }),
      total: t.exposeFloat('total', { description: 'The weighted sum of the three scores, rounded to 2 decimals.' }),
    }),
  });

  builder.queryFields((t) => ({
    unitHistory: t.connection(
      {
        type: Entry,
        description: 'The assessments, corrections, vetoes, cards, plaques, grades and batch changes of a unit, in timeline order (valid day, then recording order), with who and when.',
        authScopes: HISTORY,
        args: { unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit.' }) },
        resolve: (_r, a, ctx, info) => getUnitHistoryPage(ctx, info, rawId(String(a.unitId), 'SafeUnit'), a),
      },
      connectionOf(builder, Entry),
    ),
    unitStanding: t.field({
      type: Standing,
      description: 'The unit’s standing on `onDate` as recorded on `asRecordedOn` (default today), answered from its history.',
      authScopes: HISTORY,
      args: {
        unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit.' }),
        onDate: t.arg({ type: 'Date', required: true, description: 'The day the standing is asked for (valid time).' }),
        asRecordedOn: t.arg({ type: 'Date', description: 'Answer from the records as they stood at the end of this day (transaction time); absent: today.' }),
      },
      resolve: (_r, a, ctx) => getUnitStanding(ctx, { unitId: rawId(String(a.unitId), 'SafeUnit'), onDate: a.onDate, asRecordedOn: a.asRecordedOn }),
    }),
    zeroCaseRates: t.field({
      type: [ZeroCase],
      description: 'Zero-case rates (零案件) per category and division for a period, by category then division. A period ending before it starts is ASSESSMENT_PERIOD_INVALID.',
      authScopes: READ,
      args: {
        from: t.arg({ type: 'Date', required: true, description: 'First day of the period.' }),
        to: t.arg({ type: 'Date', required: true, description: 'Last day of the period (inclusive).' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Only units under this division; absent: your jurisdiction. A division unrelated to yours is CORE_NOT_FOUND.' }),
        level: t.arg({ type: Level, description: 'The level rows are grouped by; absent: district.' }),
      },
      resolve: (_r, a, ctx) => zeroCaseRates(ctx, a),
    }),
    jurisdictionEvaluations: t.field({
      type: [Evaluation],
      description: 'Three-in-one evaluations (三考合一) in your jurisdiction, newest period first, at most 200.',
      authScopes: READ,
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Only evaluations of divisions under this one; absent: all in your jurisdiction.' }) },
      resolve: (_r, a, ctx) => listEvaluations(ctx, a.jurisdictionCode),
    }),
  }));

  builder.mutationFields((t) => ({
    configureEvaluationWeights: t.field({
      type: 'JSON',
      errors: { dataField: { description: 'The weights version written: `{ version, effectiveFrom, safeCreation, governance, stability }`.' } },
      authScopes: CONFIGURE,
      description: 'Publishes a new version of the three-in-one (三考合一) weights, used by evaluations whose period ends on or after `effectiveFrom`. Errors: ASSESSMENT_WEIGHTS_INVALID.',
      args: {
        safeCreation: t.arg.float({ required: true, validate: WEIGHT, description: 'Weight of the safe-creation score: a share between 0 and 1; the three add up to 1.' }),
        governance: t.arg.float({ required: true, validate: WEIGHT, description: 'Weight of the comprehensive-governance score (综治): a share between 0 and 1.' }),
        stability: t.arg.float({ required: true, validate: WEIGHT, description: 'Weight of the stability-maintenance score (维稳): a share between 0 and 1.' }),
        effectiveFrom: t.arg({ type: 'Date', required: true, description: 'First period end day the weights apply to.' }),
        idempotencyKey: key(t),
      },
      resolve: async (_r, { idempotencyKey, ...a }, ctx) => {
        const row = await configureEvaluationWeights(ctx, a, idempotencyKey as string | null);
        return { version: row.version, effectiveFrom: row.effectiveFrom, safeCreation: row.safeCreation, governance: row.governance, stability: row.stability };
      },
    }),
    evaluateJurisdiction: t.field({
      type: Evaluation,
      errors: { dataField: { description: 'The evaluation recorded, with its weighted total.' } },
      authScopes: ASSESS,
      description:
        'Records a three-in-one evaluation (三考合一) of a division for a period: the three scores weighted by the weights in force on the period’s end (defaults 0.4, 0.3, 0.3). Errors: ASSESSMENT_PERIOD_INVALID, CORE_INPUT_INVALID, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The division evaluated, in your jurisdiction; not a grid (网格).' }),
        periodStart: t.arg({ type: 'Date', required: true, description: 'First day of the period.' }),
        periodEnd: t.arg({ type: 'Date', required: true, description: 'Last day of the period (inclusive); not before periodStart.' }),
        safeCreation: t.arg.float({ required: true, validate: z.number().min(0).max(100), description: 'Safe-creation score (平安创建), 0–100.' }),
        governance: t.arg.float({ required: true, validate: z.number().min(0).max(100), description: 'Comprehensive-governance score (综治), 0–100.' }),
        stability: t.arg.float({ required: true, validate: z.number().min(0).max(100), description: 'Stability-maintenance score (维稳), 0–100.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => evaluateJurisdiction(ctx, a, idempotencyKey as string | null),
    }),
  }));
}

import { z, type Builder } from '@safecity/core';
import type { Category } from '../rules/categories.js';
import { FACT_KINDS } from '../rules/standing.js';
import { assessmentLoader } from '../service/assessments.js';
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
  const FactKind = builder.enumType('UnitHistoryKind', { values: FACT_KINDS });
  const Level = builder.enumType('ZeroCaseLevel', { values: ['district', 'subdistrict', 'community'] as const });

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
      plaqueId: t.exposeString('plaqueId', { nullable: true }),
      plaqueHeldSince: t.field({ type: 'Date', nullable: true, description: 'Valid time: the end of the period the plaque was earned for.', resolve: (s) => s.plaqueHeldSince }),
      yellowCards: t.exposeInt('yellowCards'),
      overdueMoves: t.exposeInt('overdueMoves'),
    }),
  });

  const ZeroCase = builder.objectRef<ZeroCaseRate>('ZeroCaseRate').implement({
    description: 'Share of units with no major event at the unit in the period (零案件).',
    fields: (t) => ({
      category: t.field({ type: CategoryEnum, resolve: (r) => r.category as Category }),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode' }),
      units: t.exposeInt('units'),
      zeroCaseUnits: t.exposeInt('zeroCaseUnits'),
      rate: t.exposeFloat('rate'),
    }),
  });

  const Evaluation = builder.objectRef<EvaluationRow>('JurisdictionEvaluation').implement({
    description: 'Three assessments in one (三考合一).',
    fields: (t) => ({
      id: t.exposeID('id'),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode' }),
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

  builder.queryFields((t) => ({
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
    configureEvaluationWeights: t.field({
      type: 'JSON',
      errors: {},
      authScopes: CONFIGURE,
      args: { safeCreation: t.arg.float({ required: true, validate: WEIGHT }), governance: t.arg.float({ required: true, validate: WEIGHT }), stability: t.arg.float({ required: true, validate: WEIGHT }), effectiveFrom: t.arg({ type: 'Date', required: true }), idempotencyKey: key(t) },
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
}

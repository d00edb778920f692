import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { CoreErrors, planConnection, type ConnectionArgs, isWithin, levelOf, requireActor, requireWritableJurisdiction, runMutation, scopedRead, type Ctx } from '@safecity/core';
import { AssessmentErrors } from '../errors.js';
import { evaluationReads, historyReads, TIMELINE_ORDER, unitReads } from '../reads.js';
import { endOfChinaDay, type IsoDate } from '../rules/dates.js';
import { standingOn, type HistoryFact, type Standing } from '../rules/standing.js';
import { DEFAULT_WEIGHTS, threeInOne, weightsProblems, type EvaluationWeights } from '../rules/three-in-one.js';
import { evaluationWeightVersions, jurisdictionEvaluations, majorEvents, safeUnits, unitHistory, vetoRuleSets } from '../tables.js';
import { actorId, today, unitLoader } from './common.js';
import { ruleSetApproved } from './setup.js';

export type HistoryRow = typeof unitHistory.$inferSelect;

async function factsOf(ctx: Ctx, unitId: string): Promise<HistoryRow[]> {
  return scopedRead(ctx, historyReads, { where: [eq(unitHistory.unitId, unitId)] });
}

/**
 * A page of the unit's timeline in valid-day order, then recording order (the order of
 * rules/standing.ts timelineOrder), inside the caller's jurisdiction, in one statement.
 */
export async function getUnitHistoryPage(ctx: Ctx, info: Parameters<typeof planConnection>[1], unitId: string, args: ConnectionArgs) {
  const unit = await unitLoader(ctx).load(unitId);
  return planConnection<HistoryRow>(ctx, info, historyReads, { where: [eq(unitHistory.unitId, unit.id)], orderBy: TIMELINE_ORDER, args });
}

export interface StandingAnswer extends Standing {
  unitId: string;
  onDate: IsoDate;
  asRecordedOn: IsoDate;
}

/** "What was the unit's standing on `onDate`, as recorded on `asRecordedOn`" (default today), from the history alone. */
export async function getUnitStanding(ctx: Ctx, input: { unitId: string; onDate: IsoDate; asRecordedOn?: IsoDate | null }): Promise<StandingAnswer> {
  const unit = await unitLoader(ctx).load(input.unitId);
  const asRecordedOn = input.asRecordedOn ?? today(ctx);
  const facts = await factsOf(ctx, unit.id);
  const [policy] = await ctx.db
    .select({ p: vetoRuleSets.gradePolicy })
    .from(vetoRuleSets)
    .where(and(sql`${vetoRuleSets.effectiveFrom} <= ${input.onDate}`, ruleSetApproved))
    .orderBy(desc(vetoRuleSets.effectiveFrom), desc(vetoRuleSets.version))
    .limit(1);
  const standing = standingOn(facts as HistoryFact[], input.onDate, endOfChinaDay(asRecordedOn), policy?.p);
  return { unitId: unit.id, onDate: input.onDate, asRecordedOn, ...standing };
}

// ---- zero-case rates (零案件) ----

const LEVEL_LENGTH = { district: 6, subdistrict: 9, community: 12 } as const;

export interface ZeroCaseRate {
  category: string;
  jurisdictionCode: string;
  units: number;
  zeroCaseUnits: number;
  rate: number;
}

/** Share of units with no major event at the unit in the period, per category and jurisdiction (one SQL statement). */
export async function zeroCaseRates(ctx: Ctx, input: { from: IsoDate; to: IsoDate; jurisdictionCode?: string | null; level?: keyof typeof LEVEL_LENGTH | null }): Promise<ZeroCaseRate[]> {
  if (input.from > input.to) throw AssessmentErrors.error('PERIOD_INVALID', undefined, { field: 'to' });
  const actor = requireActor(ctx);
  const under = input.jurisdictionCode ?? actor.jurisdictionCode;
  if (!isWithin(under, actor.jurisdictionCode) && !isWithin(actor.jurisdictionCode, under)) throw CoreErrors.error('NOT_FOUND', 'No such jurisdiction in your jurisdiction.');
  const len = LEVEL_LENGTH[input.level ?? 'district'];
  const jur = sql<string>`substr(${safeUnits.jurisdictionCode}, 1, ${sql.raw(String(len))})`;
  const hasCase = sql`exists (select 1 from ${majorEvents} where ${majorEvents.unitId} = ${safeUnits.id} and ${majorEvents.occurredOn} between ${input.from} and ${input.to})`;
  const rows = await scopedRead(ctx, unitReads, {
    within: under,
    orderBy: [asc(safeUnits.category), asc(jur)],
    from: (where, orderBy) =>
      ctx.db
        .select({
          category: safeUnits.category,
          jurisdictionCode: jur,
          units: sql<number>`count(*)::int`,
          zeroCaseUnits: sql<number>`(count(*) filter (where not ${hasCase}))::int`,
        })
        .from(safeUnits)
        .where(where)
        .groupBy(safeUnits.category, jur)
        .orderBy(...orderBy),
  });
  return rows.map((r) => ({ ...r, units: Number(r.units), zeroCaseUnits: Number(r.zeroCaseUnits), rate: r.units ? Math.round((Number(r.zeroCaseUnits) / Number(r.units)) * 10000) / 10000 : 0 }));
}

// ---- three-in-one (三考合一) ----

export async function configureEvaluationWeights(ctx: Ctx, input: EvaluationWeights & { effectiveFrom: IsoDate }, idempotencyKey?: string | null) {
  const problems = weightsProblems(input);
  if (problems.length) throw AssessmentErrors.error('WEIGHTS_INVALID', problems.join('; '), { field: 'safeCreation', details: { problems } });
  return runMutation(ctx, { operation: 'configureEvaluationWeights', idempotencyKey, input }, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('evaluation_weight_versions'))`);
    const [{ last }] = await tx.db.select({ last: sql<number | null>`max(${evaluationWeightVersions.version})` }).from(evaluationWeightVersions);
    const [row] = await tx.db
      .insert(evaluationWeightVersions)
      .values({ ...input, version: Number(last ?? 0) + 1, publishedBy: actorId(tx), publishedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'EvaluationWeights', entityId: row.id, jurisdictionCode: null, after: row });
    return row;
  });
}

export async function evaluateJurisdiction(ctx: Ctx, input: EvaluationWeights & { jurisdictionCode: string; periodStart: IsoDate; periodEnd: IsoDate }, idempotencyKey?: string | null) {
  if (input.periodStart > input.periodEnd) throw AssessmentErrors.error('PERIOD_INVALID', undefined, { field: 'periodEnd' });
  if (levelOf(input.jurisdictionCode) === 'grid') throw CoreErrors.error('INPUT_INVALID', 'Three-in-one evaluates a division, not a grid.', { field: 'jurisdictionCode' });
  return runMutation(ctx, { operation: 'evaluateJurisdiction', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const [w] = await tx.db
      .select()
      .from(evaluationWeightVersions)
      .where(sql`${evaluationWeightVersions.effectiveFrom} <= ${input.periodEnd}`)
      .orderBy(desc(evaluationWeightVersions.effectiveFrom), desc(evaluationWeightVersions.version))
      .limit(1);
    const weights = w ? { safeCreation: w.safeCreation, governance: w.governance, stability: w.stability } : DEFAULT_WEIGHTS;
    const scores = { safeCreation: input.safeCreation, governance: input.governance, stability: input.stability };
    const [row] = await tx.db
      .insert(jurisdictionEvaluations)
      .values({
        jurisdictionCode: input.jurisdictionCode,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        ...scores,
        weightsVersion: w?.version ?? null,
        weights,
        total: threeInOne(scores, weights),
        evaluatedBy: actorId(tx),
        recordedAt: tx.now(),
      })
      .returning();
    tx.audit({ entityType: 'JurisdictionEvaluation', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function listEvaluations(ctx: Ctx, jurisdictionCode: string | null | undefined) {
  return scopedRead(ctx, evaluationReads, {
    within: jurisdictionCode,
    orderBy: [desc(jurisdictionEvaluations.periodEnd), asc(jurisdictionEvaluations.jurisdictionCode)],
    limit: 200,
  });
}

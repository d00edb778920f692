import { and, asc, desc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import {
  lockInScope,
  anyOf,
  assertVersion,
  loader,
  notFound,
  relationPage,
  runMutation,
  scopedRead,
  withinSql,
  type ConnectionArgs,
  type Ctx,
  type TxCtx,
  type MajorEventKind,
  isUuid,
} from '@safecity/core';
import { AssessmentErrors } from '../errors.js';
import { assessmentReads, unitReads } from '../reads.js';
import type { Category } from '../rules/categories.js';
import type { IsoDate } from '../rules/dates.js';
import { gradeAfter, type GradePolicy } from '../rules/grade.js';
import { scoreAssessment, type ItemScoreInput } from '../rules/scoring.js';
import { decideVeto, type MajorEventFact } from '../rules/veto.js';
import { assessmentStandards, majorEvents, plaques, unitAssessments, vetoRuleSets } from '../tables.js';
import { actorId, appendHistory, unitEventBase, unitForWrite, type FactInput, type UnitRow } from './common.js';
import { ruleSetInForce, standardInForce, type RuleSetRow, type StandardRow } from './setup.js';

export type AssessmentRow = typeof unitAssessments.$inferSelect;
export type MajorEventRow = typeof majorEvents.$inferSelect;

export const toFact = (e: MajorEventRow): MajorEventFact => ({
  id: e.id,
  kind: e.kind as MajorEventKind,
  occurredOn: e.occurredOn,
  unitId: e.unitId,
  jurisdictionCode: e.jurisdictionCode,
  description: e.description,
});

/** Major events that can concern a unit in a period: at the unit, or anywhere in its jurisdiction. */
async function eventsConcerning(ctx: Ctx, unit: UnitRow, period: { start: IsoDate; end: IsoDate }): Promise<MajorEventRow[]> {
  return ctx.db
    .select()
    .from(majorEvents)
    .where(
      and(gte(majorEvents.occurredOn, period.start), lte(majorEvents.occurredOn, period.end), or(eq(majorEvents.unitId, unit.id), withinSql(majorEvents.jurisdictionCode, unit.jurisdictionCode))),
    );
}

/** The latest version of each of the unit's assessments. */
async function currentResults(ctx: Ctx, unitId: string): Promise<AssessmentRow[]> {
  const rows = await ctx.db.select().from(unitAssessments).where(eq(unitAssessments.unitId, unitId)).orderBy(asc(unitAssessments.periodEnd), desc(unitAssessments.version));
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.chainId) ? false : (seen.add(r.chainId), true)));
}

interface Decision {
  unit: UnitRow;
  standard: StandardRow;
  ruleSet: RuleSetRow;
  period: { start: IsoDate; end: IsoDate };
  items: ItemScoreInput[];
  /** Results of the unit's other periods (for the grade). */
  others: AssessmentRow[];
}

async function decide(tx: TxCtx, d: Decision) {
  const scored = scoreAssessment({ items: d.standard.items, passMark: d.standard.passMark }, d.items);
  if (!scored.ok) throw AssessmentErrors.error('ITEM_SCORES_INVALID', scored.problems.join('; '), { field: 'items', details: { problems: scored.problems } });
  const events = await eventsConcerning(tx, d.unit, d.period);
  const veto = decideVeto({ version: d.ruleSet.version, rules: d.ruleSet.rules }, events.map(toFact), d.period, { ...d.unit, category: d.unit.category as Category });
  const passed = scored.passed && !veto.vetoed;
  const policy: GradePolicy = d.ruleSet.gradePolicy;
  const before = d.others.filter((r) => r.periodEnd <= d.period.end);
  const gradeBefore = gradeAfter(before, policy).grade;
  const grade = gradeAfter([...before, { passed, vetoed: veto.vetoed, total: scored.total }], policy).grade;
  return { scored, veto, passed, grade, gradeBefore };
}

/** The assessment columns a decision fills: the same for a first assessment and for a correction. */
function decidedColumns(d: Awaited<ReturnType<typeof decide>>) {
  return {
    items: d.scored.items,
    total: d.scored.total,
    passMark: d.scored.passMark,
    scorePassed: d.scored.passed,
    vetoed: d.veto.vetoed,
    passed: d.passed,
    grade: d.grade,
    firedRules: d.veto.firedRules,
    triggeringEventIds: d.veto.triggeringEvents.map((e) => e.id),
    explanation: d.veto.explanation,
  };
}

async function recordDecision(tx: TxCtx, unit: UnitRow, row: AssessmentRow, gradeBefore: string | null, kind: 'assessed' | 'corrected') {
  const facts: FactInput[] = [
    {
      kind,
      validOn: row.periodEnd,
      refId: row.id,
      summary:
        kind === 'assessed'
          ? `Assessed ${row.periodStart}..${row.periodEnd}: ${row.total} points (pass mark ${row.passMark}), ${row.passed ? 'passed' : 'failed'}; standard v${row.standardVersion}, rule set v${row.ruleSetVersion}.`
          : `Corrected to version ${row.version}: ${row.total} points, ${row.passed ? 'passed' : 'failed'}. Reason: ${row.correctionReason}`,
      data: {
        chainId: row.chainId,
        version: row.version,
        periodStart: row.periodStart,
        periodEnd: row.periodEnd,
        total: row.total,
        passed: row.passed,
        vetoed: row.vetoed,
        supersedesId: row.supersedesId,
        reason: row.correctionReason,
      },
    },
  ];
  if (row.vetoed)
    facts.push({
      kind: 'vetoed',
      validOn: row.periodEnd,
      refId: row.id,
      summary: row.explanation,
      data: { ruleSetVersion: row.ruleSetVersion, eventIds: row.triggeringEventIds, firedRules: row.firedRules },
    });
  if (row.grade !== gradeBefore)
    facts.push({ kind: 'grade_changed', validOn: row.periodEnd, refId: row.id, summary: `Grade ${gradeBefore ?? 'none'} → ${row.grade ?? 'none'}.`, data: { from: gradeBefore, to: row.grade } });
  if (row.passed) {
    const [active] = await tx.db
      .select()
      .from(plaques)
      .where(and(eq(plaques.unitId, unit.id), isNull(plaques.revokedAt)));
    if (!active) {
      // Valid time: the plaque is held from the end of the period it was earned for, however late
      // the assessment is recorded (awardedAt keeps the recording instant: transaction time).
      const [p] = await tx.db.insert(plaques).values({ unitId: unit.id, jurisdictionCode: unit.jurisdictionCode, assessmentId: row.id, awardedOn: row.periodEnd, awardedAt: tx.now() }).returning();
      tx.audit({ entityType: 'Plaque', entityId: p.id, jurisdictionCode: p.jurisdictionCode, after: p });
      facts.push({ kind: 'plaque_awarded', validOn: p.awardedOn, refId: p.id, summary: `Plaque awarded for passing ${row.periodStart}..${row.periodEnd}.`, data: { assessmentId: row.id } });
    }
  }
  let withdrawn: typeof plaques.$inferSelect | null = null;
  if (kind === 'corrected' && !row.passed) {
    // A correction that fails the period the plaque was earned for withdraws it from its award
    // day (valid time): it was never earned. Not an event, so revokedByEventId stays empty.
    const [active] = await tx.db
      .select({ plaque: plaques })
      .from(plaques)
      .innerJoin(unitAssessments, eq(unitAssessments.id, plaques.assessmentId))
      .where(and(eq(plaques.unitId, unit.id), isNull(plaques.revokedAt), eq(unitAssessments.chainId, row.chainId)))
      .for('update', { of: plaques });
    if (active) {
      const reason = `Withdrawn: the assessment of ${row.periodStart}..${row.periodEnd} it was earned for was corrected to version ${row.version}, failed (${row.correctionReason}).`;
      [withdrawn] = await tx.db
        .update(plaques)
        .set({ revokedOn: active.plaque.awardedOn, revokedAt: tx.now(), revokeReason: reason })
        .where(and(eq(plaques.id, active.plaque.id), isNull(plaques.revokedAt)))
        .returning();
      tx.audit({ entityType: 'Plaque', entityId: withdrawn.id, jurisdictionCode: withdrawn.jurisdictionCode, before: active.plaque, after: withdrawn });
      facts.push({ kind: 'plaque_revoked', validOn: withdrawn.revokedOn!, refId: withdrawn.id, summary: `Plaque withdrawn (摘牌): ${reason}`, data: { assessmentId: row.id } });
    }
  }
  await appendHistory(tx, unit, facts);
  tx.audit({ entityType: 'UnitAssessment', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  const base = { assessmentId: row.id, ...unitEventBase(unit), periodStart: row.periodStart, periodEnd: row.periodEnd };
  await tx.emit('unitAssessed', { ...base, passed: row.passed, total: row.total, grade: row.grade });
  if (row.vetoed) await tx.emit('unitVetoed', { ...base, ruleSetVersion: row.ruleSetVersion, eventIds: row.triggeringEventIds, explanation: row.explanation });
  if (withdrawn) await tx.emit('plaqueRevoked', { plaqueId: withdrawn.id, ...unitEventBase(unit), eventId: null, at: withdrawn.revokedAt!.toISOString() });
}

export async function assessUnit(ctx: Ctx, input: { unitId: string; periodStart: IsoDate; periodEnd: IsoDate; items: ItemScoreInput[] }, idempotencyKey?: string | null): Promise<AssessmentRow> {
  if (input.periodStart > input.periodEnd) throw AssessmentErrors.error('PERIOD_INVALID', undefined, { field: 'periodEnd' });
  return runMutation(ctx, { operation: 'assessUnit', idempotencyKey, input }, async (tx) => {
    const unit = await unitForWrite(tx, input.unitId);
    const period = { start: input.periodStart, end: input.periodEnd };
    const standard = await standardInForce(tx, unit.category, period.end);
    if (!standard) throw AssessmentErrors.error('NO_STANDARD_IN_FORCE', `No ${unit.category} standard is in force on ${period.end}.`, { field: 'periodEnd' });
    const ruleSet = await ruleSetInForce(tx, period.end);
    if (!ruleSet) throw AssessmentErrors.error('NO_RULE_SET_IN_FORCE', `No veto rule set is in force on ${period.end}.`, { field: 'periodEnd' });
    const others = await currentResults(tx, unit.id);
    if (others.some((r) => r.periodStart === period.start && r.periodEnd === period.end)) throw AssessmentErrors.error('ALREADY_ASSESSED', undefined, { field: 'periodStart' });
    const d = await decide(tx, { unit, standard, ruleSet, period, items: input.items, others });
    const chainId = crypto.randomUUID();
    const [row] = await tx.db
      .insert(unitAssessments)
      .values({
        chainId,
        version: 1,
        unitId: unit.id,
        jurisdictionCode: unit.jurisdictionCode,
        category: unit.category,
        periodStart: period.start,
        periodEnd: period.end,
        standardId: standard.id,
        standardVersion: standard.version,
        ruleSetId: ruleSet.id,
        ruleSetVersion: ruleSet.version,
        ...decidedColumns(d),
        assessedBy: actorId(tx),
        recordedAt: tx.now(),
      })
      .returning();
    await recordDecision(tx, unit, row, d.gradeBefore, 'assessed');
    return row;
  });
}

/**
 * A correction is a new version of the assessment with a reason, scored under the same
 * standard and rule-set versions as the original: later versions never change past results.
 */
export async function correctAssessment(
  ctx: Ctx,
  input: { assessmentId: string; version: number; items: ItemScoreInput[]; reason?: string | null },
  idempotencyKey?: string | null,
): Promise<AssessmentRow> {
  const reason = input.reason?.trim();
  if (!reason) throw AssessmentErrors.error('CORRECTION_REASON_REQUIRED', undefined, { field: 'reason' });
  return runMutation(ctx, { operation: 'correctAssessment', idempotencyKey, input }, async (tx) => {
    const orig = await lockInScope(tx, assessmentReads, input.assessmentId, 'assessment');
    const unit = await unitForWrite(tx, orig.unitId);
    const [latest] = await tx.db.select().from(unitAssessments).where(eq(unitAssessments.chainId, orig.chainId)).orderBy(desc(unitAssessments.version)).limit(1);
    if (latest.id !== orig.id)
      throw AssessmentErrors.error('NOT_LATEST_VERSION', `Version ${latest.version} supersedes the one you sent.`, {
        field: 'assessmentId',
        details: { latestId: latest.id, latestVersion: latest.version },
      });
    assertVersion(latest.version, input.version, 'assessment');
    const [standard] = await tx.db.select().from(assessmentStandards).where(eq(assessmentStandards.id, orig.standardId));
    const [ruleSet] = await tx.db.select().from(vetoRuleSets).where(eq(vetoRuleSets.id, orig.ruleSetId));
    const others = (await currentResults(tx, unit.id)).filter((r) => r.chainId !== orig.chainId);
    const period = { start: orig.periodStart, end: orig.periodEnd };
    const d = await decide(tx, { unit, standard, ruleSet, period, items: input.items, others });
    const [row] = await tx.db
      .insert(unitAssessments)
      .values({
        ...orig,
        id: undefined,
        version: latest.version + 1,
        ...decidedColumns(d),
        correctionReason: reason,
        supersedesId: latest.id,
        assessedBy: actorId(tx),
        recordedAt: tx.now(),
      })
      .returning();
    await recordDecision(tx, unit, row, d.gradeBefore, 'corrected');
    return row;
  });
}

export function assessmentLoader(ctx: Ctx) {
  return loader<string, AssessmentRow>(ctx, 'assessment.assessment', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await scopedRead(ctx, assessmentReads, { where: [anyOf(unitAssessments.id, valid)] }) : [];
    const m = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => m.get(id) ?? notFound('assessment'));
  });
}

/** A page of the assessment versions of each unit, newest period first (one statement per page of units). */
export function assessmentPagesOfUnit(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<AssessmentRow>(ctx, 'assessment.assessmentsOfUnit', unitReads.relations!.assessments!, args, 'assessments');
}

/** A page of the versions of each assessment (by chain), oldest first, inside the caller's jurisdiction (one statement per page of chains). */
export function versionPages(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<AssessmentRow>(ctx, 'assessment.versions', assessmentReads.relations!.versions!, args, 'versions');
}

export function eventLoader(ctx: Ctx) {
  return loader<string, MajorEventRow | null>(ctx, 'assessment.event', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await ctx.db.select().from(majorEvents).where(anyOf(majorEvents.id, valid)) : [];
    const m = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => m.get(id) ?? null);
  });
}

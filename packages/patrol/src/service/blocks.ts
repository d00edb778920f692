import { and, eq, gte, lt, lte } from 'drizzle-orm';
import { requireWritableJurisdiction, anyOf, isWithin, jurisdictions, requireActor, runMutation, scopedRead, type ConnectionArgs, type Ctx, addDays } from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { alertReads, blockReads } from '../reads.js';
import { assessMember, daysFrom, shanghaiTime, weeklyShiftPlan, type MemberAssessment, type ShiftPlan } from '../rules/index.js';
import { alerts, communityFeedback, disciplineRecords, patrolBlocks, type BlockRow } from '../tables.js';
import { blockLoader, memberLoader, teamLoader } from './common.js';

export async function createPatrolBlock(
  ctx: Ctx,
  input: { name: string; jurisdictionCode: string; communityCodes: string[]; vehicles?: number | null; weeklyPatrolHours: number },
  idempotencyKey?: string | null,
): Promise<BlockRow> {
  return runMutation(ctx, { operation: 'createPatrolBlock', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode, 'input.jurisdictionCode');
    const codes = [...new Set(input.communityCodes)];
    const found = codes.length
      ? await tx.db
          .select({ code: jurisdictions.code })
          .from(jurisdictions)
          .where(and(anyOf(jurisdictions.code, codes), eq(jurisdictions.level, 'community')))
      : [];
    const ok = new Set(found.map((f) => f.code));
    const bad = codes.findIndex((c) => !ok.has(c) || !isWithin(c, input.jurisdictionCode));
    if (codes.length === 0 || bad >= 0) throw PatrolErrors.error('BLOCK_COMMUNITY_INVALID', undefined, { field: `input.communityCodes.${Math.max(bad, 0)}` });
    const [row] = await tx.db
      .insert(patrolBlocks)
      .values({ name: input.name, jurisdictionCode: input.jurisdictionCode, communityCodes: codes, vehicles: input.vehicles ?? 0, weeklyPatrolHours: input.weeklyPatrolHours })
      .returning();
    tx.audit({ entityType: 'PatrolBlock', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function listPatrolBlocks(ctx: Ctx, filter: { jurisdictionCode?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, blockReads, { within: filter.jurisdictionCode, page: { args, keys: ['name', 'id'] } });
}

/**
 * The weekly plan of a block: its weekly patrol hours spread over the hours of the week in
 * proportion to the block's incidents of the `weeks` weeks before `until`.
 */
export async function blockShiftPlan(ctx: Ctx, block: BlockRow, opts: { weeks?: number | null; until?: Date | null }): Promise<ShiftPlan & { from: Date; until: Date }> {
  const until = opts.until ?? ctx.now();
  const weeks = Math.min(Math.max(opts.weeks ?? 4, 1), 52);
  const from = new Date(until.getTime() - weeks * 7 * 24 * 3_600_000);
  const incidents = await scopedRead(ctx, alertReads, {
    within: block.communityCodes,
    where: [gte(alerts.occurredAt, from), lt(alerts.occurredAt, until)],
    orderBy: [alerts.occurredAt, alerts.id],
    from: (where, orderBy) =>
      ctx.db
        .select({ id: alerts.id, occurredAt: alerts.occurredAt })
        .from(alerts)
        .where(where)
        .orderBy(...orderBy),
  });
  return { from, until, ...weeklyShiftPlan({ availableHours: block.weeklyPatrolHours, incidents }) };
}

export async function recordDisciplineRecord(ctx: Ctx, input: { memberId: string; day: string; description: string; deduction: number }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'recordDisciplineRecord', idempotencyKey, input }, async (tx) => {
    const member = await memberLoader(tx).load(input.memberId);
    await requireWritableJurisdiction(tx, member.jurisdictionCode, 'input.memberId');
    const [row] = await tx.db
      .insert(disciplineRecords)
      .values({ memberId: member.id, day: input.day, description: input.description, deduction: input.deduction, jurisdictionCode: member.jurisdictionCode, recordedBy: requireActor(tx).id })
      .returning();
    tx.audit({ entityType: 'DisciplineRecord', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function recordCommunityFeedback(ctx: Ctx, input: { memberId: string; day: string; rating: number; note?: string | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'recordCommunityFeedback', idempotencyKey, input }, async (tx) => {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw PatrolErrors.error('FEEDBACK_RATING_INVALID', undefined, { field: 'input.rating' });
    const member = await memberLoader(tx).load(input.memberId);
    await requireWritableJurisdiction(tx, member.jurisdictionCode, 'input.memberId');
    const [row] = await tx.db
      .insert(communityFeedback)
      .values({ memberId: member.id, day: input.day, rating: input.rating, note: input.note ?? '', jurisdictionCode: member.jurisdictionCode, recordedBy: requireActor(tx).id })
      .returning();
    tx.audit({ entityType: 'CommunityFeedback', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/**
 * A member's assessment for [from, to] (Shanghai days): the incidents of the member's block
 * against the previous period of equal length, discipline deductions, community feedback.
 */
const MAX_ASSESSMENT_DAYS = 366;

export async function memberAssessment(
  ctx: Ctx,
  input: { memberId: string; from: string; to: string },
): Promise<MemberAssessment & { blockIncidents: number; blockIncidentsPrevious: number; blockId: string | null }> {
  // A bounded period: the comparison period is as long as this one (issue #11: `to: 9999-12-31` exhausted the heap).
  const span = Math.round((Date.parse(`${input.to}T00:00:00Z`) - Date.parse(`${input.from}T00:00:00Z`)) / 86_400_000) + 1;
  if (!(span >= 1 && span <= MAX_ASSESSMENT_DAYS)) throw PatrolErrors.error('RANGE_TOO_LONG', `An assessment period runs forward over at most ${MAX_ASSESSMENT_DAYS} days.`, { field: 'to' });
  const member = await memberLoader(ctx).load(input.memberId);
  const team = await teamLoader(ctx).load(member.teamId);
  const block = team.blockId ? await blockLoader(ctx).load(team.blockId) : null;
  const len = daysFrom(input.from, input.to).length;
  const count = async (from: string, to: string) =>
    block
      ? (
          await scopedRead(ctx, alertReads, {
            within: block.communityCodes,
            where: [gte(alerts.occurredAt, shanghaiTime(from)), lt(alerts.occurredAt, shanghaiTime(addDays(to, 1)))],
            from: (where) => ctx.db.select({ id: alerts.id }).from(alerts).where(where),
          })
        ).length
      : 0;
  const blockIncidents = await count(input.from, input.to);
  const blockIncidentsPrevious = await count(addDays(input.from, -len), addDays(input.from, -1));
  const discipline = await ctx.db
    .select({ deduction: disciplineRecords.deduction })
    .from(disciplineRecords)
    .where(and(eq(disciplineRecords.memberId, member.id), gte(disciplineRecords.day, input.from), lte(disciplineRecords.day, input.to)));
  const feedback = await ctx.db
    .select({ rating: communityFeedback.rating })
    .from(communityFeedback)
    .where(and(eq(communityFeedback.memberId, member.id), gte(communityFeedback.day, input.from), lte(communityFeedback.day, input.to)));
  const result = assessMember({
    blockIncidents,
    blockIncidentsPrevious,
    disciplineDeductions: discipline.reduce((a, d) => a + d.deduction, 0),
    feedbackRatings: feedback.map((f) => f.rating),
  });
  return { ...result, blockIncidents, blockIncidentsPrevious, blockId: block?.id ?? null };
}

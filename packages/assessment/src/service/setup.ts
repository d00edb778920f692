import { and, asc, desc, eq, lte, max, sql } from 'drizzle-orm';
import { requireWritableJurisdiction, CoreErrors, isValidCreditCode, notFound, runMutation, scopedRead, type ConnectionArgs, type Ctx, type TxCtx, isUuid } from '@safecity/core';
import { AssessmentErrors } from '../errors.js';
import { unitReads } from '../reads.js';
import { addDays, type IsoDate } from '../rules/dates.js';
import type { Category } from '../rules/categories.js';
import { DEFAULT_GRADE_POLICY, type GradePolicy } from '../rules/grade.js';
import { standardProblems, type StandardItem } from '../rules/scoring.js';
import { retroactiveWindow, ruleSetStatus, type RuleSetOnTimeline } from '../rules/rule-set-governance.js';
import { ruleSetProblems, type VetoRule } from '../rules/veto.js';
import { DEFAULT_YELLOW_CARD_POLICY, type YellowCardPolicy } from '../rules/yellow-card.js';
import { assessmentStandards, creationBatches, safeUnits, vetoRuleSetDecisions, vetoRuleSets } from '../tables.js';
import { actorId, appendHistory, today, type UnitRow } from './common.js';

export type StandardRow = typeof assessmentStandards.$inferSelect;
export type RuleSetRow = typeof vetoRuleSets.$inferSelect;
export type BatchRow = typeof creationBatches.$inferSelect;

/** GraphQL hands input objects over without prototypes; jsonb columns want plain data. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

// ---- standards and rule sets: append-only versions ----

export async function publishStandard(ctx: Ctx, input: { category: Category; title: string; items: StandardItem[]; passMark: number; effectiveFrom: IsoDate }, idempotencyKey?: string | null) {
  const problems = standardProblems(input);
  if (problems.length) throw AssessmentErrors.error('STANDARD_INVALID', problems.join('; '), { field: 'items', details: { problems } });
  return runMutation(ctx, { operation: 'publishAssessmentStandard', idempotencyKey, input }, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`assessment_standards:${input.category}`}))`);
    const [{ last }] = await tx.db
      .select({ last: max(assessmentStandards.version) })
      .from(assessmentStandards)
      .where(eq(assessmentStandards.category, input.category));
    const [row] = await tx.db
      .insert(assessmentStandards)
      .values({ ...input, items: plain(input.items.map((i) => ({ ...i, cap: i.cap ?? null }))), version: (last ?? 0) + 1, publishedBy: actorId(tx), publishedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'AssessmentStandard', entityId: row.id, jurisdictionCode: null, after: row });
    return row;
  });
}

export async function publishRuleSet(
  ctx: Ctx,
  input: {
    rules: VetoRule[];
    effectiveFrom: IsoDate;
    yellowCardPolicy?: YellowCardPolicy | null;
    gradePolicy?: GradePolicy | null;
    note?: string | null;
    retroactive?: boolean | null;
    retroactiveReason?: string | null;
  },
  idempotencyKey?: string | null,
) {
  const problems = ruleSetProblems(input.rules);
  const yc = input.yellowCardPolicy ?? DEFAULT_YELLOW_CARD_POLICY;
  if (!Number.isInteger(yc.rectificationWorkingDays) || yc.rectificationWorkingDays < 1) problems.push('the rectification limit is a positive number of working days');
  if (!Number.isInteger(yc.repeatWindowDays) || yc.repeatWindowDays < 1) problems.push('the repeat window is a positive number of days');
  if (problems.length) throw AssessmentErrors.error('RULE_SET_INVALID', problems.join('; '), { field: 'rules', details: { problems } });
  const retroactiveReason = input.retroactiveReason?.trim() || null;
  if (input.retroactive && !retroactiveReason) throw AssessmentErrors.error('RETROACTIVE_REASON_REQUIRED', undefined, { field: 'retroactiveReason' });
  return runMutation(ctx, { operation: 'publishVetoRuleSet', idempotencyKey, input }, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('veto_rule_sets'))`);
    const window = retroactiveWindow(input.effectiveFrom, today(tx), await ruleSetTimeline(tx));
    if (window && !input.retroactive) {
      throw AssessmentErrors.error(
        'RULE_SET_RETROACTIVE_UNFLAGGED',
        `Effective from ${input.effectiveFrom}, published ${today(tx)}: it would govern ${window.from}..${window.to}, when an earlier set was in force. Publish it as retroactive with a reason; a second officer approves it.`,
        { field: 'effectiveFrom', details: { window } },
      );
    }
    if (!window && input.retroactive) {
      throw AssessmentErrors.error('RULE_SET_INVALID', `Effective from ${input.effectiveFrom}, it governs no day an earlier set governed: it is not retroactive.`, { field: 'retroactive' });
    }
    const [{ last }] = await tx.db.select({ last: max(vetoRuleSets.version) }).from(vetoRuleSets);
    const [row] = await tx.db
      .insert(vetoRuleSets)
      .values({
        version: (last ?? 0) + 1,
        effectiveFrom: input.effectiveFrom,
        rules: plain(input.rules.map((r) => ({ ...r, categories: r.categories ?? null, minEvents: r.minEvents ?? null }))),
        yellowCardPolicy: plain(yc),
        gradePolicy: plain(input.gradePolicy ?? DEFAULT_GRADE_POLICY),
        note: input.note ?? null,
        retroactive: !!window,
        retroactiveReason: window ? retroactiveReason : null,
        publishedBy: actorId(tx),
        publishedAt: tx.now(),
      })
      .returning();
    tx.audit({ entityType: 'VetoRuleSet', entityId: row.id, jurisdictionCode: null, after: row });
    return row;
  });
}

/** The version in force on a day: the latest version effective by then. */
export async function standardInForce(ctx: Ctx, category: Category, on: IsoDate): Promise<StandardRow | null> {
  const [row] = await ctx.db
    .select()
    .from(assessmentStandards)
    .where(and(eq(assessmentStandards.category, category), lte(assessmentStandards.effectiveFrom, on)))
    .orderBy(desc(assessmentStandards.effectiveFrom), desc(assessmentStandards.version))
    .limit(1);
  return row ?? null;
}

/** SQL: the rule set is in force once effective (a retroactive one only after its approval). */
export const ruleSetApproved = sql`(not ${vetoRuleSets.retroactive} or exists (select 1 from ${vetoRuleSetDecisions} d where d.rule_set_id = ${vetoRuleSets.id} and d.action = 'approve'))`;

export async function ruleSetInForce(ctx: Ctx, on: IsoDate): Promise<RuleSetRow | null> {
  const [row] = await ctx.db
    .select()
    .from(vetoRuleSets)
    .where(and(lte(vetoRuleSets.effectiveFrom, on), ruleSetApproved))
    .orderBy(desc(vetoRuleSets.effectiveFrom), desc(vetoRuleSets.version))
    .limit(1);
  return row ?? null;
}

export async function listStandards(ctx: Ctx, category: Category | null | undefined) {
  return ctx.db
    .select()
    .from(assessmentStandards)
    .where(category ? eq(assessmentStandards.category, category) : undefined)
    .orderBy(asc(assessmentStandards.category), asc(assessmentStandards.version));
}

export type RuleSetDecisionRow = typeof vetoRuleSetDecisions.$inferSelect;
export type RuleSetView = RuleSetRow & { decision: RuleSetDecisionRow | null };

/** Every version with its verdict, if any (one statement). */
export async function listRuleSets(ctx: Ctx): Promise<RuleSetView[]> {
  const rows = await ctx.db
    .select({ set: vetoRuleSets, decision: vetoRuleSetDecisions })
    .from(vetoRuleSets)
    .leftJoin(vetoRuleSetDecisions, eq(vetoRuleSetDecisions.ruleSetId, vetoRuleSets.id))
    .orderBy(asc(vetoRuleSets.version));
  return rows.map((r) => ({ ...r.set, decision: r.decision }));
}

/** Every set on the timeline, with whether it is in force (for the pure governance rules). */
export async function ruleSetTimeline(ctx: Ctx): Promise<(RuleSetOnTimeline & { row: RuleSetView })[]> {
  return (await listRuleSets(ctx)).map((r) => ({ id: r.id, version: r.version, effectiveFrom: r.effectiveFrom, inForce: ruleSetStatus(r, r.decision?.action ?? null) === 'in_force', row: r }));
}

// ---- batches and units ----

export async function createCreationBatch(
  ctx: Ctx,
  input: { projectName: string; seq: number; name: string; jurisdictionCode: string; leadUnit: string; participatingUnits: string[]; targetDate: IsoDate },
  idempotencyKey?: string | null,
) {
  return runMutation(ctx, { operation: 'createCreationBatch', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const [row] = await tx.db.insert(creationBatches).values(input).onConflictDoNothing().returning();
    if (!row) throw AssessmentErrors.error('BATCH_EXISTS', `Batch ${input.seq} of ${input.projectName} exists already.`, { field: 'seq' });
    tx.audit({ entityType: 'CreationBatch', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/** Batches are programme information: readable by everyone who reads assessments. */
export async function getBatch(ctx: Ctx, id: string): Promise<BatchRow> {
  if (!isUuid(id)) throw notFound('creation batch');
  const [row] = await ctx.db.select().from(creationBatches).where(eq(creationBatches.id, id));
  if (!row) throw notFound('creation batch');
  return row;
}

/** The batch after `batch` in its project, created when it does not exist yet. */
export async function nextBatch(tx: TxCtx, batch: BatchRow): Promise<BatchRow> {
  const [found] = await tx.db
    .select()
    .from(creationBatches)
    .where(and(eq(creationBatches.projectName, batch.projectName), eq(creationBatches.seq, batch.seq + 1)));
  if (found) return found;
  const [row] = await tx.db
    .insert(creationBatches)
    .values({
      projectName: batch.projectName,
      seq: batch.seq + 1,
      name: `${batch.projectName} 第${batch.seq + 1}批`,
      jurisdictionCode: batch.jurisdictionCode,
      leadUnit: batch.leadUnit,
      participatingUnits: batch.participatingUnits,
      targetDate: addDays(batch.targetDate, 365),
    })
    .onConflictDoNothing()
    .returning();
  if (row) {
    tx.audit({ entityType: 'CreationBatch', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  }
  const [raced] = await tx.db
    .select()
    .from(creationBatches)
    .where(and(eq(creationBatches.projectName, batch.projectName), eq(creationBatches.seq, batch.seq + 1)));
  return raced;
}

export async function registerSafeUnit(
  ctx: Ctx,
  input: { name: string; category: Category; jurisdictionCode: string; creditCode?: string | null; batchId: string; registeredOn?: IsoDate | null },
  idempotencyKey?: string | null,
): Promise<UnitRow> {
  return runMutation(ctx, { operation: 'registerSafeUnit', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const batch = await getBatch(tx, input.batchId);
    if (input.creditCode && !isValidCreditCode(input.creditCode)) throw CoreErrors.error('INPUT_INVALID', 'Not a valid unified social credit code.', { field: 'creditCode' });
    const [row] = await tx.db
      .insert(safeUnits)
      .values({ name: input.name, category: input.category, jurisdictionCode: input.jurisdictionCode, creditCode: input.creditCode ?? null, batchId: batch.id, createdBy: actorId(tx) })
      .onConflictDoNothing()
      .returning();
    if (!row) throw AssessmentErrors.error('CREDIT_CODE_TAKEN', undefined, { field: 'creditCode' });
    tx.audit({ entityType: 'SafeUnit', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    await appendHistory(tx, row, [
      {
        kind: 'registered',
        validOn: input.registeredOn ?? today(tx),
        refId: batch.id,
        summary: `Registered as ${row.category} unit in ${batch.name}.`,
        data: { batchId: batch.id, batchName: batch.name },
      },
    ]);
    return row;
  });
}

export async function listSafeUnits(ctx: Ctx, filter: { category?: Category | null; jurisdictionCode?: string | null; batchId?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, unitReads, {
    within: filter.jurisdictionCode,
    where: [filter.category ? eq(safeUnits.category, filter.category) : undefined, filter.batchId && isUuid(filter.batchId) ? eq(safeUnits.batchId, filter.batchId) : undefined],
    page: { args, keys: ['id'] },
  });
}

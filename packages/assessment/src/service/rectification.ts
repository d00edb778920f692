import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import {
  lockInScope,
  anyOf,
  assertVersion,
  CoreErrors,
  DomainError,
  inScope,
  loader,
  notFound,
  officialCalendar,
  relationPage,
  runMutation,
  type ConnectionArgs,
  type Ctx,
  type TxCtx,
  isUuid,
} from '@safecity/core';
import { AssessmentErrors } from '../errors.js';
import { investigationReads, orderReads, unitReads } from '../reads.js';
import { addDays, type IsoDate } from '../rules/dates.js';
import { movesToNextBatch } from '../rules/rectification.js';
import { addWorkingDays } from '../rules/working-days.js';
import { decideYellowCard } from '../rules/yellow-card.js';
import { creationBatches, type INVESTIGATION_OUTCOMES, investigations, majorEvents, rectificationOrders, safeUnits, unitBatchMoves, yellowCards } from '../tables.js';
import { actorId, appendHistory, today, unitEventBase, unitForWrite, type UnitRow } from './common.js';
import { getBatch, nextBatch, ruleSetInForce, type BatchRow } from './setup.js';

export type OrderRow = typeof rectificationOrders.$inferSelect;
export type CardRow = typeof yellowCards.$inferSelect;
export type InvestigationRow = typeof investigations.$inferSelect;

/** The calendar's refusal (a year not loaded) names the input that asked for the deadline. */
function naming<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'CORE_CALENDAR_NOT_LOADED') throw new DomainError(e.code, e.message, { field, details: e.details ?? undefined });
    throw e;
  }
}

async function createOrder(tx: TxCtx, unit: UnitRow, o: { items: string[]; issuedOn: IsoDate; deadline: IsoDate; yellowCardId?: string | null }) {
  const [row] = await tx.db
    .insert(rectificationOrders)
    .values({
      unitId: unit.id,
      jurisdictionCode: unit.jurisdictionCode,
      items: o.items,
      issuedOn: o.issuedOn,
      deadline: o.deadline,
      yellowCardId: o.yellowCardId ?? null,
      issuedBy: actorId(tx),
      recordedAt: tx.now(),
    })
    .returning();
  tx.audit({ entityType: 'RectificationOrder', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  await appendHistory(tx, unit, [
    { kind: 'rectification_ordered', validOn: row.issuedOn, refId: row.id, summary: `Rectification (限期整改) ordered by ${row.deadline}: ${row.items.join('; ')}.`, data: { deadline: row.deadline } },
  ]);
  return row;
}

/** A yellow card (黄牌警告) with its working-day rectification limit and, for a repeat, the rule set's escalation. */
export async function issueYellowCard(ctx: Ctx, input: { unitId: string; reason: string; issuedOn?: IsoDate | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'issueYellowCard', idempotencyKey, input }, async (tx) => issueCardIn(tx, input));
}

async function issueCardIn(tx: TxCtx, input: { unitId: string; reason: string; issuedOn?: IsoDate | null }) {
  const unit = await unitForWrite(tx, input.unitId);
  const issuedOn = input.issuedOn ?? today(tx);
  if (issuedOn > today(tx)) throw AssessmentErrors.error('DATE_IN_FUTURE', undefined, { field: 'issuedOn' });
  const ruleSet = await ruleSetInForce(tx, issuedOn);
  if (!ruleSet) throw AssessmentErrors.error('NO_RULE_SET_IN_FORCE', `No veto rule set is in force on ${issuedOn}.`, { field: 'issuedOn' });
  const earlier = await tx.db.select({ id: yellowCards.id, issuedOn: yellowCards.issuedOn }).from(yellowCards).where(eq(yellowCards.unitId, unit.id));
  const calendar = await officialCalendar(tx);
  const d = naming('issuedOn', () => decideYellowCard(calendar, ruleSet.yellowCardPolicy, issuedOn, earlier, ruleSet.version));
  const [card] = await tx.db
    .insert(yellowCards)
    .values({
      unitId: unit.id,
      jurisdictionCode: unit.jurisdictionCode,
      reason: input.reason,
      issuedOn,
      rectificationDeadline: d.rectificationDeadline,
      ruleSetVersion: ruleSet.version,
      repeatOfId: d.repeatOf,
      escalation: d.escalation,
      explanation: d.explanation,
      issuedBy: actorId(tx),
      recordedAt: tx.now(),
    })
    .returning();
  tx.audit({ entityType: 'YellowCard', entityId: card.id, jurisdictionCode: card.jurisdictionCode, after: card });
  await appendHistory(tx, unit, [
    {
      kind: 'yellow_card',
      validOn: issuedOn,
      refId: card.id,
      summary: `Yellow card: ${card.reason}. ${card.explanation}`,
      data: { escalation: card.escalation, repeatOfId: card.repeatOfId, deadline: card.rectificationDeadline },
    },
  ]);
  await createOrder(tx, unit, { items: [input.reason], issuedOn, deadline: d.rectificationDeadline, yellowCardId: card.id });
  return card;
}

export async function issueRectificationOrder(
  ctx: Ctx,
  input: { unitId: string; items: string[]; issuedOn?: IsoDate | null; deadline?: IsoDate | null; workingDays?: number | null },
  idempotencyKey?: string | null,
) {
  return runMutation(ctx, { operation: 'issueRectificationOrder', idempotencyKey, input }, async (tx) => {
    const unit = await unitForWrite(tx, input.unitId);
    const issuedOn = input.issuedOn ?? today(tx);
    if (issuedOn > today(tx)) throw AssessmentErrors.error('DATE_IN_FUTURE', undefined, { field: 'issuedOn' });
    const calendar = input.workingDays ? await officialCalendar(tx) : null;
    const deadline = input.deadline ?? (calendar && input.workingDays ? naming('workingDays', () => addWorkingDays(calendar, issuedOn, input.workingDays!)) : null);
    if (!deadline || deadline < issuedOn) throw AssessmentErrors.error('PERIOD_INVALID', 'Give a deadline on or after the issue day, or a number of working days.', { field: 'deadline' });
    return createOrder(tx, unit, { items: input.items, issuedOn, deadline });
  });
}

export async function completeRectification(ctx: Ctx, input: { orderId: string; version: number; completedOn?: IsoDate | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'completeRectification', idempotencyKey, input }, async (tx) => {
    const before = await lockInScope(tx, orderReads, input.orderId, 'rectification order');
    if (before.completedOn) throw AssessmentErrors.error('RECTIFICATION_ALREADY_COMPLETED', undefined, { field: 'orderId' });
    assertVersion(before.version, input.version, 'rectification order');
    const completedOn = input.completedOn ?? today(tx);
    if (completedOn > today(tx)) throw AssessmentErrors.error('DATE_IN_FUTURE', undefined, { field: 'completedOn' });
    const [after] = await tx.db
      .update(rectificationOrders)
      .set({ completedOn, completedBy: actorId(tx), version: before.version + 1 })
      .where(and(eq(rectificationOrders.id, before.id), eq(rectificationOrders.version, before.version)))
      .returning();
    tx.audit({ entityType: 'RectificationOrder', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before, after });
    const [unit] = await tx.db.select().from(safeUnits).where(eq(safeUnits.id, after.unitId));
    await appendHistory(tx, unit, [
      {
        kind: 'rectification_completed',
        validOn: completedOn,
        refId: after.id,
        summary: `Rectification completed on ${completedOn} (deadline ${after.deadline}).`,
        data: { deadline: after.deadline },
      },
    ]);
    return after;
  });
}

/**
 * The overdue rule applied: every incomplete order past its deadline that has not moved its
 * unit yet moves it into the next batch (a new fact) and emits rectificationOverdue. Run by the
 * scheduled job `assessment.settle-overdue` (one node at a time) and by `assessment:sweep`;
 * never by a read, so an answer does not depend on who read first and a read-only role writes nothing.
 */
export async function settleOverdueRectifications(ctx: Ctx, opts: { unitIds?: string[]; all?: boolean } = {}): Promise<number> {
  const day = today(ctx);
  if (!opts.all && !opts.unitIds?.length) return 0;
  const candidates = await ctx.db
    .select({ order: rectificationOrders })
    .from(rectificationOrders)
    .leftJoin(unitBatchMoves, eq(unitBatchMoves.orderId, rectificationOrders.id))
    .where(
      and(
        isNull(rectificationOrders.completedOn),
        lt(rectificationOrders.deadline, day),
        isNull(unitBatchMoves.id),
        opts.all ? undefined : anyOf(rectificationOrders.unitId, opts.unitIds!.filter(isUuid)),
      ),
    )
    .orderBy(asc(rectificationOrders.deadline));
  const due = candidates.map((c) => c.order).filter((o) => movesToNextBatch(o, day));
  if (due.length === 0) return 0;
  // Recorded by the system, not by whoever happened to read: the rule decided it.
  return runMutation({ ...ctx, actor: null }, { operation: 'settleOverdueRectifications', system: true }, async (tx) => {
    let moved = 0;
    for (const order of due) {
      const [already] = await tx.db.select({ id: unitBatchMoves.id }).from(unitBatchMoves).where(eq(unitBatchMoves.orderId, order.id));
      if (already) continue;
      const [unit] = await tx.db.select().from(safeUnits).where(eq(safeUnits.id, order.unitId)).for('update');
      const from = await getBatch(tx, unit.batchId);
      const to = await nextBatch(tx, from);
      const movedOn = addDays(order.deadline, 1);
      const reason = `Rectification order ${order.id} was not completed by ${order.deadline}: moved from ${from.name} to ${to.name}.`;
      const [move] = await tx.db
        .insert(unitBatchMoves)
        .values({ unitId: unit.id, orderId: order.id, fromBatchId: from.id, toBatchId: to.id, movedOn, reason, recordedBy: actorId(tx), recordedAt: tx.now() })
        .onConflictDoNothing()
        .returning();
      if (!move) continue;
      const [after] = await tx.db
        .update(safeUnits)
        .set({ batchId: to.id, version: unit.version + 1 })
        .where(eq(safeUnits.id, unit.id))
        .returning();
      tx.audit({ entityType: 'SafeUnit', entityId: unit.id, jurisdictionCode: unit.jurisdictionCode, before: unit, after });
      await appendHistory(tx, unit, [{ kind: 'batch_moved', validOn: movedOn, refId: move.id, summary: reason, data: { orderId: order.id, fromBatchId: from.id, toBatchId: to.id } }]);
      await tx.emit('rectificationOverdue', { orderId: order.id, ...unitEventBase(unit), deadline: order.deadline });
      moved++;
    }
    return moved;
  });
}

/** A page of the rectificationOrders of each unit, newest first, inside the caller's jurisdiction (one statement per page of units). */
export function orderPagesOfUnit(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<OrderRow>(ctx, 'assessment.rectificationOrdersOfUnit', unitReads.relations!.rectificationOrders!, args, 'rectificationOrders');
}

/** A page of the yellowCards of each unit, newest first, inside the caller's jurisdiction (one statement per page of units). */
export function cardPagesOfUnit(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<CardRow>(ctx, 'assessment.yellowCardsOfUnit', unitReads.relations!.yellowCards!, args, 'yellowCards');
}

// ---- responsibility investigations (责任查究) ----

export type InvestigationOutcome = (typeof INVESTIGATION_OUTCOMES)[number];

export async function openInvestigation(ctx: Ctx, input: { unitId: string; subject: string; eventId?: string | null; openedOn?: IsoDate | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'openInvestigation', idempotencyKey, input }, async (tx) => {
    const unit = await unitForWrite(tx, input.unitId);
    const openedOn = input.openedOn ?? today(tx);
    // The event investigated must be a major event the caller can see (not any string, not NULL by accident).
    let eventId: string | null = null;
    if (input.eventId != null) {
      if (!isUuid(input.eventId)) throw CoreErrors.error('ID_MALFORMED', 'Expected the id of a MajorEvent.', { field: 'eventId' });
      const [event] = await tx.db
        .select({ id: majorEvents.id })
        .from(majorEvents)
        .where(and(eq(majorEvents.id, input.eventId), inScope(tx, majorEvents.jurisdictionCode)));
      if (!event) throw CoreErrors.error('NOT_FOUND', 'No such major event in your jurisdiction.', { field: 'eventId' });
      eventId = event.id;
    }
    const [row] = await tx.db
      .insert(investigations)
      .values({ unitId: unit.id, jurisdictionCode: unit.jurisdictionCode, subject: input.subject, eventId, openedOn, recordedBy: actorId(tx), recordedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'Investigation', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    await appendHistory(tx, unit, [{ kind: 'investigation', validOn: openedOn, refId: row.id, summary: `Responsibility investigation opened: ${row.subject}.`, data: { stage: 'opened' } }]);
    return row;
  });
}

/** The outcome of an investigation; a yellow-card outcome issues the card under the rule set in force. */
export async function concludeInvestigation(ctx: Ctx, input: { investigationId: string; version: number; outcome: InvestigationOutcome; note?: string | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'concludeInvestigation', idempotencyKey, input }, async (tx) => {
    const before = await lockInScope(tx, investigationReads, input.investigationId, 'investigation');
    if (before.outcome) throw AssessmentErrors.error('INVESTIGATION_ALREADY_CONCLUDED', undefined, { field: 'investigationId' });
    assertVersion(before.version, input.version, 'investigation');
    const [after] = await tx.db
      .update(investigations)
      .set({ outcome: input.outcome, outcomeNote: input.note ?? null, concludedOn: today(tx), version: before.version + 1 })
      .where(eq(investigations.id, before.id))
      .returning();
    tx.audit({ entityType: 'Investigation', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before, after });
    const [unit] = await tx.db.select().from(safeUnits).where(eq(safeUnits.id, after.unitId!));
    await appendHistory(tx, unit, [
      {
        kind: 'investigation',
        validOn: after.concludedOn!,
        refId: after.id,
        summary: `Responsibility investigation concluded: ${after.outcome}${after.outcomeNote ? ` (${after.outcomeNote})` : ''}.`,
        data: { stage: 'concluded', outcome: after.outcome },
      },
    ]);
    if (input.outcome === 'yellow_card') await issueCardIn(tx, { unitId: unit.id, reason: `Investigation outcome: ${before.subject}` });
    return after;
  });
}

/** A page of the investigations of each unit, newest first, inside the caller's jurisdiction (one statement per page of units). */
export function investigationPagesOfUnit(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<InvestigationRow>(ctx, 'assessment.investigationsOfUnit', unitReads.relations!.investigations!, args, 'investigations');
}

/**
 * The unit's current batch as recorded. Reads never write: the overdue rule moves units in the
 * `assessment.settle-overdue` job (and `assessment:sweep`), not on whoever reads first.
 */
export function currentBatchLoader(ctx: Ctx) {
  return loader<string, BatchRow>(ctx, 'assessment.currentBatch', async (unitIds) => {
    const units = await ctx.db
      .select({ id: safeUnits.id, batchId: safeUnits.batchId })
      .from(safeUnits)
      .where(anyOf(safeUnits.id, [...unitIds]));
    const batchIds = [...new Set(units.map((u) => u.batchId))];
    const batches = batchIds.length ? await ctx.db.select().from(creationBatches).where(anyOf(creationBatches.id, batchIds)) : [];
    const byId = new Map(batches.map((b) => [b.id, b]));
    const byUnit = new Map(units.map((u) => [u.id, byId.get(u.batchId)!]));
    return unitIds.map((id) => byUnit.get(id) ?? notFound('creation batch'));
  });
}

import { and, eq, isNull } from 'drizzle-orm';
import { anyOf, indexBy, loader, lockInScope, relationPage, runMutation, scopedRead, type ConnectionArgs, type Ctx, type Page } from '@safecity/core';
import { entryReads, entryRepairs, repairReads } from '../reads.js';
import { CreditErrors } from '../errors.js';
import { isSelfDecision, repairRefusal, type ListType, type ReasonCategory, type RepairCondition } from '../rules.js';
import { creditListDecisions, creditListEntries, creditRepairRequests, type DecisionRow, type RepairRow } from '../tables.js';
import { lockEntry, statusFromDecisions } from './entries.js';
import { today } from './subjects.js';

export type RepairView = RepairRow & { decision: DecisionRow | null };

/** A page of the repair requests of each entry, oldest first, inside the caller's jurisdiction, each with its decision. */
export async function repairPageOfEntry(ctx: Ctx, entryId: string, args: ConnectionArgs): Promise<Page<RepairView>> {
  const page = await relationPage<RepairRow>(ctx, 'credit.repairsByEntry', entryRepairs, args, 'repairRequests').load(entryId);
  const decisions = await decisionOfRepairLoader(ctx).loadMany(page.edges.map((e) => e.node.id));
  return {
    ...page,
    edges: page.edges.map((e, i) => {
      const decision = decisions[i];
      if (decision instanceof Error) throw decision;
      return { cursor: e.cursor, node: { ...e.node, decision: decision ?? null } };
    }),
  };
}

/** The decision on each repair request (at most one: a unique index), in scope through its entry. */
function decisionOfRepairLoader(ctx: Ctx) {
  return loader<string, DecisionRow | null>(ctx, 'credit.decisionOfRepair', async (ids) => {
    const rows = await scopedRead(ctx, entryReads, {
      where: [anyOf(creditListDecisions.repairRequestId, [...ids])],
      from: async (where) =>
        (await ctx.db.select({ d: creditListDecisions }).from(creditListDecisions).innerJoin(creditListEntries, eq(creditListEntries.id, creditListDecisions.entryId)).where(where)).map((r) => r.d),
    });
    return indexBy(ids, rows, (r) => r.repairRequestId!);
  });
}

export interface RepairInput {
  entryId: string;
  statement: string;
  conditions: { condition: RepairCondition; evidence: string }[];
}

/** Files a credit-repair request (信用修复申请): only for an active black entry, after its minimum term, with the conditions shown. */
export async function requestCreditRepair(ctx: Ctx, input: RepairInput, idempotencyKey?: string | null): Promise<RepairView> {
  return runMutation(ctx, { operation: 'requestCreditRepair', idempotencyKey, input }, async (tx) => {
    const { entry, decisions } = await lockEntry(tx, input.entryId);
    const day = today(tx);
    const refusal = repairRefusal(
      { listType: entry.listType as ListType, status: statusFromDecisions(entry, decisions, day), startDate: entry.startDate, reasonCategory: entry.reasonCategory as ReasonCategory },
      input.conditions.map((c) => c.condition),
      day,
    );
    if (refusal)
      throw CreditErrors.error(refusal.code, refusal.message, {
        field: refusal.code === 'REPAIR_CONDITIONS_UNMET' ? 'conditions' : 'entryId',
        details: refusal.missing ? { missing: refusal.missing } : undefined,
      });
    const [open] = await tx.db
      .select({ id: creditRepairRequests.id })
      .from(creditRepairRequests)
      .leftJoin(creditListDecisions, eq(creditListDecisions.repairRequestId, creditRepairRequests.id))
      .where(and(eq(creditRepairRequests.entryId, entry.id), isNull(creditListDecisions.id)))
      .limit(1);
    if (open) throw CreditErrors.error('REPAIR_PENDING_EXISTS', undefined, { field: 'entryId' });
    const [row] = await tx.db
      .insert(creditRepairRequests)
      .values({ entryId: entry.id, jurisdictionCode: entry.jurisdictionCode, statement: input.statement, conditions: input.conditions, requestedBy: tx.actor!.id, requestedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'CreditRepairRequest', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return { ...row, decision: null };
  });
}

/** Approving a repair lifts the entry from today (a new decision row; the entry and its reason stay as they were). */
export async function decideCreditRepair(ctx: Ctx, input: { requestId: string; approve: boolean; reason: string }, idempotencyKey?: string | null): Promise<RepairView> {
  return runMutation(ctx, { operation: 'decideCreditRepair', idempotencyKey, input }, async (tx) => {
    const request = await lockInScope(tx, repairReads, input.requestId, 'repair request');
    const { entry, decisions } = await lockEntry(tx, request.entryId);
    if (decisions.some((d) => d.repairRequestId === request.id)) throw CreditErrors.error('ALREADY_DECIDED', undefined, { field: 'requestId' });
    if (isSelfDecision(request.requestedBy, tx.actor!.id)) throw CreditErrors.error('SELF_DECISION_FORBIDDEN', undefined, { field: 'requestId' });
    const day = today(tx);
    if (input.approve && statusFromDecisions(entry, decisions, day) !== 'active') {
      throw CreditErrors.error('REPAIR_NOT_ALLOWED', 'The entry is no longer active.', { field: 'requestId' });
    }
    const [d] = await tx.db
      .insert(creditListDecisions)
      .values({
        entryId: entry.id,
        repairRequestId: request.id,
        action: input.approve ? 'lift' : 'reject_repair',
        reason: input.reason,
        effectiveDate: day,
        decidedBy: tx.actor!.id,
        decidedAt: tx.now(),
      })
      .returning();
    tx.audit({ entityType: 'CreditRepairRequest', entityId: request.id, jurisdictionCode: request.jurisdictionCode, after: { decision: d } });
    if (input.approve) tx.audit({ entityType: 'CreditListEntry', entityId: entry.id, jurisdictionCode: entry.jurisdictionCode, before: { decisions }, after: { lifted: d } });
    return { ...request, decision: d };
  });
}

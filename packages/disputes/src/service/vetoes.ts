import { eq } from 'drizzle-orm';
import { assertVersion, lockInScope, requireWritableJurisdiction, isWithin, runMutation, scopedRead, type ConnectionArgs, type Ctx } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { proposalReads } from '../reads.js';
import { mayProposeVeto } from '../rules/levels.js';
import type { OrganisationKind } from '../rules/vocabulary.js';
import { vetoProposals, type ProposalRow } from '../tables.js';
import { actorId, lockDispute, organisationLoader, today } from './common.js';

/**
 * A mediation centre proposes a comprehensive-governance veto (综治否决建议权) against a unit,
 * e.g. one whose conduct caused a dispute it would not settle. Assessment hears of it through
 * the `vetoProposed` event in this transaction; an assessor decides (decideVetoProposal).
 */
export async function proposeVeto(
  ctx: Ctx,
  input: { organisationId: string; disputeId?: string | null; unit: { creditCode?: string | null; name?: string | null }; reason: string },
  idempotencyKey?: string | null,
): Promise<ProposalRow> {
  return runMutation(ctx, { operation: 'proposeVeto', idempotencyKey, input }, async (tx) => {
    const org = await organisationLoader(tx).load(input.organisationId);
    await requireWritableJurisdiction(tx, org.jurisdictionCode);
    if (!mayProposeVeto(org.kind as OrganisationKind)) throw DisputesErrors.error('NOT_A_CENTRE', undefined, { field: 'organisationId' });
    const unitName = input.unit.name?.trim() || null;
    const unitCreditCode = input.unit.creditCode?.toUpperCase() || null;
    if (!unitName && !unitCreditCode) throw DisputesErrors.error('UNIT_REQUIRED', undefined, { field: 'unit' });
    let code = org.jurisdictionCode;
    if (input.disputeId) {
      const d = await lockDispute(tx, input.disputeId);
      if (!isWithin(d.jurisdictionCode, org.jurisdictionCode)) throw DisputesErrors.error('ORGANISATION_NOT_COVERING', undefined, { field: 'disputeId' });
      code = d.jurisdictionCode;
    }
    const [row] = await tx.db
      .insert(vetoProposals)
      .values({ organisationId: org.id, disputeId: input.disputeId ?? null, jurisdictionCode: code, unitName, unitCreditCode, reason: input.reason, proposedBy: actorId(tx), proposedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'VetoProposal', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    await tx.emit('vetoProposed', {
      proposalId: row.id,
      jurisdictionCode: row.jurisdictionCode,
      unit: { creditCode: unitCreditCode, name: unitName },
      organisationName: org.name,
      disputeId: row.disputeId,
      reason: row.reason,
      proposedOn: today(tx),
    });
    return row;
  });
}

/** The assessor's decision on a proposal: accepted or rejected with a reason, never by the proposer. */
export async function decideVetoProposal(ctx: Ctx, input: { proposalId: string; accept: boolean; reason: string; version?: number | null }, idempotencyKey?: string | null): Promise<ProposalRow> {
  return runMutation(ctx, { operation: 'decideVetoProposal', idempotencyKey, input }, async (tx) => {
    const before = await lockInScope(tx, proposalReads, input.proposalId, 'veto proposal');
    assertVersion(before.version, input.version, 'veto proposal');
    if (before.status !== 'pending') throw DisputesErrors.error('PROPOSAL_DECIDED', undefined, { field: 'proposalId' });
    if (before.proposedBy === actorId(tx)) throw DisputesErrors.error('OWN_PROPOSAL', undefined, { field: 'proposalId' });
    const [after] = await tx.db
      .update(vetoProposals)
      .set({ status: input.accept ? 'accepted' : 'rejected', decidedBy: actorId(tx), decidedAt: tx.now(), decisionReason: input.reason, version: before.version + 1 })
      .where(eq(vetoProposals.id, before.id))
      .returning();
    tx.audit({ entityType: 'VetoProposal', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before, after });
    return after;
  });
}

export function listVetoProposals(ctx: Ctx, f: { status?: 'pending' | 'accepted' | 'rejected' | null; jurisdictionCode?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, proposalReads, {
    within: f.jurisdictionCode,
    where: [f.status ? eq(vetoProposals.status, f.status) : undefined],
    page: { args, direction: 'desc', keys: ['proposedAt', 'id'] },
  });
}

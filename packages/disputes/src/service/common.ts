import { lte } from 'drizzle-orm';
import { anyOf, groupBy, indexBy, loader, lockInScope, notFound, relationPage, scopedRead, type ConnectionArgs, type Ctx, isUuid, chinaDateOf } from '@safecity/core';
import { disputeReads, partyReads, proposalReads, roundReads } from '../reads.js';
import { MAX_PARTIES } from '../rules/vocabulary.js';
import {
  disputeParties,
  disputes,
  mediationOrganisations,
  screeningRounds,
  vetoProposals,
  type DisputeRow,
  type OrganisationRow,
  type PartyRow,
  type ProposalRow,
  type RoundRow,
  type StepRow,
} from '../tables.js';

/** Ids that can be UUIDs (a malformed id matches nothing instead of becoming a SQL error). */
const uuids = (ids: readonly string[]) => {
  const ok = ids.filter(isUuid);
  return ok.length ? ok : ['00000000-0000-0000-0000-000000000000'];
};

/** Today in the city (Asia/Shanghai, no daylight saving), from the request clock. */
export const today = (ctx: Ctx) => chinaDateOf(ctx.now());
export const actorId = (ctx: Ctx) => ctx.actor?.id ?? 'system';

// Loaders: one statement per nesting level, each filtered by the caller's jurisdiction.

export function disputeLoader(ctx: Ctx) {
  return loader<string, DisputeRow>(ctx, 'disputes.dispute', async (ids) => {
    const rows = await scopedRead(ctx, disputeReads, { where: [anyOf(disputes.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('dispute'));
  });
}

/**
 * Organisations a caller can see: those inside their subtree, and those above it on their own
 * branch (a community worker sees the town centre their disputes went to).
 */
export function organisationLoader(ctx: Ctx) {
  return loader<string, OrganisationRow>(ctx, 'disputes.organisation', async (ids) => {
    const rows = await ctx.db
      .select()
      .from(mediationOrganisations)
      .where(anyOf(mediationOrganisations.id, uuids(ids)));
    const scope = ctx.actor?.jurisdictionCode ?? '';
    const visible = rows.filter((o) => visibleOrganisation(o.jurisdictionCode, scope));
    return indexBy(ids, visible, (r) => r.id).map((r) => r ?? notFound('mediation organisation'));
  });
}

/** Inside the caller's subtree, or one of its ancestors (same branch). */
export function visibleOrganisation(orgCode: string, scope: string): boolean {
  const prefix = (c: string) => (c.length === 6 && c.endsWith('0000') ? c.slice(0, 2) : c.length === 6 && c.endsWith('00') ? c.slice(0, 4) : c);
  return orgCode.startsWith(prefix(scope)) || scope.startsWith(prefix(orgCode));
}

export function roundLoader(ctx: Ctx) {
  return loader<string, RoundRow>(ctx, 'disputes.round', async (ids) => {
    const rows = await scopedRead(ctx, roundReads, { where: [anyOf(screeningRounds.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('screening round'));
  });
}

export function proposalLoader(ctx: Ctx) {
  return loader<string, ProposalRow>(ctx, 'disputes.proposal', async (ids) => {
    const rows = await scopedRead(ctx, proposalReads, { where: [anyOf(vetoProposals.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('veto proposal'));
  });
}

export function partiesLoader(ctx: Ctx) {
  return loader<string, PartyRow[]>(ctx, 'disputes.parties', async (ids) => {
    // Registration numbers the parties 1..n with n at most MAX_PARTIES: the bound holds per dispute in one statement.
    const rows = await scopedRead(ctx, partyReads, {
      where: [anyOf(disputeParties.disputeId, uuids(ids)), lte(disputeParties.seq, MAX_PARTIES)],
      orderBy: [disputeParties.disputeId, disputeParties.seq],
    });
    return groupBy(ids, rows, (r) => r.disputeId);
  });
}

/** A page of the handling steps of each dispute, in recording order, inside the caller's jurisdiction (one statement per page of disputes). */
export function stepPages(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<StepRow>(ctx, 'disputes.steps', disputeReads.relations!.steps!, args, 'steps');
}

/** Locks a dispute in the caller's subtree for a write, or NOT_FOUND. */
export function lockDispute(ctx: Ctx, id: string): Promise<DisputeRow> {
  return lockInScope(ctx, disputeReads, id, 'dispute');
}

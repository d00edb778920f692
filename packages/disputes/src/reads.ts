import { scopedTables } from '@safecity/core';
import { disputeParties, disputes, disputeSteps, mediationOrganisations, screeningRounds, vetoProposals } from './tables.js';

/**
 * Disputes' declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * scopes every read by; services give only their own conditions.
 */
export const { disputeReads, partyReads, stepReads, organisationReads, roundReads, proposalReads } = scopedTables({
  disputeReads: disputes,
  partyReads: disputeParties,
  stepReads: disputeSteps,
  organisationReads: mediationOrganisations,
  roundReads: screeningRounds,
  proposalReads: vetoProposals,
});

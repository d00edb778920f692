import { scopedTables, type ScopedTable } from '@safecity/core';
import { disputeParties, disputes, disputeSteps, mediationOrganisations, screeningRounds, vetoProposals } from './tables.js';

/**
 * Disputes' declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * scopes every read by; services give only their own conditions.
 */
export const { partyReads, stepReads, organisationReads, roundReads, proposalReads } = scopedTables({
  partyReads: disputeParties,
  stepReads: disputeSteps,
  organisationReads: mediationOrganisations,
  roundReads: screeningRounds,
  proposalReads: vetoProposals,
});

export const disputeReads: ScopedTable<typeof disputes> = {
  table: disputes,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // The handling history grows with every step: pages in recording order (seq is unique).
    steps: { target: () => stepReads, kind: 'connection', on: [['id', 'disputeId']], orderBy: ['seq'] },
  },
};

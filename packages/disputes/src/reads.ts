import type { ScopedTable } from '@safecity/core';
import { disputeParties, disputes, disputeSteps, mediationOrganisations, screeningRounds, vetoProposals } from './tables.js';

/**
 * Disputes' declared reads: each table and its jurisdiction column, named once. Core's
 * `scopedRead` applies the caller's jurisdiction from these; services give only their own
 * conditions.
 */
export const disputeReads: ScopedTable<typeof disputes> = { table: disputes, jurisdiction: 'jurisdictionCode' };
export const partyReads: ScopedTable<typeof disputeParties> = { table: disputeParties, jurisdiction: 'jurisdictionCode' };
export const stepReads: ScopedTable<typeof disputeSteps> = { table: disputeSteps, jurisdiction: 'jurisdictionCode' };
export const organisationReads: ScopedTable<typeof mediationOrganisations> = { table: mediationOrganisations, jurisdiction: 'jurisdictionCode' };
export const roundReads: ScopedTable<typeof screeningRounds> = { table: screeningRounds, jurisdiction: 'jurisdictionCode' };
export const proposalReads: ScopedTable<typeof vetoProposals> = { table: vetoProposals, jurisdiction: 'jurisdictionCode' };

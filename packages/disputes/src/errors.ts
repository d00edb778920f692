import { defineErrors } from '@safecity/core';

/** The disputes module's closed set of expected failures. */
export const DisputesErrors = defineErrors('DISPUTES', {
  JURISDICTION_LEVEL: 'Disputes are registered in a community or a grid (12- or 15-digit code).',
  PARTY_REQUIRED: 'A dispute names at least one party.',
  PARTY_INVALID: 'A party is either a person on the register (personId) or someone named with a role, not both and not neither.',
  DATE_IN_FUTURE: 'The date lies in the future.',
  DATE_BEFORE_REGISTRATION: 'The date lies before the dispute was registered.',
  ORGANISATION_EXISTS: 'A mediation organisation with this name already exists in this jurisdiction.',
  ORGANISATION_LEVEL: 'This kind of mediation organisation sits at another level of the jurisdiction tree.',
  ORGANISATION_NOT_COVERING: 'The mediation organisation does not cover the dispute’s jurisdiction at its current handling level.',
  NOT_ROUTED: 'The dispute has not been routed to a mediation organisation yet.',
  CLOSED: 'The dispute is closed (resolved, failed at the top level, or turned into a mass incident).',
  NOT_RESOLVED: 'Follow-up visits are recorded for resolved disputes only.',
  NO_HIGHER_LEVEL: 'The dispute is already handled at the city level; it cannot be escalated further.',
  MASS_INCIDENT_RECORDED: 'A mass incident is already recorded for this dispute.',
  SCREENING_ROUND_UNKNOWN: 'No screening round with this id covers the dispute’s jurisdiction.',
  SCREENING_ROUND_DATES: 'A screening round ends on or after its start and not in the future.',
  PERIOD_INVALID: 'A period is YYYY, YYYY-Qn or YYYY-MM.',
  NOT_A_CENTRE: 'Only a town/sub-district or district mediation centre may propose a comprehensive-governance veto.',
  PROPOSAL_DECIDED: 'The veto proposal has already been decided.',
  OWN_PROPOSAL: 'A veto proposal is decided by someone other than its proposer.',
  UNIT_REQUIRED: 'Name the unit by credit code or name.',
});

export type DisputesErrorKey = keyof typeof DisputesErrors.codes;

import { defineErrors } from '@safecity/core';

export const CreditErrors = defineErrors('CREDIT', {
  SUBJECT_EXISTS: 'A subject with this credit code is already on file.',
  SUBJECT_UNKNOWN: 'No subject with this credit code in your jurisdiction.',
  DATES_INVALID: 'The end date must be after the start date.',
  ENTRY_OPEN_EXISTS: 'The subject already has a pending or active entry on this list.',
  SELF_DECISION_FORBIDDEN: 'The proposer of an entry or requester of a repair may not decide it.',
  ALREADY_DECIDED: 'This proposal or request was already decided.',
  REPAIR_NOT_ALLOWED: 'Only an active black-list entry can be repaired.',
  REPAIR_TOO_EARLY: 'The entry has not been in force long enough to be repaired.',
  REPAIR_CONDITIONS_UNMET: 'Not all repair conditions are shown as met.',
  REPAIR_PENDING_EXISTS: 'A repair request for this entry is still undecided.',
  TOO_MANY_CODES: 'At most 1000 credit codes per standing check.',
});

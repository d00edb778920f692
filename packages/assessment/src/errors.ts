import { defineErrors } from '@safecity/core';

export const AssessmentErrors = defineErrors('ASSESSMENT', {
  STANDARD_INVALID: 'The standard is not valid.',
  RULE_SET_INVALID: 'The veto rule set is not valid.',
  WEIGHTS_INVALID: 'The three-in-one weights are not valid.',
  NO_STANDARD_IN_FORCE: 'No standard of this category is in force for the period.',
  NO_RULE_SET_IN_FORCE: 'No veto rule set is in force for the period.',
  PERIOD_INVALID: 'The period must start on or before its end.',
  ITEM_SCORES_INVALID: 'The item scores do not fit the standard.',
  ALREADY_ASSESSED: 'The unit already has an assessment for this period; correct it instead.',
  CORRECTION_REASON_REQUIRED: 'A correction needs a reason.',
  NOT_LATEST_VERSION: 'Only the latest version of an assessment can be corrected.',
  CREDIT_CODE_TAKEN: 'Another unit already has this unified social credit code.',
  RECTIFICATION_ALREADY_COMPLETED: 'The rectification order is already completed.',
  INVESTIGATION_ALREADY_CONCLUDED: 'The investigation already has an outcome.',
  BATCH_EXISTS: 'The project already has a batch with this number.',
  DATE_IN_FUTURE: 'The date lies in the future.',
  RULE_SET_RETROACTIVE_UNFLAGGED: 'The rule set takes effect before today over days an earlier set governed: publish it as retroactive, with a reason.',
  RETROACTIVE_REASON_REQUIRED: 'A retroactive rule set needs a reason.',
  RULE_SET_NOT_PENDING: 'Only a retroactive rule set awaiting approval can be decided.',
  RULE_SET_SELF_APPROVAL: 'The officer who published a retroactive rule set may not decide it.',
});

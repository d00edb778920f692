import { idOfType, z, type Builder, requiredText, describedValues as described } from '@safecity/core';
import { REPAIR_CONDITIONS } from '../rules.js';
import { decideCreditRepair, requestCreditRepair } from '../service/repair.js';
import { DATA, DETAILS, entryId, IDEMPOTENCY, type Refs } from './refs.js';

const REPAIR_STATUSES = ['pending', 'approved', 'rejected'] as const;

const REPAIR_CONDITION_TEXT: Record<(typeof REPAIR_CONDITIONS)[number], string> = {
  rectification_completed: 'The problem was rectified (整改完成); required for every repair.',
  penalty_fulfilled: 'The penalty was fulfilled (履行处罚决定); required except after a safe-unit veto (rule set 2024.1).',
  credit_commitment_signed: 'A credit commitment was signed (签署信用承诺书); required for every repair.',
  credit_training_completed: 'Credit training was attended (参加信用修复培训); never required.',
  reassessment_passed: 'A new safe-unit assessment was passed (重新考核通过); required after a safe-unit veto.',
};
const REPAIR_STATUS_TEXT: Record<(typeof REPAIR_STATUSES)[number], string> = {
  pending: 'Not decided yet.',
  approved: 'Approved: the entry was lifted.',
  rejected: 'Refused: the entry stays in force.',
};

/** Credit repair (信用修复): requests and their decisions. */
export function registerRepairSchema(builder: Builder, refs: Refs) {
  const { Decision, RepairRequest } = refs;
  const ConditionEnum = builder.enumType('CreditRepairCondition', {
    values: described(REPAIR_CONDITIONS, REPAIR_CONDITION_TEXT),
    description: 'A condition of credit repair (信用修复条件) the requester shows as met, with evidence.',
  });
  const RepairStatusEnum = builder.enumType('CreditRepairStatus', { values: described(REPAIR_STATUSES, REPAIR_STATUS_TEXT), description: 'Where a credit-repair request stands, from its decision.' });

  const ConditionShown = builder.objectRef<{ condition: string; evidence: string }>('CreditRepairConditionShown').implement({
    description: 'A repair condition the requester showed as met, with its evidence.',
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, description: 'The condition shown as met.', resolve: (c) => c.condition as (typeof REPAIR_CONDITIONS)[number] }),
      evidence: t.exposeString('evidence', { description: 'The evidence offered for it, as written by the requester (up to 500 characters).' }),
    }),
  });

  RepairRequest.implement({
    description: 'A credit-repair request (信用修复申请).',
    fields: (t) => ({
      id: t.globalID({ description: "The request's global id: pass it to decideCreditRepair(requestId:).", resolve: (r) => ({ type: 'CreditRepairRequest', id: r.id }) }),
      status: t.field({
        type: RepairStatusEnum,
        description: 'Pending until decided, then approved (the entry was lifted) or rejected.',
        resolve: (r) => (!r.decision ? 'pending' : r.decision.action === 'lift' ? 'approved' : 'rejected'),
      }),
      statement: t.exposeString('statement', { description: "The subject's statement in support of the repair (up to 2,000 characters)." }),
      conditions: t.field({
        type: [ConditionShown],
        authScopes: DETAILS,
        description: 'The conditions shown as met, with evidence. Not public: needs credit:details.read.',
        resolve: (r) => r.conditions,
      }),
      requestedBy: t.exposeString('requestedBy', { description: 'The user id of whoever filed the request.' }),
      requestedAt: t.field({ type: 'DateTime', description: 'When the request was filed.', resolve: (r) => r.requestedAt }),
      decision: t.field({ type: Decision, nullable: true, description: 'The decision on the request (lift or reject_repair); null while it is pending.', resolve: (r) => r.decision }),
    }),
  });

  const RepairConditionInput = builder.inputType('CreditRepairConditionInput', {
    description: 'A repair condition shown as met, with its evidence.',
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, required: true, description: 'The condition shown as met.' }),
      evidence: t.string({ required: true, validate: requiredText(500), description: 'The evidence for it: a document number, a reference or a short text (up to 500 characters).' }),
    }),
  });

  builder.mutationFields((t) => ({
    requestCreditRepair: t.field({
      type: RepairRequest,
      errors: DATA('The request filed, pending until decided.'),
      description:
        'Files a credit-repair request (信用修复) for an active black-list entry, once it has been in force long enough (180 days in rule set 2024.1), with every required condition shown. Errors: CREDIT_REPAIR_NOT_ALLOWED, CREDIT_REPAIR_TOO_EARLY, CREDIT_REPAIR_CONDITIONS_UNMET, CREDIT_REPAIR_PENDING_EXISTS.',
      authScopes: { permission: 'credit:repair.request' },
      args: {
        entryId: t.arg.globalID({ required: true, description: 'The global id of the active black-list CreditListEntry to repair.' }),
        statement: t.arg.string({ required: true, validate: requiredText(2000), description: "The subject's statement in support of the repair (up to 2,000 characters)." }),
        conditions: t.arg({
          type: [RepairConditionInput],
          required: true,
          validate: z.array(z.any()).max(20),
          description: "The conditions shown as met, with evidence (at most 20); every condition the entry's reason requires must be among them.",
        }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, entryId: id, ...input }, ctx) => requestCreditRepair(ctx, { ...input, entryId: entryId(id) }, idempotencyKey),
    }),
    decideCreditRepair: t.field({
      type: RepairRequest,
      errors: DATA('The request with its decision.'),
      description:
        'Decides a credit-repair request; approving lifts the entry from today; the entry, its reason and every decision stay in the history. The requester may not decide their own. Errors: CREDIT_ALREADY_DECIDED, CREDIT_SELF_DECISION_FORBIDDEN, CREDIT_REPAIR_NOT_ALLOWED.',
      authScopes: { permission: 'credit:list.decide' },
      args: {
        requestId: t.arg.globalID({ required: true, description: 'The global id of the CreditRepairRequest to decide.' }),
        approve: t.arg.boolean({ required: true, description: 'True lifts the entry from today (it must still be active), false refuses the repair.' }),
        reason: t.arg.string({ required: true, validate: requiredText(500), description: 'The reason for the decision (up to 500 characters).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, requestId, ...input }, ctx) => {
        return decideCreditRepair(ctx, { ...input, requestId: idOfType(requestId, 'CreditRepairRequest', 'requestId') }, idempotencyKey);
      },
    }),
  }));
}

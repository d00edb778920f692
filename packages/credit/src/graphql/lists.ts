import { plannedOr, z, type Builder, requiredText, connectionOf, describedValues as described } from '@safecity/core';
import { ENTRY_STATUSES, LIST_TYPES, REASON_CATEGORIES, type EntryStatus, type ListType, type ReasonCategory } from '../rules.js';
import { decideListProposal, decisionPagesOfEntry, listEntries, proposeListEntry, publishedEntries, type EntryView } from '../service/entries.js';
import { proposeEligibleRedListEntries } from '../service/records.js';
import { repairPageOfEntry } from '../service/repair.js';
import { publishedSubjectLoader, subjectLoader } from '../service/subjects.js';
import { DATA, DETAILS, entryId, IDEMPOTENCY, type Refs } from './refs.js';

const DECISION_ACTIONS = ['approve', 'reject', 'lift', 'reject_repair'] as const;

const LIST_TYPE_TEXT: Record<ListType, string> = {
  red: 'Red list (红名单): rewarded for keeping faith (守信激励).',
  black: 'Black list (黑名单): punished for breaking faith (失信惩戒).',
};
const ENTRY_STATUS_TEXT: Record<EntryStatus, string> = {
  pending: 'Proposed and not yet decided, or approved with a start date still to come.',
  active: 'Approved, started, not ended and not lifted: the entry is in force.',
  expired: 'Its end date has been reached.',
  lifted: 'Lifted by an approved credit repair (信用修复).',
  rejected: 'The proposal was rejected; it never took effect.',
};
const REASON_CATEGORY_TEXT: Record<ReasonCategory, string> = {
  safe_unit_veto: 'Black list: a safe-unit veto (平安创建一票否决); a rule proposal runs 3 years.',
  severe_violation: 'Black list: a severe violation (严重违法失信); a rule proposal runs 3 years.',
  administrative_penalty: 'Black list: a severe administrative penalty (行政处罚); a rule proposal runs 1 year.',
  good_conduct: 'Red list: years on file without a negative record and with a positive one (守信表彰).',
  safe_unit_honour: 'Red list: a safe-unit honour (平安单位称号).',
  other: "Another reason; the entry's reason says what.",
};
const DECISION_ACTION_TEXT: Record<(typeof DECISION_ACTIONS)[number], string> = {
  approve: 'The proposal was approved: the entry is in force from its start date.',
  reject: 'The proposal was rejected: the entry never takes effect.',
  lift: "A credit repair was approved: the entry is lifted from the decision's effective date.",
  reject_repair: 'A credit repair was refused: the entry stays as it was.',
};

/** Red and black list entries (红黑名单): proposals, decisions, the published lists. */
export function registerListSchema(builder: Builder, refs: Refs) {
  const { CreditSubject, CreditListEntry, Decision, RepairRequest } = refs;
  const ListTypeEnum = builder.enumType('CreditListType', { values: described(LIST_TYPES, LIST_TYPE_TEXT), description: 'red 红名单 (守信激励) or black 黑名单 (失信惩戒).' });
  const StatusEnum = builder.enumType('CreditListStatus', { values: described(ENTRY_STATUSES, ENTRY_STATUS_TEXT), description: 'Derived on the day asked, from dates and decisions; never stored.' });
  const ReasonEnum = builder.enumType('CreditReasonCategory', {
    values: described(REASON_CATEGORIES, REASON_CATEGORY_TEXT),
    description: "Why a subject is on a list, in one word: the category that is published and that sets a rule proposal's term and repair conditions.",
  });
  const ActionEnum = builder.enumType('CreditDecisionAction', { values: described(DECISION_ACTIONS, DECISION_ACTION_TEXT), description: 'What a decision on a list entry did.' });

  Decision.implement({
    description: 'One append-only decision on an entry: a verdict on the proposal, a lift after repair, or a refused repair.',
    fields: (t) => ({
      id: t.exposeID('id', { description: "The decision's id (a UUID)." }),
      action: t.field({
        type: ActionEnum,
        description: 'What the decision did: approve or reject the proposal, lift the entry after repair, or refuse the repair.',
        resolve: (d) => d.action as 'approve',
      }),
      reason: t.exposeString('reason', { description: "The decider's reason, as written." }),
      effectiveDate: t.field({ type: 'Date', description: 'The day the decision counts from (the day it was taken).', resolve: (d) => d.effectiveDate }),
      decidedBy: t.exposeString('decidedBy', { description: 'The user id of the credit officer who decided.' }),
      decidedAt: t.field({ type: 'DateTime', description: 'When the decision was recorded.', resolve: (d) => d.decidedAt }),
    }),
  });

  CreditListEntry.implement({
    description: 'A red- or black-list entry. Its status is derived from its dates and decisions on `asOf`.',
    fields: (t) => ({
      listType: t.field({ type: ListTypeEnum, description: 'Red list (红名单) or black list (黑名单).', resolve: (e) => e.listType as ListType }),
      status: t.field({ type: StatusEnum, description: 'Pending, active, expired, lifted or rejected on `asOf`, derived from the dates and decisions.', resolve: (e) => e.status }),
      asOf: t.field({ type: 'Date', description: 'The day the status was derived for.', resolve: (e) => e.asOf }),
      reasonCategory: t.field({ type: ReasonEnum, description: 'Why, in one word (published with the entry).', resolve: (e) => e.reasonCategory as ReasonCategory }),
      reason: t.exposeString('reason', { description: "Why, in a sentence: the proposer's reason, or the rule's wording for a rule proposal." }),
      authority: t.exposeString('authority', {
        description: "The authority that lists the subject (认定部门): the proposer's, the record's source department, or the credit office for red-list rule proposals.",
      }),
      startDate: t.field({ type: 'Date', description: 'The first day the entry is in force once approved.', resolve: (e) => e.startDate }),
      endDate: t.field({ type: 'Date', nullable: true, description: 'The day the entry expires (no longer in force from that day). Null: permanent.', resolve: (e) => e.endDate }),
      permanent: t.boolean({ description: 'True when the entry has no end date.', resolve: (e) => e.endDate == null }),
      proposalRule: t.exposeString('proposalRule', { description: 'The rule that proposed it, or `manual`.' }),
      ruleVersion: t.exposeString('ruleVersion', { description: 'The version of the credit rule set that proposed it (e.g. `2024.1`), or `-` for a manual proposal.' }),
      proposedBy: t.exposeString('proposedBy', { description: "The user id of the proposer, or `system` for a proposal made from another module's event." }),
      proposedAt: t.field({ type: 'DateTime', description: 'When it was proposed.', resolve: (e) => e.proposedAt }),
      internalNote: t.exposeString('internalNote', { nullable: true, authScopes: DETAILS, description: 'Not public: needs credit:details.read.' }),
      subject: t.field({ type: CreditSubject, description: 'The enterprise or unit listed.', resolve: (e, _a, ctx) => subjectLoader(ctx).load(e.subjectId) }),
      decisions: t.connection(
        {
          type: Decision,
          description: 'The whole history, oldest first.',
          resolve: (e, args, ctx, info) => plannedOr(e, info, () => decisionPagesOfEntry(ctx, args).load(e.id)),
        },
        connectionOf(builder, Decision),
      ),
      repairRequests: t.connection(
        {
          type: RepairRequest,
          description: 'Its credit-repair requests (信用修复申请) inside your jurisdiction, oldest first; empty when none.',
          resolve: (e, args, ctx) => repairPageOfEntry(ctx, e.id, args),
        },
        connectionOf(builder, RepairRequest),
      ),
    }),
  });

  const PublishedEntry = builder.objectRef<EntryView>('PublishedCreditListEntry').implement({
    description: 'An entry as published (公示): who, which list, why in a word, and when. Nothing else.',
    fields: (t) => ({
      listType: t.field({ type: ListTypeEnum, description: 'Red list (红名单) or black list (黑名单).', resolve: (e) => e.listType as ListType }),
      subjectName: t.string({ description: "The listed subject's name.", resolve: async (e, _a, ctx) => (await publishedSubjectLoader(ctx).load(e.subjectId)).name }),
      creditCode: t.field({
        type: 'CreditCode',
        description: "The listed subject's unified social credit code (统一社会信用代码).",
        resolve: async (e, _a, ctx) => (await publishedSubjectLoader(ctx).load(e.subjectId)).creditCode,
      }),
      reasonCategory: t.field({ type: ReasonEnum, description: 'Why, in one word (the reason itself is not published).', resolve: (e) => e.reasonCategory as ReasonCategory }),
      authority: t.exposeString('authority', { description: 'The authority that lists the subject (认定部门).' }),
      startDate: t.field({ type: 'Date', description: 'The first day the entry is in force.', resolve: (e) => e.startDate }),
      endDate: t.field({ type: 'Date', nullable: true, description: 'The day the entry expires. Null: permanent.', resolve: (e) => e.endDate }),
    }),
  });

  builder.queryFields((t) => ({
    creditListEntries: t.connection(
      {
        type: CreditListEntry,
        description: 'Entries in your jurisdiction, newest start first; `status` is derived for `asOf` (default today).',
        authScopes: { permission: 'credit:read' },
        args: {
          listType: t.arg({ type: ListTypeEnum, description: 'Only red-list or only black-list entries (default: both).' }),
          status: t.arg({ type: StatusEnum, description: 'Only entries with this status on `asOf`.' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only entries in this jurisdiction's subtree (default: all of yours)." }),
          creditCode: t.arg({ type: 'CreditCode', description: "Only this subject's entries; a code not on file in your jurisdiction answers CREDIT_SUBJECT_UNKNOWN." }),
          asOf: t.arg({ type: 'Date', description: 'The day the status is derived for (default today, China time).' }),
        },
        resolve: (_r, args, ctx) => listEntries(ctx, args as typeof args & { status?: EntryStatus | null }, args),
      },
      connectionOf(builder, CreditListEntry),
    ),
    publishedCreditList: t.connection(
      {
        type: PublishedEntry,
        description: 'The published red or black list (红黑榜公示): active entries, readable without a token.',
        skipTypeScopes: true,
        authScopes: { public: true },
        args: {
          listType: t.arg({ type: ListTypeEnum, required: true, description: 'Which list: red (红名单) or black (黑名单).' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only entries in this jurisdiction's subtree (default: the whole city)." }),
        },
        resolve: (_r, args, ctx) => publishedEntries(ctx, args, args),
      },
      connectionOf(builder, PublishedEntry),
    ),
  }));

  builder.mutationFields((t) => ({
    proposeCreditListEntry: t.field({
      type: CreditListEntry,
      errors: DATA('The entry proposed, pending until decided.'),
      description: 'A proposal by decision rather than by rule; another credit officer decides it. Errors: CREDIT_DATES_INVALID, CREDIT_SUBJECT_UNKNOWN, CREDIT_ENTRY_OPEN_EXISTS.',
      authScopes: { permission: 'credit:list.propose' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true, description: "The subject's unified social credit code; it must be on file in your jurisdiction." }),
        listType: t.arg({ type: ListTypeEnum, required: true, description: 'Red list (红名单) or black list (黑名单); the subject must have no pending or active entry on it.' }),
        reasonCategory: t.arg({ type: ReasonEnum, required: true, description: 'Why, in one word (published).' }),
        reason: t.arg.string({ required: true, validate: requiredText(500), description: 'Why, in a sentence (up to 500 characters).' }),
        internalNote: t.arg.string({ validate: z.string().max(2000), description: 'A note for credit officers only (up to 2,000 characters); never published.' }),
        authority: t.arg.string({ required: true, validate: requiredText(100), description: 'The authority that lists the subject (认定部门, up to 100 characters).' }),
        startDate: t.arg({ type: 'Date', required: true, description: 'The first day the entry is in force once approved.' }),
        endDate: t.arg({ type: 'Date', description: 'The day the entry expires, after the start date. Omit for a permanent entry.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => proposeListEntry(ctx, input, idempotencyKey),
    }),
    proposeEligibleRedListEntries: t.field({
      type: 'Int',
      errors: DATA('How many red-list proposals were filed.'),
      description:
        'Runs the red-list rule over every subject in your jurisdiction and files a proposal for each one that qualifies today (subjects with a pending or active red entry are skipped); returns how many. Errors: none.',
      authScopes: { permission: 'credit:list.propose' },
      args: { idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }) },
      resolve: (_r, { idempotencyKey }, ctx) => proposeEligibleRedListEntries(ctx, idempotencyKey),
    }),
    decideCreditListProposal: t.field({
      type: CreditListEntry,
      errors: DATA('The entry with its status after the decision.'),
      description: 'Approves or rejects a proposal in your jurisdiction. The proposer may not decide their own. Errors: CREDIT_ALREADY_DECIDED, CREDIT_SELF_DECISION_FORBIDDEN.',
      authScopes: { permission: 'credit:list.decide' },
      args: {
        entryId: t.arg.globalID({ required: true, description: 'The global id of the CreditListEntry to decide.' }),
        approve: t.arg.boolean({ required: true, description: 'True approves (in force from its start date), false rejects.' }),
        reason: t.arg.string({ required: true, validate: requiredText(500), description: 'The reason for the decision (up to 500 characters).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, entryId: id, ...input }, ctx) => decideListProposal(ctx, { ...input, entryId: entryId(id) }, idempotencyKey),
    }),
  }));
}

import { idOfType, z, type Builder, type Ctx, requiredText, connectionOf } from '@safecity/core';
import {
  ENTRY_STATUSES,
  LIST_TYPES,
  POLARITIES,
  REASON_CATEGORIES,
  RECORD_KINDS,
  REPAIR_CONDITIONS,
  SEVERITIES,
  SUBJECT_KINDS,
  type EntryStatus,
  type ListType,
  type Measure,
  type Polarity,
  type ReasonCategory,
  type RecordKind,
  type Severity,
  type Standing,
  type SubjectKind,
} from './rules.js';
import { decideListProposal, decisionsByEntryLoader, entriesBySubjectLoader, entryLoader, listEntries, proposeListEntry, publishedEntries, type EntryView } from './service/entries.js';
import { proposeEligibleRedListEntries, recordCreditRecord } from './service/records.js';
import { decideCreditRepair, repairsByEntryLoader, requestCreditRepair, type RepairView } from './service/repair.js';
import { creditStanding, creditStandingChecks, MAX_STANDING_CODES, type CreditStandingCheckView, type CreditStandingView } from './service/standing.js';
import { listSubjects, publishedSubjectLoader, recordsBySubjectLoader, registerCreditSubject, subjectByCodeLoader, subjectLoader } from './service/subjects.js';
import type { DecisionRow, RecordRow, SubjectRow } from './tables.js';

const DETAILS = { permission: 'credit:details.read' } as const;
const IDEMPOTENCY = 'Optional key of your choosing: a retry with the same key and input returns the first result instead of writing twice.';
const DATA = (what: string) => ({ dataField: { description: what } });

/** Enum values with their descriptions (the value names stay those of the vocabulary in rules.ts). */
const described = <K extends string>(values: readonly K[], text: Record<K, string>) =>
  Object.fromEntries(values.map((k) => [k, { value: k, description: text[k] }])) as { [P in K]: { value: P; description: string } };

const DECISION_ACTIONS = ['approve', 'reject', 'lift', 'reject_repair'] as const;
const STANDING_LEVELS = ['black', 'red', 'clear', 'unknown'] as const;
const REPAIR_STATUSES = ['pending', 'approved', 'rejected'] as const;

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
const POLARITY_TEXT: Record<Polarity, string> = {
  positive: 'Counts for the subject (守信), e.g. a commendation or a passed safe-unit assessment.',
  negative: 'Counts against the subject (失信), e.g. a violation, a penalty or a safe-unit veto.',
};
const SEVERITY_TEXT: Record<Severity, string> = {
  minor: 'Minor (轻微): counts for 1 year.',
  general: 'General (一般), the default of a negative record: counts for 2 years.',
  serious: 'Serious (较重): counts for 3 years.',
  severe: 'Severe (严重): counts for 5 years and proposes a black-list entry.',
};
const RECORD_KIND_TEXT: Record<RecordKind, string> = {
  safe_unit_veto: 'The unit was vetoed in a safe-unit assessment (平安创建一票否决).',
  safe_unit_pass: 'The unit passed a safe-unit assessment (平安创建考核通过).',
  administrative_penalty: 'An administrative penalty (行政处罚).',
  violation: 'A violation of law or regulation (违法违规).',
  commendation: 'A commendation (表彰).',
  tax_credit_a: 'Rated A in tax credit (纳税信用A级).',
  other: 'Any other fact; the summary says what.',
};
const REASON_CATEGORY_TEXT: Record<ReasonCategory, string> = {
  safe_unit_veto: 'Black list: a safe-unit veto (平安创建一票否决); a rule proposal runs 3 years.',
  severe_violation: 'Black list: a severe violation (严重违法失信); a rule proposal runs 3 years.',
  administrative_penalty: 'Black list: a severe administrative penalty (行政处罚); a rule proposal runs 1 year.',
  good_conduct: 'Red list: years on file without a negative record and with a positive one (守信表彰).',
  safe_unit_honour: 'Red list: a safe-unit honour (平安单位称号).',
  other: "Another reason; the entry's reason says what.",
};
const SUBJECT_KIND_TEXT: Record<SubjectKind, string> = {
  enterprise: "An enterprise (企业); subjects created from another module's event are enterprises.",
  public_institution: 'A public institution (事业单位).',
  social_organization: 'A social organisation (社会组织).',
  other: 'Any other unit.',
};
const REPAIR_CONDITION_TEXT: Record<(typeof REPAIR_CONDITIONS)[number], string> = {
  rectification_completed: 'The problem was rectified (整改完成); required for every repair.',
  penalty_fulfilled: 'The penalty was fulfilled (履行处罚决定); required except after a safe-unit veto (rule set 2024.1).',
  credit_commitment_signed: 'A credit commitment was signed (签署信用承诺书); required for every repair.',
  credit_training_completed: 'Credit training was attended (参加信用修复培训); never required.',
  reassessment_passed: 'A new safe-unit assessment was passed (重新考核通过); required after a safe-unit veto.',
};
const DECISION_ACTION_TEXT: Record<(typeof DECISION_ACTIONS)[number], string> = {
  approve: 'The proposal was approved: the entry is in force from its start date.',
  reject: 'The proposal was rejected: the entry never takes effect.',
  lift: "A credit repair was approved: the entry is lifted from the decision's effective date.",
  reject_repair: 'A credit repair was refused: the entry stays as it was.',
};
const STANDING_TEXT: Record<Standing, string> = {
  black: 'At least one active black-list entry: the punishment measures apply (black outranks red and voids its rewards).',
  red: 'An active red-list entry and no black one: the reward measures apply.',
  clear: 'On file in your jurisdiction with no active entry: no measures.',
  unknown: 'No subject with this code on file in your jurisdiction: no measures.',
};
const REPAIR_STATUS_TEXT: Record<(typeof REPAIR_STATUSES)[number], string> = {
  pending: 'Not decided yet.',
  approved: 'Approved: the entry was lifted.',
  rejected: 'Refused: the entry stays in force.',
};

export function registerCreditSchema(builder: Builder) {
  const ListTypeEnum = builder.enumType('CreditListType', { values: described(LIST_TYPES, LIST_TYPE_TEXT), description: 'red 红名单 (守信激励) or black 黑名单 (失信惩戒).' });
  const StatusEnum = builder.enumType('CreditListStatus', { values: described(ENTRY_STATUSES, ENTRY_STATUS_TEXT), description: 'Derived on the day asked, from dates and decisions; never stored.' });
  const PolarityEnum = builder.enumType('CreditPolarity', { values: described(POLARITIES, POLARITY_TEXT), description: 'Whether a credit record counts for (守信) or against (失信) the subject.' });
  const SeverityEnum = builder.enumType('CreditSeverity', {
    values: described(SEVERITIES, SEVERITY_TEXT),
    description: 'How grave a negative record is; it sets how long the record counts and whether it proposes a black-list entry.',
  });
  const RecordKindEnum = builder.enumType('CreditRecordKind', { values: described(RECORD_KINDS, RECORD_KIND_TEXT), description: 'What kind of fact a credit record (信用记录) states.' });
  const ReasonEnum = builder.enumType('CreditReasonCategory', {
    values: described(REASON_CATEGORIES, REASON_CATEGORY_TEXT),
    description: "Why a subject is on a list, in one word: the category that is published and that sets a rule proposal's term and repair conditions.",
  });
  const SubjectKindEnum = builder.enumType('CreditSubjectKind', { values: described(SUBJECT_KINDS, SUBJECT_KIND_TEXT), description: 'What kind of organisation a credit subject (信用主体) is.' });
  const ConditionEnum = builder.enumType('CreditRepairCondition', {
    values: described(REPAIR_CONDITIONS, REPAIR_CONDITION_TEXT),
    description: 'A condition of credit repair (信用修复条件) the requester shows as met, with evidence.',
  });
  const ActionEnum = builder.enumType('CreditDecisionAction', { values: described(DECISION_ACTIONS, DECISION_ACTION_TEXT), description: 'What a decision on a list entry did.' });
  const StandingEnum = builder.enumType('CreditStandingLevel', {
    values: described(STANDING_LEVELS, STANDING_TEXT),
    description: "A subject's standing for joint reward and punishment (联合奖惩), from its active entries on the day asked.",
  });
  const RepairStatusEnum = builder.enumType('CreditRepairStatus', { values: described(REPAIR_STATUSES, REPAIR_STATUS_TEXT), description: 'Where a credit-repair request stands, from its decision.' });

  const CreditSubject = builder.loadableNodeRef('CreditSubject', {
    id: { resolve: (s: SubjectRow) => s.id },
    load: (ids: string[], ctx: Ctx) => subjectLoader(ctx).loadMany(ids),
  });
  const CreditListEntry = builder.loadableNodeRef('CreditListEntry', {
    id: { resolve: (e: EntryView) => e.id },
    load: (ids: string[], ctx: Ctx) => entryLoader(ctx).loadMany(ids),
  });

  const CreditRecord = builder.objectRef<RecordRow>('CreditRecord').implement({
    description: 'A positive or negative credit record (信用记录).',
    fields: (t) => ({
      id: t.exposeID('id', { description: "The record's id (a UUID); records are facts and never change." }),
      polarity: t.field({ type: PolarityEnum, description: 'For (守信) or against (失信) the subject.', resolve: (r) => r.polarity as Polarity }),
      kind: t.field({ type: RecordKindEnum, description: 'What kind of fact it is.', resolve: (r) => r.kind as RecordKind }),
      sourceDepartment: t.exposeString('sourceDepartment', { description: 'The department that reported the fact (来源部门), as written by the recorder.' }),
      date: t.field({ type: 'Date', description: 'The day the fact happened or was decided (China calendar day).', resolve: (r) => r.date }),
      severity: t.field({
        type: SeverityEnum,
        nullable: true,
        description: 'How grave a negative record is (general when not given); null for a positive record.',
        resolve: (r) => r.severity as Severity | null,
      }),
      summary: t.exposeString('summary', { description: 'What happened, in a sentence (up to 500 characters).' }),
      validFrom: t.field({ type: 'Date', description: 'The day the record starts to count: its date.', resolve: (r) => r.validFrom }),
      validUntil: t.field({
        type: 'Date',
        nullable: true,
        description: 'The day it stops counting: as recorded, or its date plus 1 to 5 years by severity (3 for a positive record); null: no end.',
        resolve: (r) => r.validUntil,
      }),
      evidenceRef: t.exposeString('evidenceRef', {
        nullable: true,
        authScopes: DETAILS,
        description: 'Where the evidence is kept (a file number or reference); null when none was given. Not public: needs credit:details.read.',
      }),
      recordedBy: t.exposeString('recordedBy', { description: "The user id of whoever recorded it, or `system` for a record made from another module's event." }),
      recordedAt: t.field({ type: 'DateTime', description: 'When it was recorded.', resolve: (r) => r.recordedAt }),
    }),
  });

  const Decision = builder.objectRef<DecisionRow>('CreditListDecision').implement({
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

  const ConditionShown = builder.objectRef<{ condition: string; evidence: string }>('CreditRepairConditionShown').implement({
    description: 'A repair condition the requester showed as met, with its evidence.',
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, description: 'The condition shown as met.', resolve: (c) => c.condition as (typeof REPAIR_CONDITIONS)[number] }),
      evidence: t.exposeString('evidence', { description: 'The evidence offered for it, as written by the requester (up to 500 characters).' }),
    }),
  });

  const RepairRequest = builder.objectRef<RepairView>('CreditRepairRequest').implement({
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

  CreditSubject.implement({
    description: 'An enterprise or unit (信用主体) by unified social credit code.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: 'Its unified social credit code (统一社会信用代码), unique among subjects.', resolve: (s) => s.creditCode }),
      name: t.exposeString('name', { description: 'The registered name of the enterprise or unit.' }),
      kind: t.field({ type: SubjectKindEnum, description: 'Enterprise, public institution, social organisation or other.', resolve: (s) => s.kind as SubjectKind }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction it belongs to (属地), which decides who sees it.', resolve: (s) => s.jurisdictionCode }),
      onFileSince: t.field({
        type: 'Date',
        description: 'The day it has been on file since (default: the day it was registered); the red-list rule counts clean years from it.',
        resolve: (s) => s.onFileSince,
      }),
      records: t.field({ type: [CreditRecord], description: 'Newest first.', resolve: (s, _a, ctx) => recordsBySubjectLoader(ctx).load(s.id) }),
      listEntries: t.field({ type: [CreditListEntry], description: 'Every entry ever proposed, newest start first.', resolve: (s, _a, ctx) => entriesBySubjectLoader(ctx).load(s.id) }),
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
      decisions: t.field({ type: [Decision], description: 'The whole history, oldest first.', resolve: (e, _a, ctx) => decisionsByEntryLoader(ctx).load(e.id) }),
      repairRequests: t.field({
        type: [RepairRequest],
        description: 'Its credit-repair requests (信用修复申请), oldest first; empty when none.',
        resolve: (e, _a, ctx) => repairsByEntryLoader(ctx).load(e.id),
      }),
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

  const MeasureRef = builder.objectRef<Measure>('CreditJointMeasure').implement({
    description: 'A joint reward or punishment measure (联合奖惩措施) that applies to the subject.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'A stable machine name of the measure, e.g. `restrict_public_procurement` or `green_channel`.' }),
      kind: t.exposeString('kind', { description: '`reward` (守信激励, red list) or `punishment` (失信惩戒, black list).' }),
      description: t.exposeString('description', { description: 'The measure in Chinese, as the department applies it (e.g. 限制参与政府采购、工程招投标).' }),
    }),
  });

  const StandingRef = builder.objectRef<CreditStandingView>('CreditStanding').implement({
    description: 'What a department needs before an approval: the list standing, the active entries and the measures that apply.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: 'The code checked (统一社会信用代码).', resolve: (s) => s.creditCode }),
      known: t.boolean({ description: 'True when a subject with this code is on file in your jurisdiction.', resolve: (s) => !!s.subject }),
      name: t.string({ nullable: true, description: "The subject's name; null when no subject with this code is on file in your jurisdiction.", resolve: (s) => s.subject?.name ?? null }),
      standing: t.field({ type: StandingEnum, description: 'Black, red, clear or unknown on `asOf`.', resolve: (s) => s.standing as Standing }),
      activeEntries: t.field({ type: [CreditListEntry], description: 'The entries in force on `asOf`; empty for clear or unknown.', resolve: (s) => s.activeEntries }),
      measures: t.field({ type: [MeasureRef], description: 'The joint reward or punishment measures (联合奖惩措施) that apply; empty for clear or unknown.', resolve: (s) => s.measures }),
      asOf: t.field({ type: 'Date', description: 'The day the standing was derived for (default today, China time).', resolve: (s) => s.asOf }),
    }),
  });

  const CheckStatusEnum = builder.enumType('CreditCodeCheckStatus', {
    description: 'How one code of a bulk standing check fared.',
    values: {
      OK: { value: 'ok', description: 'A subject on file in your jurisdiction: `standing` is its standing.' },
      MALFORMED: { value: 'malformed', description: 'Not a GB 32100-2015 unified social credit code: `standing` is null.' },
      NOT_FOUND: { value: 'not_found', description: 'A valid code with no subject on file in your jurisdiction: `standing` says `unknown`.' },
    } as const,
  });
  const StandingCheckRef = builder.objectRef<CreditStandingCheckView>('CreditStandingCheck').implement({
    description: 'One code of a bulk standing check (联合奖惩核查), with its own status: a malformed code does not fail the batch.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'The code as asked, trimmed and upper-cased when valid (verbatim when malformed).' }),
      status: t.field({ type: CheckStatusEnum, description: 'OK, MALFORMED or NOT_FOUND.', resolve: (c) => c.status }),
      standing: t.field({ type: StandingRef, nullable: true, description: 'The standing; null when the code is MALFORMED.', resolve: (c) => c.standing }),
    }),
  });

  builder.queryFields((t) => ({
    creditSubject: t.field({
      type: CreditSubject,
      nullable: true,
      description: 'A subject in your jurisdiction by credit code (null if none).',
      authScopes: { permission: 'credit:read' },
      args: { code: t.arg({ type: 'CreditCode', required: true, description: 'The unified social credit code (统一社会信用代码).' }) },
      resolve: (_r, { code }, ctx) => subjectByCodeLoader(ctx).load(code),
    }),
    creditSubjects: t.connection(
      {
        type: CreditSubject,
        description: 'Credit subjects (信用主体) in your jurisdiction, in credit-code order.',
        authScopes: { permission: 'credit:read' },
        args: {
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only subjects in this jurisdiction's subtree (default: all of yours)." }),
          nameContains: t.arg.string({ validate: z.string().max(50), description: 'Only subjects whose name contains this text (up to 50 characters).' }),
        },
        resolve: (_r, args, ctx) => listSubjects(ctx, args, args),
      },
      connectionOf(builder, CreditSubject),
    ),
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
    creditStanding: t.field({
      type: StandingRef,
      description: 'One subject’s standing for a joint reward/punishment check (联合奖惩).',
      authScopes: { permission: 'credit:standing.read' },
      args: {
        code: t.arg({ type: 'CreditCode', required: true, description: 'The unified social credit code (统一社会信用代码) to check.' }),
        asOf: t.arg({ type: 'Date', description: 'The day of the standing (default today, China time).' }),
      },
      resolve: (_r, { code, asOf }, ctx) => creditStanding(ctx, code, asOf),
    }),
    creditStandings: t.field({
      type: [StandingCheckRef],
      description: `Bulk standing check (联合奖惩核查) of up to ${MAX_STANDING_CODES} codes in one call: one answer per code, in the order asked, each with its status (OK, MALFORMED, NOT_FOUND), so one malformed code does not fail the batch. Errors: CREDIT_TOO_MANY_CODES above the limit.`,
      authScopes: { permission: 'credit:standing.read' },
      args: {
        codes: t.arg.stringList({ required: true, description: 'Unified social credit codes (统一社会信用代码), as the department has them; malformed ones are answered, not refused.' }),
        asOf: t.arg({ type: 'Date', description: 'The day of the standing (default today, China time).' }),
      },
      resolve: (_r, { codes, asOf }, ctx) => creditStandingChecks(ctx, codes, asOf),
    }),
  }));

  const RepairConditionInput = builder.inputType('CreditRepairConditionInput', {
    description: 'A repair condition shown as met, with its evidence.',
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, required: true, description: 'The condition shown as met.' }),
      evidence: t.string({ required: true, validate: requiredText(500), description: 'The evidence for it: a document number, a reference or a short text (up to 500 characters).' }),
    }),
  });

  const entryId = (id: { typename: string; id: string }) => {
    return idOfType(id, 'CreditListEntry', 'entryId');
  };

  builder.mutationFields((t) => ({
    registerCreditSubject: t.field({
      type: CreditSubject,
      errors: DATA('The subject put on file.'),
      description: 'Puts an enterprise or unit on file as a credit subject (信用主体) in a jurisdiction you may write in. Errors: CREDIT_SUBJECT_EXISTS.',
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true, description: 'Its unified social credit code (统一社会信用代码); one subject per code.' }),
        name: t.arg.string({ required: true, validate: requiredText(200), description: 'Its registered name (up to 200 characters).' }),
        kind: t.arg({ type: SubjectKindEnum, required: true, description: 'What kind of organisation it is.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction it belongs to (属地), inside yours.' }),
        onFileSince: t.arg({ type: 'Date', description: 'The day it has been on file since (default today).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => registerCreditSubject(ctx, input, idempotencyKey),
    }),
    recordCreditRecord: t.field({
      type: CreditRecord,
      errors: DATA('The record written.'),
      description:
        'Records a credit fact (信用记录) on a subject in your jurisdiction; a severe negative one proposes a black-list entry, a positive one may propose a red-list entry. Errors: CREDIT_SUBJECT_UNKNOWN.',
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true, description: "The subject's unified social credit code; it must be on file in your jurisdiction." }),
        polarity: t.arg({ type: PolarityEnum, required: true, description: 'For (守信) or against (失信) the subject.' }),
        kind: t.arg({ type: RecordKindEnum, required: true, description: 'What kind of fact it is.' }),
        sourceDepartment: t.arg.string({ required: true, validate: requiredText(100), description: 'The department that reported the fact (来源部门, up to 100 characters).' }),
        date: t.arg({ type: 'Date', required: true, description: 'The day the fact happened or was decided.' }),
        severity: t.arg({ type: SeverityEnum, description: 'For a negative record: how grave (default general; severe proposes a black-list entry). Ignored for a positive one.' }),
        summary: t.arg.string({ required: true, validate: requiredText(500), description: 'What happened, in a sentence (up to 500 characters).' }),
        evidenceRef: t.arg.string({ validate: z.string().max(500), description: 'Where the evidence is kept (up to 500 characters); shown only with credit:details.read.' }),
        validUntil: t.arg({ type: 'Date', description: 'The day it stops counting (default: its date plus the years the rule set gives its severity or polarity).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordCreditRecord(ctx, input, idempotencyKey),
    }),
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

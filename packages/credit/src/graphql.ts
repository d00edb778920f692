import { idOfType, z, type Builder, type Ctx, requiredText, connectionOf, notFound } from '@safecity/core';
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

export function registerCreditSchema(builder: Builder) {
  const ListTypeEnum = builder.enumType('CreditListType', { values: LIST_TYPES, description: 'red 红名单 (守信激励) or black 黑名单 (失信惩戒).' });
  const StatusEnum = builder.enumType('CreditListStatus', { values: ENTRY_STATUSES, description: 'Derived on the day asked, from dates and decisions; never stored.' });
  const PolarityEnum = builder.enumType('CreditPolarity', { values: POLARITIES });
  const SeverityEnum = builder.enumType('CreditSeverity', { values: SEVERITIES });
  const RecordKindEnum = builder.enumType('CreditRecordKind', { values: RECORD_KINDS });
  const ReasonEnum = builder.enumType('CreditReasonCategory', { values: REASON_CATEGORIES });
  const SubjectKindEnum = builder.enumType('CreditSubjectKind', { values: SUBJECT_KINDS });
  const ConditionEnum = builder.enumType('CreditRepairCondition', { values: REPAIR_CONDITIONS });
  const ActionEnum = builder.enumType('CreditDecisionAction', { values: ['approve', 'reject', 'lift', 'reject_repair'] as const });
  const StandingEnum = builder.enumType('CreditStandingLevel', { values: ['black', 'red', 'clear', 'unknown'] as const });
  const RepairStatusEnum = builder.enumType('CreditRepairStatus', { values: ['pending', 'approved', 'rejected'] as const });

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
      id: t.exposeID('id'),
      polarity: t.field({ type: PolarityEnum, resolve: (r) => r.polarity as Polarity }),
      kind: t.field({ type: RecordKindEnum, resolve: (r) => r.kind as RecordKind }),
      sourceDepartment: t.exposeString('sourceDepartment'),
      date: t.field({ type: 'Date', resolve: (r) => r.date }),
      severity: t.field({ type: SeverityEnum, nullable: true, resolve: (r) => r.severity as Severity | null }),
      summary: t.exposeString('summary'),
      validFrom: t.field({ type: 'Date', resolve: (r) => r.validFrom }),
      validUntil: t.field({ type: 'Date', nullable: true, resolve: (r) => r.validUntil }),
      evidenceRef: t.exposeString('evidenceRef', { nullable: true, authScopes: DETAILS, description: 'Not public: needs credit:details.read.' }),
      recordedBy: t.exposeString('recordedBy'),
      recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.recordedAt }),
    }),
  });

  const Decision = builder.objectRef<DecisionRow>('CreditListDecision').implement({
    description: 'One append-only decision on an entry: a verdict on the proposal, a lift after repair, or a refused repair.',
    fields: (t) => ({
      id: t.exposeID('id'),
      action: t.field({ type: ActionEnum, resolve: (d) => d.action as 'approve' }),
      reason: t.exposeString('reason'),
      effectiveDate: t.field({ type: 'Date', resolve: (d) => d.effectiveDate }),
      decidedBy: t.exposeString('decidedBy'),
      decidedAt: t.field({ type: 'DateTime', resolve: (d) => d.decidedAt }),
    }),
  });

  const ConditionShown = builder.objectRef<{ condition: string; evidence: string }>('CreditRepairConditionShown').implement({
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, resolve: (c) => c.condition as (typeof REPAIR_CONDITIONS)[number] }),
      evidence: t.exposeString('evidence'),
    }),
  });

  const RepairRequest = builder.objectRef<RepairView>('CreditRepairRequest').implement({
    description: 'A credit-repair request (信用修复申请).',
    fields: (t) => ({
      id: t.globalID({ resolve: (r) => ({ type: 'CreditRepairRequest', id: r.id }) }),
      status: t.field({ type: RepairStatusEnum, resolve: (r) => (!r.decision ? 'pending' : r.decision.action === 'lift' ? 'approved' : 'rejected') }),
      statement: t.exposeString('statement'),
      conditions: t.field({ type: [ConditionShown], authScopes: DETAILS, resolve: (r) => r.conditions }),
      requestedBy: t.exposeString('requestedBy'),
      requestedAt: t.field({ type: 'DateTime', resolve: (r) => r.requestedAt }),
      decision: t.field({ type: Decision, nullable: true, resolve: (r) => r.decision }),
    }),
  });

  CreditSubject.implement({
    description: 'An enterprise or unit (信用主体) by unified social credit code.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', resolve: (s) => s.creditCode }),
      name: t.exposeString('name'),
      kind: t.field({ type: SubjectKindEnum, resolve: (s) => s.kind as SubjectKind }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (s) => s.jurisdictionCode }),
      onFileSince: t.field({ type: 'Date', resolve: (s) => s.onFileSince }),
      records: t.field({ type: [CreditRecord], description: 'Newest first.', resolve: (s, _a, ctx) => recordsBySubjectLoader(ctx).load(s.id) }),
      listEntries: t.field({ type: [CreditListEntry], description: 'Every entry ever proposed, newest start first.', resolve: (s, _a, ctx) => entriesBySubjectLoader(ctx).load(s.id) }),
    }),
  });

  CreditListEntry.implement({
    description: 'A red- or black-list entry. Its status is derived from its dates and decisions on `asOf`.',
    fields: (t) => ({
      listType: t.field({ type: ListTypeEnum, resolve: (e) => e.listType as ListType }),
      status: t.field({ type: StatusEnum, resolve: (e) => e.status }),
      asOf: t.field({ type: 'Date', description: 'The day the status was derived for.', resolve: (e) => e.asOf }),
      reasonCategory: t.field({ type: ReasonEnum, resolve: (e) => e.reasonCategory as ReasonCategory }),
      reason: t.exposeString('reason'),
      authority: t.exposeString('authority'),
      startDate: t.field({ type: 'Date', resolve: (e) => e.startDate }),
      endDate: t.field({ type: 'Date', nullable: true, description: 'Null: permanent.', resolve: (e) => e.endDate }),
      permanent: t.boolean({ resolve: (e) => e.endDate == null }),
      proposalRule: t.exposeString('proposalRule', { description: 'The rule that proposed it, or `manual`.' }),
      ruleVersion: t.exposeString('ruleVersion'),
      proposedBy: t.exposeString('proposedBy'),
      proposedAt: t.field({ type: 'DateTime', resolve: (e) => e.proposedAt }),
      internalNote: t.exposeString('internalNote', { nullable: true, authScopes: DETAILS, description: 'Not public: needs credit:details.read.' }),
      subject: t.field({ type: CreditSubject, resolve: (e, _a, ctx) => subjectLoader(ctx).load(e.subjectId) }),
      decisions: t.field({ type: [Decision], description: 'The whole history, oldest first.', resolve: (e, _a, ctx) => decisionsByEntryLoader(ctx).load(e.id) }),
      repairRequests: t.field({ type: [RepairRequest], resolve: (e, _a, ctx) => repairsByEntryLoader(ctx).load(e.id) }),
    }),
  });

  const PublishedEntry = builder.objectRef<EntryView>('PublishedCreditListEntry').implement({
    description: 'An entry as published (公示): who, which list, why in a word, and when. Nothing else.',
    fields: (t) => ({
      listType: t.field({ type: ListTypeEnum, resolve: (e) => e.listType as ListType }),
      subjectName: t.string({ resolve: async (e, _a, ctx) => (await publishedSubjectLoader(ctx).load(e.subjectId)).name }),
      creditCode: t.field({ type: 'CreditCode', resolve: async (e, _a, ctx) => (await publishedSubjectLoader(ctx).load(e.subjectId)).creditCode }),
      reasonCategory: t.field({ type: ReasonEnum, resolve: (e) => e.reasonCategory as ReasonCategory }),
      authority: t.exposeString('authority'),
      startDate: t.field({ type: 'Date', resolve: (e) => e.startDate }),
      endDate: t.field({ type: 'Date', nullable: true, resolve: (e) => e.endDate }),
    }),
  });

  const MeasureRef = builder.objectRef<Measure>('CreditJointMeasure').implement({
    description: 'A joint reward or punishment measure (联合奖惩措施) that applies to the subject.',
    fields: (t) => ({
      code: t.exposeString('code'),
      kind: t.exposeString('kind'),
      description: t.exposeString('description'),
    }),
  });

  const StandingRef = builder.objectRef<CreditStandingView>('CreditStanding').implement({
    description: 'What a department needs before an approval: the list standing, the active entries and the measures that apply.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', resolve: (s) => s.creditCode }),
      known: t.boolean({ resolve: (s) => !!s.subject }),
      name: t.string({ nullable: true, resolve: (s) => s.subject?.name ?? null }),
      standing: t.field({ type: StandingEnum, resolve: (s) => s.standing as Standing }),
      activeEntries: t.field({ type: [CreditListEntry], resolve: (s) => s.activeEntries }),
      measures: t.field({ type: [MeasureRef], resolve: (s) => s.measures }),
      asOf: t.field({ type: 'Date', resolve: (s) => s.asOf }),
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
      args: { code: t.arg({ type: 'CreditCode', required: true }) },
      resolve: (_r, { code }, ctx) => subjectByCodeLoader(ctx).load(code),
    }),
    creditSubjects: t.connection({
      type: CreditSubject,
      authScopes: { permission: 'credit:read' },
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode' }), nameContains: t.arg.string({ validate: z.string().max(50) }) },
      resolve: (_r, args, ctx) => listSubjects(ctx, args, args),
    }, connectionOf(builder, CreditSubject)),
    creditListEntries: t.connection({
      type: CreditListEntry,
      description: 'Entries in your jurisdiction, newest start first; `status` is derived for `asOf` (default today).',
      authScopes: { permission: 'credit:read' },
      args: {
        listType: t.arg({ type: ListTypeEnum }),
        status: t.arg({ type: StatusEnum }),
        jurisdictionCode: t.arg({ type: 'DivisionCode' }),
        creditCode: t.arg({ type: 'CreditCode' }),
        asOf: t.arg({ type: 'Date' }),
      },
      resolve: (_r, args, ctx) => listEntries(ctx, args as typeof args & { status?: EntryStatus | null }, args),
    }, connectionOf(builder, CreditListEntry)),
    publishedCreditList: t.connection({
      type: PublishedEntry,
      description: 'The published red or black list (红黑榜公示): active entries, readable without a token.',
      skipTypeScopes: true,
      authScopes: { public: true },
      args: { listType: t.arg({ type: ListTypeEnum, required: true }), jurisdictionCode: t.arg({ type: 'DivisionCode' }) },
      resolve: (_r, args, ctx) => publishedEntries(ctx, args, args),
    }, connectionOf(builder, PublishedEntry)),
    creditStanding: t.field({
      type: StandingRef,
      description: 'One subject’s standing for a joint reward/punishment check (联合奖惩).',
      authScopes: { permission: 'credit:standing.read' },
      args: { code: t.arg({ type: 'CreditCode', required: true }), asOf: t.arg({ type: 'Date' }) },
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
    fields: (t) => ({
      condition: t.field({ type: ConditionEnum, required: true }),
      evidence: t.string({ required: true, validate: requiredText(500) }),
    }),
  });

  const entryId = (id: { typename: string; id: string }) => {
    return idOfType(id, 'CreditListEntry', 'entryId');
  };

  builder.mutationFields((t) => ({
    registerCreditSubject: t.field({
      type: CreditSubject,
      errors: {},
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true }),
        name: t.arg.string({ required: true, validate: requiredText(200) }),
        kind: t.arg({ type: SubjectKindEnum, required: true }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        onFileSince: t.arg({ type: 'Date' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => registerCreditSubject(ctx, input, idempotencyKey),
    }),
    recordCreditRecord: t.field({
      type: CreditRecord,
      errors: {},
      description: 'Records a credit fact; a severe negative one proposes a black-list entry, a positive one may propose a red-list entry.',
      authScopes: { permission: 'credit:record.write' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true }),
        polarity: t.arg({ type: PolarityEnum, required: true }),
        kind: t.arg({ type: RecordKindEnum, required: true }),
        sourceDepartment: t.arg.string({ required: true, validate: requiredText(100) }),
        date: t.arg({ type: 'Date', required: true }),
        severity: t.arg({ type: SeverityEnum }),
        summary: t.arg.string({ required: true, validate: requiredText(500) }),
        evidenceRef: t.arg.string({ validate: z.string().max(500) }),
        validUntil: t.arg({ type: 'Date' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordCreditRecord(ctx, input, idempotencyKey),
    }),
    proposeCreditListEntry: t.field({
      type: CreditListEntry,
      errors: {},
      description: 'A proposal by decision rather than by rule; another credit officer decides it.',
      authScopes: { permission: 'credit:list.propose' },
      args: {
        creditCode: t.arg({ type: 'CreditCode', required: true }),
        listType: t.arg({ type: ListTypeEnum, required: true }),
        reasonCategory: t.arg({ type: ReasonEnum, required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(500) }),
        internalNote: t.arg.string({ validate: z.string().max(2000) }),
        authority: t.arg.string({ required: true, validate: requiredText(100) }),
        startDate: t.arg({ type: 'Date', required: true }),
        endDate: t.arg({ type: 'Date', description: 'Omit for a permanent entry.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => proposeListEntry(ctx, input, idempotencyKey),
    }),
    proposeEligibleRedListEntries: t.field({
      type: 'Int',
      errors: {},
      description: 'Runs the red-list rule over every subject in your jurisdiction and files a proposal for each one that qualifies today; returns how many.',
      authScopes: { permission: 'credit:list.propose' },
      args: { idempotencyKey: t.arg({ type: 'IdempotencyKey' }) },
      resolve: (_r, { idempotencyKey }, ctx) => proposeEligibleRedListEntries(ctx, idempotencyKey),
    }),
    decideCreditListProposal: t.field({
      type: CreditListEntry,
      errors: {},
      description: 'Approves or rejects a proposal. The proposer may not decide their own.',
      authScopes: { permission: 'credit:list.decide' },
      args: {
        entryId: t.arg.globalID({ required: true }),
        approve: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, entryId: id, ...input }, ctx) => decideListProposal(ctx, { ...input, entryId: entryId(id) }, idempotencyKey),
    }),
    requestCreditRepair: t.field({
      type: RepairRequest,
      errors: {},
      description: 'Files a credit-repair request (信用修复) for an active black-list entry with the conditions shown.',
      authScopes: { permission: 'credit:repair.request' },
      args: {
        entryId: t.arg.globalID({ required: true }),
        statement: t.arg.string({ required: true, validate: requiredText(2000) }),
        conditions: t.arg({ type: [RepairConditionInput], required: true, validate: z.array(z.any()).max(20) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, entryId: id, ...input }, ctx) => requestCreditRepair(ctx, { ...input, entryId: entryId(id) }, idempotencyKey),
    }),
    decideCreditRepair: t.field({
      type: RepairRequest,
      errors: {},
      description: 'Approving lifts the entry from today; the entry, its reason and every decision stay in the history.',
      authScopes: { permission: 'credit:list.decide' },
      args: {
        requestId: t.arg.globalID({ required: true }),
        approve: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, requestId, ...input }, ctx) => {
        return decideCreditRepair(ctx, { ...input, requestId: idOfType(requestId, 'CreditRepairRequest', 'requestId') }, idempotencyKey);
      },
    }),
  }));
}

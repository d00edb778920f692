import { sql } from 'drizzle-orm';
import { jurisdictionCode, jurisdictionIndex, oneOf } from '@safecity/core';
import { date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { LIST_TYPES, POLARITIES, SEVERITIES, SUBJECT_KINDS } from './rules.js';

/** The decisions on a list entry (see credit_list_decisions). */
export const DECISION_ACTIONS = ['approve', 'reject', 'lift', 'reject_repair'] as const;

/** An enterprise or unit (信用主体), identified by its unified social credit code (GB 32100). */
export const creditSubjects = pgTable(
  'credit_subjects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    creditCode: text('credit_code').notNull().unique(),
    name: text('name').notNull(),
    kind: text('kind', { enum: SUBJECT_KINDS }).notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    /** On file since: the start of the observation period for red-list rules. */
    onFileSince: date('on_file_since', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [jurisdictionIndex('credit_subjects_jur_idx', t.jurisdictionCode), oneOf('credit_subjects_kind_check', t.kind, SUBJECT_KINDS)],
);

/** A positive or negative credit record (信用记录). Facts: never updated. */
export const creditRecords = pgTable(
  'credit_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => creditSubjects.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    polarity: text('polarity', { enum: POLARITIES }).notNull(),
    kind: text('kind').notNull(),
    sourceDepartment: text('source_department').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** Negative records only. */
    severity: text('severity', { enum: SEVERITIES }),
    summary: text('summary').notNull(),
    /** Reference to the evidence file or case (not public). */
    evidenceRef: text('evidence_ref'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
    /** Idempotency for records made from events, e.g. `unitVetoed:<assessmentId>`. */
    sourceRef: text('source_ref').unique(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_records_subject_idx').on(t.subjectId, t.date),
    jurisdictionIndex('credit_records_jur_idx', t.jurisdictionCode),
    oneOf('credit_records_polarity_check', t.polarity, POLARITIES),
    oneOf('credit_records_severity_check', t.severity, SEVERITIES),
  ],
);

/**
 * A red- or black-list entry (红黑名单). The proposal's terms are fixed at creation; its
 * status is derived from dates and the decision rows, never stored.
 */
export const creditListEntries = pgTable(
  'credit_list_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => creditSubjects.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    listType: text('list_type', { enum: LIST_TYPES }).notNull(),
    reasonCategory: text('reason_category').notNull(),
    /** Published reason. */
    reason: text('reason').notNull(),
    /** Internal note: never published. */
    internalNote: text('internal_note'),
    /** The deciding authority (认定部门). */
    authority: text('authority').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    /** Null: permanent. */
    endDate: date('end_date', { mode: 'string' }),
    /** The rule that proposed it (`safe_unit_veto`, `red_clean_record`, `manual`) and the rule-set version. */
    proposalRule: text('proposal_rule').notNull(),
    ruleVersion: text('rule_version').notNull(),
    basisRecordId: uuid('basis_record_id').references(() => creditRecords.id),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: timestamp('proposed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_list_entries_subject_idx').on(t.subjectId, t.listType),
    index('credit_list_entries_order_idx').on(t.listType, t.startDate, t.id),
    jurisdictionIndex('credit_list_entries_jur_idx', t.jurisdictionCode),
    oneOf('credit_list_entries_list_type_check', t.listType, LIST_TYPES),
  ],
);

/** A credit-repair request (信用修复申请) against a black-list entry. */
export const creditRepairRequests = pgTable(
  'credit_repair_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => creditListEntries.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    statement: text('statement').notNull(),
    /** The conditions the applicant shows as met: [{ condition, evidence }]. */
    conditions: jsonb('conditions').$type<{ condition: string; evidence: string }[]>().notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('credit_repair_requests_entry_idx').on(t.entryId)],
);

/**
 * Append-only decisions on entries: `approve` / `reject` a proposal (at most one verdict),
 * `lift` an entry (at most one, after an approved repair), `reject_repair` a repair request.
 */
export const creditListDecisions = pgTable(
  'credit_list_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => creditListEntries.id),
    repairRequestId: uuid('repair_request_id').references(() => creditRepairRequests.id),
    action: text('action', { enum: DECISION_ACTIONS }).notNull(),
    reason: text('reason').notNull(),
    /** The calendar day (China time) from which the decision takes effect. */
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    decidedBy: text('decided_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_list_decisions_entry_idx').on(t.entryId, t.decidedAt),
    uniqueIndex('credit_list_decisions_verdict_uq').on(t.entryId).where(sql`action in ('approve', 'reject')`),
    uniqueIndex('credit_list_decisions_lift_uq').on(t.entryId).where(sql`action = 'lift'`),
    uniqueIndex('credit_list_decisions_repair_uq').on(t.repairRequestId).where(sql`repair_request_id is not null`),
    oneOf('credit_list_decisions_action_check', t.action, DECISION_ACTIONS),
  ],
);

export const creditTables = { creditSubjects, creditRecords, creditListEntries, creditRepairRequests, creditListDecisions };

export type SubjectRow = typeof creditSubjects.$inferSelect;
export type RecordRow = typeof creditRecords.$inferSelect;
export type EntryRow = typeof creditListEntries.$inferSelect;
export type RepairRow = typeof creditRepairRequests.$inferSelect;
export type DecisionRow = typeof creditListDecisions.$inferSelect;

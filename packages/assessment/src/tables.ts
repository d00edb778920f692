import { sql } from 'drizzle-orm';
import { jurisdictionCode, jurisdictionIndex, oneOf } from '@safecity/core';
import { bigserial, boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { CATEGORY_KEYS, MAJOR_EVENT_KINDS, type Category } from './rules/categories.js';
import { GRADES } from './rules/grade.js';
import { FACT_KINDS } from './rules/standing.js';
import type { FiredRule, VetoRule } from './rules/veto.js';
import type { ScoredItem, StandardItem } from './rules/scoring.js';
import type { YellowCardPolicy } from './rules/yellow-card.js';
import type { GradePolicy } from './rules/grade.js';

const id = () => uuid('id').primaryKey().defaultRandom();
const day = (name: string) => date(name, { mode: 'string' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const category = () => text('category', { enum: CATEGORY_KEYS as [Category, ...Category[]] });
/** Where a major event came from: patrol's majorIncidentRecorded, recorded here, or a disputes mass incident. */
export const MAJOR_EVENT_SOURCES = ['patrol', 'assessment', 'disputes'] as const;
/** What a repeat yellow card escalates to under the rule set's policy. */
export const CARD_ESCALATIONS = ['red_card', 'veto_review'] as const;
export const INVESTIGATION_OUTCOMES = ['veto', 'yellow_card', 'criticism', 'none'] as const;
export const RULE_SET_DECISIONS = ['approve', 'reject'] as const;

/** A creation batch (创建批次) of a creation project, with its lead assessing unit and targets. */
export const creationBatches = pgTable(
  'creation_batches',
  {
    id: id(),
    projectName: text('project_name').notNull(),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    leadUnit: text('lead_unit').notNull(),
    participatingUnits: text('participating_units').array().notNull(),
    targetDate: day('target_date').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('creation_batches_project_seq_uq').on(t.projectName, t.seq), jurisdictionIndex('creation_batches_jur_idx', t.jurisdictionCode)],
);

/** A unit under safe creation (平安细胞). `batchId` is the current batch; moves are facts in unit_batch_moves. */
export const safeUnits = pgTable(
  'safe_units',
  {
    id: id(),
    name: text('name').notNull(),
    category: category().notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    creditCode: text('credit_code'),
    batchId: uuid('batch_id')
      .notNull()
      .references(() => creationBatches.id),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    jurisdictionIndex('safe_units_jur_idx', t.jurisdictionCode),
    uniqueIndex('safe_units_credit_code_uq').on(t.creditCode),
    index('safe_units_name_idx').on(t.name),
    index('safe_units_category_idx').on(t.category, t.jurisdictionCode),
    index('safe_units_batch_idx').on(t.batchId),
    oneOf('safe_units_category_check', t.category, CATEGORY_KEYS),
  ],
);

/** Versioned assessment standards, one series per category; rows are never changed. */
export const assessmentStandards = pgTable(
  'assessment_standards',
  {
    id: id(),
    category: category().notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    items: jsonb('items').$type<StandardItem[]>().notNull(),
    passMark: doublePrecision('pass_mark').notNull(),
    effectiveFrom: day('effective_from').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: instant('published_at').notNull(),
  },
  (t) => [
    uniqueIndex('assessment_standards_category_version_uq').on(t.category, t.version),
    index('assessment_standards_effective_idx').on(t.category, t.effectiveFrom),
    oneOf('assessment_standards_category_check', t.category, CATEGORY_KEYS),
  ],
);

/** Versioned veto rule sets (with the yellow-card and grade policies); rows are never changed. */
export const vetoRuleSets = pgTable(
  'veto_rule_sets',
  {
    id: id(),
    version: integer('version').notNull(),
    effectiveFrom: day('effective_from').notNull(),
    rules: jsonb('rules').$type<VetoRule[]>().notNull(),
    yellowCardPolicy: jsonb('yellow_card_policy').$type<YellowCardPolicy>().notNull(),
    gradePolicy: jsonb('grade_policy').$type<GradePolicy>().notNull(),
    note: text('note'),
    /** Effective before the day it was published, over days an earlier set governed: in force only once approved. */
    retroactive: boolean('retroactive').notNull().default(false),
    retroactiveReason: text('retroactive_reason'),
    publishedBy: text('published_by').notNull(),
    publishedAt: instant('published_at').notNull(),
  },
  (t) => [uniqueIndex('veto_rule_sets_version_uq').on(t.version), index('veto_rule_sets_effective_idx').on(t.effectiveFrom)],
);

/** The second officer's verdict on a retroactive rule set (maker-checker): at most one, never changed. */
export const vetoRuleSetDecisions = pgTable(
  'veto_rule_set_decisions',
  {
    id: id(),
    ruleSetId: uuid('rule_set_id')
      .notNull()
      .references(() => vetoRuleSets.id),
    action: text('action', { enum: RULE_SET_DECISIONS }).notNull(),
    reason: text('reason').notNull(),
    /** How many decided assessments the approved set now governs (they keep their version; the unit history says so). */
    affectedAssessments: integer('affected_assessments').notNull().default(0),
    decidedBy: text('decided_by').notNull(),
    decidedAt: instant('decided_at').notNull(),
  },
  (t) => [uniqueIndex('veto_rule_set_decisions_set_uq').on(t.ruleSetId), oneOf('veto_rule_set_decisions_action_check', t.action, RULE_SET_DECISIONS)],
);

/**
 * Assessment results. A correction is a new row of the same chain with version + 1 and a
 * reason; rows are never updated (a trigger refuses it).
 */
export const unitAssessments = pgTable(
  'unit_assessments',
  {
    id: id(),
    chainId: uuid('chain_id').notNull(),
    version: integer('version').notNull(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    category: category().notNull(),
    periodStart: day('period_start').notNull(),
    periodEnd: day('period_end').notNull(),
    standardId: uuid('standard_id')
      .notNull()
      .references(() => assessmentStandards.id),
    standardVersion: integer('standard_version').notNull(),
    ruleSetId: uuid('rule_set_id')
      .notNull()
      .references(() => vetoRuleSets.id),
    ruleSetVersion: integer('rule_set_version').notNull(),
    items: jsonb('items').$type<ScoredItem[]>().notNull(),
    total: doublePrecision('total').notNull(),
    passMark: doublePrecision('pass_mark').notNull(),
    scorePassed: boolean('score_passed').notNull(),
    vetoed: boolean('vetoed').notNull(),
    passed: boolean('passed').notNull(),
    grade: text('grade', { enum: GRADES }),
    firedRules: jsonb('fired_rules').$type<FiredRule[]>().notNull(),
    triggeringEventIds: text('triggering_event_ids').array().notNull(),
    explanation: text('explanation').notNull(),
    correctionReason: text('correction_reason'),
    supersedesId: uuid('supersedes_id').references((): AnyPgColumn => unitAssessments.id),
    assessedBy: text('assessed_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [
    uniqueIndex('unit_assessments_chain_version_uq').on(t.chainId, t.version),
    uniqueIndex('unit_assessments_unit_period_uq').on(t.unitId, t.periodStart, t.periodEnd).where(sql`version = 1`),
    index('unit_assessments_unit_idx').on(t.unitId, t.periodEnd),
    jurisdictionIndex('unit_assessments_jur_idx', t.jurisdictionCode),
    index('unit_assessments_standard_idx').on(t.standardId),
    index('unit_assessments_rule_set_idx').on(t.ruleSetId),
    oneOf('unit_assessments_category_check', t.category, CATEGORY_KEYS),
    oneOf('unit_assessments_grade_check', t.grade, GRADES),
  ],
);

/** Major events (重大案事件) that can veto: from patrol's majorIncidentRecorded or recorded here. */
export const majorEvents = pgTable(
  'major_events',
  {
    id: id(),
    kind: text('kind', { enum: MAJOR_EVENT_KINDS }).notNull(),
    occurredAt: instant('occurred_at').notNull(),
    occurredOn: day('occurred_on').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    unitId: uuid('unit_id').references(() => safeUnits.id),
    source: text('source', { enum: MAJOR_EVENT_SOURCES }).notNull(),
    sourceRef: text('source_ref'),
    place: text('place'),
    description: text('description').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [
    uniqueIndex('major_events_source_uq').on(t.source, t.sourceRef),
    index('major_events_unit_idx').on(t.unitId, t.occurredOn),
    jurisdictionIndex('major_events_jur_idx', t.jurisdictionCode),
    index('major_events_on_idx').on(t.occurredOn),
    oneOf('major_events_kind_check', t.kind, MAJOR_EVENT_KINDS),
    oneOf('major_events_source_check', t.source, MAJOR_EVENT_SOURCES),
  ],
);

export const yellowCards = pgTable(
  'yellow_cards',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    reason: text('reason').notNull(),
    issuedOn: day('issued_on').notNull(),
    rectificationDeadline: day('rectification_deadline').notNull(),
    ruleSetVersion: integer('rule_set_version').notNull(),
    repeatOfId: uuid('repeat_of_id').references((): AnyPgColumn => yellowCards.id),
    escalation: text('escalation', { enum: CARD_ESCALATIONS }),
    explanation: text('explanation').notNull(),
    issuedBy: text('issued_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [
    index('yellow_cards_unit_idx').on(t.unitId, t.issuedOn),
    jurisdictionIndex('yellow_cards_jur_idx', t.jurisdictionCode),
    oneOf('yellow_cards_escalation_check', t.escalation, CARD_ESCALATIONS),
  ],
);

/** Plaques (授牌). Revocation fills the revoked columns once; the fact also goes to unit_history. */
export const plaques = pgTable(
  'plaques',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => unitAssessments.id),
    awardedOn: day('awarded_on').notNull(),
    awardedAt: instant('awarded_at').notNull(),
    revokedOn: day('revoked_on'),
    revokedAt: instant('revoked_at'),
    revokedByEventId: uuid('revoked_by_event_id').references(() => majorEvents.id),
    revokeReason: text('revoke_reason'),
  },
  (t) => [index('plaques_unit_idx').on(t.unitId), uniqueIndex('plaques_one_active_uq').on(t.unitId).where(sql`revoked_at is null`)],
);

export const rectificationOrders = pgTable(
  'rectification_orders',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    items: text('items').array().notNull(),
    issuedOn: day('issued_on').notNull(),
    deadline: day('deadline').notNull(),
    yellowCardId: uuid('yellow_card_id').references(() => yellowCards.id),
    completedOn: day('completed_on'),
    completedBy: text('completed_by'),
    version: integer('version').notNull().default(1),
    issuedBy: text('issued_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [
    index('rectification_orders_unit_idx').on(t.unitId),
    index('rectification_orders_open_idx').on(t.deadline).where(sql`completed_on is null`),
    jurisdictionIndex('rectification_orders_jur_idx', t.jurisdictionCode),
  ],
);

/** A unit moved into the next batch because a rectification order ran out: one fact per order. */
export const unitBatchMoves = pgTable(
  'unit_batch_moves',
  {
    id: id(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => rectificationOrders.id),
    fromBatchId: uuid('from_batch_id')
      .notNull()
      .references(() => creationBatches.id),
    toBatchId: uuid('to_batch_id')
      .notNull()
      .references(() => creationBatches.id),
    movedOn: day('moved_on').notNull(),
    reason: text('reason').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('unit_batch_moves_order_uq').on(t.orderId), index('unit_batch_moves_unit_idx').on(t.unitId)],
);

/** Responsibility investigations (责任查究) and their outcome. */
export const investigations = pgTable(
  'responsibility_investigations',
  {
    id: id(),
    unitId: uuid('unit_id').references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    subject: text('subject').notNull(),
    eventId: uuid('event_id').references(() => majorEvents.id),
    openedOn: day('opened_on').notNull(),
    outcome: text('outcome', { enum: INVESTIGATION_OUTCOMES }),
    outcomeNote: text('outcome_note'),
    concludedOn: day('concluded_on'),
    version: integer('version').notNull().default(1),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [index('investigations_unit_idx').on(t.unitId), jurisdictionIndex('investigations_jur_idx', t.jurisdictionCode), oneOf('investigations_outcome_check', t.outcome, INVESTIGATION_OUTCOMES)],
);

export const evaluationWeightVersions = pgTable(
  'evaluation_weight_versions',
  {
    id: id(),
    version: integer('version').notNull(),
    effectiveFrom: day('effective_from').notNull(),
    safeCreation: doublePrecision('safe_creation').notNull(),
    governance: doublePrecision('governance').notNull(),
    stability: doublePrecision('stability').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: instant('published_at').notNull(),
  },
  (t) => [uniqueIndex('evaluation_weight_versions_version_uq').on(t.version)],
);

/** Three-in-one evaluations (三考合一) of a jurisdiction's leadership for a period. */
export const jurisdictionEvaluations = pgTable(
  'jurisdiction_evaluations',
  {
    id: id(),
    jurisdictionCode: jurisdictionCode().notNull(),
    periodStart: day('period_start').notNull(),
    periodEnd: day('period_end').notNull(),
    safeCreation: doublePrecision('safe_creation').notNull(),
    governance: doublePrecision('governance').notNull(),
    stability: doublePrecision('stability').notNull(),
    weightsVersion: integer('weights_version').references(() => evaluationWeightVersions.version),
    weights: jsonb('weights').$type<{ safeCreation: number; governance: number; stability: number }>().notNull(),
    total: doublePrecision('total').notNull(),
    evaluatedBy: text('evaluated_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [jurisdictionIndex('jurisdiction_evaluations_jur_idx', t.jurisdictionCode)],
);

/**
 * The auditor's timeline of a unit: every decision as an append-only fact with its valid
 * day and its recording instant (bitemporal), who recorded it and what it said.
 */
export const unitHistory = pgTable(
  'unit_history',
  {
    id: id(),
    /** Recording order: ties within one valid day and instant keep the order they were written in. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => safeUnits.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    kind: text('kind', { enum: FACT_KINDS }).notNull(),
    validOn: day('valid_on').notNull(),
    recordedAt: instant('recorded_at').notNull(),
    actorId: text('actor_id').notNull(),
    refId: uuid('ref_id'),
    summary: text('summary').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('unit_history_unit_idx').on(t.unitId, t.validOn, t.recordedAt), oneOf('unit_history_kind_check', t.kind, FACT_KINDS)],
);

export const assessmentTables = {
  creationBatches,
  safeUnits,
  assessmentStandards,
  vetoRuleSets,
  vetoRuleSetDecisions,
  unitAssessments,
  majorEvents,
  yellowCards,
  plaques,
  rectificationOrders,
  unitBatchMoves,
  investigations,
  evaluationWeightVersions,
  jurisdictionEvaluations,
  unitHistory,
};

/** History tables refuse UPDATE and DELETE: corrections are new rows. */
export const APPEND_ONLY_TABLES = [unitAssessments, unitHistory, assessmentStandards, vetoRuleSets, vetoRuleSetDecisions, unitBatchMoves, majorEvents, yellowCards, evaluationWeightVersions];

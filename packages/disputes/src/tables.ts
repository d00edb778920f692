import { sql } from 'drizzle-orm';
import { jurisdictionCode, jurisdictionIndex, oneOf } from '@safecity/core';
import { bigserial, boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { HANDLING_LEVELS } from './rules/levels.js';
import { DISPUTE_KINDS, DISPUTE_SOURCES, DISPUTE_STATUSES, MEDIATION_KINDS, ORGANISATION_KINDS, PARTY_ROLES, RISK_LEVELS, STEP_KINDS } from './rules/vocabulary.js';

const id = () => uuid('id').primaryKey().defaultRandom();
const day = (name: string) => date(name, { mode: 'string' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** The keys of a labelled vocabulary ({ key: '中文' }), as the non-empty tuple drizzle's text enum takes. */
const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
export const VETO_PROPOSAL_STATUSES = ['pending', 'accepted', 'rejected'] as const;

/** Mediation organisations: community rooms, town centres, specialised committees (大调解网络). */
export const mediationOrganisations = pgTable(
  'mediation_organisations',
  {
    id: id(),
    name: text('name').notNull(),
    kind: text('kind', { enum: keys(ORGANISATION_KINDS) }).notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    /** For a specialised committee: the dispute kind it takes (traffic accidents, medical, property…). */
    specialty: text('specialty', { enum: keys(DISPUTE_KINDS) }),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('mediation_organisations_name_uq').on(t.jurisdictionCode, t.name),
    // A subtree's range and its page order (organisations are listed by (jurisdiction, id)) in one index.
    jurisdictionIndex('mediation_organisations_jur_pattern_id_idx', t.jurisdictionCode, t.id),
    oneOf('mediation_organisations_kind_check', t.kind, keys(ORGANISATION_KINDS)),
    oneOf('mediation_organisations_specialty_check', t.specialty, keys(DISPUTE_KINDS)),
  ],
);

/** Screening rounds (排查) per jurisdiction and period; what each found is the disputes linked to it plus its hazard count. */
export const screeningRounds = pgTable(
  'screening_rounds',
  {
    id: id(),
    jurisdictionCode: jurisdictionCode().notNull(),
    period: text('period').notNull(),
    startedOn: day('started_on').notNull(),
    endedOn: day('ended_on').notNull(),
    focus: text('focus').notNull(),
    /** Risks noted that were not (yet) disputes: 隐患 found by the round. */
    hazardsFound: integer('hazards_found').notNull().default(0),
    notes: text('notes'),
    conductedBy: text('conducted_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [jurisdictionIndex('screening_rounds_jur_idx', t.jurisdictionCode), index('screening_rounds_period_idx').on(t.period)],
);

/**
 * A dispute (矛盾纠纷). `status`, `level`, `organisationId` and `deadline` are its current
 * state; every change is also a row in dispute_steps (append-only), so the history is kept.
 */
export const disputes = pgTable(
  'disputes',
  {
    id: id(),
    jurisdictionCode: jurisdictionCode().notNull(),
    kind: text('kind', { enum: keys(DISPUTE_KINDS) }).notNull(),
    source: text('source', { enum: keys(DISPUTE_SOURCES) }).notNull(),
    screeningRoundId: uuid('screening_round_id').references(() => screeningRounds.id),
    description: text('description').notNull(),
    riskLevel: text('risk_level', { enum: keys(RISK_LEVELS) }).notNull(),
    massIncidentRisk: boolean('mass_incident_risk').notNull(),
    /** The unit the dispute is about or happens at (for a mass incident's veto), when there is one. */
    unitName: text('unit_name'),
    unitCreditCode: text('unit_credit_code'),
    registeredOn: day('registered_on').notNull(),
    status: text('status', { enum: DISPUTE_STATUSES }).notNull(),
    level: text('level', { enum: HANDLING_LEVELS }).notNull(),
    organisationId: uuid('organisation_id').references(() => mediationOrganisations.id),
    mediatorName: text('mediator_name'),
    mediationKind: text('mediation_kind', { enum: keys(MEDIATION_KINDS) }).notNull(),
    /** The current level's deadline (calendar days, see rules/deadlines.ts). */
    deadline: day('deadline').notNull(),
    escalations: integer('escalations').notNull().default(0),
    resolvedOn: day('resolved_on'),
    agreement: text('agreement'),
    /** The day a closing failure or a mass incident ended handling (resolvedOn covers agreements). */
    closedOn: day('closed_on'),
    massIncidentOn: day('mass_incident_on'),
    followUpDueOn: day('follow_up_due_on'),
    version: integer('version').notNull().default(1),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    jurisdictionIndex('disputes_jur_idx', t.jurisdictionCode),
    index('disputes_registered_idx').on(t.registeredOn),
    index('disputes_open_deadline_idx').on(t.deadline).where(sql`status in ('registered', 'mediating', 'escalated')`),
    index('disputes_follow_up_idx').on(t.followUpDueOn).where(sql`follow_up_due_on is not null`),
    index('disputes_round_idx').on(t.screeningRoundId),
    index('disputes_organisation_idx').on(t.organisationId),
    oneOf('disputes_kind_check', t.kind, keys(DISPUTE_KINDS)),
    oneOf('disputes_source_check', t.source, keys(DISPUTE_SOURCES)),
    oneOf('disputes_risk_level_check', t.riskLevel, keys(RISK_LEVELS)),
    oneOf('disputes_status_check', t.status, DISPUTE_STATUSES),
    oneOf('disputes_level_check', t.level, HANDLING_LEVELS),
    oneOf('disputes_mediation_kind_check', t.mediationKind, keys(MEDIATION_KINDS)),
  ],
);

/** Parties: a person on the register by reference only (population's id), or a name with a role. */
export const disputeParties = pgTable(
  'dispute_parties',
  {
    id: id(),
    disputeId: uuid('dispute_id')
      .notNull()
      .references(() => disputes.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    seq: integer('seq').notNull(),
    role: text('role', { enum: keys(PARTY_ROLES) }).notNull(),
    /** population's person id; never joined: the client resolves it through node(id:). */
    personRef: uuid('person_ref'),
    name: text('name'),
    phone: text('phone'),
  },
  (t) => [uniqueIndex('dispute_parties_seq_uq').on(t.disputeId, t.seq), index('dispute_parties_person_idx').on(t.personRef), oneOf('dispute_parties_role_check', t.role, keys(PARTY_ROLES))],
);

/** The handling history: registration, routing, sessions, agreement or failure, escalations, follow-ups. Append-only. */
export const disputeSteps = pgTable(
  'dispute_steps',
  {
    id: id(),
    /** Recording order (steps written in one transaction share their instant). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    disputeId: uuid('dispute_id')
      .notNull()
      .references(() => disputes.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    kind: text('kind', { enum: STEP_KINDS }).notNull(),
    on: day('on_date').notNull(),
    level: text('level', { enum: HANDLING_LEVELS }).notNull(),
    organisationId: uuid('organisation_id').references(() => mediationOrganisations.id),
    mediatorName: text('mediator_name'),
    mediationKind: text('mediation_kind', { enum: keys(MEDIATION_KINDS) }),
    outcome: text('outcome').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [
    index('dispute_steps_dispute_idx').on(t.disputeId, t.seq),
    oneOf('dispute_steps_kind_check', t.kind, STEP_KINDS),
    oneOf('dispute_steps_level_check', t.level, HANDLING_LEVELS),
    oneOf('dispute_steps_mediation_kind_check', t.mediationKind, keys(MEDIATION_KINDS)),
  ],
);

/** Comprehensive-governance veto proposals (综治否决建议) by a mediation centre, decided by an assessor. */
export const vetoProposals = pgTable(
  'veto_proposals',
  {
    id: id(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => mediationOrganisations.id),
    disputeId: uuid('dispute_id').references(() => disputes.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    unitName: text('unit_name'),
    unitCreditCode: text('unit_credit_code'),
    reason: text('reason').notNull(),
    status: text('status', { enum: VETO_PROPOSAL_STATUSES }).notNull().default('pending'),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: instant('proposed_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    decisionReason: text('decision_reason'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    jurisdictionIndex('veto_proposals_jur_idx', t.jurisdictionCode),
    index('veto_proposals_pending_idx').on(t.proposedAt).where(sql`status = 'pending'`),
    oneOf('veto_proposals_status_check', t.status, VETO_PROPOSAL_STATUSES),
  ],
);

export const disputesTables = { mediationOrganisations, screeningRounds, disputes, disputeParties, disputeSteps, vetoProposals };

export type OrganisationRow = typeof mediationOrganisations.$inferSelect;
export type RoundRow = typeof screeningRounds.$inferSelect;
export type DisputeRow = typeof disputes.$inferSelect;
export type PartyRow = typeof disputeParties.$inferSelect;
export type StepRow = typeof disputeSteps.$inferSelect;
export type ProposalRow = typeof vetoProposals.$inferSelect;

/** The handling history and the parties are append-only: corrections are new steps. */
export const APPEND_ONLY_TABLES = [disputeSteps, disputeParties];

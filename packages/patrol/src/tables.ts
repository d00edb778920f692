import { sql } from 'drizzle-orm';
import { allOf, jurisdictionCode, jurisdictionIndex, MAJOR_EVENT_KINDS, oneOf } from '@safecity/core';
import { boolean, check, date, doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ALERT_TYPES } from './rules/activation.js';
import { TASKS } from './rules/compliance.js';
import { CHECKPOINT_KINDS, TEAM_LEVELS } from './rules/vocabulary.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Checkpoints (警务执勤点/卡口): city ring, inter-city entrance, temporary duty point. */
export const checkpoints = pgTable(
  'patrol_checkpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: CHECKPOINT_KINDS }).notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    // A subtree's range and its page order (checkpoints are listed by (jurisdiction, id)) in one index.
    jurisdictionIndex('patrol_checkpoints_jur_pattern_id_idx', t.jurisdictionCode, t.id),
    index('patrol_checkpoints_kind_idx').on(t.kind, t.jurisdictionCode),
    oneOf('patrol_checkpoints_kind_check', t.kind, CHECKPOINT_KINDS),
  ],
);

/** Patrol blocks (区块化巡防): communities of a sub-district grouped for patrol. */
export const patrolBlocks = pgTable(
  'patrol_blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    communityCodes: text('community_codes').array().notNull(),
    vehicles: integer('vehicles').notNull().default(0),
    weeklyPatrolHours: integer('weekly_patrol_hours').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [jurisdictionIndex('patrol_blocks_jur_idx', t.jurisdictionCode)],
);

/** Patrol teams, at one of the four levels of patrol control (四级巡控). */
export const patrolTeams = pgTable(
  'patrol_teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    level: text('level', { enum: TEAM_LEVELS }).notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    checkpointId: uuid('checkpoint_id').references(() => checkpoints.id),
    blockId: uuid('block_id').references(() => patrolBlocks.id),
    vehicles: integer('vehicles').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    jurisdictionIndex('patrol_teams_jur_idx', t.jurisdictionCode),
    index('patrol_teams_checkpoint_idx').on(t.checkpointId),
    index('patrol_teams_block_idx').on(t.blockId),
    oneOf('patrol_teams_level_check', t.level, TEAM_LEVELS),
  ],
);

export const patrolMembers = pgTable(
  'patrol_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => patrolTeams.id),
    name: text('name').notNull(),
    badgeNumber: text('badge_number'),
    jurisdictionCode: jurisdictionCode().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('patrol_members_team_idx').on(t.teamId), jurisdictionIndex('patrol_members_jur_idx', t.jurisdictionCode)],
);

/** Who did which task when. Append-only; overlaps per person are refused under a row lock on the member. */
export const dutyLogs = pgTable(
  'patrol_duty_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => patrolMembers.id),
    teamId: uuid('team_id')
      .notNull()
      .references(() => patrolTeams.id),
    checkpointId: uuid('checkpoint_id').references(() => checkpoints.id),
    task: text('task', { enum: TASKS }).notNull(),
    startAt: ts('start_at').notNull(),
    endAt: ts('end_at').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('patrol_duty_logs_member_idx').on(t.memberId, t.startAt),
    index('patrol_duty_logs_checkpoint_idx').on(t.checkpointId, t.startAt),
    index('patrol_duty_logs_order_idx').on(t.startAt, t.id),
    jurisdictionIndex('patrol_duty_logs_jur_idx', t.jurisdictionCode),
    check('patrol_duty_logs_interval', sql`${t.endAt} > ${t.startAt}`),
    oneOf('patrol_duty_logs_task_check', t.task, TASKS),
  ],
);

/** Alerts and cases (警情/案件). `occurredAt` is the time the alert came in: response times run from it. */
export const alerts = pgTable(
  'patrol_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type', { enum: ALERT_TYPES }).notNull(),
    /** A GB/T 31000 classification code, when the reporting system supplies one. */
    gbCode: text('gb_code'),
    occurredAt: ts('occurred_at').notNull(),
    /** The Asia/Shanghai calendar day of occurredAt: the unit of the activation threshold. */
    day: date('day', { mode: 'string' }).notNull(),
    place: text('place').notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    jurisdictionCode: jurisdictionCode().notNull(),
    major: boolean('major').notNull().default(false),
    majorKind: text('major_kind', { enum: MAJOR_EVENT_KINDS }),
    unitCreditCode: text('unit_credit_code'),
    unitName: text('unit_name'),
    description: text('description').notNull().default(''),
    dispatchedAt: ts('dispatched_at'),
    arrivedAt: ts('arrived_at'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    jurisdictionIndex('patrol_alerts_jur_idx', t.jurisdictionCode),
    index('patrol_alerts_day_idx').on(t.day, t.type),
    index('patrol_alerts_order_idx').on(t.occurredAt, t.id),
    oneOf('patrol_alerts_type_check', t.type, ALERT_TYPES),
    oneOf('patrol_alerts_major_kind_check', t.majorKind, MAJOR_EVENT_KINDS),
  ],
);

/** Per-jurisdiction joint-duty configuration; without one the district default applies. */
export const activationRules = pgTable(
  'patrol_activation_rules',
  {
    jurisdictionCode: jurisdictionCode().primaryKey(),
    threshold: integer('threshold').notNull(),
    types: text('types', { enum: ALERT_TYPES }).array().notNull(),
    pointIds: uuid('point_ids').array().notNull(),
    deadlineMinutes: integer('deadline_minutes').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [allOf('patrol_activation_rules_types_check', t.types, ALERT_TYPES)],
);

/** Grid joint-duty activations (网格化防控联勤): at most one per jurisdiction and day. */
export const activations = pgTable(
  'patrol_activations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jurisdictionCode: jurisdictionCode().notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    threshold: integer('threshold').notNull(),
    types: text('types', { enum: ALERT_TYPES }).array().notNull(),
    triggeringAlertIds: uuid('triggering_alert_ids').array().notNull(),
    pointIds: uuid('point_ids').array().notNull(),
    activatedAt: ts('activated_at').notNull(),
    deadline: ts('deadline').notNull(),
  },
  (t) => [
    uniqueIndex('patrol_activations_jur_day_uq').on(t.jurisdictionCode, t.day),
    jurisdictionIndex('patrol_activations_jur_idx', t.jurisdictionCode),
    index('patrol_activations_order_idx').on(t.activatedAt, t.id),
    allOf('patrol_activations_types_check', t.types, ALERT_TYPES),
  ],
);

export const checkIns = pgTable(
  'patrol_check_ins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    activationId: uuid('activation_id')
      .notNull()
      .references(() => activations.id),
    checkpointId: uuid('checkpoint_id')
      .notNull()
      .references(() => checkpoints.id),
    arrivedAt: ts('arrived_at').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('patrol_check_ins_point_uq').on(t.activationId, t.checkpointId)],
);

export const disciplineRecords = pgTable(
  'patrol_discipline_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => patrolMembers.id),
    day: date('day', { mode: 'string' }).notNull(),
    description: text('description').notNull(),
    deduction: integer('deduction').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('patrol_discipline_member_idx').on(t.memberId, t.day)],
);

export const communityFeedback = pgTable(
  'patrol_community_feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => patrolMembers.id),
    day: date('day', { mode: 'string' }).notNull(),
    rating: integer('rating').notNull(),
    note: text('note').notNull().default(''),
    jurisdictionCode: jurisdictionCode().notNull(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('patrol_feedback_member_idx').on(t.memberId, t.day)],
);

export const patrolTables = { checkpoints, patrolBlocks, patrolTeams, patrolMembers, dutyLogs, alerts, activationRules, activations, checkIns, disciplineRecords, communityFeedback };

export type CheckpointRow = typeof checkpoints.$inferSelect;
export type BlockRow = typeof patrolBlocks.$inferSelect;
export type TeamRow = typeof patrolTeams.$inferSelect;
export type MemberRow = typeof patrolMembers.$inferSelect;
export type DutyLogRow = typeof dutyLogs.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type ActivationRow = typeof activations.$inferSelect;
export type CheckInRow = typeof checkIns.$inferSelect;

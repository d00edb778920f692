import { sql } from 'drizzle-orm';
import { jurisdictionCode, jurisdictionIndex, oneOf } from '@safecity/core';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  DWELLING_CLASSES,
  FILING_STATUSES,
  GENDERS,
  IMPORT_STATES,
  INFLOW_REASONS,
  OVERDUE_SUBJECTS,
  PERSON_KINDS,
  REGISTRATION_ENDS,
  REGISTRATION_SOURCES,
  REVISIT_OUTCOMES,
  TENANT_TIERS,
  type InflowReason,
} from './rules.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });

/**
 * 实有人口. The identity number is never stored readable: `id_number_hash` (HMAC-SHA256 of the
 * normalized number) serves exact search, `id_number_masked` display, `id_number_cipher`
 * (AES-256-GCM) the audited reveal. Phone numbers likewise: `phone_masked` and `phone_cipher`. `jurisdiction_code` follows the active registration.
 * `last_visited_on` / `revisit_due_on` are derived (rules.ts) on every visit, tier change
 * and registration, so the overdue list is an indexed range scan.
 */
export const persons = pgTable(
  'persons',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    idNumberHash: text('id_number_hash').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    idNumberCipher: text('id_number_cipher').notNull(),
    birthDate: day('birth_date').notNull(),
    gender: text('gender', { enum: GENDERS }).notNull(),
    kind: text('kind', { enum: PERSON_KINDS }).notNull(),
    inflowReason: text('inflow_reason', { enum: Object.keys(INFLOW_REASONS) as [InflowReason, ...InflowReason[]] }),
    inflowDate: day('inflow_date'),
    hukouPlaceCode: text('hukou_place_code').notNull(),
    /** Legacy plaintext phone: emptied by `migrate` (encryptLegacyPhones); never written. */
    phone: text('phone'),
    /** Phone masked by core's policy (138****5678), and its AES-256-GCM ciphertext for the audited reveal. */
    phoneMasked: text('phone_masked'),
    phoneCipher: text('phone_cipher'),
    tier: text('tier', { enum: TENANT_TIERS }).notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    lastVisitedOn: day('last_visited_on'),
    revisitDueOn: day('revisit_due_on'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('persons_id_number_hash_key').on(t.idNumberHash),
    // A subtree's range and its page order in one index (see dwellings).
    jurisdictionIndex('persons_jur_pattern_id_idx', t.jurisdictionCode, t.id),
    index('persons_jur_id_idx').on(t.jurisdictionCode, t.id),
    index('persons_due_idx').on(t.revisitDueOn, t.id),
    index('persons_name_idx').on(t.name),
    // Empty once migrated: lets `migrate` find plaintext phones left over without a scan.
    index('persons_legacy_phone_idx').on(t.id).where(sql`${t.phone} is not null`),
    oneOf('persons_gender_check', t.gender, GENDERS),
    oneOf('persons_kind_check', t.kind, PERSON_KINDS),
    oneOf('persons_inflow_reason_check', t.inflowReason, Object.keys(INFLOW_REASONS)),
    oneOf('persons_tier_check', t.tier, TENANT_TIERS),
  ],
);

/** Tier history (append-only): who set which tier, when and why. */
export const personTierHistory = pgTable(
  'person_tier_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    tier: text('tier', { enum: TENANT_TIERS }).notNull(),
    setBy: text('set_by').notNull(),
    setAt: ts('set_at').notNull(),
    reason: text('reason').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
  },
  (t) => [index('person_tier_history_person_idx').on(t.personId, t.setAt), oneOf('person_tier_history_tier_check', t.tier, TENANT_TIERS)],
);

/** 出租屋. The standard address (标准地址) is unique. */
export const dwellings = pgTable(
  'dwellings',
  {
    id: uuid('id').primaryKey(),
    address: text('address').notNull(),
    landlordId: uuid('landlord_id').references(() => persons.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    rooms: integer('rooms').notNull(),
    capacity: integer('capacity').notNull(),
    filingNumber: text('filing_number'),
    filingStatus: text('filing_status', { enum: FILING_STATUSES }).notNull(),
    filedOn: day('filed_on'),
    dwellingClass: text('dwelling_class', { enum: DWELLING_CLASSES }).notNull(),
    urbanVillageBuilding: boolean('urban_village_building').notNull().default(false),
    listedOn: day('listed_on').notNull(),
    lastVisitedOn: day('last_visited_on'),
    revisitDueOn: day('revisit_due_on').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('dwellings_address_key').on(t.address),
    // A subtree's range and its page order in one index: a page of dwellings led by the code is
    // read in this index's order (the planner orders it with the pattern operators) and stops.
    jurisdictionIndex('dwellings_jur_pattern_id_idx', t.jurisdictionCode, t.id),
    index('dwellings_jur_id_idx').on(t.jurisdictionCode, t.id),
    index('dwellings_due_idx').on(t.revisitDueOn, t.id),
    index('dwellings_landlord_idx').on(t.landlordId),
    oneOf('dwellings_filing_status_check', t.filingStatus, FILING_STATUSES),
    oneOf('dwellings_class_check', t.dwellingClass, DWELLING_CLASSES),
  ],
);

/** Class history (append-only): 重点户 / 一般户 / 放心户 with who, when and why. */
export const dwellingClassHistory = pgTable(
  'dwelling_class_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dwellingId: uuid('dwelling_id')
      .notNull()
      .references(() => dwellings.id),
    dwellingClass: text('dwelling_class', { enum: DWELLING_CLASSES }).notNull(),
    setBy: text('set_by').notNull(),
    setAt: ts('set_at').notNull(),
    reason: text('reason').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
  },
  (t) => [index('dwelling_class_history_dwelling_idx').on(t.dwellingId, t.setAt), oneOf('dwelling_class_history_class_check', t.dwellingClass, DWELLING_CLASSES)],
);

/**
 * 居住登记. A registration is closed once (ended_on, end_kind 'changed', 'deregistered' or
 * 'moved_out': the person registered an arrival in another jurisdiction, see person_departures),
 * never edited otherwise; a change opens a new row pointing at the previous one. At most one
 * open registration per person (partial unique index). `import_key` makes CSV reruns no-ops.
 */
export const residenceRegistrations = pgTable(
  'residence_registrations',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    dwellingId: uuid('dwelling_id')
      .notNull()
      .references(() => dwellings.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    registeredOn: day('registered_on').notNull(),
    overCapacity: boolean('over_capacity').notNull().default(false),
    previousRegistrationId: uuid('previous_registration_id').references((): AnyPgColumn => residenceRegistrations.id),
    endedOn: day('ended_on'),
    endKind: text('end_kind', { enum: REGISTRATION_ENDS }),
    endReason: text('end_reason'),
    source: text('source', { enum: REGISTRATION_SOURCES }).notNull().default('api'),
    importKey: text('import_key'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('residence_registrations_one_active').on(t.personId).where(sql`${t.endedOn} is null`),
    uniqueIndex('residence_registrations_import_key').on(t.importKey),
    index('residence_registrations_person_idx').on(t.personId, t.registeredOn),
    index('residence_registrations_dwelling_idx').on(t.dwellingId, t.registeredOn),
    jurisdictionIndex('residence_registrations_jur_idx', t.jurisdictionCode),
    // The deregistration rate looks departures up by date (see service/rates.ts).
    index('residence_registrations_deregistered_idx').on(t.endedOn).where(sql`${t.endKind} = 'deregistered'`),
    index('residence_registrations_moved_out_idx').on(t.endedOn).where(sql`${t.endKind} = 'moved_out'`),
    index('residence_registrations_previous_idx').on(t.previousRegistrationId),
    oneOf('residence_registrations_end_kind_check', t.endKind, REGISTRATION_ENDS),
    oneOf('residence_registrations_source_check', t.source, REGISTRATION_SOURCES),
  ],
);

/**
 * 迁出: the sending side's record of a person who registered an arrival (迁入) in another
 * jurisdiction. It belongs to the jurisdiction the person left (`jurisdiction_code`) and keeps
 * what that side needs once the person is out of its sight: who (name and masked number as
 * they were), when, and the district they went to, never the new address.
 * `arrival_registration_id` ties the move together for city-level audit; it is not shown to the
 * sending side.
 */
export const personDepartures = pgTable(
  'person_departures',
  {
    id: uuid('id').primaryKey(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    registrationId: uuid('registration_id').references(() => residenceRegistrations.id),
    personName: text('person_name').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    movedOn: day('moved_on').notNull(),
    toDistrictCode: jurisdictionCode('to_district_code').notNull(),
    arrivalRegistrationId: uuid('arrival_registration_id')
      .notNull()
      .references(() => residenceRegistrations.id),
    recordedBy: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    jurisdictionIndex('person_departures_jur_idx', t.jurisdictionCode),
    index('person_departures_jur_id_idx').on(t.jurisdictionCode, t.movedOn, t.id),
    index('person_departures_person_idx').on(t.personId),
    index('person_departures_registration_idx').on(t.registrationId),
    index('person_departures_arrival_idx').on(t.arrivalRegistrationId),
  ],
);

/** 回访 of a dwelling; `matched` = the people found match the register (人户一致). */
export const revisits = pgTable(
  'revisits',
  {
    id: uuid('id').primaryKey(),
    dwellingId: uuid('dwelling_id')
      .notNull()
      .references(() => dwellings.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    visitorId: text('visitor_id').notNull(),
    visitedAt: ts('visited_at').notNull(),
    visitedOn: day('visited_on').notNull(),
    matched: boolean('matched').notNull(),
    notes: text('notes'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('revisits_dwelling_idx').on(t.dwellingId, t.visitedAt, t.id), jurisdictionIndex('revisits_jur_idx', t.jurisdictionCode), index('revisits_on_idx').on(t.visitedOn)],
);

/** The tenants a visit saw (their revisit clock restarts) or found gone (a known departure). */
export const revisitTenants = pgTable(
  'revisit_tenants',
  {
    revisitId: uuid('revisit_id')
      .notNull()
      .references(() => revisits.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => residenceRegistrations.id),
    outcome: text('outcome', { enum: REVISIT_OUTCOMES }).notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    visitedOn: day('visited_on').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.revisitId, t.personId] }),
    index('revisit_tenants_registration_idx').on(t.registrationId),
    jurisdictionIndex('revisit_tenants_jur_idx', t.jurisdictionCode),
    index('revisit_tenants_departed_idx').on(t.visitedOn).where(sql`${t.outcome} = 'departed'`),
    index('revisit_tenants_person_idx').on(t.personId),
    oneOf('revisit_tenants_outcome_check', t.outcome, REVISIT_OUTCOMES),
  ],
);

/** The estimated floating population of a community for a period: the registration rate's denominator. */
export const floatingPopulationEstimates = pgTable(
  'floating_population_estimates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jurisdictionCode: jurisdictionCode().notNull(),
    period: text('period').notNull(),
    estimate: integer('estimate').notNull(),
    source: text('source'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: ts('recorded_at').notNull(),
    /** Later estimates supersede earlier ones; history is kept. */
    supersededAt: ts('superseded_at'),
  },
  (t) => [
    uniqueIndex('floating_population_estimates_current').on(t.jurisdictionCode, t.period).where(sql`${t.supersededAt} is null`),
    jurisdictionIndex('floating_population_estimates_jur_idx', t.jurisdictionCode),
  ],
);

/** 五个一 checks of an urban-village building (append-only; the latest counts). */
export const fiveOnesChecks = pgTable(
  'five_ones_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dwellingId: uuid('dwelling_id')
      .notNull()
      .references(() => dwellings.id),
    jurisdictionCode: jurisdictionCode().notNull(),
    manager: boolean('manager').notNull(),
    electronicLock: boolean('electronic_lock').notNull(),
    registerBook: boolean('register_book').notNull(),
    policeReminderSign: boolean('police_reminder_sign').notNull(),
    responsibilityLetter: boolean('responsibility_letter').notNull(),
    checkedBy: text('checked_by').notNull(),
    checkedAt: ts('checked_at').notNull(),
  },
  (t) => [index('five_ones_checks_dwelling_idx').on(t.dwellingId, t.checkedAt), jurisdictionIndex('five_ones_checks_jur_idx', t.jurisdictionCode)],
);

/** One revisitOverdue notice per subject and due date: the sweep is idempotent. */
export const overdueNotices = pgTable(
  'overdue_notices',
  {
    subjectType: text('subject_type', { enum: OVERDUE_SUBJECTS }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    dueOn: day('due_on').notNull(),
    jurisdictionCode: jurisdictionCode().notNull(),
    notifiedAt: ts('notified_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectType, t.subjectId, t.dueOn] }), oneOf('overdue_notices_subject_type_check', t.subjectType, OVERDUE_SUBJECTS)],
);

/**
 * Progress of re-keying identity numbers under a new SAFECITY_DATA_KEY (one row per target key):
 * `population:rotate-data-key` resumes after `last_person_id`, so an interrupted run starts where
 * it stopped. Key ids are public fingerprints, never key material.
 */
export const dataKeyRotations = pgTable('data_key_rotations', {
  keyId: text('key_id').primaryKey(),
  startedAt: ts('started_at').notNull().defaultNow(),
  startedBy: text('started_by').notNull(),
  lastPersonId: uuid('last_person_id'),
  rowsRotated: integer('rows_rotated').notNull().default(0),
  /** Rows no accepted key decrypts (left as they are, listed by the command). */
  rowsFailed: integer('rows_failed').notNull().default(0),
  finishedAt: ts('finished_at'),
});

/** The measures of a fact row, the same in the buckets and in the deltas (fresh builders per table). */
function rateMeasures() {
  return {
    registered: integer('registered').notNull().default(0),
    visits: integer('visits').notNull().default(0),
    visitsMatched: integer('visits_matched').notNull().default(0),
    departures: integer('departures').notNull().default(0),
    departuresSettled: integer('departures_settled').notNull().default(0),
    dwellingsListed: integer('dwellings_listed').notNull().default(0),
    dwellingsFiled: integer('dwellings_filed').notNull().default(0),
    buildings: integer('buildings').notNull().default(0),
    buildingsComplete: integer('buildings_complete').notNull().default(0),
  };
}

/**
 * The rates' fact buckets (issue #13): per jurisdiction and bucket key, the SUBTREE's figures (a
 * district's row holds the facts attached to it and to everything below it), so a query reads the
 * rows of its node and of its children only. Writers never touch this table: their triggers
 * append to `population_rate_fact_deltas`, and the fold job (service/rate-facts.ts) moves deltas
 * here, rolled up to every ancestor; `population:rebuild-rate-facts` recomputes both. `parent_code`
 * finds a node's children's rows. Two kinds of column share a row:
 * - stocks (`registered`, `dwellings_listed`, `dwellings_filed`, `buildings`, `buildings_complete`)
 *   hold DELTAS at a year key ('2026') and at a month key ('2026-03'): a stock at the end of month
 *   M of year Y is the year deltas before Y plus the month deltas of Y up to M;
 * - per-period counts (`visits`, `visits_matched`, `departures`, `departures_settled`) hold the
 *   period's own figure at every period key ('2026', '2026-Q1', '2026-03'), since a departure seen
 *   in two months of a year counts once for the year.
 */
export const populationRateFacts = pgTable(
  'population_rate_facts',
  {
    // No foreign key: derived rows, also kept for ancestors (a province) the tree may not list.
    jurisdictionCode: text('jurisdiction_code').notNull(),
    /** The jurisdiction's parent (null at a province): a node's answer reads `= node or parent_code = node`. */
    parentCode: text('parent_code'),
    period: text('period').notNull(),
    ...rateMeasures(),
  },
  (t) => [primaryKey({ columns: [t.jurisdictionCode, t.period] }), index('population_rate_facts_parent_idx').on(t.parentCode, t.period)],
);

/**
 * Not yet folded contributions of writes, per jurisdiction of the fact (leaf level) and bucket key,
 * same measures as `population_rate_facts`. Append-only for writers (a plain INSERT by a
 * statement trigger: no upsert, so two writers into one grid and month never wait on a row
 * lock); emptied by the fold job. No index: the job keeps it small, and an index would be paid
 * by every write.
 */
export const populationRateFactDeltas = pgTable('population_rate_fact_deltas', {
  // No foreign key: the written row's own key was checked; a check per delta row would be paid by every write.
  jurisdictionCode: text('jurisdiction_code').notNull(),
  period: text('period').notNull(),
  ...rateMeasures(),
});

/**
 * One row: a counter the fold job and a rebuild raise in the transaction that moves deltas into the
 * buckets, and a trigger raises on every write of the estimates. With the count of the visible
 * deltas (which only grows between two folds) it names the state the rates are summed from: the
 * rates cache (service/rates.ts) reuses an answer only while that state has not moved.
 */
export const populationRateFactGeneration = pgTable('population_rate_fact_generation', {
  id: smallint('id').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
});

/**
 * An import started through the API (startRegistrationImport): its state and progress, updated in
 * each chunk's transaction, so the caller (and whoever may see the jurisdiction) reads real progress
 * while it runs. `errors` holds the refused rows so far (ImportRowError shape).
 */
export const registrationImports = pgTable(
  'registration_imports',
  {
    id: uuid('id').primaryKey(),
    jurisdictionCode: jurisdictionCode().notNull(),
    startedBy: text('started_by').notNull(),
    state: text('state', { enum: IMPORT_STATES }).notNull(),
    rowsTotal: integer('rows_total').notNull(),
    rowsDone: integer('rows_done').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    personsCreated: integer('persons_created').notNull().default(0),
    errors: jsonb('errors').$type<{ row: number; column: string | null; code: string; message: string }[]>().notNull().default([]),
    /** Why a failed import stopped (the chunks committed before it stay). */
    failure: text('failure'),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
  },
  (t) => [jurisdictionIndex('registration_imports_jur_idx', t.jurisdictionCode), oneOf('registration_imports_state_check', t.state, IMPORT_STATES)],
);

export const tables = {
  persons,
  personTierHistory,
  dwellings,
  dwellingClassHistory,
  residenceRegistrations,
  personDepartures,
  revisits,
  revisitTenants,
  floatingPopulationEstimates,
  fiveOnesChecks,
  overdueNotices,
  dataKeyRotations,
  populationRateFacts,
  populationRateFactDeltas,
  populationRateFactGeneration,
  registrationImports,
};

export type PersonRow = typeof persons.$inferSelect;
export type DwellingRow = typeof dwellings.$inferSelect;
export type RegistrationRow = typeof residenceRegistrations.$inferSelect;
export type RevisitRow = typeof revisits.$inferSelect;
export type DepartureRow = typeof personDepartures.$inferSelect;

import { fiveOnesComplete } from '../rules.js';
import { scopedEvents, z, type Builder, encodeGlobalId, requiredText, connectionOf } from '@safecity/core';
import type { DomainEvents } from '@safecity/core';
import { importRegistrationsCsv, exportRegistrationsCsv, type ImportResult } from '../service/csv.js';
import { classifyDwelling, fileDwelling, listDwellings, listOverdueDwellings, recordDwelling, recordFiveOnesCheck } from '../service/dwellings.js';
import { correctPersonDetails, listOverdueTenants, listPersons, recordPerson, setTenantTier } from '../service/persons.js';
import { populationRates, recordFloatingPopulationEstimate } from '../service/rates.js';
import { changeResidence, deregisterResidence, registerResidence } from '../service/registrations.js';
import { recordRevisit, sweepOverdueRevisits } from '../service/revisits.js';
import type { PopulationTypes } from './types.js';

/** The CSV accepted by the mutation; bigger files go through the CLI (population:import). */
export const MAX_IMPORT_BYTES = 2_000_000;

export function registerOperations(builder: Builder, T: PopulationTypes) {
  const read = { permission: 'population:read' };
  const write = { permission: 'population:write' };
  const manage = { permission: 'population:manage' };

  const PersonFilter = builder.inputType('PersonFilter', {
    description: 'Narrows the persons; every condition given must hold.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "Only persons inside this division's subtree." }),
      kind: t.field({ type: T.PersonKind, description: 'Only registered (户籍人口) or only floating (流动人口) persons.' }),
      tier: t.field({ type: T.TenantTier, description: 'Only persons of this tenant tier.' }),
      name: t.string({ description: 'Exact name.', validate: z.string().max(50) }),
      idNumber: t.field({ type: 'ResidentIdNumber', description: 'Exact identity number (matched by its keyed hash).' }),
      overdueOn: t.field({ type: 'Date', description: 'Only tenants whose revisit is overdue on this day.' }),
    }),
  });
  const DwellingFilter = builder.inputType('DwellingFilter', {
    description: 'Narrows the rental dwellings; every condition given must hold.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "Only dwellings inside this division's subtree." }),
      dwellingClass: t.field({ type: T.DwellingClass, description: 'Only dwellings of this class.' }),
      filingStatus: t.field({ type: T.FilingStatus, description: 'Only dwellings with this filing (登记备案) status.' }),
      address: t.string({ description: 'Exact standard address.', validate: z.string().max(200) }),
      overdueOn: t.field({ type: 'Date', description: 'Only dwellings whose revisit is overdue on this day.' }),
      overCapacity: t.boolean({ description: 'Only dwellings with a current registration accepted above capacity.' }),
    }),
  });

  const PopulationRates = builder.objectRef<Awaited<ReturnType<typeof populationRates>>>('PopulationRates').implement({
    description: 'Population-management rates (登记率, 人户一致率, 注销率, 出租房登记备案率, 五个一) of a jurisdiction and its children for a period.',
    fields: (t) => ({
      period: t.exposeString('period', { description: 'The period asked for: YYYY, YYYY-Qn or YYYY-MM.' }),
      start: t.field({ type: 'Date', description: 'First day of the period.', resolve: (r) => r.start }),
      end: t.field({ type: 'Date', description: 'Last day of the period (inclusive).', resolve: (r) => r.end }),
      total: t.field({ type: T.JurisdictionRatesRef, description: 'The jurisdiction asked for (its whole subtree).', resolve: (r) => r.total }),
      children: t.field({ type: [T.JurisdictionRatesRef], description: 'Each child jurisdiction, in code order.', resolve: (r) => r.children }),
    }),
  });
  const RegistrationsExport = builder.objectRef<{ csv: string; rows: number; truncated: boolean }>('RegistrationsExport').implement({
    description: 'A CSV export of residence registrations.',
    fields: (t) => ({
      csv: t.exposeString('csv', { description: 'The CSV text: a header line (registrationId,name,idNumber,…,overCapacity), then one line per registration; identity numbers masked.' }),
      rows: t.exposeInt('rows', { description: 'Registrations in the CSV (header not counted).' }),
      truncated: t.exposeBoolean('truncated', { description: 'True when more registrations matched than the export holds (100,000).' }),
    }),
  });

  builder.queryFields((t) => ({
    persons: t.connection(
      {
        type: T.Person,
        authScopes: read,
        description: 'Persons in your jurisdiction, ordered by (jurisdiction, id).',
        args: { filter: t.arg({ type: PersonFilter, description: 'Conditions on the persons; none: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listPersons(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, T.Person),
    ),
    dwellings: t.connection(
      {
        type: T.Dwelling,
        authScopes: read,
        description: 'Rental dwellings in your jurisdiction, ordered by (jurisdiction, id).',
        args: { filter: t.arg({ type: DwellingFilter, description: 'Conditions on the dwellings; none: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx, info) => listDwellings(ctx, args.filter ?? {}, args, info),
      },
      connectionOf(builder, T.Dwelling),
    ),
    overdueDwellings: t.connection(
      {
        type: T.Dwelling,
        authScopes: read,
        description: 'Dwellings whose revisit is overdue on asOf (default today), most overdue first.',
        args: {
          asOf: t.arg({ type: 'Date', description: 'The day to judge on; default today (China time).' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only dwellings inside this division's subtree." }),
          dwellingClass: t.arg({ type: T.DwellingClass, description: 'Only dwellings of this class.' }),
        },
        resolve: (_r, args, ctx) => listOverdueDwellings(ctx, args, args),
      },
      connectionOf(builder, T.Dwelling),
    ),
    overdueTenants: t.connection(
      {
        type: T.Person,
        authScopes: read,
        description: 'Tenants whose revisit is overdue on asOf (default today), most overdue first.',
        args: {
          asOf: t.arg({ type: 'Date', description: 'The day to judge on; default today (China time).' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only tenants inside this division's subtree." }),
          tier: t.arg({ type: T.TenantTier, description: 'Only tenants of this tier.' }),
        },
        resolve: (_r, args, ctx) => listOverdueTenants(ctx, args, args),
      },
      connectionOf(builder, T.Person),
    ),
    populationRates: t.field({
      type: PopulationRates,
      authScopes: read,
      description: 'Registration, consistency, deregistration and filing rates (and the five-ones share) of a jurisdiction and its children for a period (YYYY, YYYY-Qn or YYYY-MM).',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: "The jurisdiction (in your subtree) whose rates, and its children's, you want." }),
        period: t.arg.string({ required: true, description: 'YYYY, YYYY-Qn (quarter) or YYYY-MM.', validate: z.string().max(7) }),
      },
      resolve: (_r, args, ctx) => populationRates(ctx, args),
    }),
    registrationsCsv: t.field({
      type: RegistrationsExport,
      authScopes: { permission: 'population:export' },
      description: 'A jurisdiction’s registrations as CSV (identity numbers masked); the export is audited.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The division (in your subtree) whose registrations are exported.' }),
        activeOnly: t.arg.boolean({ description: 'True: only registrations that have not ended.' }),
      },
      resolve: (_r, args, ctx) => exportRegistrationsCsv(ctx, args),
    }),
  }));

  const RowErrorRef = builder.objectRef<ImportResult['errors'][number]>('ImportRowError').implement({
    description: 'A CSV row refused by an import (nothing of that row was written).',
    fields: (t) => ({
      row: t.exposeInt('row', { description: 'Line number in the file (the header is line 1).' }),
      column: t.exposeString('column', { nullable: true, description: 'The column at fault; null when the row as a whole is.' }),
      code: t.exposeString('code', { description: 'An ErrorCode value (e.g. POPULATION_CSV_VALUE_INVALID, POPULATION_DWELLING_UNKNOWN).' }),
      message: t.exposeString('message', { description: 'A sentence for people (English).' }),
    }),
  });
  const ImportResultRef = builder.objectRef<ImportResult>('RegistrationImport').implement({
    description: 'The outcome of a CSV import of residence registrations.',
    fields: (t) => ({
      rows: t.exposeInt('rows', { description: 'Data rows in the file (header not counted).' }),
      imported: t.exposeInt('imported', { description: 'Registrations written.' }),
      duplicates: t.exposeInt('duplicates', { description: 'Rows already on file from an earlier import (nothing written).' }),
      personsCreated: t.exposeInt('personsCreated', { description: 'Persons put on the register because their identity number was not on file.' }),
      batches: t.exposeInt('batches', { description: 'Transactions the good rows were committed in (500 rows each).' }),
      errors: t.field({ type: [RowErrorRef], description: 'The refused rows, in file order.', resolve: (r) => r.errors }),
    }),
  });
  const SweepResult = builder.objectRef<{ asOf: string; dwellings: number; tenants: number }>('OverdueSweep').implement({
    description: 'The outcome of an overdue-revisit sweep.',
    fields: (t) => ({
      asOf: t.field({ type: 'Date', description: 'The day judged on.', resolve: (r) => r.asOf }),
      dwellings: t.exposeInt('dwellings', { description: 'New revisitOverdue events for dwellings (0 for those already notified for the same due date).' }),
      tenants: t.exposeInt('tenants', { description: 'New revisitOverdue events for tenants (0 for those already notified for the same due date).' }),
    }),
  });
  const Estimate = builder.objectRef<{ jurisdictionCode: string; period: string; estimate: number }>('FloatingPopulationEstimate').implement({
    description: "The estimated floating population (流动人口) of a community for a period: the registration rate's denominator.",
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The community (社区/村, 12 digits).', resolve: (r) => r.jurisdictionCode }),
      period: t.exposeString('period', { description: 'YYYY, YYYY-Qn or YYYY-MM.' }),
      estimate: t.exposeInt('estimate', { description: 'Estimated number of floating persons.' }),
    }),
  });
  const FiveOnesCheck = builder
    .objectRef<{ id: string; manager: boolean; electronicLock: boolean; registerBook: boolean; policeReminderSign: boolean; responsibilityLetter: boolean }>('FiveOnesCheck')
    .implement({
      description: 'A five-ones (五个一) check of an urban-village building: which of the five items are in place.',
      fields: (t) => ({
        id: t.exposeID('id', { description: "The check's id." }),
        manager: t.exposeBoolean('manager', { description: 'One manager (一名管理员) is in place.' }),
        electronicLock: t.exposeBoolean('electronicLock', { description: 'One electronic lock (一把电子锁) is fitted.' }),
        registerBook: t.exposeBoolean('registerBook', { description: 'One register book (一本登记簿) is kept.' }),
        policeReminderSign: t.exposeBoolean('policeReminderSign', { description: 'One police reminder sign (一块警示牌) is up.' }),
        responsibilityLetter: t.exposeBoolean('responsibilityLetter', { description: 'One tripartite responsibility letter (一份三方责任书) is signed.' }),
        complete: t.boolean({ description: 'All five items are in place.', resolve: fiveOnesComplete }),
      }),
    });

  builder.mutationFields((t) => ({
    recordPerson: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      description:
        'Puts a person on the register. Birth date and gender are derived from the identity number; given values must agree. Errors: POPULATION_RESIDENT_ID_INVALID, POPULATION_BIRTH_DATE_MISMATCH, POPULATION_GENDER_MISMATCH, POPULATION_INFLOW_REASON_REQUIRED, POPULATION_INFLOW_DATE_IN_FUTURE, POPULATION_PERSON_EXISTS, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        name: t.arg.string({ required: true, description: 'Full name (姓名), at most 50 characters.', validate: requiredText(50) }),
        idNumber: t.arg({ type: 'ResidentIdNumber', required: true, description: 'Resident identity number (居民身份证号); stored encrypted, shown masked.' }),
        birthDate: t.arg({ type: 'Date', description: 'Optional check: must equal the birth date in the identity number.' }),
        gender: t.arg({ type: T.Gender, description: 'Optional check: must equal the gender in the identity number.' }),
        kind: t.arg({ type: T.PersonKind, required: true, description: 'Registered resident (户籍人口) or floating (流动人口).' }),
        inflowReason: t.arg({ type: T.InflowReason, description: 'Why a floating person came (流入原因); required when kind is floating.' }),
        inflowDate: t.arg({ type: 'Date', description: 'When a floating person arrived; required when kind is floating; not in the future.' }),
        hukouPlaceCode: t.arg({ type: 'DivisionCode', required: true, description: 'Household-registration place (户籍地).' }),
        phone: t.arg.string({ description: 'Phone number: 5-20 characters of 0-9, + and -; stored encrypted, shown masked.', validate: z.string().regex(/^[0-9+-]{5,20}$/) }),
        tier: t.arg({ type: T.TenantTier, description: 'Tenant tier; default stable (稳定层).' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction (in your subtree) the person belongs to.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordPerson(ctx, input, idempotencyKey),
    }),
    correctPersonDetails: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      description: "Corrects a person's name, phone or household-registration place; arguments left out keep their value. Errors: CORE_NOT_FOUND, CORE_VERSION_CONFLICT, CORE_IDEMPOTENCY_KEY_REUSED.",
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person, description: 'The person to correct.' }),
        version: t.arg.int({ required: true, description: 'The version you read (optimistic concurrency).' }),
        name: t.arg.string({ description: 'The corrected name (at most 50 characters).', validate: requiredText(50) }),
        phone: t.arg.string({ description: 'The corrected phone (5-20 characters of 0-9, + and -); null clears it.', validate: z.string().regex(/^[0-9+-]{5,20}$/) }),
        hukouPlaceCode: t.arg({ type: 'DivisionCode', description: 'The corrected household-registration place (户籍地).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, personId, ...input }, ctx) => correctPersonDetails(ctx, { ...input, personId: personId.id }, idempotencyKey),
    }),
    setTenantTier: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      description:
        "Sets a tenant's tier (重点层 / 关注层 / 稳定层, 分层次管理); the revisit due date follows the new tier and the change joins tierHistory. Errors: CORE_NOT_FOUND, CORE_VERSION_CONFLICT, CORE_IDEMPOTENCY_KEY_REUSED.",
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person, description: 'The tenant.' }),
        tier: t.arg({ type: T.TenantTier, required: true, description: 'The new tier.' }),
        reason: t.arg.string({ required: true, description: 'Why (at most 200 characters); kept in tierHistory.', validate: requiredText(200) }),
        version: t.arg.int({ required: true, description: 'The version you read (optimistic concurrency).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, personId, ...input }, ctx) => setTenantTier(ctx, { ...input, personId: personId.id }, idempotencyKey),
    }),
    recordDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      description:
        'Puts a rental dwelling (出租屋) on the register at its standard address; with a filing number it is filed, else unfiled. Errors: POPULATION_CAPACITY_BELOW_ROOMS, POPULATION_ADDRESS_TAKEN, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        address: t.arg.string({ required: true, description: 'Standard address (标准地址), at most 200 characters; unique on the register.', validate: requiredText(200) }),
        landlordId: t.arg.globalID({ for: T.Person, description: 'The landlord (房东), a person in your jurisdiction.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction (community or grid, in your subtree) the dwelling lies in.' }),
        rooms: t.arg.int({ required: true, description: 'Rooms let (1-1000).', validate: z.number().int().min(1).max(1000) }),
        capacity: t.arg.int({ required: true, description: 'How many tenants it may house (1-5000).', validate: z.number().int().min(1).max(5000) }),
        filingNumber: t.arg.string({ description: 'Rental filing number (备案号), at most 40 characters; given: the dwelling is filed.', validate: requiredText(40) }),
        filedOn: t.arg({ type: 'Date', description: 'Day of filing.' }),
        dwellingClass: t.arg({ type: T.DwellingClass, description: 'Class; default general (一般户).' }),
        classReason: t.arg.string({ description: 'Why this class (at most 200 characters); kept in classHistory.', validate: requiredText(200) }),
        urbanVillageBuilding: t.arg.boolean({ description: 'A building in an urban village (城中村): the five-ones checklist applies.' }),
        listedOn: t.arg({ type: 'Date', description: 'Day it goes on the register (the revisit clock starts here); default today.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, landlordId, ...input }, ctx) => recordDwelling(ctx, { ...input, landlordId: landlordId?.id ?? null }, idempotencyKey),
    }),
    classifyDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      description:
        "Sets a dwelling's class (重点户 / 一般户 / 放心户); the revisit due date follows the new class and the change joins classHistory. Errors: CORE_NOT_FOUND, CORE_VERSION_CONFLICT, CORE_IDEMPOTENCY_KEY_REUSED.",
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling.' }),
        dwellingClass: t.arg({ type: T.DwellingClass, required: true, description: 'The new class.' }),
        reason: t.arg.string({ required: true, description: 'Why (at most 200 characters); kept in classHistory.', validate: requiredText(200) }),
        version: t.arg.int({ required: true, description: 'The version you read (optimistic concurrency).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => classifyDwelling(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    fileDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      description:
        'Records the rental filing (登记备案) of a dwelling with its filing number; its status becomes filed. Errors: POPULATION_REGISTRATION_DATE_IN_FUTURE, CORE_NOT_FOUND, CORE_VERSION_CONFLICT, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling.' }),
        filingNumber: t.arg.string({ required: true, description: 'Rental filing number (备案号), at most 40 characters.', validate: requiredText(40) }),
        filedOn: t.arg({ type: 'Date', description: 'Day of filing (not in the future); default today.' }),
        version: t.arg.int({ required: true, description: 'The version you read (optimistic concurrency).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => fileDwelling(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    recordFiveOnesCheck: t.field({
      type: FiveOnesCheck,
      authScopes: write,
      errors: {},
      description:
        'Records a five-ones (五个一) check of an urban-village building: which of the five items are in place. Errors: POPULATION_NOT_URBAN_VILLAGE_BUILDING, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The urban-village building (urbanVillageBuilding true).' }),
        manager: t.arg.boolean({ required: true, description: 'One manager (一名管理员) is in place.' }),
        electronicLock: t.arg.boolean({ required: true, description: 'One electronic lock (一把电子锁) is fitted.' }),
        registerBook: t.arg.boolean({ required: true, description: 'One register book (一本登记簿) is kept.' }),
        policeReminderSign: t.arg.boolean({ required: true, description: 'One police reminder sign (一块警示牌) is up.' }),
        responsibilityLetter: t.arg.boolean({ required: true, description: 'One tripartite responsibility letter (一份三方责任书) is signed.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => recordFiveOnesCheck(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    registerResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'New registration (新办登记). The date may be neither in the future nor before the inflow date; one active registration per person; above capacity it is accepted and flagged. Errors: POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_REGISTRATION_BEFORE_INFLOW, POPULATION_ALREADY_REGISTERED, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person, description: 'The person (without an active registration).' }),
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling they live at.' }),
        registeredOn: t.arg({ type: 'Date', required: true, description: 'Day they started living there: not in the future, not before the inflow date.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, personId, dwellingId, registeredOn }, ctx) => registerResidence(ctx, { personId: personId.id, dwellingId: dwellingId.id, registeredOn }, idempotencyKey),
    }),
    changeResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'Change (变更): moves the person to another dwelling; the old registration ends as changed on changedOn; returns the new registration. Errors: POPULATION_REGISTRATION_ENDED, POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_END_BEFORE_START, POPULATION_SAME_DWELLING, POPULATION_ALREADY_REGISTERED, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration, description: 'The active registration being changed.' }),
        toDwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling the person moves to (not the current one).' }),
        changedOn: t.arg({ type: 'Date', required: true, description: 'Day of the move: not in the future, not before the old registration began.' }),
        reason: t.arg.string({ required: true, description: "Why (at most 200 characters); kept as the old registration's endReason.", validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, toDwellingId, ...input }, ctx) =>
        changeResidence(ctx, { ...input, registrationId: registrationId.id, toDwellingId: toDwellingId.id }, idempotencyKey),
    }),
    deregisterResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description:
        'Deregistration (注销) with reason and date: the registration ends as deregistered. Errors: POPULATION_REGISTRATION_ENDED, POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_END_BEFORE_START, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration, description: 'The active registration to end.' }),
        deregisteredOn: t.arg({ type: 'Date', required: true, description: 'Day it ends: not in the future, not before it began.' }),
        reason: t.arg.string({ required: true, description: 'Why (at most 200 characters); kept as endReason.', validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, ...input }, ctx) => deregisterResidence(ctx, { ...input, registrationId: registrationId.id }, idempotencyKey),
    }),
    recordRevisit: t.field({
      type: T.Revisit,
      authScopes: write,
      errors: {},
      description:
        "Records a revisit (回访) of a dwelling with the tenants seen or found departed; the dwelling's and the seen tenants' next due dates follow (a late entry of an older visit does not move them back). Errors: POPULATION_VISIT_IN_FUTURE, POPULATION_NOT_A_TENANT, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.",
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling visited.' }),
        visitedAt: t.arg({ type: 'DateTime', required: true, description: 'When the visit took place (not in the future).' }),
        matched: t.arg.boolean({ required: true, description: 'Whether the people found match the register.' }),
        notes: t.arg.string({ description: 'Free-text notes (at most 1000 characters).', validate: z.string().max(1000) }),
        tenantsSeen: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Default: every current tenant not listed as departed.' }),
        departed: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Current tenants found to have moved away.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, tenantsSeen, departed, ...input }, ctx) =>
        recordRevisit(ctx, { ...input, dwellingId: dwellingId.id, tenantsSeen: tenantsSeen?.map((g) => g.id) ?? null, departed: departed?.map((g) => g.id) ?? null }, idempotencyKey),
    }),
    recordFloatingPopulationEstimate: t.field({
      type: Estimate,
      authScopes: manage,
      errors: {},
      description:
        'The estimated floating population of a community for a period: the registration rate’s denominator; a later value for the same community and period supersedes it (history kept). Errors: POPULATION_ESTIMATE_LEVEL, POPULATION_PERIOD_INVALID, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The community (社区/村, 12 digits) in your subtree.' }),
        period: t.arg.string({ required: true, description: 'YYYY, YYYY-Qn or YYYY-MM.', validate: z.string().max(7) }),
        estimate: t.arg.int({ required: true, description: 'Estimated number of floating persons (0-10,000,000).', validate: z.number().int().min(0).max(10_000_000) }),
        source: t.arg.string({ description: 'Where the figure comes from (at most 200 characters).', validate: z.string().max(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordFloatingPopulationEstimate(ctx, input, idempotencyKey),
    }),
    importRegistrations: t.field({
      type: ImportResultRef,
      authScopes: write,
      errors: {},
      description: `Imports registrations from CSV text (at most ${MAX_IMPORT_BYTES} bytes; header: name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn). Bad rows are reported, good rows commit in batches, a rerun adds nothing. Errors: POPULATION_CSV_TOO_LARGE, POPULATION_CSV_MALFORMED, POPULATION_CSV_HEADER_MISSING.`,
      args: { csv: t.arg.string({ required: true, description: 'The CSV text (UTF-8, first line the header).', validate: z.string().max(MAX_IMPORT_BYTES) }) },
      resolve: (_r, { csv }, ctx) => importRegistrationsCsv(ctx, csv, { maxBytes: MAX_IMPORT_BYTES }),
    }),
    sweepOverdueRevisits: t.field({
      type: SweepResult,
      authScopes: manage,
      errors: {},
      description: 'Emits revisitOverdue once per overdue dwelling or tenant and due date (idempotent). Errors: CORE_NOT_FOUND.',
      args: {
        asOf: t.arg({ type: 'Date', description: 'The day to judge on; default today (China time).' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only this division's subtree (inside yours); default your whole jurisdiction." }),
      },
      resolve: (_r, args, ctx) => sweepOverdueRevisits(ctx, args),
    }),
  }));

  type PopulationEventName = 'residenceRegistered' | 'residenceDeregistered' | 'personMovedAway' | 'personArrived' | 'revisitOverdue';
  const PopulationEventName = builder.enumType('PopulationEventName', {
    description: "The population module's events.",
    values: {
      residenceRegistered: { value: 'residenceRegistered', description: 'A residence registration (居住登记) was opened (new, change or arrival); date is registeredOn.' },
      residenceDeregistered: { value: 'residenceDeregistered', description: 'A registration was deregistered (注销); date and reason as given.' },
      personMovedAway: { value: 'personMovedAway', description: '迁出: a person registered an arrival elsewhere; sent to the side they left with the district gone to.' },
      personArrived: { value: 'personArrived', description: '迁入: an arrival was registered in your jurisdiction; says nothing of where from.' },
      revisitOverdue: { value: 'revisitOverdue', description: 'A dwelling or tenant passed its revisit due date (from sweepOverdueRevisits).' },
    } as const,
  });
  type Msg = { id: string; name: PopulationEventName; payload: DomainEvents[PopulationEventName] };
  const field = (k: string) => (m: Msg) => ((m.payload as Record<string, unknown>)[k] ?? null) as never;
  // Same encoding as the builder's relay ids, so clients can pass them to node(id:).
  const globalId = (type: string, k: string) => (m: Msg) => {
    const v = (m.payload as Record<string, unknown>)[k];
    return typeof v === 'string' ? encodeGlobalId(type, v) : null;
  };
  const PopulationEvent = builder.objectRef<Msg>('PopulationEvent').implement({
    description: 'A committed population event inside your jurisdiction.',
    fields: (t) => ({
      eventId: t.id({ description: 'The event’s outbox id: grows in commit order; a repeat delivery carries the same id.', resolve: (m) => m.id }),
      name: t.field({ type: PopulationEventName, description: 'Which event.', resolve: (m) => m.name }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction the event belongs to (inside yours).', resolve: field('jurisdictionCode') }),
      registrationId: t.id({ nullable: true, description: 'Global id of the ResidenceRegistration.', resolve: globalId('ResidenceRegistration', 'registrationId') }),
      personId: t.id({ nullable: true, description: 'Global id of the Person.', resolve: globalId('Person', 'personId') }),
      dwellingId: t.id({ nullable: true, description: 'Global id of the Dwelling.', resolve: globalId('Dwelling', 'dwellingId') }),
      date: t.string({ nullable: true, description: 'The day of the fact (YYYY-MM-DD): registered, deregistered, moved or arrived on; null for revisitOverdue.', resolve: field('date') }),
      reason: t.string({ nullable: true, description: 'residenceDeregistered: the reason given; null otherwise.', resolve: field('reason') }),
      toDistrictCode: t.field({ type: 'DivisionCode', nullable: true, description: 'personMovedAway: the district the person went to.', resolve: field('toDistrictCode') }),
      subjectType: t.string({ nullable: true, description: 'revisitOverdue: dwelling or tenant; null otherwise.', resolve: field('subjectType') }),
      subjectId: t.id({
        nullable: true,
        description: 'Global id of the overdue Dwelling or Person (tenant).',
        resolve: (m) => (m.name === 'revisitOverdue' ? globalId((m.payload as DomainEvents['revisitOverdue']).subjectType === 'dwelling' ? 'Dwelling' : 'Person', 'subjectId')(m) : null),
      }),
      dueDate: t.string({ nullable: true, description: 'revisitOverdue: the missed due date (YYYY-MM-DD); null otherwise.', resolve: field('dueDate') }),
      daysOverdue: t.int({ nullable: true, description: 'revisitOverdue: days past the due date when swept; null otherwise.', resolve: field('daysOverdue') }),
    }),
  });
  builder.subscriptionFields((t) => ({
    populationEvents: t.field({
      type: PopulationEvent,
      description: 'Committed population events inside your jurisdiction, delivered after commit, each once, in commit order.',
      authScopes: { permission: 'events:subscribe' },
      args: { names: t.arg({ type: [PopulationEventName], required: true, description: 'The events wanted.' }) },
      subscribe: (_r, { names }, ctx) => scopedEvents(ctx, names) as AsyncIterable<Msg>,
      resolve: (m) => m,
    }),
  }));
}

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
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      kind: t.field({ type: T.PersonKind }),
      tier: t.field({ type: T.TenantTier }),
      name: t.string({ description: 'Exact name.', validate: z.string().max(50) }),
      idNumber: t.field({ type: 'ResidentIdNumber', description: 'Exact identity number (matched by its keyed hash).' }),
      overdueOn: t.field({ type: 'Date', description: 'Only tenants whose revisit is overdue on this day.' }),
    }),
  });
  const DwellingFilter = builder.inputType('DwellingFilter', {
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      dwellingClass: t.field({ type: T.DwellingClass }),
      filingStatus: t.field({ type: T.FilingStatus }),
      address: t.string({ description: 'Exact standard address.', validate: z.string().max(200) }),
      overdueOn: t.field({ type: 'Date', description: 'Only dwellings whose revisit is overdue on this day.' }),
      overCapacity: t.boolean({ description: 'Only dwellings with a current registration accepted above capacity.' }),
    }),
  });

  const PopulationRates = builder.objectRef<Awaited<ReturnType<typeof populationRates>>>('PopulationRates').implement({
    fields: (t) => ({
      period: t.exposeString('period'),
      start: t.field({ type: 'Date', resolve: (r) => r.start }),
      end: t.field({ type: 'Date', resolve: (r) => r.end }),
      total: t.field({ type: T.JurisdictionRatesRef, description: 'The jurisdiction asked for (its whole subtree).', resolve: (r) => r.total }),
      children: t.field({ type: [T.JurisdictionRatesRef], description: 'Each child jurisdiction, in code order.', resolve: (r) => r.children }),
    }),
  });
  const RegistrationsExport = builder.objectRef<{ csv: string; rows: number; truncated: boolean }>('RegistrationsExport').implement({
    fields: (t) => ({ csv: t.exposeString('csv'), rows: t.exposeInt('rows'), truncated: t.exposeBoolean('truncated') }),
  });

  builder.queryFields((t) => ({
    persons: t.connection({
      type: T.Person,
      authScopes: read,
      description: 'Persons in your jurisdiction, ordered by (jurisdiction, id).',
      args: { filter: t.arg({ type: PersonFilter }) },
      resolve: (_r, args, ctx) => listPersons(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, T.Person)),
    dwellings: t.connection({
      type: T.Dwelling,
      authScopes: read,
      description: 'Rental dwellings in your jurisdiction, ordered by (jurisdiction, id).',
      args: { filter: t.arg({ type: DwellingFilter }) },
      resolve: (_r, args, ctx, info) => listDwellings(ctx, args.filter ?? {}, args, info),
    }, connectionOf(builder, T.Dwelling)),
    overdueDwellings: t.connection({
      type: T.Dwelling,
      authScopes: read,
      description: 'Dwellings whose revisit is overdue on asOf (default today), most overdue first.',
      args: { asOf: t.arg({ type: 'Date' }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), dwellingClass: t.arg({ type: T.DwellingClass }) },
      resolve: (_r, args, ctx) => listOverdueDwellings(ctx, args, args),
    }, connectionOf(builder, T.Dwelling)),
    overdueTenants: t.connection({
      type: T.Person,
      authScopes: read,
      description: 'Tenants whose revisit is overdue on asOf (default today), most overdue first.',
      args: { asOf: t.arg({ type: 'Date' }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), tier: t.arg({ type: T.TenantTier }) },
      resolve: (_r, args, ctx) => listOverdueTenants(ctx, args, args),
    }, connectionOf(builder, T.Person)),
    populationRates: t.field({
      type: PopulationRates,
      authScopes: read,
      description: 'Registration, consistency, deregistration and filing rates (and the five-ones share) of a jurisdiction and its children for a period (YYYY, YYYY-Qn or YYYY-MM).',
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }), period: t.arg.string({ required: true, validate: z.string().max(7) }) },
      resolve: (_r, args, ctx) => populationRates(ctx, args),
    }),
    registrationsCsv: t.field({
      type: RegistrationsExport,
      authScopes: { permission: 'population:export' },
      description: 'A jurisdiction’s registrations as CSV (identity numbers masked); the export is audited.',
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }), activeOnly: t.arg.boolean() },
      resolve: (_r, args, ctx) => exportRegistrationsCsv(ctx, args),
    }),
  }));

  const RowErrorRef = builder.objectRef<ImportResult['errors'][number]>('ImportRowError').implement({
    fields: (t) => ({
      row: t.exposeInt('row', { description: 'Line number in the file (the header is line 1).' }),
      column: t.exposeString('column', { nullable: true }),
      code: t.exposeString('code'),
      message: t.exposeString('message'),
    }),
  });
  const ImportResultRef = builder.objectRef<ImportResult>('RegistrationImport').implement({
    fields: (t) => ({
      rows: t.exposeInt('rows'),
      imported: t.exposeInt('imported'),
      duplicates: t.exposeInt('duplicates', { description: 'Rows already on file from an earlier import (nothing written).' }),
      personsCreated: t.exposeInt('personsCreated'),
      batches: t.exposeInt('batches'),
      errors: t.field({ type: [RowErrorRef], resolve: (r) => r.errors }),
    }),
  });
  const SweepResult = builder.objectRef<{ asOf: string; dwellings: number; tenants: number }>('OverdueSweep').implement({
    fields: (t) => ({ asOf: t.field({ type: 'Date', resolve: (r) => r.asOf }), dwellings: t.exposeInt('dwellings'), tenants: t.exposeInt('tenants') }),
  });
  const Estimate = builder.objectRef<{ jurisdictionCode: string; period: string; estimate: number }>('FloatingPopulationEstimate').implement({
    fields: (t) => ({ jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (r) => r.jurisdictionCode }), period: t.exposeString('period'), estimate: t.exposeInt('estimate') }),
  });
  const FiveOnesCheck = builder.objectRef<{ id: string; manager: boolean; electronicLock: boolean; registerBook: boolean; policeReminderSign: boolean; responsibilityLetter: boolean }>('FiveOnesCheck').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      manager: t.exposeBoolean('manager'),
      electronicLock: t.exposeBoolean('electronicLock'),
      registerBook: t.exposeBoolean('registerBook'),
      policeReminderSign: t.exposeBoolean('policeReminderSign'),
      responsibilityLetter: t.exposeBoolean('responsibilityLetter'),
      complete: t.boolean({ resolve: fiveOnesComplete }),
    }),
  });

  builder.mutationFields((t) => ({
    recordPerson: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      description: 'Puts a person on the register. Birth date and gender are derived from the identity number; given values must agree.',
      args: {
        name: t.arg.string({ required: true, validate: requiredText(50) }),
        idNumber: t.arg({ type: 'ResidentIdNumber', required: true }),
        birthDate: t.arg({ type: 'Date' }),
        gender: t.arg({ type: T.Gender }),
        kind: t.arg({ type: T.PersonKind, required: true }),
        inflowReason: t.arg({ type: T.InflowReason }),
        inflowDate: t.arg({ type: 'Date' }),
        hukouPlaceCode: t.arg({ type: 'DivisionCode', required: true }),
        phone: t.arg.string({ validate: z.string().regex(/^[0-9+-]{5,20}$/) }),
        tier: t.arg({ type: T.TenantTier }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordPerson(ctx, input, idempotencyKey),
    }),
    correctPersonDetails: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person }),
        version: t.arg.int({ required: true }),
        name: t.arg.string({ validate: requiredText(50) }),
        phone: t.arg.string({ validate: z.string().regex(/^[0-9+-]{5,20}$/) }),
        hukouPlaceCode: t.arg({ type: 'DivisionCode' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, personId, ...input }, ctx) => correctPersonDetails(ctx, { ...input, personId: personId.id }, idempotencyKey),
    }),
    setTenantTier: t.field({
      type: T.Person,
      authScopes: write,
      errors: {},
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person }),
        tier: t.arg({ type: T.TenantTier, required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(200) }),
        version: t.arg.int({ required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, personId, ...input }, ctx) => setTenantTier(ctx, { ...input, personId: personId.id }, idempotencyKey),
    }),
    recordDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      args: {
        address: t.arg.string({ required: true, validate: requiredText(200) }),
        landlordId: t.arg.globalID({ for: T.Person }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        rooms: t.arg.int({ required: true, validate: z.number().int().min(1).max(1000) }),
        capacity: t.arg.int({ required: true, validate: z.number().int().min(1).max(5000) }),
        filingNumber: t.arg.string({ validate: requiredText(40) }),
        filedOn: t.arg({ type: 'Date' }),
        dwellingClass: t.arg({ type: T.DwellingClass }),
        classReason: t.arg.string({ validate: requiredText(200) }),
        urbanVillageBuilding: t.arg.boolean(),
        listedOn: t.arg({ type: 'Date' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, landlordId, ...input }, ctx) => recordDwelling(ctx, { ...input, landlordId: landlordId?.id ?? null }, idempotencyKey),
    }),
    classifyDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        dwellingClass: t.arg({ type: T.DwellingClass, required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(200) }),
        version: t.arg.int({ required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => classifyDwelling(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    fileDwelling: t.field({
      type: T.Dwelling,
      authScopes: write,
      errors: {},
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        filingNumber: t.arg.string({ required: true, validate: requiredText(40) }),
        filedOn: t.arg({ type: 'Date' }),
        version: t.arg.int({ required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => fileDwelling(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    recordFiveOnesCheck: t.field({
      type: FiveOnesCheck,
      authScopes: write,
      errors: {},
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        manager: t.arg.boolean({ required: true }),
        electronicLock: t.arg.boolean({ required: true }),
        registerBook: t.arg.boolean({ required: true }),
        policeReminderSign: t.arg.boolean({ required: true }),
        responsibilityLetter: t.arg.boolean({ required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => recordFiveOnesCheck(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
    registerResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description: 'New registration (新办登记). The date may be neither in the future nor before the inflow date; one active registration per person; above capacity it is accepted and flagged.',
      args: {
        personId: t.arg.globalID({ required: true, for: T.Person }),
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        registeredOn: t.arg({ type: 'Date', required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, personId, dwellingId, registeredOn }, ctx) => registerResidence(ctx, { personId: personId.id, dwellingId: dwellingId.id, registeredOn }, idempotencyKey),
    }),
    changeResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description: 'Change (变更): moves the person to another dwelling; returns the new registration.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration }),
        toDwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        changedOn: t.arg({ type: 'Date', required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, toDwellingId, ...input }, ctx) =>
        changeResidence(ctx, { ...input, registrationId: registrationId.id, toDwellingId: toDwellingId.id }, idempotencyKey),
    }),
    deregisterResidence: t.field({
      type: T.Registration,
      authScopes: write,
      errors: {},
      description: 'Deregistration (注销) with reason and date.',
      args: {
        registrationId: t.arg.globalID({ required: true, for: T.Registration }),
        deregisteredOn: t.arg({ type: 'Date', required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, registrationId, ...input }, ctx) => deregisterResidence(ctx, { ...input, registrationId: registrationId.id }, idempotencyKey),
    }),
    recordRevisit: t.field({
      type: T.Revisit,
      authScopes: write,
      errors: {},
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling }),
        visitedAt: t.arg({ type: 'DateTime', required: true }),
        matched: t.arg.boolean({ required: true, description: 'Whether the people found match the register.' }),
        notes: t.arg.string({ validate: z.string().max(1000) }),
        tenantsSeen: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Default: every current tenant not listed as departed.' }),
        departed: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Current tenants found to have moved away.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, tenantsSeen, departed, ...input }, ctx) =>
        recordRevisit(ctx, { ...input, dwellingId: dwellingId.id, tenantsSeen: tenantsSeen?.map((g) => g.id) ?? null, departed: departed?.map((g) => g.id) ?? null }, idempotencyKey),
    }),
    recordFloatingPopulationEstimate: t.field({
      type: Estimate,
      authScopes: manage,
      errors: {},
      description: 'The estimated floating population of a community for a period: the registration rate’s denominator.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        period: t.arg.string({ required: true, validate: z.string().max(7) }),
        estimate: t.arg.int({ required: true, validate: z.number().int().min(0).max(10_000_000) }),
        source: t.arg.string({ validate: z.string().max(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordFloatingPopulationEstimate(ctx, input, idempotencyKey),
    }),
    importRegistrations: t.field({
      type: ImportResultRef,
      authScopes: write,
      errors: {},
      description: `Imports registrations from CSV text (at most ${MAX_IMPORT_BYTES} bytes; header: name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn). Bad rows are reported, good rows commit in batches, a rerun adds nothing.`,
      args: { csv: t.arg.string({ required: true, validate: z.string().max(MAX_IMPORT_BYTES) }) },
      resolve: (_r, { csv }, ctx) => importRegistrationsCsv(ctx, csv, { maxBytes: MAX_IMPORT_BYTES }),
    }),
    sweepOverdueRevisits: t.field({
      type: SweepResult,
      authScopes: manage,
      errors: {},
      description: 'Emits revisitOverdue once per overdue dwelling or tenant and due date (idempotent).',
      args: { asOf: t.arg({ type: 'Date' }), jurisdictionCode: t.arg({ type: 'DivisionCode' }) },
      resolve: (_r, args, ctx) => sweepOverdueRevisits(ctx, args),
    }),
  }));

  type PopulationEventName = 'residenceRegistered' | 'residenceDeregistered' | 'personMovedAway' | 'personArrived' | 'revisitOverdue';
  const PopulationEventName = builder.enumType('PopulationEventName', { values: ['residenceRegistered', 'residenceDeregistered', 'personMovedAway', 'personArrived', 'revisitOverdue'] as const });
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
      name: t.field({ type: PopulationEventName, resolve: (m) => m.name }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: field('jurisdictionCode') }),
      registrationId: t.id({ nullable: true, description: 'Global id of the ResidenceRegistration.', resolve: globalId('ResidenceRegistration', 'registrationId') }),
      personId: t.id({ nullable: true, description: 'Global id of the Person.', resolve: globalId('Person', 'personId') }),
      dwellingId: t.id({ nullable: true, description: 'Global id of the Dwelling.', resolve: globalId('Dwelling', 'dwellingId') }),
      date: t.string({ nullable: true, resolve: field('date') }),
      reason: t.string({ nullable: true, resolve: field('reason') }),
      toDistrictCode: t.field({ type: 'DivisionCode', nullable: true, description: 'personMovedAway: the district the person went to.', resolve: field('toDistrictCode') }),
      subjectType: t.string({ nullable: true, resolve: field('subjectType') }),
      subjectId: t.id({
        nullable: true,
        description: 'Global id of the overdue Dwelling or Person (tenant).',
        resolve: (m) => (m.name === 'revisitOverdue' ? globalId((m.payload as DomainEvents['revisitOverdue']).subjectType === 'dwelling' ? 'Dwelling' : 'Person', 'subjectId')(m) : null),
      }),
      dueDate: t.string({ nullable: true, resolve: field('dueDate') }),
      daysOverdue: t.int({ nullable: true, resolve: field('daysOverdue') }),
    }),
  });
  builder.subscriptionFields((t) => ({
    populationEvents: t.field({
      type: PopulationEvent,
      authScopes: { permission: 'events:subscribe' },
      args: { names: t.arg({ type: [PopulationEventName], required: true }) },
      subscribe: (_r, { names }, ctx) => scopedEvents(ctx, names) as AsyncIterable<Msg>,
      resolve: (m) => m,
    }),
  }));
}

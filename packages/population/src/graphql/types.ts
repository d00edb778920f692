import { plannedOr, z, type Builder, type Ctx } from '@safecity/core';
import { daysOverdue, DWELLING_CLASSES, FILING_STATUSES, INFLOW_REASONS, PERSON_KINDS, TENANT_TIERS, type Rate } from '../rules.js';
import {
  currentRegistrationsLoader,
  dwellingLoader,
  lastVisitLoader,
  personLoader,
  registrationHistoryLoader,
  registrationLoader,
  revisitLoader,
  today,
} from '../service/common.js';
import { dwellingClassHistoryOf } from '../service/dwellings.js';
import { maskedPhoneOf, revealIdNumber, revealPhone, tierHistoryLoader } from '../service/persons.js';
import { revisitTenantsOf } from '../service/revisits.js';
import type { JurisdictionRates } from '../service/rates.js';
import type { personTierHistory, DwellingRow, PersonRow, RegistrationRow, RevisitRow } from '../tables.js';

/** Resolves to null where the record lies outside the caller's jurisdiction. */
const orNull = <T>(p: Promise<T>) => p.catch(() => null);

export function registerTypes(builder: Builder) {
  const DwellingClass = builder.enumType('DwellingClass', {
    description: 'Rental dwelling class: key 重点户 (revisit every 15 days), general 一般户 (every quarter), trusted 放心户 (every half year).',
    values: DWELLING_CLASSES,
  });
  const TenantTier = builder.enumType('TenantTier', {
    description: 'Tenant tier: key 重点层 (revisit every 15 days), attention 关注层 (every quarter), stable 稳定层 (every half year).',
    values: TENANT_TIERS,
  });
  const PersonKind = builder.enumType('PersonKind', { description: 'registered 户籍人口 or floating 流动人口.', values: PERSON_KINDS });
  const FilingStatus = builder.enumType('FilingStatus', { description: 'Rental filing (登记备案) status.', values: FILING_STATUSES });
  const Gender = builder.enumType('Gender', { values: ['male', 'female'] as const });
  const InflowReason = builder.enumType('InflowReason', {
    description: 'Inflow reason (流入原因, GB/T 31000 code table).',
    values: Object.fromEntries(Object.entries(INFLOW_REASONS).map(([k, label]) => [k, { value: k, description: label }])) as Record<keyof typeof INFLOW_REASONS, { value: keyof typeof INFLOW_REASONS; description: string }>,
  });
  const RegistrationEnd = builder.enumType('RegistrationEnd', {
    description: 'changed 变更 (another dwelling, same jurisdiction), deregistered 注销, moved_out 迁出 (an arrival was registered in another jurisdiction).',
    values: ['changed', 'deregistered', 'moved_out'] as const,
  });

  const Person = builder.loadableNodeRef('Person', {
    id: { resolve: (p: PersonRow) => p.id },
    load: (ids: string[], ctx: Ctx) => personLoader(ctx).loadMany(ids),
  });
  const Dwelling = builder.loadableNodeRef('Dwelling', {
    id: { resolve: (d: DwellingRow) => d.id },
    load: (ids: string[], ctx: Ctx) => dwellingLoader(ctx).loadMany(ids),
  });
  const Registration = builder.loadableNodeRef('ResidenceRegistration', {
    id: { resolve: (r: RegistrationRow) => r.id },
    load: (ids: string[], ctx: Ctx) => registrationLoader(ctx).loadMany(ids),
  });
  const Revisit = builder.loadableNodeRef('Revisit', {
    id: { resolve: (r: RevisitRow) => r.id },
    load: (ids: string[], ctx: Ctx) => revisitLoader(ctx).loadMany(ids),
  });

  const TierChange = builder.objectRef<typeof personTierHistory.$inferSelect>('TenantTierChange').implement({
    fields: (t) => ({
      tier: t.field({ type: TenantTier, resolve: (r) => r.tier }),
      setBy: t.exposeString('setBy'),
      setAt: t.field({ type: 'DateTime', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason'),
    }),
  });
  const ClassChange = builder.objectRef<Awaited<ReturnType<typeof dwellingClassHistoryOf>>[number]>('DwellingClassChange').implement({
    fields: (t) => ({
      dwellingClass: t.field({ type: DwellingClass, resolve: (r) => r.dwellingClass }),
      setBy: t.exposeString('setBy'),
      setAt: t.field({ type: 'DateTime', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason'),
    }),
  });

  const daysOverdueField = (t: any) =>
    t.int({
      nullable: true,
      description: 'Days past the revisit due date on asOf (default today); null or ≤ 0 means not overdue.',
      args: { asOf: t.arg({ type: 'Date' }) },
      resolve: (r: { revisitDueOn: string | null }, args: { asOf?: string | null }, ctx: Ctx) => (r.revisitDueOn ? daysOverdue(r.revisitDueOn, args.asOf ?? today(ctx)) : null),
    });

  Person.implement({
    description: 'A person on the register (实有人口).',
    fields: (t) => ({
      name: t.exposeString('name'),
      idNumber: t.string({
        description:
          'The resident identity number, masked (6201**********123X). With `purpose`, a caller holding population:identity.reveal gets the full number; each reveal is written to the audit log with the purpose.',
        args: { purpose: t.arg.string({ validate: z.string().trim().min(3).max(200) }) },
        resolve: (p, args, ctx) => (args.purpose ? revealIdNumber(ctx, p, args.purpose) : p.idNumberMasked),
      }),
      birthDate: t.field({ type: 'Date', resolve: (p) => p.birthDate }),
      gender: t.field({ type: Gender, resolve: (p) => p.gender as 'male' | 'female' }),
      kind: t.field({ type: PersonKind, resolve: (p) => p.kind }),
      inflowReason: t.field({ type: InflowReason, nullable: true, resolve: (p) => p.inflowReason }),
      inflowDate: t.field({ type: 'Date', nullable: true, resolve: (p) => p.inflowDate }),
      hukouPlaceCode: t.field({ type: 'DivisionCode', description: 'Household-registration place (户籍地).', resolve: (p) => p.hukouPlaceCode }),
      phone: t.string({
        nullable: true,
        description:
          'The phone number, masked (138****5678). With `purpose`, a caller holding population:identity.reveal gets the full number; each reveal is written to the audit log with the purpose.',
        args: { purpose: t.arg.string({ validate: z.string().trim().min(3).max(200) }) },
        resolve: (p, args, ctx) => (args.purpose ? revealPhone(ctx, p, args.purpose) : maskedPhoneOf(p)),
      }),
      tier: t.field({ type: TenantTier, resolve: (p) => p.tier }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (p) => p.jurisdictionCode }),
      lastVisitedOn: t.field({ type: 'Date', nullable: true, resolve: (p) => p.lastVisitedOn }),
      revisitDueOn: t.field({ type: 'Date', nullable: true, description: 'Null when the person is not a tenant.', resolve: (p) => p.revisitDueOn }),
      daysOverdue: daysOverdueField(t),
      version: t.exposeInt('version'),
      currentRegistration: t.field({
        type: Registration,
        nullable: true,
        resolve: async (p, _a, ctx) => (await registrationHistoryLoader(ctx, 'person').load(p.id)).find((r) => !r.endedOn) ?? null,
      }),
      registrations: t.field({ type: [Registration], description: 'Registration history inside your jurisdiction, newest first.', resolve: (p, _a, ctx) => registrationHistoryLoader(ctx, 'person').load(p.id) }),
      tierHistory: t.field({
        type: [TierChange],
        description: 'Tier changes recorded inside your jurisdiction, oldest first (after a move, the other side’s entries stay with it).',
        resolve: (p, _a, ctx) => tierHistoryLoader(ctx).load(p.id),
      }),
    }),
  });

  Dwelling.implement({
    description: 'A rental dwelling (出租屋) at a standard address.',
    fields: (t) => ({
      address: t.exposeString('address', { description: 'Standard address (标准地址).' }),
      landlord: t.field({ type: Person, nullable: true, resolve: (d, _a, ctx) => (d.landlordId ? orNull(personLoader(ctx).load(d.landlordId)) : null) }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (d) => d.jurisdictionCode }),
      rooms: t.exposeInt('rooms'),
      capacity: t.exposeInt('capacity'),
      filingNumber: t.exposeString('filingNumber', { nullable: true }),
      filingStatus: t.field({ type: FilingStatus, resolve: (d) => d.filingStatus }),
      filedOn: t.field({ type: 'Date', nullable: true, resolve: (d) => d.filedOn }),
      dwellingClass: t.field({ type: DwellingClass, resolve: (d) => d.dwellingClass }),
      urbanVillageBuilding: t.exposeBoolean('urbanVillageBuilding'),
      listedOn: t.field({ type: 'Date', resolve: (d) => d.listedOn }),
      lastVisitedOn: t.field({ type: 'Date', nullable: true, resolve: (d) => d.lastVisitedOn }),
      revisitDueOn: t.field({ type: 'Date', resolve: (d) => d.revisitDueOn }),
      daysOverdue: daysOverdueField(t),
      version: t.exposeInt('version'),
      currentTenants: t.field({ type: [Registration], description: 'Open registrations (current tenants), oldest first.', resolve: (d, _a, ctx, info) => plannedOr(d, info, () => currentRegistrationsLoader(ctx).load(d.id)) }),
      overCapacity: t.boolean({ description: 'More current tenants than capacity (registrations above capacity are accepted and flagged).', resolve: async (d, _a, ctx) => (await currentRegistrationsLoader(ctx).load(d.id)).length > d.capacity }),
      registrations: t.field({ type: [Registration], description: 'Registration history, newest first.', resolve: (d, _a, ctx) => registrationHistoryLoader(ctx, 'dwelling').load(d.id) }),
      lastVisit: t.field({ type: Revisit, nullable: true, resolve: (d, _a, ctx, info) => plannedOr(d, info, () => lastVisitLoader(ctx).load(d.id)) }),
      classHistory: t.field({ type: [ClassChange], resolve: (d, _a, ctx) => dwellingClassHistoryOf(ctx, d) }),
    }),
  });

  Registration.implement({
    description: 'A residence registration (居住登记): a person living at a dwelling from a date.',
    fields: (t) => ({
      person: t.field({ type: Person, nullable: true, description: 'Null if the person now lives outside your jurisdiction.', resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))) }),
      dwelling: t.field({ type: Dwelling, nullable: true, resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)) }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (r) => r.jurisdictionCode }),
      registeredOn: t.field({ type: 'Date', resolve: (r) => r.registeredOn }),
      active: t.boolean({ resolve: (r) => !r.endedOn }),
      overCapacity: t.exposeBoolean('overCapacity', { description: 'Accepted although the dwelling was at capacity (flag, not refusal).' }),
      previousRegistration: t.field({
        type: Registration,
        nullable: true,
        description: 'For a change (变更): the registration it replaced.',
        resolve: (r, _a, ctx) => (r.previousRegistrationId ? orNull(registrationLoader(ctx).load(r.previousRegistrationId)) : null),
      }),
      endedOn: t.field({ type: 'Date', nullable: true, resolve: (r) => r.endedOn }),
      endKind: t.field({ type: RegistrationEnd, nullable: true, resolve: (r) => r.endKind }),
      endReason: t.exposeString('endReason', { nullable: true }),
      source: t.exposeString('source'),
      createdBy: t.exposeString('createdBy'),
    }),
  });

  const RevisitTenant = builder.objectRef<{ personId: string; outcome: string }>('RevisitTenant').implement({
    fields: (t) => ({
      person: t.field({ type: Person, nullable: true, resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))) }),
      outcome: t.string({ description: 'seen, or departed (found to have moved away).', resolve: (r) => r.outcome }),
    }),
  });

  Revisit.implement({
    description: 'A revisit (回访) of a dwelling.',
    fields: (t) => ({
      dwelling: t.field({ type: Dwelling, nullable: true, resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)) }),
      visitorId: t.exposeString('visitorId'),
      visitedAt: t.field({ type: 'DateTime', resolve: (r) => r.visitedAt }),
      visitedOn: t.field({ type: 'Date', resolve: (r) => r.visitedOn }),
      matched: t.exposeBoolean('matched', { description: 'The people found match the register (人户一致).' }),
      notes: t.exposeString('notes', { nullable: true }),
      tenants: t.field({ type: [RevisitTenant], resolve: (r, _a, ctx) => revisitTenantsOf(ctx, r.id) }),
    }),
  });

  const RateRef = builder.objectRef<Rate>('Rate').implement({
    description: 'numerator / denominator against a target; value and met are null when the denominator is 0.',
    fields: (t) => ({
      numerator: t.exposeInt('numerator'),
      denominator: t.exposeInt('denominator'),
      value: t.exposeFloat('value', { nullable: true }),
      target: t.exposeFloat('target'),
      met: t.exposeBoolean('met', { nullable: true }),
    }),
  });
  const JurisdictionRatesRef = builder.objectRef<JurisdictionRates>('JurisdictionPopulationRates').implement({
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (r) => r.jurisdictionCode }),
      name: t.exposeString('name'),
      registration: t.field({ type: RateRef, description: '登记率 ≥ 90%: registered floating persons / estimated floating population.', resolve: (r) => r.registration }),
      consistency: t.field({ type: RateRef, description: '人户一致率 ≥ 85%: visits that matched / visits.', resolve: (r) => r.consistency }),
      deregistration: t.field({ type: RateRef, description: '注销率 ≥ 80%: departures deregistered / known departures.', resolve: (r) => r.deregistration }),
      filing: t.field({ type: RateRef, description: '出租房登记备案率 100%: filed / known rental dwellings.', resolve: (r) => r.filing }),
      fiveOnes: t.field({ type: RateRef, description: '五个一: complete urban-village buildings / such buildings.', resolve: (r) => r.fiveOnes }),
    }),
  });

  return { DwellingClass, TenantTier, PersonKind, FilingStatus, Gender, InflowReason, Person, Dwelling, Registration, Revisit, JurisdictionRatesRef, TierChange };
}

export type PopulationTypes = ReturnType<typeof registerTypes>;

import { plannedOr, z, type Builder, type Ctx } from '@safecity/core';
import { daysOverdue, type DWELLING_CLASSES, type FILING_STATUSES, INFLOW_REASONS, type PERSON_KINDS, type TENANT_TIERS, type Rate } from '../rules.js';
import { currentRegistrationsLoader, dwellingLoader, lastVisitLoader, personLoader, registrationHistoryLoader, registrationLoader, revisitLoader, today } from '../service/common.js';
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
    values: {
      key: { value: 'key', description: 'Key household (重点户): revisit every half month (15 days).' },
      general: { value: 'general', description: 'General household (一般户): revisit every quarter.' },
      trusted: { value: 'trusted', description: 'Trusted household (放心户): revisit every half year.' },
    } satisfies Record<(typeof DWELLING_CLASSES)[number], { value: (typeof DWELLING_CLASSES)[number]; description: string }>,
  });
  const TenantTier = builder.enumType('TenantTier', {
    description: 'Tenant tier: key 重点层 (revisit every 15 days), attention 关注层 (every quarter), stable 稳定层 (every half year).',
    values: {
      key: { value: 'key', description: 'Key tier (重点层): revisit every half month (15 days).' },
      attention: { value: 'attention', description: 'Attention tier (关注层): revisit every quarter.' },
      stable: { value: 'stable', description: 'Stable tier (稳定层): revisit every half year; the default.' },
    } satisfies Record<(typeof TENANT_TIERS)[number], { value: (typeof TENANT_TIERS)[number]; description: string }>,
  });
  const PersonKind = builder.enumType('PersonKind', {
    description: 'registered 户籍人口 or floating 流动人口.',
    values: {
      registered: { value: 'registered', description: 'Registered resident (户籍人口): household registration here.' },
      floating: { value: 'floating', description: 'Floating population (流动人口): living here without household registration; has an inflow reason and date.' },
    } satisfies Record<(typeof PERSON_KINDS)[number], { value: (typeof PERSON_KINDS)[number]; description: string }>,
  });
  const FilingStatus = builder.enumType('FilingStatus', {
    description: 'Rental filing (登记备案) status.',
    values: {
      filed: { value: 'filed', description: 'Filed (已备案): has a filing number.' },
      pending: { value: 'pending', description: 'Filing under way (only from seeded or legacy data; no mutation sets it).' },
      unfiled: { value: 'unfiled', description: 'Not filed (未备案): recorded without a filing number.' },
    } satisfies Record<(typeof FILING_STATUSES)[number], { value: (typeof FILING_STATUSES)[number]; description: string }>,
  });
  const Gender = builder.enumType('Gender', {
    description: 'Gender (性别) as encoded in the resident identity number (17th digit: odd male, even female).',
    values: { male: { value: 'male', description: 'Male (男).' }, female: { value: 'female', description: 'Female (女).' } } as const,
  });
  const InflowReason = builder.enumType('InflowReason', {
    description: 'Inflow reason (流入原因, GB/T 31000 code table).',
    values: Object.fromEntries(Object.entries(INFLOW_REASONS).map(([k, label]) => [k, { value: k, description: label }])) as Record<
      keyof typeof INFLOW_REASONS,
      { value: keyof typeof INFLOW_REASONS; description: string }
    >,
  });
  const RegistrationEnd = builder.enumType('RegistrationEnd', {
    description: 'changed 变更 (another dwelling, same jurisdiction), deregistered 注销, moved_out 迁出 (an arrival was registered in another jurisdiction).',
    values: {
      changed: { value: 'changed', description: 'Change (变更): replaced by a registration at another dwelling of the same jurisdiction.' },
      deregistered: { value: 'deregistered', description: 'Deregistration (注销): the person moved away or left the register.' },
      moved_out: { value: 'moved_out', description: 'Moved out (迁出): an arrival was registered in another jurisdiction.' },
    } as const,
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
    description: "One entry of a person's tenant-tier history (分层次管理).",
    fields: (t) => ({
      tier: t.field({ type: TenantTier, description: 'The tier set.', resolve: (r) => r.tier }),
      setBy: t.exposeString('setBy', { description: 'Subject id of who set it.' }),
      setAt: t.field({ type: 'DateTime', description: 'When it was set.', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason', { description: 'Why, as given (`initial` for the tier the person was recorded with).' }),
    }),
  });
  const ClassChange = builder.objectRef<Awaited<ReturnType<typeof dwellingClassHistoryOf>>[number]>('DwellingClassChange').implement({
    description: "One entry of a dwelling's class history (重点户 / 一般户 / 放心户).",
    fields: (t) => ({
      dwellingClass: t.field({ type: DwellingClass, description: 'The class set.', resolve: (r) => r.dwellingClass }),
      setBy: t.exposeString('setBy', { description: 'Subject id of who set it.' }),
      setAt: t.field({ type: 'DateTime', description: 'When it was set.', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason', { description: 'Why, as given.' }),
    }),
  });

  const daysOverdueField = (t: any) =>
    t.int({
      nullable: true,
      description: 'Days past the revisit due date on asOf (default today); null or ≤ 0 means not overdue.',
      args: { asOf: t.arg({ type: 'Date', description: 'The day to count to; default today (China time).' }) },
      resolve: (r: { revisitDueOn: string | null }, args: { asOf?: string | null }, ctx: Ctx) => (r.revisitDueOn ? daysOverdue(r.revisitDueOn, args.asOf ?? today(ctx)) : null),
    });

  Person.implement({
    description: 'A person on the register (实有人口).',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Full name (姓名) as registered.' }),
      idNumber: t.string({
        description:
          'The resident identity number, masked (6201**********123X). With `purpose`, a caller holding population:identity.reveal gets the full number; each reveal is written to the audit log with the purpose.',
        args: {
          purpose: t.arg.string({
            description: 'Why you need the full number (3-200 characters; written to the audit log). Without it the number stays masked.',
            validate: z.string().trim().min(3).max(200),
          }),
        },
        resolve: (p, args, ctx) => (args.purpose ? revealIdNumber(ctx, p, args.purpose) : p.idNumberMasked),
      }),
      birthDate: t.field({ type: 'Date', description: 'Birth date, as encoded in the identity number.', resolve: (p) => p.birthDate }),
      gender: t.field({ type: Gender, description: 'Gender, as encoded in the identity number.', resolve: (p) => p.gender as 'male' | 'female' }),
      kind: t.field({ type: PersonKind, description: 'Registered resident (户籍人口) or floating (流动人口).', resolve: (p) => p.kind }),
      inflowReason: t.field({
        type: InflowReason,
        nullable: true,
        description: 'Why a floating person came (流入原因); null for a registered resident or when not given.',
        resolve: (p) => p.inflowReason,
      }),
      inflowDate: t.field({ type: 'Date', nullable: true, description: 'When a floating person arrived (流入日期); null for a registered resident or when not given.', resolve: (p) => p.inflowDate }),
      hukouPlaceCode: t.field({ type: 'DivisionCode', description: 'Household-registration place (户籍地).', resolve: (p) => p.hukouPlaceCode }),
      phone: t.string({
        nullable: true,
        description:
          'The phone number, masked (138****5678). With `purpose`, a caller holding population:identity.reveal gets the full number; each reveal is written to the audit log with the purpose.',
        args: {
          purpose: t.arg.string({
            description: 'Why you need the full number (3-200 characters; written to the audit log). Without it the number stays masked.',
            validate: z.string().trim().min(3).max(200),
          }),
        },
        resolve: (p, args, ctx) => (args.purpose ? revealPhone(ctx, p, args.purpose) : maskedPhoneOf(p)),
      }),
      tier: t.field({ type: TenantTier, description: 'Tenant tier (重点层 / 关注层 / 稳定层): sets how often the person is revisited.', resolve: (p) => p.tier }),
      jurisdictionCode: t.field({
        type: 'DivisionCode',
        description: "The jurisdiction (属地) the person belongs to: the dwelling's after a registration or arrival.",
        resolve: (p) => p.jurisdictionCode,
      }),
      lastVisitedOn: t.field({ type: 'Date', nullable: true, description: 'Day of the last revisit (回访) that saw the person; null when never seen on a revisit.', resolve: (p) => p.lastVisitedOn }),
      revisitDueOn: t.field({ type: 'Date', nullable: true, description: 'Null when the person is not a tenant.', resolve: (p) => p.revisitDueOn }),
      daysOverdue: daysOverdueField(t),
      version: t.exposeInt('version', { description: 'Send it back with a change (optimistic concurrency); grows by one per change.' }),
      currentRegistration: t.field({
        type: Registration,
        nullable: true,
        description: 'The open residence registration (居住登记) inside your jurisdiction; null when the person has none.',
        resolve: async (p, _a, ctx) => (await registrationHistoryLoader(ctx, 'person').load(p.id)).find((r) => !r.endedOn) ?? null,
      }),
      registrations: t.field({
        type: [Registration],
        description: 'Registration history inside your jurisdiction, newest first.',
        resolve: (p, _a, ctx) => registrationHistoryLoader(ctx, 'person').load(p.id),
      }),
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
      landlord: t.field({
        type: Person,
        nullable: true,
        description: 'The landlord (房东); null when not recorded or outside your jurisdiction.',
        resolve: (d, _a, ctx) => (d.landlordId ? orNull(personLoader(ctx).load(d.landlordId)) : null),
      }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction (community or grid, 网格) the dwelling lies in.', resolve: (d) => d.jurisdictionCode }),
      rooms: t.exposeInt('rooms', { description: 'Number of rooms let (at least 1).' }),
      capacity: t.exposeInt('capacity', { description: 'How many tenants it may house; registrations above it are accepted and flagged overCapacity.' }),
      filingNumber: t.exposeString('filingNumber', { nullable: true, description: 'Rental filing number (备案号); null while not filed.' }),
      filingStatus: t.field({ type: FilingStatus, description: 'Rental filing (登记备案) status.', resolve: (d) => d.filingStatus }),
      filedOn: t.field({ type: 'Date', nullable: true, description: 'Day of filing; null while not filed.', resolve: (d) => d.filedOn }),
      dwellingClass: t.field({ type: DwellingClass, description: 'Class (重点户 / 一般户 / 放心户): sets how often the dwelling is revisited.', resolve: (d) => d.dwellingClass }),
      urbanVillageBuilding: t.exposeBoolean('urbanVillageBuilding', { description: 'A building in an urban village (城中村): the five-ones checklist (五个一) applies.' }),
      listedOn: t.field({ type: 'Date', description: 'Day it was put on the register; the revisit clock starts here.', resolve: (d) => d.listedOn }),
      lastVisitedOn: t.field({ type: 'Date', nullable: true, description: 'Day of the last revisit (回访); null when never visited.', resolve: (d) => d.lastVisitedOn }),
      revisitDueOn: t.field({ type: 'Date', description: "Next revisit due: last visit (or listing) plus the class's cadence.", resolve: (d) => d.revisitDueOn }),
      daysOverdue: daysOverdueField(t),
      version: t.exposeInt('version', { description: 'Send it back with a change (optimistic concurrency); grows by one per change.' }),
      currentTenants: t.field({
        type: [Registration],
        description: 'Open registrations (current tenants), oldest first.',
        resolve: (d, _a, ctx, info) => plannedOr(d, info, () => currentRegistrationsLoader(ctx).load(d.id)),
      }),
      overCapacity: t.boolean({
        description: 'More current tenants than capacity (registrations above capacity are accepted and flagged).',
        resolve: async (d, _a, ctx) => (await currentRegistrationsLoader(ctx).load(d.id)).length > d.capacity,
      }),
      registrations: t.field({ type: [Registration], description: 'Registration history, newest first.', resolve: (d, _a, ctx) => registrationHistoryLoader(ctx, 'dwelling').load(d.id) }),
      lastVisit: t.field({
        type: Revisit,
        nullable: true,
        description: 'The latest revisit (回访); null when never visited.',
        resolve: (d, _a, ctx, info) => plannedOr(d, info, () => lastVisitLoader(ctx).load(d.id)),
      }),
      classHistory: t.field({ type: [ClassChange], description: 'Class changes recorded, with who set each and why.', resolve: (d, _a, ctx) => dwellingClassHistoryOf(ctx, d) }),
    }),
  });

  Registration.implement({
    description: 'A residence registration (居住登记): a person living at a dwelling from a date.',
    fields: (t) => ({
      person: t.field({
        type: Person,
        nullable: true,
        description: 'Null if the person now lives outside your jurisdiction.',
        resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))),
      }),
      dwelling: t.field({
        type: Dwelling,
        nullable: true,
        description: 'The dwelling lived at; null if it lies outside your jurisdiction.',
        resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)),
      }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "The dwelling's jurisdiction when registered.", resolve: (r) => r.jurisdictionCode }),
      registeredOn: t.field({ type: 'Date', description: 'Day the person started living there.', resolve: (r) => r.registeredOn }),
      active: t.boolean({ description: 'True while the registration has not ended (endedOn is null).', resolve: (r) => !r.endedOn }),
      overCapacity: t.exposeBoolean('overCapacity', { description: 'Accepted although the dwelling was at capacity (flag, not refusal).' }),
      previousRegistration: t.field({
        type: Registration,
        nullable: true,
        description: 'For a change (变更): the registration it replaced.',
        resolve: (r, _a, ctx) => (r.previousRegistrationId ? orNull(registrationLoader(ctx).load(r.previousRegistrationId)) : null),
      }),
      endedOn: t.field({ type: 'Date', nullable: true, description: 'Day it ended; null while active.', resolve: (r) => r.endedOn }),
      endKind: t.field({ type: RegistrationEnd, nullable: true, description: 'How it ended (变更 / 注销 / 迁出); null while active.', resolve: (r) => r.endKind }),
      endReason: t.exposeString('endReason', { nullable: true, description: 'The reason given when it ended; null while active.' }),
      source: t.exposeString('source', { description: 'How it was written: api, import (CSV), arrival (registerArrival) or seed.' }),
      createdBy: t.exposeString('createdBy', { description: 'Subject id of who wrote it.' }),
    }),
  });

  const RevisitTenant = builder.objectRef<{ personId: string; outcome: string }>('RevisitTenant').implement({
    description: 'A tenant as a revisit found them.',
    fields: (t) => ({
      person: t.field({
        type: Person,
        nullable: true,
        description: 'The tenant; null if the person now lives outside your jurisdiction.',
        resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))),
      }),
      outcome: t.string({ description: 'seen, or departed (found to have moved away).', resolve: (r) => r.outcome }),
    }),
  });

  Revisit.implement({
    description: 'A revisit (回访) of a dwelling.',
    fields: (t) => ({
      dwelling: t.field({
        type: Dwelling,
        nullable: true,
        description: 'The dwelling visited; null if it lies outside your jurisdiction.',
        resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)),
      }),
      visitorId: t.exposeString('visitorId', { description: 'Subject id of who recorded the visit.' }),
      visitedAt: t.field({ type: 'DateTime', description: 'When the visit took place.', resolve: (r) => r.visitedAt }),
      visitedOn: t.field({ type: 'Date', description: 'The China calendar day of visitedAt.', resolve: (r) => r.visitedOn }),
      matched: t.exposeBoolean('matched', { description: 'The people found match the register (人户一致).' }),
      notes: t.exposeString('notes', { nullable: true, description: 'Free-text notes of the visitor; null when none.' }),
      tenants: t.field({ type: [RevisitTenant], description: 'The tenants seen or found departed on this visit.', resolve: (r, _a, ctx) => revisitTenantsOf(ctx, r.id) }),
    }),
  });

  const RateRef = builder.objectRef<Rate>('Rate').implement({
    description: 'numerator / denominator against a target; value and met are null when the denominator is 0.',
    fields: (t) => ({
      numerator: t.exposeInt('numerator', { description: 'The counted cases (e.g. visits that matched).' }),
      denominator: t.exposeInt('denominator', { description: 'The base (e.g. all visits).' }),
      value: t.exposeFloat('value', { nullable: true, description: 'numerator / denominator as a fraction (0.9 = 90%); null when the denominator is 0.' }),
      target: t.exposeFloat('target', { description: 'The target as a fraction (0.9 = 90%).' }),
      met: t.exposeBoolean('met', { nullable: true, description: 'value ≥ target; null when the denominator is 0.' }),
    }),
  });
  const JurisdictionRatesRef = builder.objectRef<JurisdictionRates>('JurisdictionPopulationRates').implement({
    description: 'The population rates of one jurisdiction (its whole subtree) for the period.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction.', resolve: (r) => r.jurisdictionCode }),
      name: t.exposeString('name', { description: 'Its name.' }),
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

import { plannedOr, z, type Builder, requiredText, connectionOf } from '@safecity/core';
import { currentRegistrationLoader, registrationHistoryPages } from '../service/common.js';
import { correctPersonDetails, listOverdueTenants, listPersons, maskedPhoneOf, recordPerson, revealIdNumber, revealPhone, setTenantTier, tierHistoryPages } from '../service/persons.js';
import { daysOverdueField, read, write, type PopulationTypes } from './refs.js';

/** Persons on the register (实有人口): their tiers, lookups and changes. */
export function registerPersonSchema(builder: Builder, T: PopulationTypes) {
  const { TenantTier, PersonKind, Gender, InflowReason, Person, Registration, TierChange } = T;

  TierChange.implement({
    description: "One entry of a person's tenant-tier history (分层次管理).",
    fields: (t) => ({
      tier: t.field({ type: TenantTier, description: 'The tier set.', resolve: (r) => r.tier }),
      setBy: t.exposeString('setBy', { description: 'Subject id of who set it.' }),
      setAt: t.field({ type: 'DateTime', description: 'When it was set.', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason', { description: 'Why, as given (`initial` for the tier the person was recorded with).' }),
    }),
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
        resolve: (p, _a, ctx) => currentRegistrationLoader(ctx).load(p.id),
      }),
      registrations: t.connection(
        {
          type: Registration,
          description: 'Registration history inside your jurisdiction, newest first (by day registered, then by when recorded).',
          resolve: (p, args, ctx, info) => plannedOr(p, info, () => registrationHistoryPages(ctx, 'person', args).load(p.id)),
        },
        connectionOf(builder, Registration),
      ),
      tierHistory: t.connection(
        {
          type: TierChange,
          description: 'Tier changes recorded inside your jurisdiction, oldest first (after a move, the other side’s entries stay with it).',
          resolve: (p, args, ctx, info) => plannedOr(p, info, () => tierHistoryPages(ctx, args).load(p.id)),
        },
        connectionOf(builder, TierChange),
      ),
    }),
  });

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
  }));

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
  }));
}

import { plannedOr, z, type Builder, requiredText, connectionOf } from '@safecity/core';
import { CURRENT_TENANTS_CAP } from '../reads.js';
import { fiveOnesComplete } from '../rules.js';
import { currentRegistrationsLoader, lastVisitLoader, openRegistrationCountLoader, personLoader, registrationHistoryPages } from '../service/common.js';
import { classHistoryPages, classifyDwelling, fileDwelling, type ClassChangeRow, listDwellings, listOverdueDwellings, recordDwelling, recordFiveOnesCheck } from '../service/dwellings.js';
import { daysOverdueField, orNull, read, write, type PopulationTypes } from './refs.js';

/** Rental dwellings (出租屋): classes, filing, five-ones checks. */
export function registerDwellingSchema(builder: Builder, T: PopulationTypes) {
  const { DwellingClass, FilingStatus, Person, Dwelling, Registration, Revisit } = T;

  const ClassChange = builder.objectRef<ClassChangeRow>('DwellingClassChange').implement({
    description: "One entry of a dwelling's class history (重点户 / 一般户 / 放心户).",
    fields: (t) => ({
      dwellingClass: t.field({ type: DwellingClass, description: 'The class set.', resolve: (r) => r.dwellingClass }),
      setBy: t.exposeString('setBy', { description: 'Subject id of who set it.' }),
      setAt: t.field({ type: 'DateTime', description: 'When it was set.', resolve: (r) => r.setAt }),
      reason: t.exposeString('reason', { description: 'Why, as given.' }),
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
        description: `Open registrations (current tenants) inside your jurisdiction, oldest first: a list, not a page, as a dwelling's tenants are far fewer than ${CURRENT_TENANTS_CAP}, the most it answers.`,
        resolve: (d, _a, ctx, info) => plannedOr(d, info, () => currentRegistrationsLoader(ctx).load(d.id)),
      }),
      overCapacity: t.boolean({
        description: 'More current tenants than capacity (registrations above capacity are accepted and flagged).',
        resolve: async (d, _a, ctx) => (await openRegistrationCountLoader(ctx).load(d.id)) > d.capacity,
      }),
      registrations: t.connection(
        {
          type: Registration,
          description: 'Registration history inside your jurisdiction, newest first (by day registered, then by when recorded).',
          resolve: (d, args, ctx, info) => plannedOr(d, info, () => registrationHistoryPages(ctx, 'dwelling', args).load(d.id)),
        },
        connectionOf(builder, Registration),
      ),
      lastVisit: t.field({
        type: Revisit,
        nullable: true,
        description: 'The latest revisit (回访); null when never visited.',
        resolve: (d, _a, ctx, info) => plannedOr(d, info, () => lastVisitLoader(ctx).load(d.id)),
      }),
      classHistory: t.connection(
        {
          type: ClassChange,
          description: 'Class changes recorded inside your jurisdiction, oldest first, with who set each and why.',
          resolve: (d, args, ctx, info) => plannedOr(d, info, () => classHistoryPages(ctx, args).load(d.id)),
        },
        connectionOf(builder, ClassChange),
      ),
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

  builder.queryFields((t) => ({
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
  }));

  builder.mutationFields((t) => ({
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
  }));
}

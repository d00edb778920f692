import { connectionOf, z, type Builder } from '@safecity/core';
import { departureByRegistrationLoader, districtNameLoader, listDepartures, registerArrival } from '../service/moves.js';
import { registrationLoader } from '../service/common.js';
import { tierHistoryPages } from '../service/persons.js';
import type { DepartureRow } from '../tables.js';
import type { PopulationTypes } from './refs.js';

/** Resolves to null where the record lies outside the caller's jurisdiction. */
const orNull = <T>(p: Promise<T>) => p.catch(() => null);

/** Moves between jurisdictions: registerArrival (迁入) and the sending side's departures (迁出). */
export function registerMoves(builder: Builder, T: PopulationTypes) {
  const Departure = builder.objectRef<DepartureRow>('PersonDeparture').implement({
    description: 'A departure (迁出) as the side the person left sees it: who, when and the district they went to. The new address, registration and records stay with the receiving side.',
    fields: (t) => ({
      id: t.exposeID('id', { description: "The departure record's id." }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction the person left.', resolve: (d) => d.jurisdictionCode }),
      personName: t.exposeString('personName', { description: 'The name as it was on your register.' }),
      idNumber: t.string({ description: 'The identity number, masked.', resolve: (d) => d.idNumberMasked }),
      movedOn: t.field({ type: 'Date', description: 'Day of the move: the arrival date registered on the receiving side.', resolve: (d) => d.movedOn }),
      toDistrictCode: t.field({ type: 'DivisionCode', description: 'The district (区/县) the person moved to.', resolve: (d) => d.toDistrictCode }),
      toDistrictName: t.string({ nullable: true, description: 'Name of that district; null when its name is not known.', resolve: (d, _a, ctx) => districtNameLoader(ctx).load(d.toDistrictCode) }),
      registration: t.field({
        type: T.Registration,
        nullable: true,
        description: 'Your registration the move ended (null if the person had none open).',
        resolve: (d, _a, ctx) => (d.registrationId ? orNull(registrationLoader(ctx).load(d.registrationId)) : null),
      }),
      tierHistory: t.connection(
        {
          type: T.TierChange,
          description: 'The tier changes your side recorded, oldest first.',
          resolve: (d, args, ctx) => tierHistoryPages(ctx, args).load(d.personId),
        },
        connectionOf(builder, T.TierChange),
      ),
    }),
  });

  builder.objectField(T.Registration, 'departure', (t) =>
    t.field({
      type: Departure,
      nullable: true,
      description: 'For a registration ended as moved_out (迁出): the departure record (district gone to).',
      resolve: (r, _a, ctx) => (r.endKind === 'moved_out' ? departureByRegistrationLoader(ctx).load(r.id) : null),
    }),
  );

  const DepartureFilter = builder.inputType('PersonDepartureFilter', {
    description: 'Narrows the departures (迁出); every condition given must hold.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "Only departures from inside this division's subtree." }),
      idNumber: t.field({ type: 'ResidentIdNumber', description: 'Exact identity number.' }),
      movedFrom: t.field({ type: 'Date', description: 'Moved on or after this day.' }),
      movedTo: t.field({ type: 'Date', description: 'Moved on or before this day.' }),
    }),
  });

  builder.queryFields((t) => ({
    personDepartures: t.connection(
      {
        type: Departure,
        authScopes: { permission: 'population:read' },
        description: 'Persons who left your jurisdiction (迁出) by registering an arrival elsewhere, newest first.',
        args: { filter: t.arg({ type: DepartureFilter, description: 'Conditions on the departures; none: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listDepartures(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, Departure),
    ),
  }));

  builder.mutationFields((t) => ({
    registerArrival: t.field({
      type: T.Registration,
      authScopes: { permission: 'population:write' },
      errors: {},
      description:
        '迁入: registers the arrival at a dwelling in your jurisdiction of a person on the register elsewhere, found by identity number. In one transaction the registration elsewhere ends as moved_out on the arrival date, the person’s record follows to the dwelling’s jurisdiction, and the side they left keeps a departure record naming only the district. Returns the new registration. Errors: POPULATION_PERSON_NOT_ON_REGISTER, POPULATION_NOT_AN_ARRIVAL, POPULATION_REGISTRATION_DATE_IN_FUTURE, POPULATION_REGISTRATION_BEFORE_INFLOW, POPULATION_ARRIVAL_BEFORE_CURRENT_REGISTRATION, POPULATION_ALREADY_REGISTERED, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        idNumber: t.arg({ type: 'ResidentIdNumber', required: true, description: "The arriving person's identity number (居民身份证号), exact." }),
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling in your jurisdiction the person now lives at.' }),
        arrivedOn: t.arg({ type: 'Date', required: true, description: 'Day of arrival: the new registration starts and the old one ends on it (not in the future).' }),
        tier: t.arg({ type: T.TenantTier, description: 'The tier from now on; default: the tier the person had.' }),
        reason: t.arg.string({ description: 'Why (1-200 characters); default 迁入登记.', validate: z.string().trim().min(1).max(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, ...input }, ctx) => registerArrival(ctx, { ...input, dwellingId: dwellingId.id }, idempotencyKey),
    }),
  }));
}

/**
 * Moves between jurisdictions (迁出 / 迁入). The receiving side registers an arrival by identity
 * number; in the same transaction the person's open registration elsewhere ends as moved-out,
 * the sending side gets a departure record (who, when, which district: no address), the person's
 * record follows to the new jurisdiction, and each side gets its own audit entries and event.
 * Tier history and visits stay where they were recorded; their loaders are scoped, so each side
 * reads only its own.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gte, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { anyOf, groupBy, jurisdictions, loader, requireActor, runMutation, scopedRead, type ConnectionArgs, type Ctx } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { idNumberMatches, residentIdHashes } from '../identity.js';
import { arrivalProblem, destinationDistrict, type TenantTier } from '../rules.js';
import { personDepartures, personTierHistory, persons, residenceRegistrations, type DepartureRow, type RegistrationRow } from '../tables.js';
import { departureReads } from '../reads.js';
import { lockDwelling, today } from './common.js';
import { openRegistration } from './registrations.js';

export interface RegisterArrivalInput {
  idNumber: string;
  dwellingId: string;
  arrivedOn: string;
  /** The tier to manage the person in from now; default: the tier they had. */
  tier?: TenantTier | null;
  reason?: string | null;
}

/** 迁入: registers the arrival of a person on the register elsewhere; returns the new registration. */
export async function registerArrival(ctx: Ctx, input: RegisterArrivalInput, idempotencyKey?: string | null): Promise<RegistrationRow> {
  return runMutation(ctx, { operation: 'registerArrival', idempotencyKey, input }, async (tx) => {
    const actor = requireActor(tx);
    // Found by its keyed hash, deliberately without the jurisdiction filter: the arrival is exactly
    // the case of a person registered elsewhere. Nothing of the other side is returned to the caller.
    const [known] = await tx.db.select({ id: persons.id }).from(persons).where(idNumberMatches(persons.idNumberHash, input.idNumber));
    if (!known) throw PopulationErrors.error('PERSON_NOT_ON_REGISTER', undefined, { field: 'input.idNumber' });
    // Lock order registration → person → dwelling, as changeResidence takes them (registerResidence:
    // person → dwelling), so concurrent writes on either side wait instead of deadlocking.
    const openOf = () =>
      tx.db
        .select()
        .from(residenceRegistrations)
        .where(and(eq(residenceRegistrations.personId, known.id), isNull(residenceRegistrations.endedOn)))
        .for('update');
    await openOf();
    const [person] = await tx.db.select().from(persons).where(eq(persons.id, known.id)).for('update');
    // Read again under the person's lock: a registration opened meanwhile is seen now.
    const [current] = await openOf();
    const dwelling = await lockDwelling(tx, input.dwellingId);
    const bad = arrivalProblem({
      arrivedOn: input.arrivedOn,
      today: today(tx),
      inflowDate: person.inflowDate,
      personJurisdictionCode: person.jurisdictionCode,
      dwellingJurisdictionCode: dwelling.jurisdictionCode,
      currentRegistrationStartedOn: current?.registeredOn ?? null,
    });
    if (bad) throw PopulationErrors.error(bad, undefined, { field: bad === 'NOT_AN_ARRIVAL' ? 'input.idNumber' : 'input.arrivedOn' });

    const from = current?.jurisdictionCode ?? person.jurisdictionCode;
    const toDistrictCode = destinationDistrict(dwelling.jurisdictionCode);
    const reason = input.reason?.trim() || '迁入登记';

    // The sending side: its registration ends as moved-out on the arrival date.
    if (current) {
      const [closed] = await tx.db
        .update(residenceRegistrations)
        .set({ endedOn: input.arrivedOn, endKind: 'moved_out', endReason: `迁出：已在${toDistrictCode}登记迁入` })
        .where(eq(residenceRegistrations.id, current.id))
        .returning();
      tx.audit({ entityType: 'ResidenceRegistration', entityId: current.id, jurisdictionCode: current.jurisdictionCode, before: current, after: closed });
    }

    // The person's record follows. The last visit belongs to the sending side's visits, so the
    // receiving side's revisit clock starts from the arrival (openRegistration sets the due date).
    const tier = (input.tier ?? person.tier) as TenantTier;
    const [moved] = await tx.db
      .update(persons)
      .set({ jurisdictionCode: dwelling.jurisdictionCode, tier, lastVisitedOn: null, version: person.version + 1 })
      .where(eq(persons.id, person.id))
      .returning();
    const registration = await openRegistration(tx, moved, dwelling, input.arrivedOn, null, 'arrival');
    // The receiving side's own tier history starts here; the sending side's entries stay with it.
    await tx.db
      .insert(personTierHistory)
      .values({ personId: person.id, tier, setBy: actor.id, setAt: tx.now(), reason: input.tier ? reason : `${reason}（沿用原层级）`, jurisdictionCode: dwelling.jurisdictionCode });
    tx.audit({
      entityType: 'Person',
      entityId: person.id,
      jurisdictionCode: dwelling.jurisdictionCode,
      // No `before`: it would tell the receiving side where the person came from.
      after: { arrivedOn: input.arrivedOn, jurisdictionCode: dwelling.jurisdictionCode, tier, registrationId: registration.id, reason },
    });

    const [departure] = await tx.db
      .insert(personDepartures)
      .values({
        id: randomUUID(),
        personId: person.id,
        jurisdictionCode: from,
        registrationId: current?.id ?? null,
        personName: person.name,
        idNumberMasked: person.idNumberMasked,
        movedOn: input.arrivedOn,
        toDistrictCode,
        arrivalRegistrationId: registration.id,
        recordedBy: actor.id,
      })
      .returning();
    // The sending side's entry names the district, not the address or the new registration.
    tx.audit({
      entityType: 'PersonDeparture',
      entityId: departure.id,
      jurisdictionCode: from,
      after: { personId: person.id, registrationId: departure.registrationId, movedOn: departure.movedOn, toDistrictCode, personName: departure.personName, idNumber: departure.idNumberMasked },
    });

    await tx.emit('personMovedAway', { departureId: departure.id, personId: person.id, registrationId: departure.registrationId, jurisdictionCode: from, toDistrictCode, date: input.arrivedOn });
    await tx.emit('personArrived', { personId: person.id, registrationId: registration.id, dwellingId: dwelling.id, jurisdictionCode: registration.jurisdictionCode, date: input.arrivedOn });
    return registration;
  });
}

export interface DepartureFilter {
  jurisdictionCode?: string | null;
  idNumber?: string | null;
  movedFrom?: string | null;
  movedTo?: string | null;
}

/** Departures (迁出) from the caller's jurisdiction, newest first. */
export function listDepartures(ctx: Ctx, f: DepartureFilter, args: ConnectionArgs) {
  const conds: (SQL | undefined)[] = [
    f.idNumber ? sql`${personDepartures.personId} in (select population_person_ids_by_hash(${sql.param(residentIdHashes(f.idNumber))}::text[]))` : undefined,
    f.movedFrom ? gte(personDepartures.movedOn, f.movedFrom) : undefined,
    f.movedTo ? lte(personDepartures.movedOn, f.movedTo) : undefined,
  ];
  return scopedRead(ctx, departureReads, { within: f.jurisdictionCode, where: conds, page: { args, direction: 'desc', keys: ['movedOn', 'id'] } });
}

// The person behind a number may live in another jurisdiction now (the departure keeps no hash of
// its own): population_person_ids_by_hash (row-security.ts) finds the id wherever the person is.

/** The departure record of each moved-out registration, in the caller's scope (one statement per page). */
export function departureByRegistrationLoader(ctx: Ctx) {
  return loader<string, DepartureRow | null>(ctx, 'population.departureByRegistration', async (registrationIds) => {
    const rows = await scopedRead(ctx, departureReads, { where: [anyOf(personDepartures.registrationId, [...registrationIds])] });
    return groupBy(registrationIds, rows, (r) => r.registrationId!).map((g) => g[0] ?? null);
  });
}

/** District names (public division names, whoever's scope they lie in). */
export function districtNameLoader(ctx: Ctx) {
  return loader<string, string | null>(ctx, 'population.districtName', async (codes) => {
    const rows = await ctx.db
      .select({ code: jurisdictions.code, name: jurisdictions.name })
      .from(jurisdictions)
      .where(anyOf(jurisdictions.code, [...codes]));
    const m = new Map(rows.map((r) => [r.code, r.name]));
    return codes.map((c) => m.get(c) ?? null);
  });
}

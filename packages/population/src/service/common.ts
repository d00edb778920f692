import { and, desc, eq, isNull } from 'drizzle-orm';
import { anyOf, groupBy, inScope, indexBy, loader, notFound, relationPage, scopedRead, type ConnectionArgs, type Ctx, isUuid, chinaDateOf } from '@safecity/core';
import { dwellingReads, personReads, registrationReads, revisitReads } from '../reads.js';
import { dwellings, persons, residenceRegistrations, revisits, type DwellingRow, type PersonRow, type RegistrationRow, type RevisitRow } from '../tables.js';

/** Today in the city (Asia/Shanghai), from the request clock. */
export const today = (ctx: Ctx) => chinaDateOf(ctx.now());

/** Ids that can be UUIDs (others simply match nothing; a malformed id must not become a SQL error). */
const uuids = (ids: readonly string[]) => {
  const ok = ids.filter(isUuid);
  return ok.length ? ok : ['00000000-0000-0000-0000-000000000000'];
};

// Loaders: one statement per nesting level, each filtered by the caller's jurisdiction (scopedRead applies it).

export function personLoader(ctx: Ctx) {
  return loader<string, PersonRow>(ctx, 'population.person', async (ids) => {
    const rows = await scopedRead(ctx, personReads, { where: [anyOf(persons.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('person'));
  });
}

export function dwellingLoader(ctx: Ctx) {
  return loader<string, DwellingRow>(ctx, 'population.dwelling', async (ids) => {
    const rows = await scopedRead(ctx, dwellingReads, { where: [anyOf(dwellings.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('dwelling'));
  });
}

export function registrationLoader(ctx: Ctx) {
  return loader<string, RegistrationRow>(ctx, 'population.registration', async (ids) => {
    const rows = await scopedRead(ctx, registrationReads, { where: [anyOf(residenceRegistrations.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('registration'));
  });
}

export function revisitLoader(ctx: Ctx) {
  return loader<string, RevisitRow>(ctx, 'population.revisit', async (ids) => {
    const rows = await scopedRead(ctx, revisitReads, { where: [anyOf(revisits.id, uuids(ids))] });
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('revisit'));
  });
}

/** Open registrations per dwelling (its current tenants), oldest first. */
export function currentRegistrationsLoader(ctx: Ctx) {
  return loader<string, RegistrationRow[]>(ctx, 'population.currentRegistrations', async (dwellingIds) => {
    const rows = await scopedRead(ctx, registrationReads, {
      where: [anyOf(residenceRegistrations.dwellingId, [...dwellingIds]), isNull(residenceRegistrations.endedOn)],
      orderBy: [residenceRegistrations.registeredOn, residenceRegistrations.id],
    });
    return groupBy(dwellingIds, rows, (r) => r.dwellingId);
  });
}

/**
 * The open registration of each person (at most one: a unique index says so), inside the caller's
 * jurisdiction: one indexed statement for a page of persons, whatever their histories' length.
 */
export function currentRegistrationLoader(ctx: Ctx) {
  return loader<string, RegistrationRow | null>(ctx, 'population.currentRegistration', async (personIds) => {
    const rows = await scopedRead(ctx, registrationReads, { where: [anyOf(residenceRegistrations.personId, [...personIds]), isNull(residenceRegistrations.endedOn)] });
    return indexBy(personIds, rows, (r) => r.personId);
  });
}

/** A page of the registration history of each person or dwelling, newest first (one statement per page of parents). */
export function registrationHistoryPages(ctx: Ctx, by: 'person' | 'dwelling', args: ConnectionArgs) {
  const rel = by === 'person' ? personReads.relations!.registrations! : dwellingReads.relations!.registrations!;
  return relationPage<RegistrationRow>(ctx, `population.registrationsBy.${by}`, rel, args, 'registrations');
}

/** The last visit of each dwelling: one statement (DISTINCT ON) for the whole page. */
export function lastVisitLoader(ctx: Ctx) {
  return loader<string, RevisitRow | null>(ctx, 'population.lastVisit', async (dwellingIds) => {
    const rows = await scopedRead<typeof revisits, RevisitRow>(ctx, revisitReads, {
      where: [anyOf(revisits.dwellingId, [...dwellingIds])],
      orderBy: [revisits.dwellingId, desc(revisits.visitedAt), desc(revisits.id)],
      from: (where, orderBy) =>
        ctx.db
          .selectDistinctOn([revisits.dwellingId])
          .from(revisits)
          .where(where)
          .orderBy(...orderBy),
    });
    return indexBy(dwellingIds, rows, (r) => r.dwellingId);
  });
}

/** Locks a row in scope for a write, or NOT_FOUND. */
export async function lockPerson(ctx: Ctx, id: string): Promise<PersonRow> {
  if (!isUuid(id)) throw notFound('person');
  const [row] = await ctx.db
    .select()
    .from(persons)
    .where(and(eq(persons.id, id), inScope(ctx, persons.jurisdictionCode)))
    .for('update');
  if (!row) throw notFound('person');
  return row;
}
export async function lockDwelling(ctx: Ctx, id: string): Promise<DwellingRow> {
  if (!isUuid(id)) throw notFound('dwelling');
  const [row] = await ctx.db
    .select()
    .from(dwellings)
    .where(and(eq(dwellings.id, id), inScope(ctx, dwellings.jurisdictionCode)))
    .for('update');
  if (!row) throw notFound('dwelling');
  return row;
}

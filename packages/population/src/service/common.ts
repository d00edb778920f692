import { count, desc, isNull } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { anyOf, indexBy, loader, lockInScope, notFound, relationList, relationPage, scopedRead, type ConnectionArgs, type Ctx, type ScopedTable, isUuid, chinaDateOf } from '@safecity/core';
import { dwellingReads, personReads, registrationReads, revisitReads } from '../reads.js';
import { residenceRegistrations, revisits, type DwellingRow, type PersonRow, type RegistrationRow, type RevisitRow } from '../tables.js';

/** Today in the city (Asia/Shanghai), from the request clock. */
export const today = (ctx: Ctx) => chinaDateOf(ctx.now());

/** Ids that can be UUIDs (others simply match nothing; a malformed id must not become a SQL error). */
const uuids = (ids: readonly string[]) => {
  const ok = ids.filter(isUuid);
  return ok.length ? ok : ['00000000-0000-0000-0000-000000000000'];
};

// Loaders: one statement per nesting level, each filtered by the caller's jurisdiction (scopedRead applies it).

/**
 * A per-request loader of rows of a declared table by id inside the caller's subtree; any other
 * id (another district's, or not a UUID) is NOT_FOUND.
 */
function scopedById<T extends PgTable & { id: PgColumn }>(ctx: Ctx, key: string, what: string, spec: ScopedTable<T>) {
  type R = T['$inferSelect'] & { id: string };
  return loader<string, R>(ctx, key, async (ids) => {
    const rows = (await scopedRead(ctx, spec, { where: [anyOf(spec.table.id, uuids(ids))] })) as R[];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound(what));
  });
}

export const personLoader = (ctx: Ctx) => scopedById(ctx, 'population.person', 'person', personReads);
export const dwellingLoader = (ctx: Ctx) => scopedById(ctx, 'population.dwelling', 'dwelling', dwellingReads);
export const registrationLoader = (ctx: Ctx) => scopedById(ctx, 'population.registration', 'registration', registrationReads);
export const revisitLoader = (ctx: Ctx) => scopedById(ctx, 'population.revisit', 'revisit', revisitReads);

/** Open registrations per dwelling (its current tenants), oldest first. */
export function currentRegistrationsLoader(ctx: Ctx) {
  // At most CURRENT_TENANTS_CAP per dwelling, as the planner answers the same field.
  return relationList<RegistrationRow>(ctx, 'population.currentRegistrations', dwellingReads.relations!.currentTenants!);
}

/** How many open registrations each dwelling has (the list above is capped; a capacity goes up to 5,000). */
export function openRegistrationCountLoader(ctx: Ctx) {
  return loader<string, number>(ctx, 'population.openRegistrationCount', async (dwellingIds) => {
    const rows = await scopedRead(ctx, registrationReads, {
      where: [anyOf(residenceRegistrations.dwellingId, [...dwellingIds]), isNull(residenceRegistrations.endedOn)],
      from: (where) => ctx.db.select({ dwellingId: residenceRegistrations.dwellingId, n: count() }).from(residenceRegistrations).where(where).groupBy(residenceRegistrations.dwellingId),
    });
    return indexBy(dwellingIds, rows, (r) => r.dwellingId).map((r) => r?.n ?? 0);
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
export function lockPerson(ctx: Ctx, id: string): Promise<PersonRow> {
  return lockInScope(ctx, personReads, id, 'person');
}
export function lockDwelling(ctx: Ctx, id: string): Promise<DwellingRow> {
  return lockInScope(ctx, dwellingReads, id, 'dwelling');
}

import { randomUUID } from 'node:crypto';
import { and, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { builtOnce, lockInScope, notFound, requireActor, runMutation, scopeOf, withinPattern, type Ctx, type TxCtx, isUuid } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { checkRegistrationDate, tenantRevisitDue, type TenantTier } from '../rules.js';
import { dwellings, persons, residenceRegistrations, type DwellingRow, type PersonRow, type RegistrationRow } from '../tables.js';
import { registrationReads } from '../reads.js';
import { lockDwelling, lockPerson, today } from './common.js';

/** isOverCapacity (rules.ts) as SQL, for the insert that counts the tenants where they are: keep the two together. */
function overCapacitySql(activeTenants: SQL<number>, capacity: Placeholder): SQL<boolean> {
  return sql<boolean>`${activeTenants} + 1 > ${capacity}`;
}

const p = sql.placeholder;

/**
 * The insert of openRegistration, its SQL text built once (builtOnce): the person's move and
 * revisit clock as a CTE, the capacity flag counted where the tenants are.
 */
const insertRegistration = builtOnce((db) => {
  const moved = db.$with('moved', { id: sql<string>`id` }).as(
    db
      .update(persons)
      // An update's set takes no placeholder: each value as SQL around one.
      .set({ jurisdictionCode: sql`${p('jurisdictionCode')}`, revisitDueOn: sql`${p('revisitDueOn')}` })
      .where(eq(persons.id, p('personId')))
      .returning({ id: persons.id })
      .getSQL(),
  );
  const activeTenants = sql<number>`(select count(*)::int from ${residenceRegistrations} where ${residenceRegistrations.dwellingId} = ${p('dwellingId')} and ${residenceRegistrations.endedOn} is null)`;
  return db
    .with(moved)
    .insert(residenceRegistrations)
    .values({
      id: p('id'),
      personId: p('personId'),
      dwellingId: p('dwellingId'),
      jurisdictionCode: p('jurisdictionCode'),
      registeredOn: p('registeredOn'),
      // Capacity: accepted and flagged, not refused (isOverCapacity in rules.ts, evaluated where the count is).
      overCapacity: overCapacitySql(activeTenants, p('capacity')),
      previousRegistrationId: p('previousRegistrationId'),
      source: p('source'),
      createdBy: p('createdBy'),
    })
    .onConflictDoNothing()
    .returning();
}, 'open_registration');

/**
 * Opens a registration in one statement: the insert, with the capacity flag counted where the
 * tenants are, and the person's move and revisit clock as a CTE of the same statement. The
 * dwelling is locked by the caller, so the count is exact. A second active registration of the
 * person hits the one-active unique index: ALREADY_REGISTERED, and the transaction rolls back.
 */
export async function openRegistration(
  tx: TxCtx,
  person: PersonRow,
  dwelling: DwellingRow,
  registeredOn: string,
  previousRegistrationId: string | null,
  source: RegistrationRow['source'] = 'api',
): Promise<RegistrationRow> {
  const [row] = await insertRegistration(tx.db, {
    id: randomUUID(),
    personId: person.id,
    dwellingId: dwelling.id,
    // The person now lives in the dwelling's jurisdiction; the tenant revisit clock restarts from here.
    jurisdictionCode: dwelling.jurisdictionCode,
    revisitDueOn: tenantRevisitDue({ lastVisitedOn: person.lastVisitedOn, registeredOn, tier: person.tier as TenantTier }),
    registeredOn,
    capacity: dwelling.capacity,
    previousRegistrationId,
    source,
    createdBy: requireActor(tx).id,
  });
  if (!row) throw PopulationErrors.error('ALREADY_REGISTERED', undefined, { field: 'input.personId' });
  tx.audit({ entityType: 'ResidenceRegistration', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  await tx.emit('residenceRegistered', { registrationId: row.id, personId: person.id, dwellingId: dwelling.id, jurisdictionCode: row.jurisdictionCode, date: registeredOn });
  return row;
}

/** The person and the dwelling, both in scope, locked: one statement, its SQL text built once (builtOnce). */
const lockBoth = builtOnce(
  (db) =>
    db
      .select({ person: persons, dwelling: dwellings })
      .from(persons)
      .innerJoin(dwellings, and(eq(dwellings.id, sql.placeholder('dwellingId')), sql`${dwellings.jurisdictionCode} like ${sql.placeholder('scope')}`))
      .where(and(eq(persons.id, sql.placeholder('personId')), sql`${persons.jurisdictionCode} like ${sql.placeholder('scope')}`))
      .for('update'),
  'lock_person_and_dwelling',
);

/** The person and the dwelling, both in scope, locked in one statement; NOT_FOUND names the missing one. */
async function lockPersonAndDwelling(tx: TxCtx, personId: string, dwellingId: string): Promise<{ person: PersonRow; dwelling: DwellingRow }> {
  if (isUuid(personId) && isUuid(dwellingId)) {
    // inScope (withinSql) with the scope as a value.
    const [both] = await lockBoth(tx.db, { personId, dwellingId, scope: withinPattern(scopeOf(tx)) });
    if (both) return both;
  }
  // The refusal path: which one is missing (the usual checks, in the usual order).
  await lockPerson(tx, personId);
  await lockDwelling(tx, dwellingId);
  throw notFound('dwelling');
}

/** New registration (新办登记): a person living at a dwelling from a date. 2 statements + the write tail. */
export async function registerResidence(ctx: Ctx, input: { personId: string; dwellingId: string; registeredOn: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'registerResidence', idempotencyKey, input }, async (tx) => {
    const { person, dwelling } = await lockPersonAndDwelling(tx, input.personId, input.dwellingId);
    const bad = checkRegistrationDate(input.registeredOn, today(tx), person.inflowDate);
    if (bad) throw PopulationErrors.error(bad, undefined, { field: 'input.registeredOn' });
    // An active registration of the person is refused by the one-active index in openRegistration.
    return openRegistration(tx, person, dwelling, input.registeredOn, null);
  });
}

async function lockActiveRegistration(tx: TxCtx, id: string): Promise<RegistrationRow> {
  const reg = await lockInScope(tx, registrationReads, id, 'registration');
  if (reg.endedOn) throw PopulationErrors.error('REGISTRATION_ENDED', undefined, { field: 'input.registrationId' });
  return reg;
}

function checkEndDate(tx: TxCtx, reg: RegistrationRow, date: string, field: string) {
  if (date > today(tx)) throw PopulationErrors.error('REGISTRATION_DATE_IN_FUTURE', undefined, { field });
  if (date < reg.registeredOn) throw PopulationErrors.error('END_BEFORE_START', undefined, { field });
}

/** Change (变更): the person moves to another dwelling; the old registration closes, a new one opens. */
export async function changeResidence(ctx: Ctx, input: { registrationId: string; toDwellingId: string; changedOn: string; reason: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'changeResidence', idempotencyKey, input }, async (tx) => {
    const reg = await lockActiveRegistration(tx, input.registrationId);
    checkEndDate(tx, reg, input.changedOn, 'input.changedOn');
    if (reg.dwellingId === input.toDwellingId) throw PopulationErrors.error('SAME_DWELLING', undefined, { field: 'input.toDwellingId' });
    const person = await lockPerson(tx, reg.personId);
    const to = await lockDwelling(tx, input.toDwellingId);
    const [closed] = await tx.db.update(residenceRegistrations).set({ endedOn: input.changedOn, endKind: 'changed', endReason: input.reason }).where(eq(residenceRegistrations.id, reg.id)).returning();
    tx.audit({ entityType: 'ResidenceRegistration', entityId: reg.id, jurisdictionCode: reg.jurisdictionCode, before: reg, after: closed });
    return openRegistration(tx, person, to, input.changedOn, reg.id);
  });
}

/** Deregistration (注销): the person moved away; the registration closes with reason and date. */
export async function deregisterResidence(ctx: Ctx, input: { registrationId: string; deregisteredOn: string; reason: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'deregisterResidence', idempotencyKey, input }, async (tx) => {
    const reg = await lockActiveRegistration(tx, input.registrationId);
    checkEndDate(tx, reg, input.deregisteredOn, 'input.deregisteredOn');
    const [closed] = await tx.db
      .update(residenceRegistrations)
      .set({ endedOn: input.deregisteredOn, endKind: 'deregistered', endReason: input.reason })
      .where(eq(residenceRegistrations.id, reg.id))
      .returning();
    // Not a tenant any more: no tenant revisit is due.
    await tx.db.update(persons).set({ revisitDueOn: null }).where(eq(persons.id, reg.personId));
    tx.audit({ entityType: 'ResidenceRegistration', entityId: reg.id, jurisdictionCode: reg.jurisdictionCode, before: reg, after: closed });
    await tx.emit('residenceDeregistered', {
      registrationId: reg.id,
      personId: reg.personId,
      dwellingId: reg.dwellingId,
      jurisdictionCode: reg.jurisdictionCode,
      date: input.deregisteredOn,
      reason: input.reason,
    });
    return closed;
  });
}

import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { notFound, requireActor, runMutation, inScope, type Ctx, type TxCtx, isUuid } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { checkRegistrationDate, isOverCapacity, tenantRevisitDue, type TenantTier } from '../rules.js';
import { persons, residenceRegistrations, type DwellingRow, type PersonRow, type RegistrationRow } from '../tables.js';
import { lockDwelling, lockPerson, today } from './common.js';

async function activeTenantCount(tx: Ctx, dwellingId: string): Promise<number> {
  const [{ n }] = await tx.db
    .select({ n: count() })
    .from(residenceRegistrations)
    .where(and(eq(residenceRegistrations.dwellingId, dwellingId), isNull(residenceRegistrations.endedOn)));
  return n;
}

export async function openRegistration(tx: TxCtx, person: PersonRow, dwelling: DwellingRow, registeredOn: string, previousRegistrationId: string | null, source: RegistrationRow['source'] = 'api'): Promise<RegistrationRow> {
  // Capacity: accepted and flagged, not refused (see isOverCapacity in rules.ts).
  const overCapacity = isOverCapacity(await activeTenantCount(tx, dwelling.id), dwelling.capacity);
  const [row] = await tx.db
    .insert(residenceRegistrations)
    .values({
      id: randomUUID(),
      personId: person.id,
      dwellingId: dwelling.id,
      jurisdictionCode: dwelling.jurisdictionCode,
      registeredOn,
      overCapacity,
      previousRegistrationId,
      source,
      createdBy: requireActor(tx).id,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw PopulationErrors.error('ALREADY_REGISTERED', undefined, { field: 'input.personId' });
  // The person now lives in the dwelling's jurisdiction; the tenant revisit clock restarts from here.
  await tx.db
    .update(persons)
    .set({ jurisdictionCode: dwelling.jurisdictionCode, revisitDueOn: tenantRevisitDue({ lastVisitedOn: person.lastVisitedOn, registeredOn, tier: person.tier as TenantTier }) })
    .where(eq(persons.id, person.id));
  tx.audit({ entityType: 'ResidenceRegistration', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  await tx.emit('residenceRegistered', { registrationId: row.id, personId: person.id, dwellingId: dwelling.id, jurisdictionCode: row.jurisdictionCode, date: registeredOn });
  return row;
}

/** New registration (新办登记): a person living at a dwelling from a date. */
export async function registerResidence(ctx: Ctx, input: { personId: string; dwellingId: string; registeredOn: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'registerResidence', idempotencyKey, input }, async (tx) => {
    const person = await lockPerson(tx, input.personId);
    const dwelling = await lockDwelling(tx, input.dwellingId);
    const bad = checkRegistrationDate(input.registeredOn, today(tx), person.inflowDate);
    if (bad) throw PopulationErrors.error(bad, undefined, { field: 'input.registeredOn' });
    const [active] = await tx.db
      .select({ id: residenceRegistrations.id })
      .from(residenceRegistrations)
      .where(and(eq(residenceRegistrations.personId, person.id), isNull(residenceRegistrations.endedOn)));
    if (active) throw PopulationErrors.error('ALREADY_REGISTERED', undefined, { field: 'input.personId' });
    return openRegistration(tx, person, dwelling, input.registeredOn, null);
  });
}

async function lockActiveRegistration(tx: TxCtx, id: string): Promise<RegistrationRow> {
  if (!isUuid(id)) throw notFound('registration');
  const [reg] = await tx.db
    .select()
    .from(residenceRegistrations)
    .where(and(eq(residenceRegistrations.id, id), inScope(tx, residenceRegistrations.jurisdictionCode)))
    .for('update');
  if (!reg) throw notFound('registration');
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
    const [closed] = await tx.db
      .update(residenceRegistrations)
      .set({ endedOn: input.changedOn, endKind: 'changed', endReason: input.reason })
      .where(eq(residenceRegistrations.id, reg.id))
      .returning();
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

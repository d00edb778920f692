import { randomUUID } from 'node:crypto';
import { and, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import {
  ALONE,
  builtOnce,
  groupCommitted,
  lockInScope,
  notFound,
  requireActor,
  runMutation,
  scopeOf,
  withinPattern,
  type Ctx,
  type Db,
  type GroupAnswer,
  type GroupMember,
  type TxCtx,
  isUuid,
} from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { checkRegistrationDate, tenantRevisitDue, type TenantTier } from '../rules.js';
import { dwellings, persons, residenceRegistrations, type DwellingRow, type PersonRow, type RegistrationRow } from '../tables.js';
import { registrationReads } from '../reads.js';
import { lockDwelling, lockPerson, today } from './common.js';

/** isOverCapacity (rules.ts) as SQL, for the insert that counts the tenants where they are: keep the two together. */
function overCapacitySql(activeTenants: SQL<number>, capacity: Placeholder | SQL): SQL<boolean> {
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
  await recordOpened(tx, row);
  return row;
}

/** The audit entry and the event of an opened registration (alone or in a group). */
async function recordOpened(tx: TxCtx, row: RegistrationRow): Promise<void> {
  tx.audit({ entityType: 'ResidenceRegistration', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  await tx.emit('residenceRegistered', { registrationId: row.id, personId: row.personId, dwellingId: row.dwellingId, jurisdictionCode: row.jurisdictionCode, date: row.registeredOn });
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

interface RegisterInput {
  personId: string;
  dwellingId: string;
  registeredOn: string;
}

/** One registration on its own (runMutation): 2 statements + the write tail. */
async function registerAlone(tx: TxCtx, input: RegisterInput): Promise<RegistrationRow> {
  const { person, dwelling } = await lockPersonAndDwelling(tx, input.personId, input.dwellingId);
  const bad = checkRegistrationDate(input.registeredOn, today(tx), person.inflowDate);
  if (bad) throw PopulationErrors.error(bad, undefined, { field: 'input.registeredOn' });
  // An active registration of the person is refused by the one-active index in openRegistration.
  return openRegistration(tx, person, dwelling, input.registeredOn, null);
}

/**
 * The persons and dwellings of a group, each pair in its member's scope, locked in one statement
 * (persons in id order, so two groups lock in the same order), with whether the person has an
 * open registration. Only what the rules read: the registration's other inputs are the member's.
 */
const lockGroup = builtOnce(
  (db) =>
    db
      .select({
        n: sql<number>`u.n`,
        personId: persons.id,
        tier: persons.tier,
        inflowDate: persons.inflowDate,
        lastVisitedOn: persons.lastVisitedOn,
        dwellingId: dwellings.id,
        dwellingCode: dwellings.jurisdictionCode,
        capacity: dwellings.capacity,
        registered: sql<boolean>`exists (select 1 from ${residenceRegistrations} where ${residenceRegistrations.personId} = ${persons.id} and ${residenceRegistrations.endedOn} is null)`,
      })
      .from(sql`jsonb_to_recordset(${p('members')}::jsonb) as u(n int, person_id uuid, dwelling_id uuid, scope text)`)
      // inScope (withinSql) with each member's scope as a value.
      .innerJoin(persons, and(sql`${persons.id} = u.person_id`, sql`${persons.jurisdictionCode} like u.scope`))
      .innerJoin(dwellings, and(sql`${dwellings.id} = u.dwelling_id`, sql`${dwellings.jurisdictionCode} like u.scope`))
      .orderBy(persons.id)
      .for('update', { of: [persons, dwellings] }),
  'lock_registration_group',
);

/**
 * The registrations of a group in one statement, as openRegistration's insert: the persons' move
 * and revisit clock as a CTE, and the capacity flag counted where the tenants are, plus the
 * members before this one in the group at the same dwelling (a serial execution would have
 * counted their rows). The dwellings are locked (lockGroup), so the count is exact.
 */
const insertGroup = builtOnce((db) => {
  const rows = db
    .$with('g', { n: sql<number>`n` })
    .as(
      sql`select * from jsonb_to_recordset(${p('rows')}::jsonb) as g(n int, id uuid, person_id uuid, dwelling_id uuid, jurisdiction_code text, registered_on date, revisit_due_on date, capacity int, created_by text)`,
    );
  const moved = db
    .$with('moved', { id: sql<string>`id` })
    .as(sql`update ${persons} set jurisdiction_code = g.jurisdiction_code, revisit_due_on = g.revisit_due_on from g where ${persons.id} = g.person_id returning ${persons.id}`);
  const activeTenants = sql<number>`(select count(*)::int from ${residenceRegistrations} r where r.dwelling_id = g.dwelling_id and r.ended_on is null)`;
  const before = sql<number>`(row_number() over (partition by g.dwelling_id order by g.n))::int - 1`;
  // Every column in the table's order (drizzle's insert … select names them all).
  return db
    .with(rows, moved)
    .insert(residenceRegistrations)
    .select(
      sql`select g.id, g.person_id, g.dwelling_id, g.jurisdiction_code, g.registered_on, ${overCapacitySql(sql`${activeTenants} + ${before}`, sql`g.capacity`)},
                 null::uuid, null::date, null, null, 'api', null, g.created_by, now()
            from g order by g.n`,
    )
    .onConflictDoNothing()
    .returning();
}, 'open_registration_group');

/**
 * Registrations of a group commit (groupCommitted): the members' persons and dwellings locked in
 * one statement, their rules checked as registerAlone checks them, and the registrations opened
 * in one statement. A member refused by a rule (not found, out of scope, a date, already
 * registered, or its person twice in the group) writes nothing here and runs alone, where the
 * refusal is made with its usual error. A registration the insert did not take (a conflict the
 * locked read could not see) fails the group: it rolls back and every member runs alone.
 */
async function registerGroup(db: Db, members: GroupMember<RegisterInput>[]): Promise<GroupAnswer<RegistrationRow>[]> {
  const answers: GroupAnswer<RegistrationRow>[] = members.map(() => ALONE);
  const asked = members.flatMap((m, n) =>
    isUuid(m.input.personId) && isUuid(m.input.dwellingId) ? [{ n, person_id: m.input.personId, dwelling_id: m.input.dwellingId, scope: withinPattern(scopeOf(m.tx)) }] : [],
  );
  if (!asked.length) return answers;
  const locked = await lockGroup(db, { members: JSON.stringify(asked) });
  const seen = new Set<string>();
  const opening: { n: number; id: string; person_id: string; dwelling_id: string; jurisdiction_code: string; registered_on: string; revisit_due_on: string; capacity: number; created_by: string }[] =
    [];
  for (const l of [...locked].sort((a, b) => a.n - b.n)) {
    const m = members[l.n]!;
    const { registeredOn } = m.input;
    if (l.registered || seen.has(l.personId) || checkRegistrationDate(registeredOn, today(m.tx), l.inflowDate)) continue;
    seen.add(l.personId);
    opening.push({
      n: l.n,
      id: randomUUID(),
      person_id: l.personId,
      dwelling_id: l.dwellingId,
      jurisdiction_code: l.dwellingCode,
      registered_on: registeredOn,
      revisit_due_on: tenantRevisitDue({ lastVisitedOn: l.lastVisitedOn, registeredOn, tier: l.tier as TenantTier }),
      capacity: l.capacity,
      created_by: requireActor(m.tx).id,
    });
  }
  if (!opening.length) return answers;
  const inserted = await insertGroup(db, { rows: JSON.stringify(opening) });
  if (inserted.length !== opening.length) throw new Error(`registerResidence: ${opening.length - inserted.length} of a group's registrations not taken`);
  const byId = new Map(inserted.map((r) => [r.id, r]));
  for (const o of opening) {
    const row = byId.get(o.id)!;
    await recordOpened(members[o.n]!.tx, row);
    answers[o.n] = row;
  }
  return answers;
}

/**
 * New registration (新办登记): a person living at a dwelling from a date, `(ctx, input, idempotencyKey)`.
 * Concurrent registrations commit in groups (groupCommitted): 3 statements + BEGIN and COMMIT for the whole group.
 */
export const registerResidence = groupCommitted<RegisterInput, RegistrationRow>({ operation: 'registerResidence', group: registerGroup, alone: registerAlone });

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

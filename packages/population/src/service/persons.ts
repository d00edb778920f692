import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull, isNull, lte, type SQL } from 'drizzle-orm';
import {
  appendAudit,
  can,
  assertVersion,
  requireWritableJurisdiction,
  CoreErrors,
  loader,
  maskPhone,
  relationPage,
  requireActor,
  requestSlot,
  runMutation,
  scopedRead,
  type ConnectionArgs,
  type Ctx,
  type Db,
  addDays,
} from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { dataKeyRing, decryptPhone, decryptResidentId, idNumberMatches, protectPhone, protectResidentId } from '../identity.js';
import { checkIdentity, daysOverdue, tenantRevisitDue, type InflowReason, type PersonKind, type TenantTier } from '../rules.js';
import { personTierHistory, persons, residenceRegistrations, type PersonRow } from '../tables.js';
import { personReads } from '../reads.js';
import { lockPerson, today } from './common.js';

export interface RecordPersonInput {
  name: string;
  idNumber: string;
  birthDate?: string | null;
  gender?: 'male' | 'female' | null;
  kind: PersonKind;
  inflowReason?: InflowReason | null;
  inflowDate?: string | null;
  hukouPlaceCode: string;
  phone?: string | null;
  tier?: TenantTier | null;
  jurisdictionCode: string;
}

/** Puts a person on the register (实有人口). Birth date and gender come from the number. */
export async function recordPerson(ctx: Ctx, input: RecordPersonInput, idempotencyKey?: string | null): Promise<PersonRow> {
  return runMutation(ctx, { operation: 'recordPerson', idempotencyKey, input }, async (tx) => {
    const id = checkIdentity(input);
    if (!id.ok) throw PopulationErrors.error(id.error, undefined, { field: `input.${id.field}` });
    if (input.kind === 'floating' && (!input.inflowReason || !input.inflowDate)) {
      throw PopulationErrors.error('INFLOW_REASON_REQUIRED', undefined, { field: input.inflowReason ? 'input.inflowDate' : 'input.inflowReason' });
    }
    if (input.inflowDate && input.inflowDate > today(tx)) throw PopulationErrors.error('INFLOW_DATE_IN_FUTURE', undefined, { field: 'input.inflowDate' });
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const stored = protectResidentId(input.idNumber);
    // During a key rotation the number may be on file under the previous key's hash, which the
    // unique index cannot see.
    if (dataKeyRing().previous) {
      const [onFile] = await tx.db.select({ id: persons.id }).from(persons).where(idNumberMatches(persons.idNumberHash, input.idNumber));
      if (onFile) throw PopulationErrors.error('PERSON_EXISTS', undefined, { field: 'input.idNumber' });
    }
    const tier = input.tier ?? 'stable';
    const [row] = await tx.db
      .insert(persons)
      .values({
        id: randomUUID(),
        name: input.name,
        ...stored,
        birthDate: id.birthDate,
        gender: id.gender,
        kind: input.kind,
        inflowReason: input.inflowReason ?? null,
        inflowDate: input.inflowDate ?? null,
        hukouPlaceCode: input.hukouPlaceCode,
        ...protectPhone(input.phone),
        tier,
        jurisdictionCode: input.jurisdictionCode,
      })
      .onConflictDoNothing()
      .returning();
    // The number is already on file (possibly outside the caller's jurisdiction: nothing more is said).
    if (!row) throw PopulationErrors.error('PERSON_EXISTS', undefined, { field: 'input.idNumber' });
    await tx.db.insert(personTierHistory).values({ personId: row.id, tier, setBy: requireActor(tx).id, setAt: tx.now(), reason: 'initial', jurisdictionCode: row.jurisdictionCode });
    tx.audit({ entityType: 'Person', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: { ...row, idNumber: input.idNumber } });
    return row;
  });
}

/** Corrects a person's details (name, phone, household-registration place): a new version, audited. */
export async function correctPersonDetails(
  ctx: Ctx,
  input: { personId: string; version: number; name?: string | null; phone?: string | null; hukouPlaceCode?: string | null },
  idempotencyKey?: string | null,
): Promise<PersonRow> {
  return runMutation(ctx, { operation: 'correctPersonDetails', idempotencyKey, input }, async (tx) => {
    const before = await lockPerson(tx, input.personId);
    assertVersion(before.version, input.version, 'person');
    const [after] = await tx.db
      .update(persons)
      .set({
        name: input.name ?? before.name,
        ...(input.phone === undefined ? {} : protectPhone(input.phone)),
        hukouPlaceCode: input.hukouPlaceCode ?? before.hukouPlaceCode,
        version: before.version + 1,
      })
      .where(and(eq(persons.id, before.id), eq(persons.version, before.version)))
      .returning();
    tx.audit({ entityType: 'Person', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before, after });
    return after;
  });
}

/** Sets a tenant's tier (重点层 / 关注层 / 稳定层); the revisit clock follows the new tier. */
export async function setTenantTier(ctx: Ctx, input: { personId: string; tier: TenantTier; reason: string; version: number }, idempotencyKey?: string | null): Promise<PersonRow> {
  return runMutation(ctx, { operation: 'setTenantTier', idempotencyKey, input }, async (tx) => {
    const before = await lockPerson(tx, input.personId);
    assertVersion(before.version, input.version, 'person');
    const [active] = await tx.db
      .select({ registeredOn: residenceRegistrations.registeredOn })
      .from(residenceRegistrations)
      .where(and(eq(residenceRegistrations.personId, before.id), isNullEnded()));
    const revisitDueOn = active ? tenantRevisitDue({ lastVisitedOn: before.lastVisitedOn, registeredOn: active.registeredOn, tier: input.tier }) : null;
    const [after] = await tx.db
      .update(persons)
      .set({ tier: input.tier, revisitDueOn, version: before.version + 1 })
      .where(and(eq(persons.id, before.id), eq(persons.version, before.version)))
      .returning();
    await tx.db.insert(personTierHistory).values({ personId: after.id, tier: input.tier, setBy: requireActor(tx).id, setAt: tx.now(), reason: input.reason, jurisdictionCode: after.jurisdictionCode });
    tx.audit({ entityType: 'Person', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before: { tier: before.tier }, after: { tier: after.tier, reason: input.reason } });
    return after;
  });
}

const isNullEnded = () => isNull(residenceRegistrations.endedOn);

export interface PersonFilter {
  jurisdictionCode?: string | null;
  kind?: PersonKind | null;
  tier?: TenantTier | null;
  name?: string | null;
  idNumber?: string | null;
  /** Only tenants whose revisit is overdue on this day. */
  overdueOn?: string | null;
}

/**
 * The filter's own conditions; the caller's scope and the filter's division (`within`) are added
 * by scopedRead from the table's declaration.
 */
export function personFilter(f: PersonFilter): (SQL | undefined)[] {
  return [
    f.kind ? eq(persons.kind, f.kind) : undefined,
    f.tier ? eq(persons.tier, f.tier) : undefined,
    f.name ? eq(persons.name, f.name) : undefined,
    f.idNumber ? idNumberMatches(persons.idNumberHash, f.idNumber) : undefined,
    f.overdueOn ? lte(persons.revisitDueOn, dayBefore(f.overdueOn)) : undefined,
  ];
}

/** Persons in the caller's jurisdiction; stable order (jurisdiction, id). */
export function listPersons(ctx: Ctx, f: PersonFilter, args: ConnectionArgs) {
  return scopedRead(ctx, personReads, { within: f.jurisdictionCode, where: personFilter(f), page: { args, keys: ['jurisdictionCode', 'id'] } });
}

/** Tenants whose revisit is overdue on `asOf`, most overdue first (earliest due date). */
export function listOverdueTenants(ctx: Ctx, f: { asOf?: string | null; jurisdictionCode?: string | null; tier?: TenantTier | null }, args: ConnectionArgs) {
  const asOf = f.asOf ?? today(ctx);
  return scopedRead<typeof persons, PersonRow & { daysOverdue: number }>(ctx, personReads, {
    within: f.jurisdictionCode,
    where: [
      ...personFilter({ tier: f.tier }),
      isNotNull(persons.revisitDueOn),
      // due < asOf, i.e. due <= asOf - 1 day: a visit on the due date is on time
      lte(persons.revisitDueOn, dayBefore(asOf)),
    ],
    page: { args, keys: ['revisitDueOn', 'id'] },
    from: async (where, orderBy, limit) => {
      const rows = await ctx.db
        .select()
        .from(persons)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit!);
      return rows.map((r) => ({ ...r, daysOverdue: daysOverdue(r.revisitDueOn!, asOf) }));
    },
  });
}

const dayBefore = (d: string) => addDays(d, -1);

/**
 * The full identity number, for a caller holding population:identity.reveal who states a purpose.
 * Every reveal is an audit entry with that purpose; reveals of one request share one transaction.
 */
export function revealIdNumber(ctx: Ctx, person: PersonRow, purpose: string): Promise<string> {
  return revealPersonal(ctx, person, purpose, { what: 'identity numbers', operation: 'revealIdentityNumber', read: (p) => decryptResidentId(p.idNumberCipher) });
}

/**
 * The full phone number: revealed like an identity number (population:identity.reveal, a stated
 * purpose, one audit entry per person revealed). A row not yet migrated falls back to its legacy column.
 */
export function revealPhone(ctx: Ctx, person: PersonRow, purpose: string): Promise<string | null> {
  if (!person.phoneCipher && !person.phone && can(ctx, 'population:identity.reveal') && purpose.trim()) return Promise.resolve(null);
  return revealPersonal(ctx, person, purpose, { what: 'phone numbers', operation: 'revealPhoneNumber', read: (p) => (p.phoneCipher ? decryptPhone(p.phoneCipher) : p.phone) });
}

/** The one way personal data is revealed: permission, purpose, an audit entry per person, batched per request. */
function revealPersonal<V>(ctx: Ctx, person: PersonRow, purpose: string, how: { what: string; operation: string; read: (p: PersonRow) => V }): Promise<V> {
  const actor = requireActor(ctx);
  if (!actor.permissions.has('population:identity.reveal')) throw CoreErrors.error('FORBIDDEN', `Revealing ${how.what} needs population:identity.reveal.`);
  if (!purpose.trim()) throw CoreErrors.error('PURPOSE_REQUIRED', undefined, { field: 'purpose' });
  return loader<string, V>(ctx, `population.${how.operation}:${purpose}`, async (ids) => {
    const rows = ids.map((id) => personsById.get(ctx)?.get(id) as PersonRow);
    // ctx.db: inside the request's scoped read transaction this nests instead of waiting for it.
    await ctx.db.transaction(async (db) => {
      await appendAudit(
        db as unknown as Db,
        { id: actor.id, roles: [...actor.roles] },
        ctx.requestId,
        how.operation,
        rows.map((p) => ({ entityType: 'Person', entityId: p.id, jurisdictionCode: p.jurisdictionCode, purpose })),
      );
    });
    return rows.map(how.read);
  }).load(rememberPerson(ctx, person));
}

/** The phone as shown by default: masked by core's policy. */
export function maskedPhoneOf(p: PersonRow): string | null {
  return p.phoneMasked ?? (p.phone ? maskPhone(p.phone) : null);
}

const personsById = requestSlot<Ctx, Map<string, PersonRow>>('personsById');
function rememberPerson(ctx: Ctx, p: PersonRow): string {
  let m = personsById.get(ctx);
  if (!m) personsById.set(ctx, (m = new Map()));
  m.set(p.id, p);
  return p.id;
}

/**
 * A page of the tier history of each person, oldest first, one statement per page of persons (a list
 * page must not query per person).
 * Only the entries recorded inside the caller's jurisdiction: after a move (registerArrival) the
 * entries of the side the person left stay with that side.
 */
export function tierHistoryPages(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<typeof personTierHistory.$inferSelect>(ctx, 'population.tierHistory', personReads.relations!.tierHistory!, args, 'tierHistory');
}

import { randomUUID } from 'node:crypto';
import { and, eq, exists, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { dwellingReads } from '../reads.js';
import { planConnection, assertVersion, relationPage, requireWritableJurisdiction, requireActor, runMutation, scopedRead, type ConnectionArgs, type Ctx, addDays } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { daysOverdue, dwellingRevisitDue, type DwellingClass, type FilingStatus, type FiveOnes } from '../rules.js';
import { dwellingClassHistory, dwellings, fiveOnesChecks, residenceRegistrations, type DwellingRow } from '../tables.js';
import { lockDwelling, personLoader, today } from './common.js';

export interface RecordDwellingInput {
  address: string;
  landlordId?: string | null;
  jurisdictionCode: string;
  rooms: number;
  capacity: number;
  filingNumber?: string | null;
  filedOn?: string | null;
  dwellingClass?: DwellingClass | null;
  classReason?: string | null;
  urbanVillageBuilding?: boolean | null;
  listedOn?: string | null;
}

/** Puts a rental dwelling (出租屋) on the register, under its standard address. */
export async function recordDwelling(ctx: Ctx, input: RecordDwellingInput, idempotencyKey?: string | null): Promise<DwellingRow> {
  return runMutation(ctx, { operation: 'recordDwelling', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    if (input.rooms < 1 || input.capacity < 1) throw PopulationErrors.error('CAPACITY_BELOW_ROOMS', undefined, { field: input.rooms < 1 ? 'input.rooms' : 'input.capacity' });
    if (input.landlordId) await personLoader(tx).load(input.landlordId); // NOT_FOUND outside the caller's jurisdiction
    const listedOn = input.listedOn ?? today(tx);
    const dwellingClass = input.dwellingClass ?? 'general';
    const filed = !!input.filingNumber;
    const [row] = await tx.db
      .insert(dwellings)
      .values({
        id: randomUUID(),
        address: input.address,
        landlordId: input.landlordId ?? null,
        jurisdictionCode: input.jurisdictionCode,
        rooms: input.rooms,
        capacity: input.capacity,
        filingNumber: input.filingNumber ?? null,
        filingStatus: filed ? 'filed' : 'unfiled',
        filedOn: filed ? (input.filedOn ?? listedOn) : null,
        dwellingClass,
        urbanVillageBuilding: input.urbanVillageBuilding ?? false,
        listedOn,
        revisitDueOn: dwellingRevisitDue({ lastVisitedOn: null, listedOn, dwellingClass }),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw PopulationErrors.error('ADDRESS_TAKEN', undefined, { field: 'input.address' });
    await tx.db
      .insert(dwellingClassHistory)
      .values({ dwellingId: row.id, dwellingClass, setBy: requireActor(tx).id, setAt: tx.now(), reason: input.classReason ?? 'initial', jurisdictionCode: row.jurisdictionCode });
    tx.audit({ entityType: 'Dwelling', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/** Classifies a dwelling (重点户 / 一般户 / 放心户): who, when and why go to its history; the revisit clock follows. */
export async function classifyDwelling(ctx: Ctx, input: { dwellingId: string; dwellingClass: DwellingClass; reason: string; version: number }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'classifyDwelling', idempotencyKey, input }, async (tx) => {
    const before = await lockDwelling(tx, input.dwellingId);
    assertVersion(before.version, input.version, 'dwelling');
    const [after] = await tx.db
      .update(dwellings)
      .set({ dwellingClass: input.dwellingClass, revisitDueOn: dwellingRevisitDue({ ...before, dwellingClass: input.dwellingClass }), version: before.version + 1 })
      .where(and(eq(dwellings.id, before.id), eq(dwellings.version, before.version)))
      .returning();
    await tx.db
      .insert(dwellingClassHistory)
      .values({ dwellingId: after.id, dwellingClass: input.dwellingClass, setBy: requireActor(tx).id, setAt: tx.now(), reason: input.reason, jurisdictionCode: after.jurisdictionCode });
    tx.audit({
      entityType: 'Dwelling',
      entityId: after.id,
      jurisdictionCode: after.jurisdictionCode,
      before: { dwellingClass: before.dwellingClass },
      after: { dwellingClass: after.dwellingClass, reason: input.reason },
    });
    return after;
  });
}

/** Records the filing (登记备案) of a dwelling with its filing number. */
export async function fileDwelling(ctx: Ctx, input: { dwellingId: string; filingNumber: string; filedOn?: string | null; version: number }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'fileDwelling', idempotencyKey, input }, async (tx) => {
    const before = await lockDwelling(tx, input.dwellingId);
    assertVersion(before.version, input.version, 'dwelling');
    const filedOn = input.filedOn ?? today(tx);
    if (filedOn > today(tx)) throw PopulationErrors.error('REGISTRATION_DATE_IN_FUTURE', 'The filing date lies in the future.', { field: 'input.filedOn' });
    const [after] = await tx.db
      .update(dwellings)
      .set({ filingNumber: input.filingNumber, filingStatus: 'filed' satisfies FilingStatus, filedOn, version: before.version + 1 })
      .where(and(eq(dwellings.id, before.id), eq(dwellings.version, before.version)))
      .returning();
    tx.audit({ entityType: 'Dwelling', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before, after });
    return after;
  });
}

/** Records a five-ones (五个一) check of an urban-village building. */
export async function recordFiveOnesCheck(ctx: Ctx, input: FiveOnes & { dwellingId: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'recordFiveOnesCheck', idempotencyKey, input }, async (tx) => {
    const d = await lockDwelling(tx, input.dwellingId);
    if (!d.urbanVillageBuilding) throw PopulationErrors.error('NOT_URBAN_VILLAGE_BUILDING', undefined, { field: 'input.dwellingId' });
    const { dwellingId, ...checks } = input;
    const [row] = await tx.db
      .insert(fiveOnesChecks)
      .values({ dwellingId, ...checks, jurisdictionCode: d.jurisdictionCode, checkedBy: requireActor(tx).id, checkedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'FiveOnesCheck', entityId: row.id, jurisdictionCode: d.jurisdictionCode, after: row });
    return row;
  });
}

export interface DwellingFilter {
  jurisdictionCode?: string | null;
  dwellingClass?: DwellingClass | null;
  filingStatus?: FilingStatus | null;
  address?: string | null;
  /** Only dwellings whose revisit is overdue on this day. */
  overdueOn?: string | null;
  /** Only dwellings with a registration accepted above capacity among the current tenants. */
  overCapacity?: boolean | null;
}

/**
 * The filter's own conditions; the caller's scope and the filter's division (`within`) are added
 * by whoever runs them (scopedRead, the planner), from the table's declaration.
 */
function dwellingFilter(ctx: Ctx, f: DwellingFilter): (SQL | undefined)[] {
  return [
    f.dwellingClass ? eq(dwellings.dwellingClass, f.dwellingClass) : undefined,
    f.filingStatus ? eq(dwellings.filingStatus, f.filingStatus) : undefined,
    f.address ? eq(dwellings.address, f.address) : undefined,
    f.overdueOn ? lte(dwellings.revisitDueOn, addDays(f.overdueOn, -1)) : undefined,
    f.overCapacity
      ? exists(
          ctx.db
            .select({ one: sql`1` })
            .from(residenceRegistrations)
            .where(and(eq(residenceRegistrations.dwellingId, dwellings.id), isNull(residenceRegistrations.endedOn), eq(residenceRegistrations.overCapacity, true))),
        )
      : undefined,
  ];
}

/**
 * Dwellings in the caller's jurisdiction; stable order (jurisdiction, id). With the resolver's
 * `info`, core's planner answers the page and the relations it selects (reads.ts) in one statement.
 */
export function listDwellings(ctx: Ctx, f: DwellingFilter, args: ConnectionArgs, info?: Parameters<typeof planConnection>[1]) {
  if (info) return planConnection<DwellingRow>(ctx, info, dwellingReads, { where: dwellingFilter(ctx, f), within: f.jurisdictionCode, orderBy: ['jurisdictionCode', 'id'], args });
  return scopedRead(ctx, dwellingReads, { within: f.jurisdictionCode, where: dwellingFilter(ctx, f), page: { args, keys: ['jurisdictionCode', 'id'] } });
}

/** Dwellings whose revisit is overdue on `asOf`, most overdue first. */
export function listOverdueDwellings(ctx: Ctx, f: { asOf?: string | null; jurisdictionCode?: string | null; dwellingClass?: DwellingClass | null }, args: ConnectionArgs) {
  const asOf = f.asOf ?? today(ctx);
  return scopedRead<typeof dwellings, DwellingRow & { daysOverdue: number }>(ctx, dwellingReads, {
    within: f.jurisdictionCode,
    where: dwellingFilter(ctx, { dwellingClass: f.dwellingClass, overdueOn: asOf }),
    page: { args, keys: ['revisitDueOn', 'id'] },
    from: async (where, orderBy, limit) => {
      const rows = await ctx.db
        .select()
        .from(dwellings)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit!);
      return rows.map((r) => ({ ...r, daysOverdue: daysOverdue(r.revisitDueOn, asOf) }));
    },
  });
}

export type ClassChangeRow = typeof dwellingClassHistory.$inferSelect;

/** A page of the class changes of each dwelling, oldest first, inside the caller's jurisdiction (one statement per page of dwellings). */
export function classHistoryPages(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<ClassChangeRow>(ctx, 'population.classHistory', dwellingReads.relations!.classHistory!, args, 'classHistory');
}

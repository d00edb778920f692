import { eq, gte, lt, type SQL } from 'drizzle-orm';
import {
  requireWritableJurisdiction,
  anyOf,
  assertInScope,
  requireActor,
  runMutation,
  scopedRead,
  scopeOf,
  type ConnectionArgs,
  type Ctx,
  type MajorEventKind,
  type TxCtx,
  chinaDateOf,
} from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { alertReads } from '../reads.js';
import { CRIMINAL_TYPES, oneYearEarlier, responseShare, yearOnYear, type AlertType, type ResponseShare, type YearOnYear } from '../rules/index.js';
import { alerts, type AlertRow } from '../tables.js';
import { assertCoordinates } from './common.js';
import { activateJointDutyIfDue } from './activation.js';

export interface RecordAlertInput {
  type: AlertType;
  gbCode?: string | null;
  occurredAt: Date;
  place: string;
  latitude?: number | null;
  longitude?: number | null;
  jurisdictionCode: string;
  major?: boolean | null;
  majorKind?: MajorEventKind | null;
  unit?: { creditCode?: string | null; name?: string | null } | null;
  description?: string | null;
  dispatchedAt?: Date | null;
  arrivedAt?: Date | null;
}

/**
 * Records an alert or case; in the same transaction it emits alertRecorded (and
 * majorIncidentRecorded for a major one) and creates the joint-duty activation when this
 * alert is the one that reaches the day's threshold.
 */
export async function recordAlert(ctx: Ctx, input: RecordAlertInput, idempotencyKey?: string | null): Promise<AlertRow> {
  return runMutation(ctx, { operation: 'recordAlert', idempotencyKey, input }, async (tx) => {
    if ((input.latitude == null) !== (input.longitude == null)) throw PatrolErrors.error('COORDINATES_INVALID', 'Give both latitude and longitude, or neither.', { field: 'input.longitude' });
    if (input.latitude != null && input.longitude != null) assertCoordinates(input.latitude, input.longitude);
    if ((input.dispatchedAt && input.dispatchedAt < input.occurredAt) || (input.arrivedAt && input.arrivedAt < input.occurredAt)) {
      throw PatrolErrors.error('ALERT_TIMES_INVALID', undefined, { field: input.arrivedAt && input.arrivedAt < input.occurredAt ? 'input.arrivedAt' : 'input.dispatchedAt' });
    }
    await requireWritableJurisdiction(tx, input.jurisdictionCode, 'input.jurisdictionCode');
    const major = input.major ?? false;
    const [row] = await tx.db
      .insert(alerts)
      .values({
        type: input.type,
        gbCode: input.gbCode ?? null,
        occurredAt: input.occurredAt,
        day: chinaDateOf(input.occurredAt),
        place: input.place,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        jurisdictionCode: input.jurisdictionCode,
        major,
        majorKind: major ? (input.majorKind ?? defaultMajorKind(input.type)) : null,
        unitCreditCode: input.unit?.creditCode ?? null,
        unitName: input.unit?.name ?? null,
        description: input.description ?? '',
        dispatchedAt: input.dispatchedAt ?? null,
        arrivedAt: input.arrivedAt ?? null,
        recordedBy: requireActor(tx).id,
      })
      .returning();
    tx.audit({ entityType: 'Alert', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    await emitAlertEvents(tx, row);
    await activateJointDutyIfDue(tx, row);
    return row;
  });
}

function defaultMajorKind(type: string): MajorEventKind {
  return (CRIMINAL_TYPES as readonly string[]).includes(type) ? 'major_criminal_case' : 'major_safety_accident';
}

async function emitAlertEvents(tx: TxCtx, row: AlertRow) {
  await tx.emit('alertRecorded', { alertId: row.id, type: row.type, occurredAt: row.occurredAt.toISOString(), jurisdictionCode: row.jurisdictionCode, major: row.major });
  if (row.major) {
    await tx.emit('majorIncidentRecorded', {
      incidentId: row.id,
      kind: row.majorKind as MajorEventKind,
      occurredAt: row.occurredAt.toISOString(),
      jurisdictionCode: row.jurisdictionCode,
      unit: row.unitCreditCode || row.unitName ? { creditCode: row.unitCreditCode, name: row.unitName } : null,
      place: row.place,
      description: row.description || `${row.type} at ${row.place}`,
    });
  }
}

export interface AlertFilter {
  jurisdictionCode?: string | null;
  from?: Date | null;
  to?: Date | null;
  types?: string[] | null;
  major?: boolean | null;
}

function alertConditions(f: AlertFilter): (SQL | undefined)[] {
  return [
    f.from ? gte(alerts.occurredAt, f.from) : undefined,
    f.to ? lt(alerts.occurredAt, f.to) : undefined,
    f.types?.length ? anyOf(alerts.type, f.types) : undefined,
    f.major != null ? eq(alerts.major, f.major) : undefined,
  ];
}

/** Alerts in the caller's subtree, newest first; `to` is exclusive. */
export async function listAlerts(ctx: Ctx, filter: AlertFilter, args: ConnectionArgs) {
  return scopedRead(ctx, alertReads, {
    within: filter.jurisdictionCode,
    where: alertConditions(filter),
    page: { args, direction: 'desc', keys: ['occurredAt', 'id'] },
  });
}

export interface AlertStatsInput {
  jurisdictionCode?: string | null;
  from: Date;
  to: Date;
  types?: string[] | null;
}

function statsScope(ctx: Ctx, input: AlertStatsInput): string {
  const code = input.jurisdictionCode ?? scopeOf(ctx);
  assertInScope(ctx, code, 'jurisdiction');
  return code;
}

/** Share of the period's alerts reached within the limit (300 s by default). */
export async function alertResponseStats(ctx: Ctx, input: AlertStatsInput & { limitSeconds?: number | null }): Promise<ResponseShare & { jurisdictionCode: string; limitSeconds: number }> {
  const code = statsScope(ctx, input);
  const rows = await scopedRead(ctx, alertReads, {
    within: code,
    where: alertConditions(input),
    from: (where) => ctx.db.select({ occurredAt: alerts.occurredAt, arrivedAt: alerts.arrivedAt }).from(alerts).where(where),
  });
  const limitSeconds = input.limitSeconds ?? 300;
  return { jurisdictionCode: code, limitSeconds, ...responseShare(rows, limitSeconds) };
}

/** Counts per type in [from, to) against the same span one year earlier (同比). */
export async function alertYearOnYear(ctx: Ctx, input: AlertStatsInput): Promise<YearOnYear[]> {
  const code = statsScope(ctx, input);
  const prevFrom = oneYearEarlier(input.from);
  const prevTo = oneYearEarlier(input.to);
  const fetch = (from: Date, to: Date) =>
    scopedRead(ctx, alertReads, {
      within: code,
      where: alertConditions({ from, to, types: input.types }),
      from: (where) => ctx.db.select({ type: alerts.type }).from(alerts).where(where),
    });
  const [cur, prev] = await Promise.all([fetch(input.from, input.to), fetch(prevFrom, prevTo)]);
  return yearOnYear(cur, prev);
}

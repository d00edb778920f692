import { and, eq, isNull, sql } from 'drizzle-orm';
import { requireWritableJurisdiction, inScope, isWithin, notFound, runMutation, scopePrefix, type Ctx, type DomainEvents, type MajorEventKind, type TxCtx } from '@safecity/core';
import { EVENT_KIND_LABELS } from '../rules/categories.js';
import { chinaDateOf } from '../rules/dates.js';
import { majorEvents, plaques, safeUnits } from '../tables.js';
import { actorId, appendHistory, unitEventBase, unitForWrite, type UnitRow } from './common.js';
import type { MajorEventRow } from './assessments.js';

/**
 * A plaque falls only with a major event at the unit after the day it was awarded (valid time:
 * the end of the period it was earned for). An event inside that period, recorded late, does not
 * revoke it: it is a ground to correct the assessment.
 */
export function revokesPlaque(plaque: { awardedOn: string }, event: { occurredOn: string }): boolean {
  return event.occurredOn > plaque.awardedOn;
}

interface NewEvent {
  kind: MajorEventKind;
  occurredAt: Date;
  jurisdictionCode: string;
  description: string;
  place?: string | null;
  source: 'patrol' | 'assessment' | 'disputes';
  sourceRef?: string | null;
}

/** Stores a major event; at a unit holding a plaque, revokes the plaque in the same transaction. */
async function storeEvent(tx: TxCtx, unit: UnitRow | null, e: NewEvent): Promise<MajorEventRow | null> {
  const [row] = await tx.db
    .insert(majorEvents)
    .values({
      kind: e.kind,
      occurredAt: e.occurredAt,
      occurredOn: chinaDateOf(e.occurredAt),
      jurisdictionCode: unit?.jurisdictionCode ?? e.jurisdictionCode,
      unitId: unit?.id ?? null,
      source: e.source,
      sourceRef: e.sourceRef ?? crypto.randomUUID(),
      place: e.place ?? null,
      description: e.description,
      recordedBy: actorId(tx),
      recordedAt: tx.now(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null; // the same incident delivered twice
  tx.audit({ entityType: 'MajorEvent', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  if (!unit) return row;
  const what = `${EVENT_KIND_LABELS[e.kind]} "${row.description}" on ${row.occurredOn}`;
  await appendHistory(tx, unit, [{ kind: 'major_event', validOn: row.occurredOn, refId: row.id, summary: `Major event recorded: ${what}.`, data: { kind: row.kind, source: row.source } }]);
  const [active] = await tx.db
    .select({ plaque: plaques })
    .from(plaques)
    .where(and(eq(plaques.unitId, unit.id), isNull(plaques.revokedAt)))
    .for('update');
  if (active && revokesPlaque(active.plaque, row)) {
    const reason = `Revoked because of the ${what} (event ${row.id}).`;
    const [after] = await tx.db
      .update(plaques)
      .set({ revokedOn: row.occurredOn, revokedAt: tx.now(), revokedByEventId: row.id, revokeReason: reason })
      .where(and(eq(plaques.id, active.plaque.id), isNull(plaques.revokedAt)))
      .returning();
    tx.audit({ entityType: 'Plaque', entityId: after.id, jurisdictionCode: after.jurisdictionCode, before: active.plaque, after });
    await appendHistory(tx, unit, [{ kind: 'plaque_revoked', validOn: after.revokedOn!, refId: after.id, summary: `Plaque revoked (摘牌): ${reason}`, data: { eventId: row.id } }]);
    await tx.emit('plaqueRevoked', { plaqueId: after.id, ...unitEventBase(unit), eventId: row.id, at: after.revokedAt!.toISOString() });
  }
  return row;
}

/** Assessors record accidents, duty crimes and other major events at a unit or in a jurisdiction. */
export async function recordMajorEvent(
  ctx: Ctx,
  input: { kind: MajorEventKind; occurredAt: Date; unitId?: string | null; jurisdictionCode?: string | null; description: string; place?: string | null },
  idempotencyKey?: string | null,
) {
  return runMutation(ctx, { operation: 'recordMajorEvent', idempotencyKey, input }, async (tx) => {
    let unit: UnitRow | null = null;
    if (input.unitId) unit = await unitForWrite(tx, input.unitId);
    const code = unit?.jurisdictionCode ?? input.jurisdictionCode;
    if (!code) throw notFound('jurisdiction');
    await requireWritableJurisdiction(tx, code);
    const row = await storeEvent(tx, unit, { ...input, jurisdictionCode: code, source: 'assessment' });
    return row!;
  });
}

/**
 * patrol's majorIncidentRecorded → a major event here. The unit is found by credit code, else by
 * exact name, and only among units the emitting actor may write to (their subtree) that lie in or
 * above the incident's jurisdiction: a natural key resolves inside the caller's scope exactly like
 * an id would (`recordMajorEvent` with the unit's id needs the unit in scope). Otherwise the
 * incident stays a jurisdiction event. Runs in the emitter's transaction.
 */
export async function onMajorIncident(tx: TxCtx, p: DomainEvents['majorIncidentRecorded']): Promise<void> {
  const unit = await unitOfIncident(tx, p);
  await storeEvent(tx, unit, {
    kind: p.kind,
    occurredAt: new Date(p.occurredAt),
    jurisdictionCode: p.jurisdictionCode,
    description: p.description,
    place: p.place,
    source: p.source ?? 'patrol',
    sourceRef: p.incidentId,
  });
}

/**
 * disputes' vetoProposed → a pending proposal on the unit's timeline, for the assessor to
 * decide (decideVetoProposal); the proposal itself does not veto.
 */
export async function onVetoProposed(tx: TxCtx, p: DomainEvents['vetoProposed']): Promise<void> {
  const unit = await unitOfIncident(tx, p);
  if (!unit) return; // not a unit under assessment: the proposal stays with the mediation centre
  await appendHistory(tx, unit, [
    {
      kind: 'veto_proposed',
      validOn: p.proposedOn,
      refId: p.proposalId,
      summary: `Comprehensive-governance veto proposed (综治否决建议) by ${p.organisationName}: ${p.reason}`,
      data: { proposalId: p.proposalId, disputeId: p.disputeId, organisation: p.organisationName },
    },
  ]);
}

/** Pure rule: a unit an incident may be attached to: inside the writer's scope, and in or above the incident's jurisdiction. */
export function unitMatchesIncident(unitCode: string, incidentCode: string, writerScope: string | null): boolean {
  if (writerScope !== null && !isWithin(unitCode, writerScope)) return false;
  return isWithin(unitCode, incidentCode) || isWithin(incidentCode, unitCode);
}

/** The unit an event names (an incident, a veto proposal): by credit code, else by exact name, in scope. */
async function unitOfIncident(tx: TxCtx, p: { jurisdictionCode: string; unit: { creditCode: string | null; name: string | null } | null }): Promise<UnitRow | null> {
  if (!p.unit?.creditCode && !p.unit?.name) return null;
  // A system reaction (no actor) is bounded by the incident's jurisdiction alone.
  const writerScope = tx.actor?.jurisdictionCode ?? null;
  const near = sql`(${safeUnits.jurisdictionCode} like ${`${scopePrefix(p.jurisdictionCode)}%`} or ${p.jurisdictionCode} like ${safeUnits.jurisdictionCode} || '%')`;
  const scoped = writerScope ? and(near, inScope(tx, safeUnits.jurisdictionCode)) : near;
  const pick = (rows: UnitRow[]) => {
    const inside = rows.filter((u) => unitMatchesIncident(u.jurisdictionCode, p.jurisdictionCode, writerScope));
    return inside.length === 1 ? inside[0] : null;
  };
  if (p.unit.creditCode) {
    const unit = pick(
      await tx.db
        .select()
        .from(safeUnits)
        .where(and(eq(safeUnits.creditCode, p.unit.creditCode.trim().toUpperCase()), scoped)),
    );
    if (unit) return unit;
  }
  if (p.unit.name)
    return pick(
      await tx.db
        .select()
        .from(safeUnits)
        .where(and(eq(safeUnits.name, p.unit.name.trim()), scoped)),
    );
  return null;
}

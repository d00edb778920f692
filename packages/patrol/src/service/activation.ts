import { and, eq, gte, lte, sql } from 'drizzle-orm';
import {
  requireWritableJurisdiction,
  anyOf,
  groupBy,
  assertInScope,
  levelOf,
  loader,
  parentCode,
  requireActor,
  runMutation,
  scopedRead,
  withinSql,
  type ConnectionArgs,
  type Ctx,
  type TxCtx,
} from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { activationReads, checkInReads } from '../reads.js';
import { checkInReport, MAX_JOINT_DUTY_POINTS, decideActivation, pickRule, type ActivationRule, type AlertType, type PointReport } from '../rules/index.js';
import { activationRules, activations, alerts, checkIns, checkpoints, type ActivationRow, type AlertRow, type CheckInRow } from '../tables.js';
import { activationLoader, checkpointLoader } from './common.js';

/** The codes from `code` up to its city: where a configured rule may apply. */
function selfAndAncestors(code: string): string[] {
  const out = [code];
  for (let c = parentCode(code); c && levelOf(c) !== 'province'; c = parentCode(c)) out.push(c);
  return out;
}

async function ruleFor(tx: Ctx, alertJurisdiction: string): Promise<ActivationRule> {
  const configured = await tx.db
    .select()
    .from(activationRules)
    .where(anyOf(activationRules.jurisdictionCode, selfAndAncestors(alertJurisdiction)));
  return pickRule(alertJurisdiction, configured);
}

/**
 * Inside the alert's transaction: if this alert brings its jurisdiction's qualifying alerts
 * of the day to the threshold, create the activation, name the triggering alerts and the
 * points, and emit jointDutyActivated. A transaction-scoped advisory lock per jurisdiction
 * and day serializes concurrent alerts, so the count is exact; the unique index on
 * (jurisdiction, day) is the last word against a second activation.
 */
export async function activateJointDutyIfDue(tx: TxCtx, alert: AlertRow): Promise<ActivationRow | null> {
  const rule = await ruleFor(tx, alert.jurisdictionCode);
  if (!rule.types.includes(alert.type)) return null;
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`patrol.activation:${rule.jurisdictionCode}:${alert.day}`}))`);
  const [existing] = await tx.db
    .select({ id: activations.id })
    .from(activations)
    .where(and(eq(activations.jurisdictionCode, rule.jurisdictionCode), eq(activations.day, alert.day)));
  const qualifying = await tx.db
    .select({ id: alerts.id, occurredAt: alerts.occurredAt })
    .from(alerts)
    .where(and(withinSql(alerts.jurisdictionCode, rule.jurisdictionCode), eq(alerts.day, alert.day), anyOf(alerts.type, [...rule.types])));
  const decision = decideActivation({ threshold: rule.threshold, qualifying, alreadyActivated: !!existing });
  if (!decision.activate) return null;
  const pointIds = rule.pointIds.length
    ? [...rule.pointIds]
    : (
        await tx.db
          .select({ id: checkpoints.id })
          .from(checkpoints)
          .where(and(eq(checkpoints.kind, 'temporary_duty_point'), withinSql(checkpoints.jurisdictionCode, rule.jurisdictionCode)))
          .orderBy(checkpoints.name, checkpoints.id)
      ).map((r) => r.id);
  const activatedAt = tx.now();
  const [row] = await tx.db
    .insert(activations)
    .values({
      jurisdictionCode: rule.jurisdictionCode,
      day: alert.day,
      threshold: rule.threshold,
      types: [...rule.types],
      triggeringAlertIds: decision.triggeringAlertIds,
      pointIds,
      activatedAt,
      deadline: new Date(activatedAt.getTime() + rule.deadlineMinutes * 60_000),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  tx.audit({ entityType: 'JointDutyActivation', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: { ...row, reason: decision.reason } });
  await tx.emit('jointDutyActivated', {
    activationId: row.id,
    jurisdictionCode: row.jurisdictionCode,
    day: row.day,
    triggeringAlertIds: row.triggeringAlertIds,
    pointIds: row.pointIds,
    deadline: row.deadline.toISOString(),
  });
  return row;
}

export interface ConfigureJointDutyInput {
  jurisdictionCode: string;
  threshold: number;
  types: AlertType[];
  pointIds: string[];
  deadlineMinutes: number;
}

/** Sets a jurisdiction's threshold, alert types, points and deadline (the previous setting stays in the audit log). */
export async function configureJointDuty(ctx: Ctx, input: ConfigureJointDutyInput, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'configureJointDuty', idempotencyKey, input }, async (tx) => {
    if (input.pointIds.length > MAX_JOINT_DUTY_POINTS) {
      throw PatrolErrors.error('TOO_MANY_POINTS', undefined, { field: 'input.pointIds', details: { max: MAX_JOINT_DUTY_POINTS, given: input.pointIds.length } });
    }
    await requireWritableJurisdiction(tx, input.jurisdictionCode, 'input.jurisdictionCode');
    const points = await checkpointLoader(tx).loadMany(input.pointIds);
    points.forEach((p, i) => {
      if (p instanceof Error) throw p;
      if (p.kind !== 'temporary_duty_point' || !p.jurisdictionCode.startsWith(withinPrefix(input.jurisdictionCode))) {
        throw PatrolErrors.error('POINT_NOT_TEMPORARY', undefined, { field: `input.pointIds.${i}` });
      }
    });
    const [before] = await tx.db.select().from(activationRules).where(eq(activationRules.jurisdictionCode, input.jurisdictionCode)).for('update');
    const values = { threshold: input.threshold, types: [...new Set(input.types)], pointIds: [...new Set(input.pointIds)], deadlineMinutes: input.deadlineMinutes, updatedAt: tx.now() };
    const [after] = before
      ? await tx.db
          .update(activationRules)
          .set({ ...values, version: before.version + 1 })
          .where(eq(activationRules.jurisdictionCode, input.jurisdictionCode))
          .returning()
      : await tx.db
          .insert(activationRules)
          .values({ jurisdictionCode: input.jurisdictionCode, ...values })
          .returning();
    tx.audit({ entityType: 'JointDutyRule', entityId: after.jurisdictionCode, jurisdictionCode: after.jurisdictionCode, before: before ?? null, after });
    return after;
  });
}

function withinPrefix(code: string): string {
  return levelOf(code) === 'city' ? code.slice(0, 4) : code;
}

/** Records a point's arrival after an activation; one per point. */
export async function recordCheckIn(ctx: Ctx, input: { activationId: string; checkpointId: string; arrivedAt: Date }, idempotencyKey?: string | null): Promise<CheckInRow> {
  return runMutation(ctx, { operation: 'recordCheckIn', idempotencyKey, input }, async (tx) => {
    const activation = await activationLoader(tx).load(input.activationId);
    const point = await checkpointLoader(tx).load(input.checkpointId);
    await requireWritableJurisdiction(tx, point.jurisdictionCode, 'input.checkpointId');
    if (!activation.pointIds.includes(point.id)) throw PatrolErrors.error('POINT_NOT_IN_ACTIVATION', undefined, { field: 'input.checkpointId' });
    const [row] = await tx.db
      .insert(checkIns)
      .values({ activationId: activation.id, checkpointId: point.id, arrivedAt: input.arrivedAt, jurisdictionCode: point.jurisdictionCode, recordedBy: requireActor(tx).id })
      .onConflictDoNothing()
      .returning();
    if (!row) throw PatrolErrors.error('CHECK_IN_DUPLICATE', undefined, { field: 'input.checkpointId' });
    tx.audit({ entityType: 'JointDutyCheckIn', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/**
 * The check-ins of each activation, inside the caller's jurisdiction. A list, not a page: one
 * check-in per point (a unique index) and at most MAX_JOINT_DUTY_POINTS points per activation, so
 * the statement is capped at that many per activation asked for.
 */
export const checkInsByActivationLoader = (ctx: Ctx) =>
  loader<string, CheckInRow[]>(ctx, 'patrol.checkInsByActivation', async (ids) => {
    const rows = await scopedRead(ctx, checkInReads, {
      where: [anyOf(checkIns.activationId, [...ids])],
      orderBy: [checkIns.activationId, checkIns.arrivedAt, checkIns.id],
      limit: ids.length * MAX_JOINT_DUTY_POINTS,
    });
    return groupBy(ids, rows, (r) => r.activationId);
  });

/** Each point of the activation: on time, late (after the deadline), missing, or still pending. */
export async function activationReport(ctx: Ctx, activation: ActivationRow, asOf: Date): Promise<PointReport[]> {
  const ins = await checkInsByActivationLoader(ctx).load(activation.id);
  return checkInReport(
    activation,
    activation.pointIds,
    ins.map((c) => ({ pointId: c.checkpointId, arrivedAt: c.arrivedAt })),
    asOf,
  );
}

export async function listActivations(ctx: Ctx, filter: { jurisdictionCode?: string | null; fromDay?: string | null; toDay?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, activationReads, {
    within: filter.jurisdictionCode,
    where: [filter.fromDay ? gte(activations.day, filter.fromDay) : undefined, filter.toDay ? lte(activations.day, filter.toDay) : undefined],
    page: { args, direction: 'desc', keys: ['activatedAt', 'id'] },
  });
}

export async function getActivation(ctx: Ctx, id: string) {
  const a = await activationLoader(ctx).load(id);
  assertInScope(ctx, a.jurisdictionCode, 'activation');
  return a;
}

import { and, eq, gt, gte, lt, lte } from 'drizzle-orm';
import { requireWritableJurisdiction, anyOf, assertInScope, indexBy, loader, notFound, requireActor, runMutation, scopedRead, type ConnectionArgs, type Ctx, isUuid } from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { dutyLogReads } from '../reads.js';
import type { Task } from '../rules/index.js';
import { dutyLogs, patrolMembers, type DutyLogRow } from '../tables.js';
import { checkpointLoader } from './common.js';

const MAX_LOG_MS = 24 * 3_600_000;

/**
 * Records who did which task when. The member's row is locked for the transaction, so two
 * concurrent logs for one person cannot both pass the overlap check (an exclusion
 * constraint would need btree_gist, which embedded PGlite does not load).
 */
export async function recordDutyLog(ctx: Ctx, input: { memberId: string; checkpointId?: string | null; task: Task; startAt: Date; endAt: Date }, idempotencyKey?: string | null): Promise<DutyLogRow> {
  return runMutation(ctx, { operation: 'recordDutyLog', idempotencyKey, input }, async (tx) => {
    if (!(input.endAt > input.startAt) || input.endAt.getTime() - input.startAt.getTime() > MAX_LOG_MS) {
      throw PatrolErrors.error('DUTY_LOG_INTERVAL_INVALID', undefined, { field: 'input.endAt' });
    }
    const [member] = await tx.db.select().from(patrolMembers).where(eq(patrolMembers.id, input.memberId)).for('update');
    assertInScope(tx, member?.jurisdictionCode, 'patrol member');
    await requireWritableJurisdiction(tx, member.jurisdictionCode, 'input.memberId');
    const checkpoint = input.checkpointId ? await checkpointLoader(tx).load(input.checkpointId) : null;
    const [clash] = await tx.db
      .select({ id: dutyLogs.id, startAt: dutyLogs.startAt, endAt: dutyLogs.endAt })
      .from(dutyLogs)
      .where(and(eq(dutyLogs.memberId, member.id), lt(dutyLogs.startAt, input.endAt), gt(dutyLogs.endAt, input.startAt)))
      .limit(1);
    if (clash) {
      throw PatrolErrors.error('DUTY_LOG_OVERLAP', undefined, {
        field: 'input.startAt',
        details: { conflictingLogId: clash.id, conflictingStartAt: clash.startAt.toISOString(), conflictingEndAt: clash.endAt.toISOString() },
      });
    }
    const [row] = await tx.db
      .insert(dutyLogs)
      .values({
        memberId: member.id,
        teamId: member.teamId,
        checkpointId: checkpoint?.id ?? null,
        task: input.task,
        startAt: input.startAt,
        endAt: input.endAt,
        jurisdictionCode: checkpoint?.jurisdictionCode ?? member.jurisdictionCode,
        recordedBy: requireActor(tx).id,
      })
      .returning();
    tx.audit({ entityType: 'DutyLog', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export interface DutyLogFilter {
  jurisdictionCode?: string | null;
  checkpointId?: string | null;
  memberId?: string | null;
  task?: Task | null;
  from?: Date | null;
  to?: Date | null;
}

/** Duty logs in the caller's subtree, latest first; a time range keeps logs overlapping it. */
export async function listDutyLogs(ctx: Ctx, filter: DutyLogFilter, args: ConnectionArgs) {
  return scopedRead(ctx, dutyLogReads, {
    within: filter.jurisdictionCode,
    where: [
      filter.checkpointId ? eq(dutyLogs.checkpointId, filter.checkpointId) : undefined,
      filter.memberId ? eq(dutyLogs.memberId, filter.memberId) : undefined,
      filter.task ? eq(dutyLogs.task, filter.task) : undefined,
      filter.from ? gte(dutyLogs.endAt, filter.from) : undefined,
      filter.to ? lte(dutyLogs.startAt, filter.to) : undefined,
    ],
    page: { args, direction: 'desc', keys: ['startAt', 'id'] },
  });
}

export const dutyLogLoader = (ctx: Ctx) =>
  loader<string, DutyLogRow>(ctx, 'patrol.dutyLog', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await scopedRead(ctx, dutyLogReads, { where: [anyOf(dutyLogs.id, valid)] }) : [];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('duty log'));
  });

import { eq, gt, lt } from 'drizzle-orm';
import { requireWritableJurisdiction, anyOf, isWithin, loader, runMutation, scopedRead, type ConnectionArgs, type Ctx, addDays } from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { checkpointReads, dutyLogReads, teamReads } from '../reads.js';
import {
  assessShift,
  coverageGaps,
  daysFrom,
  generateRoster,
  shanghaiTime,
  shiftsOf,
  type CheckpointKind,
  type TeamLevel,
  type Task,
  type ShiftKey,
  type TaskCompliance,
  type Gap,
  type RosterEntry,
} from '../rules/index.js';
import { checkpoints, dutyLogs, patrolMembers, patrolTeams, type CheckpointRow, type DutyLogRow, type TeamRow } from '../tables.js';
import { assertCoordinates, blockLoader, checkpointLoader, teamLoader, teamsByCheckpointLoader } from './common.js';

/** Longest range a roster, compliance or gap query covers. */
export const MAX_RANGE_DAYS = 62;

export async function createCheckpoint(
  ctx: Ctx,
  input: { name: string; kind: CheckpointKind; latitude: number; longitude: number; jurisdictionCode: string },
  idempotencyKey?: string | null,
): Promise<CheckpointRow> {
  return runMutation(ctx, { operation: 'createCheckpoint', idempotencyKey, input }, async (tx) => {
    assertCoordinates(input.latitude, input.longitude);
    await requireWritableJurisdiction(tx, input.jurisdictionCode, 'input.jurisdictionCode');
    const [row] = await tx.db.insert(checkpoints).values(input).returning();
    tx.audit({ entityType: 'Checkpoint', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function createPatrolTeam(
  ctx: Ctx,
  input: { name: string; level: TeamLevel; jurisdictionCode: string; checkpointId?: string | null; blockId?: string | null; vehicles?: number | null },
  idempotencyKey?: string | null,
): Promise<TeamRow> {
  return runMutation(ctx, { operation: 'createPatrolTeam', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode, 'input.jurisdictionCode');
    if (input.checkpointId) {
      const cp = await checkpointLoader(tx).load(input.checkpointId);
      if (!isWithin(cp.jurisdictionCode, input.jurisdictionCode) && !isWithin(input.jurisdictionCode, cp.jurisdictionCode)) {
        throw PatrolErrors.error('TEAM_CHECKPOINT_MISMATCH', undefined, { field: 'input.checkpointId' });
      }
    }
    if (input.blockId) await blockLoader(tx).load(input.blockId);
    const [row] = await tx.db
      .insert(patrolTeams)
      .values({
        name: input.name,
        level: input.level,
        jurisdictionCode: input.jurisdictionCode,
        checkpointId: input.checkpointId ?? null,
        blockId: input.blockId ?? null,
        vehicles: input.vehicles ?? 0,
      })
      .returning();
    tx.audit({ entityType: 'PatrolTeam', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function addPatrolMember(ctx: Ctx, input: { teamId: string; name: string; badgeNumber?: string | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'addPatrolMember', idempotencyKey, input }, async (tx) => {
    const team = await teamLoader(tx).load(input.teamId);
    await requireWritableJurisdiction(tx, team.jurisdictionCode, 'input.teamId');
    const [row] = await tx.db
      .insert(patrolMembers)
      .values({ teamId: team.id, name: input.name, badgeNumber: input.badgeNumber ?? null, jurisdictionCode: team.jurisdictionCode })
      .returning();
    tx.audit({ entityType: 'PatrolMember', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export async function listCheckpoints(ctx: Ctx, filter: { jurisdictionCode?: string | null; kind?: CheckpointKind | null }, args: ConnectionArgs) {
  return scopedRead(ctx, checkpointReads, {
    within: filter.jurisdictionCode,
    where: [filter.kind ? eq(checkpoints.kind, filter.kind) : undefined],
    page: { args, keys: ['jurisdictionCode', 'id'] },
  });
}

export async function listPatrolTeams(ctx: Ctx, filter: { jurisdictionCode?: string | null; level?: TeamLevel | null }, args: ConnectionArgs) {
  return scopedRead(ctx, teamReads, {
    within: filter.jurisdictionCode,
    where: [filter.level ? eq(patrolTeams.level, filter.level) : undefined],
    page: { args, keys: ['id'] },
  });
}

function assertRange(from: string, to: string) {
  // Counted, not listed: listing the days of 0001-01-01..9999-12-31 exhausted the heap (issue #11).
  if (to < from || Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1 > MAX_RANGE_DAYS) {
    throw PatrolErrors.error('RANGE_TOO_LONG', `A range runs forward over at most ${MAX_RANGE_DAYS} days.`, { field: 'to' });
  }
}

/** The three-shift roster of a checkpoint, from its three teams in the order they were formed. */
export async function checkpointRoster(ctx: Ctx, checkpoint: CheckpointRow, opts: { from: string; to: string; startOffset?: number | null }): Promise<RosterEntry[]> {
  assertRange(opts.from, opts.to);
  const teams = await teamsByCheckpointLoader(ctx).load(checkpoint.id);
  if (teams.length !== 3) throw PatrolErrors.error('ROSTER_TEAMS_INVALID', `The checkpoint has ${teams.length} teams; a three-shift roster needs three.`, { details: { teams: teams.length } });
  return generateRoster({ checkpointId: checkpoint.id, teamIds: teams.map((t) => t.id), from: opts.from, to: opts.to, startOffset: opts.startOffset ?? 0 });
}

/** Duty logs at checkpoints overlapping a Shanghai date range: one statement for all checkpoints of a request. */
function dutyAtCheckpoints(ctx: Ctx, from: string, to: string) {
  const start = shanghaiTime(from);
  const end = shanghaiTime(addDays(to, 1));
  return loader<string, DutyLogRow[]>(ctx, `patrol.dutyAt:${from}:${to}`, async (ids) => {
    const rows = await scopedRead(ctx, dutyLogReads, { where: [anyOf(dutyLogs.checkpointId, [...ids]), lt(dutyLogs.startAt, end), gt(dutyLogs.endAt, start)] });
    const by = new Map<string, DutyLogRow[]>();
    for (const r of rows) by.set(r.checkpointId!, [...(by.get(r.checkpointId!) ?? []), r]);
    return ids.map((id) => by.get(id) ?? []);
  });
}

export interface ShiftComplianceRow {
  date: string;
  shift: ShiftKey;
  startsAt: Date;
  endsAt: Date;
  /** The team whose logs were assessed; null when nobody logged duty in the shift. */
  teamId: string | null;
  tasks: TaskCompliance[];
  compliant: boolean;
}

/** Per shift of each day and per team on duty in it: did the team meet the task minimums? */
export async function shiftCompliance(ctx: Ctx, checkpoint: CheckpointRow, opts: { from: string; to: string }): Promise<ShiftComplianceRow[]> {
  assertRange(opts.from, opts.to);
  const logs = await dutyAtCheckpoints(ctx, opts.from, opts.to).load(checkpoint.id);
  const out: ShiftComplianceRow[] = [];
  for (const date of daysFrom(opts.from, opts.to)) {
    for (const w of shiftsOf(date)) {
      const inShift = logs.filter((l) => l.startAt < w.endsAt && l.endAt > w.startsAt);
      const teamIds = [...new Set(inShift.map((l) => l.teamId))].sort();
      if (teamIds.length === 0) {
        out.push({ date, ...w, teamId: null, ...assessShift([], { start: w.startsAt, end: w.endsAt }) });
        continue;
      }
      for (const teamId of teamIds) {
        const teamLogs = inShift.filter((l) => l.teamId === teamId).map((l) => ({ task: l.task as Task, start: l.startAt, end: l.endAt }));
        out.push({ date, ...w, teamId, ...assessShift(teamLogs, { start: w.startsAt, end: w.endsAt }) });
      }
    }
  }
  return out;
}

/** Minutes with nobody on duty at the checkpoint, over a range of Shanghai days (gaps over midnight stay whole). */
export async function checkpointCoverageGaps(ctx: Ctx, checkpoint: CheckpointRow, opts: { from: string; to: string }): Promise<Gap[]> {
  assertRange(opts.from, opts.to);
  const logs = await dutyAtCheckpoints(ctx, opts.from, opts.to).load(checkpoint.id);
  return coverageGaps(
    logs.map((l) => ({ start: l.startAt, end: l.endAt })),
    { start: shanghaiTime(opts.from), end: shanghaiTime(addDays(opts.to, 1)) },
  );
}

import { and } from 'drizzle-orm';
import { anyOf, idOfType, groupBy, inScope, indexBy, loader, notFound, type Ctx, isUuid } from '@safecity/core';
import { PatrolErrors } from '../errors.js';
import { isInsideChina, isValidCoordinate } from '../rules/index.js';
import {
  activations,
  alerts,
  checkpoints,
  patrolBlocks,
  patrolMembers,
  patrolTeams,
  type ActivationRow,
  type AlertRow,
  type BlockRow,
  type CheckpointRow,
  type MemberRow,
  type TeamRow,
} from '../tables.js';

/** A Relay global id of the expected type, decoded to the row id. */
export function idOf(gid: { typename: string; id: string }, typename: string, field: string): string {
  return idOfType(gid, typename, field);
}

/** Impossible coordinates are refused with a code before anything is written. */
export function assertCoordinates(latitude: number, longitude: number, field = 'input.latitude'): void {
  if (!isValidCoordinate(latitude, longitude)) throw PatrolErrors.error('COORDINATES_INVALID', undefined, { field, details: { latitude, longitude } });
  if (!isInsideChina(latitude, longitude)) throw PatrolErrors.error('COORDINATES_OUTSIDE_CHINA', undefined, { field, details: { latitude, longitude } });
}

/** A per-request loader of rows by id inside the caller's subtree; others are NOT_FOUND. */
function scopedById<R extends { id: string }>(ctx: Ctx, key: string, what: string, fetch: (ids: string[]) => Promise<R[]>) {
  return loader<string, R>(ctx, key, async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await fetch(valid) : [];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound(what));
  });
}

export const checkpointLoader = (ctx: Ctx) =>
  scopedById<CheckpointRow>(ctx, 'patrol.checkpoint', 'checkpoint', (ids) =>
    ctx.db
      .select()
      .from(checkpoints)
      .where(and(anyOf(checkpoints.id, ids), inScope(ctx, checkpoints.jurisdictionCode))),
  );
export const teamLoader = (ctx: Ctx) =>
  scopedById<TeamRow>(ctx, 'patrol.team', 'patrol team', (ids) =>
    ctx.db
      .select()
      .from(patrolTeams)
      .where(and(anyOf(patrolTeams.id, ids), inScope(ctx, patrolTeams.jurisdictionCode))),
  );
export const memberLoader = (ctx: Ctx) =>
  scopedById<MemberRow>(ctx, 'patrol.member', 'patrol member', (ids) =>
    ctx.db
      .select()
      .from(patrolMembers)
      .where(and(anyOf(patrolMembers.id, ids), inScope(ctx, patrolMembers.jurisdictionCode))),
  );
export const alertLoader = (ctx: Ctx) =>
  scopedById<AlertRow>(ctx, 'patrol.alert', 'alert', (ids) =>
    ctx.db
      .select()
      .from(alerts)
      .where(and(anyOf(alerts.id, ids), inScope(ctx, alerts.jurisdictionCode))),
  );
export const activationLoader = (ctx: Ctx) =>
  scopedById<ActivationRow>(ctx, 'patrol.activation', 'activation', (ids) =>
    ctx.db
      .select()
      .from(activations)
      .where(and(anyOf(activations.id, ids), inScope(ctx, activations.jurisdictionCode))),
  );
export const blockLoader = (ctx: Ctx) =>
  scopedById<BlockRow>(ctx, 'patrol.block', 'patrol block', (ids) =>
    ctx.db
      .select()
      .from(patrolBlocks)
      .where(and(anyOf(patrolBlocks.id, ids), inScope(ctx, patrolBlocks.jurisdictionCode))),
  );

/** Non-error values of a loadMany, in order (rows that vanished from scope are left out). */
export function present<R>(rows: (R | Error)[]): R[] {
  return rows.filter((r): r is R => !(r instanceof Error));
}

export const teamsByCheckpointLoader = (ctx: Ctx) =>
  loader<string, TeamRow[]>(ctx, 'patrol.teamsByCheckpoint', async (ids) => {
    const rows = await ctx.db
      .select()
      .from(patrolTeams)
      .where(and(anyOf(patrolTeams.checkpointId, [...ids]), inScope(ctx, patrolTeams.jurisdictionCode)))
      .orderBy(patrolTeams.createdAt, patrolTeams.name, patrolTeams.id);
    return groupBy(ids, rows, (r) => r.checkpointId!);
  });

export const teamsByBlockLoader = (ctx: Ctx) =>
  loader<string, TeamRow[]>(ctx, 'patrol.teamsByBlock', async (ids) => {
    const rows = await ctx.db
      .select()
      .from(patrolTeams)
      .where(and(anyOf(patrolTeams.blockId, [...ids]), inScope(ctx, patrolTeams.jurisdictionCode)))
      .orderBy(patrolTeams.name, patrolTeams.id);
    return groupBy(ids, rows, (r) => r.blockId!);
  });

export const membersByTeamLoader = (ctx: Ctx) =>
  loader<string, MemberRow[]>(ctx, 'patrol.membersByTeam', async (ids) => {
    const rows = await ctx.db
      .select()
      .from(patrolMembers)
      .where(and(anyOf(patrolMembers.teamId, [...ids]), inScope(ctx, patrolMembers.jurisdictionCode)))
      .orderBy(patrolMembers.name, patrolMembers.id);
    return groupBy(ids, rows, (r) => r.teamId);
  });

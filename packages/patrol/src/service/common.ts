import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { anyOf, idOfType, groupBy, indexBy, loader, notFound, relationPage, scopedRead, type ConnectionArgs, type Ctx, type ScopedTable, isUuid } from '@safecity/core';
import { activationReads, alertReads, blockReads, checkpointReads, memberReads, teamReads } from '../reads.js';
import { PatrolErrors } from '../errors.js';
import { isInsideChina, isValidCoordinate } from '../rules/index.js';
import { patrolTeams, type MemberRow, type TeamRow } from '../tables.js';

/** A Relay global id of the expected type, decoded to the row id. */
export function idOf(gid: { typename: string; id: string }, typename: string, field: string): string {
  return idOfType(gid, typename, field);
}

/** Impossible coordinates are refused with a code before anything is written. */
export function assertCoordinates(latitude: number, longitude: number, field = 'input.latitude'): void {
  if (!isValidCoordinate(latitude, longitude)) throw PatrolErrors.error('COORDINATES_INVALID', undefined, { field, details: { latitude, longitude } });
  if (!isInsideChina(latitude, longitude)) throw PatrolErrors.error('COORDINATES_OUTSIDE_CHINA', undefined, { field, details: { latitude, longitude } });
}

/** A per-request loader of rows of a declared table by id inside the caller's subtree; others are NOT_FOUND. */
function scopedById<T extends PgTable & { id: PgColumn }>(ctx: Ctx, key: string, what: string, spec: ScopedTable<T>) {
  type R = T['$inferSelect'] & { id: string };
  return loader<string, R>(ctx, key, async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? ((await scopedRead(ctx, spec, { where: [anyOf(spec.table.id, valid)] })) as R[]) : [];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound(what));
  });
}

export const checkpointLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.checkpoint', 'checkpoint', checkpointReads);
export const teamLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.team', 'patrol team', teamReads);
export const memberLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.member', 'patrol member', memberReads);
export const alertLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.alert', 'alert', alertReads);
export const activationLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.activation', 'activation', activationReads);
export const blockLoader = (ctx: Ctx) => scopedById(ctx, 'patrol.block', 'patrol block', blockReads);

/** Non-error values of a loadMany, in order (rows that vanished from scope are left out). */
export function present<R>(rows: (R | Error)[]): R[] {
  return rows.filter((r): r is R => !(r instanceof Error));
}

export const teamsByCheckpointLoader = (ctx: Ctx) =>
  loader<string, TeamRow[]>(ctx, 'patrol.teamsByCheckpoint', async (ids) => {
    const rows = await scopedRead(ctx, teamReads, { where: [anyOf(patrolTeams.checkpointId, [...ids])], orderBy: [patrolTeams.createdAt, patrolTeams.name, patrolTeams.id] });
    return groupBy(ids, rows, (r) => r.checkpointId!);
  });

/** A page of the teams of each checkpoint, in the order they were formed (one statement per page of checkpoints). */
export const teamPagesOfCheckpoint = (ctx: Ctx, args: ConnectionArgs) => relationPage<TeamRow>(ctx, 'patrol.teamsOfCheckpoint', checkpointReads.relations!.teams!, args, 'teams');

/** A page of the teams of each block, by name (one statement per page of blocks). */
export const teamPagesOfBlock = (ctx: Ctx, args: ConnectionArgs) => relationPage<TeamRow>(ctx, 'patrol.teamsOfBlock', blockReads.relations!.teams!, args, 'teams');

/** A page of the members of each team, by name (one statement per page of teams). */
export const memberPagesOfTeam = (ctx: Ctx, args: ConnectionArgs) => relationPage<MemberRow>(ctx, 'patrol.membersOfTeam', teamReads.relations!.members!, args, 'members');

/** A page of the members of each block's teams, by name (one statement per page of blocks). */
export const memberPagesOfBlock = (ctx: Ctx, args: ConnectionArgs) => relationPage<MemberRow>(ctx, 'patrol.membersOfBlock', blockReads.relations!.members!, args, 'members');

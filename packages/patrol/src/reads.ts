import { scopedTables, type ScopedTable } from '@safecity/core';
import { activations, alerts, checkIns, checkpoints, dutyLogs, patrolBlocks, patrolMembers, patrolTeams } from './tables.js';

/**
 * Patrol's declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * (and the planner) scope every read by; services give only their own conditions, and relations
 * say what a read may follow.
 */
export const { memberReads, dutyLogReads, alertReads, activationReads, checkInReads } = scopedTables({
  memberReads: patrolMembers,
  dutyLogReads: dutyLogs,
  alertReads: alerts,
  activationReads: activations,
  checkInReads: checkIns,
});

export const teamReads: ScopedTable<typeof patrolTeams> = {
  table: patrolTeams,
  jurisdiction: 'jurisdictionCode',
  relations: {
    members: { target: () => memberReads, kind: 'connection', on: [['id', 'teamId']], orderBy: ['name', 'id'] },
  },
};

export const blockReads: ScopedTable<typeof patrolBlocks> = {
  table: patrolBlocks,
  jurisdiction: 'jurisdictionCode',
  relations: {
    teams: { target: () => teamReads, kind: 'connection', on: [['id', 'blockId']], orderBy: ['name', 'id'] },
    // The members of the block's teams: through the teams (a member names its team, not the block).
    members: { target: () => memberReads, kind: 'connection', on: [['id', 'blockId']], via: { spec: () => teamReads, on: ['id', 'teamId'] }, orderBy: ['name', 'id'] },
  },
};

export const checkpointReads: ScopedTable<typeof checkpoints> = {
  table: checkpoints,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // In the order they were formed: the roster's rotation order.
    teams: { target: () => teamReads, kind: 'connection', on: [['id', 'checkpointId']], orderBy: ['createdAt', 'name', 'id'] },
  },
};

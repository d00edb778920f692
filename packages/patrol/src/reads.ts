import { scopedTables } from '@safecity/core';
import { activations, alerts, checkpoints, dutyLogs, patrolBlocks, patrolMembers, patrolTeams } from './tables.js';

/**
 * Patrol's declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * (and the planner) scope every read by; services give only their own conditions.
 */
export const { checkpointReads, blockReads, teamReads, memberReads, dutyLogReads, alertReads, activationReads } = scopedTables({
  checkpointReads: checkpoints,
  blockReads: patrolBlocks,
  teamReads: patrolTeams,
  memberReads: patrolMembers,
  dutyLogReads: dutyLogs,
  alertReads: alerts,
  activationReads: activations,
});

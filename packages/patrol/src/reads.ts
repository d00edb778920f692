import type { ScopedTable } from '@safecity/core';
import { activations, alerts, checkpoints, dutyLogs, patrolBlocks, patrolMembers, patrolTeams } from './tables.js';

/**
 * Patrol's declared reads: each table and its jurisdiction column, named once. Core's
 * `scopedRead` (and the planner) apply the caller's jurisdiction from these; services give only
 * their own conditions.
 */
export const checkpointReads: ScopedTable<typeof checkpoints> = { table: checkpoints, jurisdiction: 'jurisdictionCode' };
export const blockReads: ScopedTable<typeof patrolBlocks> = { table: patrolBlocks, jurisdiction: 'jurisdictionCode' };
export const teamReads: ScopedTable<typeof patrolTeams> = { table: patrolTeams, jurisdiction: 'jurisdictionCode' };
export const memberReads: ScopedTable<typeof patrolMembers> = { table: patrolMembers, jurisdiction: 'jurisdictionCode' };
export const dutyLogReads: ScopedTable<typeof dutyLogs> = { table: dutyLogs, jurisdiction: 'jurisdictionCode' };
export const alertReads: ScopedTable<typeof alerts> = { table: alerts, jurisdiction: 'jurisdictionCode' };
export const activationReads: ScopedTable<typeof activations> = { table: activations, jurisdiction: 'jurisdictionCode' };

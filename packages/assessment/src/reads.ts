import type { TableSpec } from '@safecity/core';
import { safeUnits, unitAssessments, unitHistory } from './tables.js';

/**
 * Assessment's declared reads for core's planner (data/planner.ts): the tables, their jurisdiction
 * column and the relations a read may follow. The planner applies the caller's jurisdiction on
 * every level.
 */
export const assessmentReads: TableSpec = { table: unitAssessments, jurisdiction: 'jurisdictionCode' };

export const unitReads: TableSpec = {
  table: safeUnits,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Newest period first; the versions of one assessment together, the latest first (a keyset
    // needs one direction, and (chain, version) is unique).
    assessments: { target: () => assessmentReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['periodEnd', 'chainId', 'version'], direction: 'desc' },
  },
};

/** A unit's timeline: its facts, in timeline order (rules/standing.ts timelineOrder; seq is unique). */
export const historyReads: TableSpec = { table: unitHistory, jurisdiction: 'jurisdictionCode' };
export const TIMELINE_ORDER = ['validOn', 'recordedAt', 'seq', 'id'];

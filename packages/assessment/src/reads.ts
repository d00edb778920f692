import { scopedTables, type ScopedTable } from '@safecity/core';
import { investigations, jurisdictionEvaluations, rectificationOrders, safeUnits, unitAssessments, unitHistory, yellowCards } from './tables.js';

/**
 * Assessment's declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * and planner (data/planner.ts) scope every read by, on every level; services give only their own
 * conditions, and relations say what a read may follow.
 */
export const { assessmentReads, orderReads, cardReads, investigationReads, evaluationReads } = scopedTables({
  assessmentReads: unitAssessments,
  orderReads: rectificationOrders,
  cardReads: yellowCards,
  investigationReads: investigations,
  evaluationReads: jurisdictionEvaluations,
});

export const unitReads: ScopedTable<typeof safeUnits> = {
  table: safeUnits,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Newest period first; the versions of one assessment together, the latest first (a keyset
    // needs one direction, and (chain, version) is unique).
    assessments: { target: () => assessmentReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['periodEnd', 'chainId', 'version'], direction: 'desc' },
  },
};

/** A unit's timeline: its facts, in timeline order (rules/standing.ts timelineOrder; seq is unique). */
export const historyReads: ScopedTable<typeof unitHistory> = { table: unitHistory, jurisdiction: 'jurisdictionCode' };
export const TIMELINE_ORDER = ['validOn', 'recordedAt', 'seq', 'id'];

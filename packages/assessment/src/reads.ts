import { scopedTables, type ScopedTable } from '@safecity/core';
import { investigations, jurisdictionEvaluations, rectificationOrders, safeUnits, unitAssessments, unitHistory, yellowCards } from './tables.js';

/**
 * Assessment's declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * and planner (data/planner.ts) scope every read by, on every level; services give only their own
 * conditions, and relations say what a read may follow.
 */
export const { orderReads, cardReads, investigationReads, evaluationReads } = scopedTables({
  orderReads: rectificationOrders,
  cardReads: yellowCards,
  investigationReads: investigations,
  evaluationReads: jurisdictionEvaluations,
});

export const assessmentReads: ScopedTable<typeof unitAssessments> = {
  table: unitAssessments,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // The versions of one assessment, oldest first ((chain, version) is unique).
    versions: { target: () => assessmentReads, kind: 'connection', on: [['chainId', 'chainId']], orderBy: ['version'] },
  },
};

export const unitReads: ScopedTable<typeof safeUnits> = {
  table: safeUnits,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Newest period first; the versions of one assessment together, the latest first (a keyset
    // needs one direction, and (chain, version) is unique).
    assessments: { target: () => assessmentReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['periodEnd', 'chainId', 'version'], direction: 'desc' },
    // Newest first by their day; the id breaks ties (several on one day) and makes the cursor unique.
    yellowCards: { target: () => cardReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['issuedOn', 'id'], direction: 'desc' },
    rectificationOrders: { target: () => orderReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['issuedOn', 'id'], direction: 'desc' },
    investigations: { target: () => investigationReads, kind: 'connection', on: [['id', 'unitId']], orderBy: ['openedOn', 'id'], direction: 'desc' },
  },
};

/** A unit's timeline: its facts, in timeline order (rules/standing.ts timelineOrder; seq is unique). */
export const historyReads: ScopedTable<typeof unitHistory> = { table: unitHistory, jurisdiction: 'jurisdictionCode' };
export const TIMELINE_ORDER = ['validOn', 'recordedAt', 'seq', 'id'];

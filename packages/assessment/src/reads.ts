import { scopedTables } from '@safecity/core';
import { investigations, jurisdictionEvaluations, rectificationOrders, safeUnits, unitAssessments, yellowCards } from './tables.js';

/**
 * Assessment's declared reads: its jurisdiction tables, whose division code core's `scopedRead`
 * scopes every read by; services give only their own conditions.
 */
export const { unitReads, assessmentReads, orderReads, cardReads, investigationReads, evaluationReads } = scopedTables({
  unitReads: safeUnits,
  assessmentReads: unitAssessments,
  orderReads: rectificationOrders,
  cardReads: yellowCards,
  investigationReads: investigations,
  evaluationReads: jurisdictionEvaluations,
});

import type { ScopedTable } from '@safecity/core';
import { investigations, jurisdictionEvaluations, rectificationOrders, safeUnits, unitAssessments, yellowCards } from './tables.js';

/**
 * Assessment's declared reads: each table and its jurisdiction column, named once. Core's
 * `scopedRead` applies the caller's jurisdiction from these; services give only their own
 * conditions.
 */
export const unitReads: ScopedTable<typeof safeUnits> = { table: safeUnits, jurisdiction: 'jurisdictionCode' };
export const assessmentReads: ScopedTable<typeof unitAssessments> = { table: unitAssessments, jurisdiction: 'jurisdictionCode' };
export const orderReads: ScopedTable<typeof rectificationOrders> = { table: rectificationOrders, jurisdiction: 'jurisdictionCode' };
export const cardReads: ScopedTable<typeof yellowCards> = { table: yellowCards, jurisdiction: 'jurisdictionCode' };
export const investigationReads: ScopedTable<typeof investigations> = { table: investigations, jurisdiction: 'jurisdictionCode' };
export const evaluationReads: ScopedTable<typeof jurisdictionEvaluations> = { table: jurisdictionEvaluations, jurisdiction: 'jurisdictionCode' };

import { jurisdictions } from '../tables.js';
import type { TableSpec } from './planner.js';

/** Core's declared reads: the jurisdiction tree, whose own code is its jurisdiction. */
export const jurisdictionReads: TableSpec = {
  table: jurisdictions,
  jurisdiction: 'code',
  relations: {
    children: { target: () => jurisdictionReads, kind: 'connection', on: [['code', 'parentCode']], orderBy: ['code'] },
  },
};

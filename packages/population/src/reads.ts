import { sql, type TableSpec } from '@safecity/core';
import { dwellings, persons, personTierHistory, residenceRegistrations, revisits } from './tables.js';

/**
 * Population's declared reads for core's planner (data/planner.ts): the tables, their jurisdiction
 * column and the relations a query may follow. The planner applies the caller's jurisdiction on
 * every level; the fields keep their resolvers and read what was planned.
 */

/**
 * Registration history, newest first: by the day registered, then by when it was recorded (a
 * change of residence ends one and opens the next on the same day), the id making it unique.
 */
const REGISTRATION_HISTORY_ORDER = ['registeredOn', 'createdAt', 'id'];

export const personReads: TableSpec = {
  table: persons,
  jurisdiction: 'jurisdictionCode',
  relations: {
    registrations: { target: () => registrationReads, kind: 'connection', on: [['id', 'personId']], orderBy: REGISTRATION_HISTORY_ORDER, direction: 'desc' },
    tierHistory: { target: () => tierChangeReads, kind: 'connection', on: [['id', 'personId']], orderBy: ['setAt', 'id'] },
  },
};

export const tierChangeReads: TableSpec = { table: personTierHistory, jurisdiction: 'jurisdictionCode' };

export const revisitReads: TableSpec = { table: revisits, jurisdiction: 'jurisdictionCode' };

export const registrationReads: TableSpec = {
  table: residenceRegistrations,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Null when the person now lives outside the caller's jurisdiction (the planner's scope).
    person: { target: () => personReads, kind: 'one', on: [['personId', 'id']], orderBy: ['id'] },
  },
};

/** Open registrations of one dwelling: far below this in practice; capacity is flagged, not enforced. */
export const CURRENT_TENANTS_CAP = 500;

export const dwellingReads: TableSpec = {
  table: dwellings,
  jurisdiction: 'jurisdictionCode',
  relations: {
    currentTenants: {
      target: () => registrationReads,
      kind: 'many',
      on: [['id', 'dwellingId']],
      where: (r) => sql`${r}.ended_on is null`,
      orderBy: ['registeredOn', 'id'],
      cap: CURRENT_TENANTS_CAP,
    },
    registrations: { target: () => registrationReads, kind: 'connection', on: [['id', 'dwellingId']], orderBy: REGISTRATION_HISTORY_ORDER, direction: 'desc' },
    lastVisit: { target: () => revisitReads, kind: 'one', on: [['id', 'dwellingId']], orderBy: ['visitedAt', 'id'], direction: 'desc' },
  },
};

import { jurisdictions, scopedTables, sql, type ScopedTable } from '@safecity/core';
import { dwellingClassHistory, dwellings, personDepartures, persons, personTierHistory, registrationImports, residenceRegistrations, revisits, revisitTenants } from './tables.js';

/**
 * Population's declared reads for core's planner (data/planner.ts) and for `scopedRead`
 * (data/scoped-reads.ts): the tables, their jurisdiction column and the relations a query may
 * follow. Both apply the caller's jurisdiction from this declaration, on every level; the services
 * give only their own conditions, and the fields keep their resolvers and read what was planned.
 */

/**
 * Registration history, newest first: by the day registered, then by when it was recorded (a
 * change of residence ends one and opens the next on the same day), the id making it unique.
 */
const REGISTRATION_HISTORY_ORDER = ['registeredOn', 'createdAt', 'id'];

export const personReads: ScopedTable<typeof persons> = {
  table: persons,
  jurisdiction: 'jurisdictionCode',
  // What the masked identifiers read (masked by default, decrypted when revealed with a purpose).
  // The ciphers only for a reveal (`purpose`): a masked page does not carry them.
  needs: {
    idNumber: (a) => (a.purpose ? ['idNumberMasked', 'idNumberCipher'] : ['idNumberMasked']),
    phone: (a) => (a.purpose ? ['phone', 'phoneMasked', 'phoneCipher'] : ['phone', 'phoneMasked']),
  },
  relations: {
    registrations: { target: () => registrationReads, kind: 'connection', on: [['id', 'personId']], orderBy: REGISTRATION_HISTORY_ORDER, direction: 'desc' },
    tierHistory: { target: () => tierChangeReads, kind: 'connection', on: [['id', 'personId']], orderBy: ['setAt', 'id'] },
  },
};

export const tierChangeReads: ScopedTable<typeof personTierHistory> = { table: personTierHistory, jurisdiction: 'jurisdictionCode' };

export const revisitReads: ScopedTable<typeof revisits> = {
  table: revisits,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // The tenants a visit found, by person (one row per person and visit: the primary key).
    tenants: { target: () => revisitTenantReads, kind: 'connection', on: [['id', 'revisitId']], orderBy: ['personId'] },
  },
};

export const revisitTenantReads: ScopedTable<typeof revisitTenants> = {
  table: revisitTenants,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Null when the person now lives outside the caller's jurisdiction (the planner's scope).
    person: { target: () => personReads, kind: 'one', on: [['personId', 'id']], orderBy: ['id'] },
  },
};

/** A dwelling's class changes, oldest first (the id orders changes recorded at one instant). */
export const classChangeReads: ScopedTable<typeof dwellingClassHistory> = { table: dwellingClassHistory, jurisdiction: 'jurisdictionCode' };

export const registrationReads: ScopedTable<typeof residenceRegistrations> = {
  table: residenceRegistrations,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // Null when the person now lives outside the caller's jurisdiction (the planner's scope).
    person: { target: () => personReads, kind: 'one', on: [['personId', 'id']], orderBy: ['id'] },
  },
};

/** Open registrations of one dwelling: far below this in practice; capacity is flagged, not enforced. */
export const CURRENT_TENANTS_CAP = 500;

export const dwellingReads: ScopedTable<typeof dwellings> = {
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
    classHistory: { target: () => classChangeReads, kind: 'connection', on: [['id', 'dwellingId']], orderBy: ['setAt', 'id'] },
  },
};

/** Tables read only as rows (no planned relations). */
export const { departureReads, importJobReads } = scopedTables({
  departureReads: personDepartures,
  importJobReads: registrationImports,
});

/**
 * Divisions by their own code (core's table): a dashboard names the node and the children the
 * caller may see.
 */
export const divisionReads: ScopedTable<typeof jurisdictions> = { table: jurisdictions, jurisdiction: 'code' };

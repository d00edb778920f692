import { sql, type RelationSpec, type ScopedTable, type TableSpec } from '@safecity/core';
import { creditListDecisions, creditListEntries, creditRecords, creditRepairRequests, creditSubjects } from './tables.js';

/**
 * Credit's declared reads for core's planner (data/planner.ts): the tables, their jurisdiction
 * column and the relations a read may follow. The planner applies the caller's jurisdiction on
 * every level.
 */
export const entryReads: ScopedTable<typeof creditListEntries> = {
  table: creditListEntries,
  jurisdiction: 'jurisdictionCode',
  relations: {
    // An entry's history grows (each refused repair adds a decision): pages, oldest first.
    decisions: { target: () => decisionReads, kind: 'connection', on: [['id', 'entryId']], orderBy: ['decidedAt', 'id'] },
  },
};

/** A decision has no division code of its own: it is in the caller's scope when its entry is. */
export const decisionReads: TableSpec = { table: creditListDecisions, scopedThrough: { owner: () => entryReads, on: ['entryId', 'id'] } };

export const repairReads: ScopedTable<typeof creditRepairRequests> = { table: creditRepairRequests, jurisdiction: 'jurisdictionCode' };

/**
 * An entry's repair requests, oldest first. Not a planned relation of the entry: a request is
 * answered with its decision, which a loader adds to each page.
 */
export const entryRepairs: RelationSpec = { target: () => repairReads, kind: 'connection', on: [['id', 'entryId']], orderBy: ['requestedAt', 'id'] };

/**
 * A subject's entries, newest start first (the order of the entry lists). Not one of the
 * subject's planned relations: an entry is answered with its status on a day, which the entry
 * loader derives, so the page gives the keys and the loader the entries.
 */
export const subjectEntries: RelationSpec = { target: () => entryReads, kind: 'connection', on: [['id', 'subjectId']], orderBy: ['startDate', 'id'], direction: 'desc' };

/**
 * A subject has at most one open entry per list (red, black: a new proposal is refused while one
 * is open), so its active entries are far below this; the cap only bounds the list.
 */
export const ACTIVE_ENTRIES_CAP = 100;

/**
 * The entries of a subject in force on the day given as the placeholder `asOf` (rules.entryStatus
 * = active): approved on or before the day (an entry has at most one verdict, so no rejection), not
 * lifted by then, started, and not yet ended. The decisions only decide which entries count; the
 * entries are what is returned. The day is a placeholder, so the planner keeps one statement for
 * every day (planRows' `values`).
 */
export const activeEntries: RelationSpec = {
  target: () => entryReads,
  kind: 'many',
  on: [['id', 'subjectId']],
  orderBy: ['startDate', 'id'],
  cap: ACTIVE_ENTRIES_CAP,
  where: (e) => {
    const day = sql`${sql.placeholder('asOf')}::date`;
    return sql`${e}.start_date <= ${day} and (${e}.end_date is null or ${e}.end_date > ${day})
      and exists (select 1 from credit_list_decisions d where d.entry_id = ${e}.id and d.action = 'approve' and d.effective_date <= ${day})
      and not exists (select 1 from credit_list_decisions d where d.entry_id = ${e}.id and d.action = 'lift' and d.effective_date <= ${day})`;
  },
};

/**
 * A subject's records are read as its own, whatever jurisdiction each was recorded in (the subject
 * is the scoped row), so this spec declares none: the same as before the records were paged.
 */
export const recordReads: TableSpec = { table: creditRecords };

export const subjectReads: ScopedTable<typeof creditSubjects> = {
  table: creditSubjects,
  jurisdiction: 'jurisdictionCode',
  relations: {
    records: { target: () => recordReads, kind: 'connection', on: [['id', 'subjectId']], orderBy: ['date', 'id'], direction: 'desc' },
  },
};

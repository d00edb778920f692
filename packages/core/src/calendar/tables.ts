import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { HolidayBlock } from './rules.js';

/**
 * The official holiday arrangement of each year (the State Council's notice), as append-only
 * versions: a corrected notice is a new version with a reason, the one with the highest
 * version is in force. A trigger refuses UPDATE and DELETE.
 */
export const holidayArrangements = pgTable(
  'holiday_arrangements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    holidays: jsonb('holidays').$type<HolidayBlock[]>().notNull(),
    makeUpWorkdays: jsonb('make_up_workdays').$type<string[]>().notNull(),
    /** `notice` (loaded by an administrator) or the package it was seeded from. */
    source: text('source').notNull(),
    /** The notice's document number, e.g. 国办发明电〔2025〕7号. */
    noticeRef: text('notice_ref'),
    /** Why a version replaces the one before. */
    reason: text('reason'),
    loadedBy: text('loaded_by').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('holiday_arrangements_year_version_uq').on(t.year, t.version)],
);

export const calendarTables = { holidayArrangements };

import { z } from 'zod';
import type { Builder } from '../builder.js';
import { chinaDateOf, daysBetween } from '../china-day.js';
import { FESTIVAL_LABELS, FESTIVALS, type HolidayBlock } from './rules.js';
import { calendarCoverageOf, listHolidayArrangements, loadHolidayArrangement, type ArrangementRow } from './service.js';

export const CALENDAR_MANAGE = 'calendar:manage';

/** The official holiday calendar: read by every signed-in caller, loaded by the city administrator. */
export function registerCalendarSchema(builder: Builder) {
  const FestivalEnum = builder.enumType('Festival', {
    description: 'A statutory festival of the State Council’s holiday notice (special: a one-off holiday).',
    values: Object.fromEntries(FESTIVALS.map((f) => [f, { value: f, description: FESTIVAL_LABELS[f] }])),
  });

  const Block = builder.objectRef<HolidayBlock>('HolidayBlock').implement({
    description: 'Consecutive days off (放假调休) for one or more festivals.',
    fields: (t) => ({
      festivals: t.field({ type: [FestivalEnum], description: 'The festivals the block is for (usually one; two when they fall together).', resolve: (b) => b.festivals }),
      name: t.string({ description: "The festivals' Chinese names joined with 、 (e.g. 中秋节、国庆节).", resolve: (b) => b.festivals.map((f) => FESTIVAL_LABELS[f]).join('、') }),
      start: t.field({ type: 'Date', description: 'First day off.', resolve: (b) => b.start }),
      end: t.field({ type: 'Date', description: 'Last day off (inclusive).', resolve: (b) => b.end }),
      days: t.int({ description: 'Days off in the block, start and end included.', resolve: (b) => daysBetween(b.start, b.end) + 1 }),
    }),
  });

  const Arrangement = builder.objectRef<ArrangementRow>('HolidayArrangement').implement({
    description: 'One version of a year’s official holiday arrangement; the highest version is in force.',
    fields: (t) => ({
      year: t.exposeInt('year', { description: 'The calendar year it covers.' }),
      version: t.exposeInt('version', { description: 'Version within the year, from 1; a replacement adds one.' }),
      holidays: t.field({ type: [Block], description: 'The blocks of days off (放假) of the year.', resolve: (r) => r.holidays }),
      makeUpWorkdays: t.field({ type: ['Date'], description: 'Saturdays and Sundays that are working days (调休上班).', resolve: (r) => r.makeUpWorkdays }),
      source: t.exposeString('source', { description: '`notice` when loaded by an administrator, else the package it was seeded from.' }),
      noticeRef: t.exposeString('noticeRef', { nullable: true, description: 'Reference of the State Council notice (e.g. 国办发明电〔2025〕7号); null when not given.' }),
      reason: t.exposeString('reason', { nullable: true, description: 'Why this version replaced the previous one; null for a first version.' }),
      loadedBy: t.exposeString('loadedBy', { description: 'Subject id of who loaded it (`system` when seeded).' }),
      loadedAt: t.field({ type: 'DateTime', description: 'When it was loaded.', resolve: (r) => r.loadedAt }),
    }),
  });

  const Coverage = builder.objectRef<Awaited<ReturnType<typeof calendarCoverageOf>>>('HolidayCalendarCoverage').implement({
    description: 'How far the loaded official calendar reaches: working-day deadlines beyond it are refused.',
    fields: (t) => ({
      loadedThrough: t.field({
        type: 'Date',
        nullable: true,
        description: 'The last day of the last year loaded without a gap from this year; null when this year is not loaded.',
        resolve: (c) => c.loadedThrough,
      }),
      daysLeft: t.exposeInt('daysLeft', { nullable: true, description: 'Days from today to loadedThrough (0 on that day); null when this year is not loaded.' }),
      status: t.exposeString('status', { description: '`degraded` within 60 days of the end of the loaded years.' }),
      detail: t.exposeString('detail', { description: 'A sentence for people: what is loaded and, when degraded, what to load.' }),
    }),
  });

  const BlockInput = builder.inputType('HolidayBlockInput', {
    description: 'One block of consecutive days off as the notice gives it.',
    fields: (t) => ({
      festivals: t.field({ type: [FestivalEnum], required: true, description: 'The festivals the block is for.' }),
      start: t.field({ type: 'Date', required: true, description: 'First day off.' }),
      end: t.field({ type: 'Date', required: true, description: 'Last day off (inclusive).' }),
    }),
  });

  builder.queryFields((t) => ({
    holidayArrangements: t.field({
      type: [Arrangement],
      description: 'The loaded years of the official holiday calendar (the version in force of each; every version with allVersions).',
      args: {
        year: t.arg.int({ description: 'Only this year; none: every loaded year.' }),
        allVersions: t.arg.boolean({ description: 'True: every version, oldest first, not only the one in force.' }),
      },
      resolve: (_r, a, ctx) => listHolidayArrangements(ctx, a),
    }),
    holidayCalendarCoverage: t.field({
      type: Coverage,
      description: 'How far the loaded years reach from today (China time).',
      resolve: (_r, _a, ctx) => calendarCoverageOf(ctx, chinaDateOf(ctx.now())),
    }),
  }));

  builder.mutationFields((t) => ({
    loadHolidayArrangement: t.field({
      type: Arrangement,
      description:
        'Loads a year’s official holiday arrangement (the State Council’s notice). Inconsistent days are refused with CORE_CALENDAR_ARRANGEMENT_INVALID and every problem in details; a loaded year is replaced only with replacesVersion and a reason. Errors: CORE_CALENDAR_ARRANGEMENT_INVALID, CORE_CALENDAR_YEAR_LOADED, CORE_VERSION_CONFLICT, CORE_INPUT_INVALID, CORE_IDEMPOTENCY_KEY_REUSED.',
      errors: {},
      authScopes: { permission: CALENDAR_MANAGE },
      args: {
        year: t.arg.int({ required: true, description: 'The year the notice covers.' }),
        holidays: t.arg({ type: [BlockInput], required: true, description: 'Every block of days off of the year (each statutory festival once).' }),
        makeUpWorkdays: t.arg({ type: ['Date'], required: true, description: 'The Saturdays and Sundays that are working days (调休上班).' }),
        noticeRef: t.arg.string({ description: 'Reference of the State Council notice (at most 100 characters).', validate: z.string().trim().max(100) }),
        replacesVersion: t.arg.int({ description: 'To replace a loaded year: the version in force you read.' }),
        reason: t.arg.string({ description: 'Why the year is replaced (required with replacesVersion; at most 500 characters).', validate: z.string().max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) =>
        loadHolidayArrangement(ctx, { ...input, holidays: input.holidays.map((b) => ({ festivals: b.festivals, start: b.start, end: b.end })) }, idempotencyKey as string | null),
    }),
  }));
}

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
      festivals: t.field({ type: [FestivalEnum], resolve: (b) => b.festivals }),
      name: t.string({ resolve: (b) => b.festivals.map((f) => FESTIVAL_LABELS[f]).join('、') }),
      start: t.field({ type: 'Date', resolve: (b) => b.start }),
      end: t.field({ type: 'Date', resolve: (b) => b.end }),
      days: t.int({ resolve: (b) => daysBetween(b.start, b.end) + 1 }),
    }),
  });

  const Arrangement = builder.objectRef<ArrangementRow>('HolidayArrangement').implement({
    description: 'One version of a year’s official holiday arrangement; the highest version is in force.',
    fields: (t) => ({
      year: t.exposeInt('year'),
      version: t.exposeInt('version'),
      holidays: t.field({ type: [Block], resolve: (r) => r.holidays }),
      makeUpWorkdays: t.field({ type: ['Date'], description: 'Saturdays and Sundays that are working days (调休上班).', resolve: (r) => r.makeUpWorkdays }),
      source: t.exposeString('source', { description: '`notice` when loaded by an administrator, else the package it was seeded from.' }),
      noticeRef: t.exposeString('noticeRef', { nullable: true }),
      reason: t.exposeString('reason', { nullable: true }),
      loadedBy: t.exposeString('loadedBy'),
      loadedAt: t.field({ type: 'DateTime', resolve: (r) => r.loadedAt }),
    }),
  });

  const Coverage = builder.objectRef<Awaited<ReturnType<typeof calendarCoverageOf>>>('HolidayCalendarCoverage').implement({
    fields: (t) => ({
      loadedThrough: t.field({ type: 'Date', nullable: true, resolve: (c) => c.loadedThrough }),
      daysLeft: t.exposeInt('daysLeft', { nullable: true }),
      status: t.exposeString('status', { description: '`degraded` within 60 days of the end of the loaded years.' }),
      detail: t.exposeString('detail'),
    }),
  });

  const BlockInput = builder.inputType('HolidayBlockInput', {
    fields: (t) => ({
      festivals: t.field({ type: [FestivalEnum], required: true }),
      start: t.field({ type: 'Date', required: true }),
      end: t.field({ type: 'Date', required: true }),
    }),
  });

  builder.queryFields((t) => ({
    holidayArrangements: t.field({
      type: [Arrangement],
      description: 'The loaded years of the official holiday calendar (the version in force of each; every version with allVersions).',
      args: { year: t.arg.int(), allVersions: t.arg.boolean() },
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
        'Loads a year’s official holiday arrangement (the State Council’s notice). Inconsistent days are refused with CORE_CALENDAR_ARRANGEMENT_INVALID and every problem in details; a loaded year is replaced only with replacesVersion and a reason.',
      errors: {},
      authScopes: { permission: CALENDAR_MANAGE },
      args: {
        year: t.arg.int({ required: true }),
        holidays: t.arg({ type: [BlockInput], required: true }),
        makeUpWorkdays: t.arg({ type: ['Date'], required: true }),
        noticeRef: t.arg.string({ validate: z.string().trim().max(100) }),
        replacesVersion: t.arg.int(),
        reason: t.arg.string({ validate: z.string().max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) =>
        loadHolidayArrangement(ctx, { ...input, holidays: input.holidays.map((b) => ({ festivals: b.festivals, start: b.start, end: b.end })) }, idempotencyKey as string | null),
    }),
  }));
}

import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  arrangementProblems,
  calendarCoverage,
  DomainError,
  holidayCalendar,
  isWorkingDay,
  packageArrangement,
  PACKAGE_YEARS,
  STATUTORY_FESTIVALS,
  type YearArrangement,
} from '@safecity/core';
import { addDays } from '../src/china-day.js';
import { FICTIONAL_2027 } from './fixtures/calendar.js';

const packageYears = Array.from({ length: PACKAGE_YEARS.to - PACKAGE_YEARS.from + 1 }, (_, i) => packageArrangement(PACKAGE_YEARS.from + i));
const through2026 = holidayCalendar(packageYears);
const through2027 = holidayCalendar([...packageYears, FICTIONAL_2027]);

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? { code: e.code, details: e.details } : String(e);
  }
};

describe('deadlines across 2026-12-31 → 2027', () => {
  it.each([
    // from, working days, deadline with the fictional 2027 loaded
    ['2026-12-30', 1, '2026-12-31'],
    ['2026-12-30', 2, '2027-01-04'], // 01-01..01-03 off: never New Year's Day
    ['2026-12-31', 1, '2027-01-04'],
    ['2026-12-28', 5, '2027-01-05'],
    ['2026-12-30', 15, '2027-01-21'],
    ['2027-02-04', 1, '2027-02-15'], // Spring Festival block 02-05..02-13
    ['2027-02-19', 1, '2027-02-20'], // make-up Saturday counts
  ])('%s + %i working days = %s with 2027 loaded', (from, n, deadline) => {
    expect(addWorkingDays(through2027, from, n)).toBe(deadline);
  });

  it.each([
    ['2026-12-30', 2],
    ['2026-12-31', 1],
    ['2026-12-17', 15],
  ])('%s + %i working days without 2027 loaded: CORE_CALENDAR_NOT_LOADED, not a guess', (from, n) => {
    expect(codeOf(() => addWorkingDays(through2026, from, n))).toEqual({ code: 'CORE_CALENDAR_NOT_LOADED', details: { year: 2027 } });
  });

  it('a deadline that ends inside 2026 needs no 2027', () => {
    expect(addWorkingDays(through2026, '2026-12-28', 3)).toBe('2026-12-31');
  });

  it('isWorkingDay of a year not loaded is refused (the package said 2027-01-01 was a workday)', () => {
    expect(codeOf(() => isWorkingDay(through2026, '2027-01-01'))).toMatchObject({ code: 'CORE_CALENDAR_NOT_LOADED' });
    expect(isWorkingDay(through2027, '2027-01-01')).toBe(false);
  });
});

describe('statutory holidays are never working days in a loaded year', () => {
  // Dates fixed by the calendar (元旦, 劳动节, 国庆节 1–3) and the lunar/solar-term festival days of
  // recent years, written down independently of the package.
  const festivalDays: [string, string][] = [];
  for (let y = 2008; y <= 2026; y++) for (const md of ['01-01', '05-01', '10-01', '10-02', '10-03']) festivalDays.push([`${y}-${md}`, md]);
  festivalDays.push(
    ['2024-02-10', 'Spring Festival'],
    ['2024-04-04', 'Qingming'],
    ['2024-06-10', 'Dragon Boat'],
    ['2024-09-17', 'Mid-Autumn'],
    ['2025-01-29', 'Spring Festival'],
    ['2025-04-04', 'Qingming'],
    ['2025-05-31', 'Dragon Boat'],
    ['2025-10-06', 'Mid-Autumn'],
    ['2026-02-17', 'Spring Festival'],
    ['2026-04-05', 'Qingming'],
    ['2026-06-19', 'Dragon Boat'],
    ['2026-09-25', 'Mid-Autumn'],
  );
  it.each(festivalDays)('%s (%s) is not a working day', (day) => {
    expect(isWorkingDay(through2027, day)).toBe(false);
  });

  it('every day of every holiday block of every loaded year is a day off, every make-up day a working day', () => {
    for (const a of [...packageYears, FICTIONAL_2027]) {
      for (const b of a.holidays) for (let d = b.start; d <= b.end; d = addDays(d, 1)) expect(isWorkingDay(through2027, d), `${d} (${b.festivals})`).toBe(false);
      for (const d of a.makeUpWorkdays) expect(isWorkingDay(through2027, d), d).toBe(true);
    }
  });

  it('the package years pass the structural checks; the 2027 fixture, as a new notice, names all seven festivals', () => {
    for (const a of packageYears) expect(arrangementProblems(a), String(a.year)).toEqual([]);
    expect(arrangementProblems(FICTIONAL_2027, { complete: true })).toEqual([]);
    for (const f of STATUTORY_FESTIVALS)
      expect(
        FICTIONAL_2027.holidays.some((b) => b.festivals.includes(f)),
        f,
      ).toBe(true);
  });

  it('2025: National Day and Mid-Autumn share one block; the make-up Sunday and Saturday count', () => {
    const a = packageArrangement(2025);
    expect(a.holidays.find((b) => b.start === '2025-10-01')).toEqual({ festivals: ['national_day', 'mid_autumn'], start: '2025-10-01', end: '2025-10-08' });
    expect(a.makeUpWorkdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
  });
});

describe('an inconsistent arrangement is refused', () => {
  const base = FICTIONAL_2027;
  const withBlock = (i: number, patch: object): YearArrangement => ({ ...base, holidays: base.holidays.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
  it.each<[string, YearArrangement, string, string]>([
    ['a block outside the year', withBlock(0, { start: '2026-12-31' }), 'DATE_OUTSIDE_YEAR', 'holidays.0.start'],
    ['a block ending before it starts', withBlock(2, { start: '2027-04-05', end: '2027-04-03' }), 'BLOCK_REVERSED', 'holidays.2.end'],
    ['a block of 40 days', withBlock(1, { end: '2027-03-16' }), 'BLOCK_TOO_LONG', 'holidays.1.end'],
    ['a day that does not exist', withBlock(1, { end: '2027-02-30' }), 'DATE_INVALID', 'holidays.1.end'],
    ['a block naming no festival', withBlock(4, { festivals: [] }), 'FESTIVAL_NONE', 'holidays.4.festivals'],
    ['a festival given twice', withBlock(4, { festivals: ['mid_autumn'] }), 'FESTIVAL_TWICE', 'holidays.5.festivals'],
    ['a statutory festival missing', { ...base, holidays: base.holidays.filter((b) => !b.festivals.includes('qingming')) }, 'FESTIVAL_MISSING', 'holidays'],
    ['overlapping blocks (a day twice)', withBlock(5, { start: '2027-09-30', end: '2027-10-01' }), 'DAY_TWICE', 'holidays.6'],
    ['a make-up day on a weekday', { ...base, makeUpWorkdays: ['2027-02-18'] }, 'MAKE_UP_NOT_WEEKEND', 'makeUpWorkdays.0'],
    ['a make-up day inside a holiday', { ...base, makeUpWorkdays: ['2027-02-06'] }, 'MAKE_UP_IN_HOLIDAY', 'makeUpWorkdays.0'],
    ['a make-up day given twice', { ...base, makeUpWorkdays: ['2027-02-20', '2027-02-20'] }, 'DAY_TWICE', 'makeUpWorkdays.1'],
    ['a make-up day in another year', { ...base, makeUpWorkdays: ['2026-12-26'] }, 'DATE_OUTSIDE_YEAR', 'makeUpWorkdays.0'],
    ['a year out of range', { ...base, year: 1800 }, 'YEAR_INVALID', 'year'],
  ])('%s', (_n, arrangement, code, path) => {
    expect(arrangementProblems(arrangement, { complete: true })).toEqual(expect.arrayContaining([expect.objectContaining({ code, path })]));
  });

  it('the fixture itself is consistent', () => {
    expect(arrangementProblems(base, { complete: true })).toEqual([]);
  });
});

describe('coverage: degraded within 60 days of the end of the loaded years', () => {
  it.each<[string, number[], 'ok' | 'degraded', string | null, number | null]>([
    ['2026-11-28', [2025, 2026], 'degraded', '2026-12-31', 33],
    ['2026-11-01', [2025, 2026], 'degraded', '2026-12-31', 60],
    ['2026-10-31', [2025, 2026], 'ok', '2026-12-31', 61],
    ['2026-11-28', [2025, 2026, 2027], 'ok', '2027-12-31', 398],
    ['2026-11-28', [2026, 2028], 'degraded', '2026-12-31', 33],
    ['2027-01-02', [2025, 2026], 'degraded', null, null],
  ])('on %s with %j loaded: %s', (today, years, status, loadedThrough, daysLeft) => {
    const c = calendarCoverage(years, today);
    expect(c).toMatchObject({ status, loadedThrough, daysLeft });
    if (status === 'degraded') expect(c.detail).toMatch(/not loaded|run out/);
  });
});

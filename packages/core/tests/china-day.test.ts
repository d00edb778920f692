import { describe, expect, it } from 'vitest';
import { addDays, chinaDateOf, daysBetween, endOfChinaDay, isIsoDate, isWeekend, weekdayOf, yearOf } from '../src/china-day.js';

describe('the China calendar-day helpers', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-02-30', false],
    ['2025-12-31', true],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-1-01', false],
    ['2025-01-01T00:00:00Z', false],
    ['', false],
    ['not a day', false],
  ] as const)('isIsoDate(%j) is %s', (s, valid) => {
    expect(isIsoDate(s)).toBe(valid);
  });

  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-06-15', 0, '2025-06-15'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2025-01-01', 365, '2026-01-01'],
    // No clock change anywhere: the days around Europe's and America's switches are 24 h apart.
    ['2025-03-29', 2, '2025-03-31'],
    ['2025-11-01', 2, '2025-11-03'],
  ] as const)('addDays(%s, %i) is %s', (day, n, result) => {
    expect(addDays(day, n)).toBe(result);
    expect(daysBetween(day, result)).toBe(n);
  });

  it.each([
    ['2025-01-01', '2025-12-31', 364],
    ['2024-01-01', '2024-12-31', 365],
    ['2025-03-10', '2025-03-01', -9],
    ['2025-03-01', '2025-03-01', 0],
  ] as const)('daysBetween(%s, %s) is %i', (from, to, n) => {
    expect(daysBetween(from, to)).toBe(n);
  });

  it.each([
    // China Standard Time is UTC+8 all year: the day turns at 16:00 UTC.
    ['2025-03-01T15:59:59.999Z', '2025-03-01'],
    ['2025-03-01T16:00:00.000Z', '2025-03-02'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'],
    ['2025-07-01T00:00:00+08:00', '2025-07-01'],
    ['2025-06-30T23:59:59+08:00', '2025-06-30'],
    ['2024-02-28T16:30:00Z', '2024-02-29'],
  ] as const)('chinaDateOf(%s) is %s', (instant, day) => {
    expect(chinaDateOf(new Date(instant))).toBe(day);
  });

  it.each([
    ['2025-03-01', '2025-03-01T16:00:00.000Z'],
    ['2024-12-31', '2024-12-31T16:00:00.000Z'],
    ['2024-02-29', '2024-02-29T16:00:00.000Z'],
  ] as const)('endOfChinaDay(%s) is %s, the first instant of the next China day', (day, end) => {
    expect(endOfChinaDay(day).toISOString()).toBe(end);
    expect(chinaDateOf(new Date(endOfChinaDay(day).getTime() - 1))).toBe(day);
    expect(chinaDateOf(endOfChinaDay(day))).toBe(addDays(day, 1));
  });

  it.each([
    ['2025-11-23', 0, true],
    ['2025-11-24', 1, false],
    ['2025-11-28', 5, false],
    ['2025-11-29', 6, true],
    ['2024-02-29', 4, false],
    ['2000-01-01', 6, true],
  ] as const)('%s is weekday %i (weekend: %s)', (day, weekday, weekend) => {
    expect(weekdayOf(day)).toBe(weekday);
    expect(isWeekend(day)).toBe(weekend);
  });

  it.each([
    ['2025-01-01', 2025],
    ['1999-12-31', 1999],
    ['0999-06-01', 999],
  ] as const)('yearOf(%s) is %i', (day, year) => {
    expect(yearOf(day)).toBe(year);
  });
});

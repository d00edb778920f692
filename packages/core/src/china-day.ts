/**
 * Calendar days in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD strings.
 * Date arithmetic on these strings never touches a time zone: one place for the China-day
 * rule that every module's deadlines, due dates and "today" share.
 */
export type IsoDate = string;

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar months, clamped to the month's last day (Nov 30 + 3 months = Feb 28/29), as PostgreSQL's `date + interval 'n months'`. */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const d = new Date(Date.UTC(year, month, Math.min(Number(date.slice(8, 10)), last)));
  // setUTCFullYear: Date.UTC reads years 0-99 as 1900-1999.
  d.setUTCFullYear(year);
  return d.toISOString().slice(0, 10);
}

/** Whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: IsoDate, n: number): IsoDate {
  return addMonths(date, 12 * n);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The calendar day of an instant in China Standard Time. */
export function chinaDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The first instant after the China calendar day `date` ends: "recorded on or before date". */
export function endOfChinaDay(date: IsoDate): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + DAY_MS);
}

/** 0 = Sunday … 6 = Saturday (the day of the week does not depend on the time zone of a calendar day). */
export function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export const isWeekend = (date: IsoDate) => weekdayOf(date) === 0 || weekdayOf(date) === 6;

export const yearOf = (date: IsoDate) => Number(date.slice(0, 4));

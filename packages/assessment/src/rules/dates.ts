/** Calendar days as YYYY-MM-DD strings: no time zones in date arithmetic. */
export type IsoDate = string;

const DAY_MS = 86_400_000;

export function addDays(date: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The calendar day of an instant in China Standard Time (UTC+8, no daylight saving). */
export function chinaDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The first instant after the China calendar day `date` ends: "recorded on or before date". */
export function endOfChinaDay(date: IsoDate): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + DAY_MS);
}

export const within = (date: IsoDate, start: IsoDate, end: IsoDate) => date >= start && date <= end;

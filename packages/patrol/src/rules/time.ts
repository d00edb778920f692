/**
 * Calendar days of the patrol rules are days in China Standard Time (Asia/Shanghai, UTC+8,
 * no daylight saving since 1991), whatever the server's time zone. The day of an instant and
 * day arithmetic are core's (chinaDateOf, addDays).
 */
import { addDays } from '@safecity/core';
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface Interval {
  start: Date;
  end: Date;
}

/** The instant a Shanghai calendar day starts (00:00 +08:00), plus `hours`. */
export function shanghaiTime(day: string, hours = 0): Date {
  if (!DATE.test(day)) throw new Error(`not a date: ${day}`);
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + hours * 3_600_000);
}

/** The days from `from` to `to`, both included. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Hour of the week in Shanghai time: weekday 0 = Monday … 6 = Sunday, hour 0-23. */
export function shanghaiWeekHour(at: Date): { weekday: number; hour: number } {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { weekday: (local.getUTCDay() + 6) % 7, hour: local.getUTCHours() };
}

/** The same instant one calendar year earlier (29 Feb falls back to 28 Feb). */
export function oneYearEarlier(at: Date): Date {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const y = d.getUTCFullYear() - 1;
  const m = d.getUTCMonth();
  const day = Math.min(d.getUTCDate(), new Date(Date.UTC(y, m + 1, 0)).getUTCDate());
  return new Date(Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) - SHANGHAI_OFFSET_MS);
}

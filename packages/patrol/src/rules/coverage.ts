import type { Interval } from './time.js';

const MINUTE = 60_000;

export interface Gap {
  start: Date;
  end: Date;
  minutes: number;
}

/** Sorts and merges overlapping or touching intervals. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start.getTime() <= last.end.getTime()) {
      if (i.end > last.end) last.end = new Date(i.end);
    } else out.push({ start: new Date(i.start), end: new Date(i.end) });
  }
  return out;
}

/** Milliseconds of `window` covered by the union of `intervals`. */
export function coveredMs(intervals: readonly Interval[], window: Interval): number {
  let ms = 0;
  for (const i of mergeIntervals(intervals)) {
    const s = Math.max(i.start.getTime(), window.start.getTime());
    const e = Math.min(i.end.getTime(), window.end.getTime());
    if (e > s) ms += e - s;
  }
  return ms;
}

/**
 * The minutes of `window` with nobody on duty, as maximal intervals: a gap that runs over
 * midnight is one interval, not two. Duty is counted per whole minute: a log covering any
 * part of a minute covers that minute.
 */
export function coverageGaps(duty: readonly Interval[], window: Interval): Gap[] {
  const floor = (d: Date) => new Date(Math.floor(d.getTime() / MINUTE) * MINUTE);
  const ceil = (d: Date) => new Date(Math.ceil(d.getTime() / MINUTE) * MINUTE);
  const merged = mergeIntervals(duty.map((i) => ({ start: floor(i.start), end: ceil(i.end) })));
  const gaps: Gap[] = [];
  let cursor = window.start.getTime();
  const end = window.end.getTime();
  const push = (s: number, e: number) => {
    if (e > s) gaps.push({ start: new Date(s), end: new Date(e), minutes: Math.round((e - s) / MINUTE) });
  };
  for (const i of merged) {
    if (i.end.getTime() <= cursor) continue;
    if (i.start.getTime() >= end) break;
    push(cursor, Math.min(i.start.getTime(), end));
    cursor = Math.max(cursor, i.end.getTime());
    if (cursor >= end) break;
  }
  push(cursor, end);
  return gaps;
}

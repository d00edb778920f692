/** Baotou's "300-second response circle" (鹿城300秒出警圈, seed 002). */
export const RESPONSE_LIMIT_SECONDS = 300;

export interface ResponseShare {
  total: number;
  reachedWithin: number;
  /** reachedWithin / total; null without alerts. An alert nobody reached counts as not reached. */
  share: number | null;
}

/** Seconds from the alert to arrival at the scene, or null when nobody arrived. */
export function responseSeconds(a: { occurredAt: Date; arrivedAt: Date | null }): number | null {
  return a.arrivedAt ? (a.arrivedAt.getTime() - a.occurredAt.getTime()) / 1000 : null;
}

/** Arriving exactly at the limit counts as within it. */
export function responseShare(alerts: readonly { occurredAt: Date; arrivedAt: Date | null }[], limitSeconds = RESPONSE_LIMIT_SECONDS): ResponseShare {
  const reachedWithin = alerts.filter((a) => {
    const s = responseSeconds(a);
    return s != null && s <= limitSeconds;
  }).length;
  return { total: alerts.length, reachedWithin, share: alerts.length ? reachedWithin / alerts.length : null };
}

export interface YearOnYear {
  type: string;
  current: number;
  previous: number;
  /** (current − previous) / previous, e.g. −0.121 for "down 12.1%"; null when previous is 0. */
  change: number | null;
}

/** Year-on-year change (同比) per type, types in name order, plus the total under type 'all'. */
export function yearOnYear(current: readonly { type: string }[], previous: readonly { type: string }[]): YearOnYear[] {
  const count = (rows: readonly { type: string }[]) => rows.reduce((m, r) => m.set(r.type, (m.get(r.type) ?? 0) + 1), new Map<string, number>());
  const cur = count(current);
  const prev = count(previous);
  const types = [...new Set([...cur.keys(), ...prev.keys()])].sort();
  const row = (type: string, c: number, p: number): YearOnYear => ({ type, current: c, previous: p, change: p === 0 ? null : (c - p) / p });
  return [...types.map((t) => row(t, cur.get(t) ?? 0, prev.get(t) ?? 0)), row('all', current.length, previous.length)];
}

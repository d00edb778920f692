/** A rate as auditors read it: both counts, and the ratio (null when nothing was screened). */
export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator rounded to four decimals (0.9462), null when the denominator is 0. */
  value: number | null;
  /** The same as a percentage with two decimals ("94.62%"), as the reports print it. */
  percent: string | null;
}

/** The resolution rate (化解率, 调处成功率): disputes resolved / disputes screened. */
export function resolutionRate(resolved: number, screened: number): Rate {
  if (screened <= 0) return { numerator: resolved, denominator: screened, value: null, percent: null };
  const basisPoints = Math.round((resolved * 10_000) / screened);
  return { numerator: resolved, denominator: screened, value: basisPoints / 10_000, percent: `${(basisPoints / 100).toFixed(2)}%` };
}

/** YYYY, YYYY-Qn or YYYY-MM → its first and last day; null when malformed. */
export function periodRange(period: string): { start: string; end: string } | null {
  let m = /^(\d{4})$/.exec(period);
  if (m) return { start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) {
    const q = Number(m[2]);
    return { start: `${m[1]}-${String(q * 3 - 2).padStart(2, '0')}-01`, end: lastDay(Number(m[1]), q * 3) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) return { start: `${m[1]}-${m[2]}-01`, end: lastDay(Number(m[1]), Number(m[2])) };
  return null;
}

function lastDay(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return d.toISOString().slice(0, 10);
}

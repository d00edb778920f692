/**
 * Safe-unit standards (考评标准): scored items with maximum points, deduction rules with
 * per-item caps, and a pass mark. A standard version is data; scoring is a pure function.
 */
export interface DeductionRule {
  code: string;
  description: string;
  /** Points deducted per occurrence. */
  points: number;
}

export interface StandardItem {
  code: string;
  name: string;
  maxPoints: number;
  deductions: DeductionRule[];
  /** The most an item can lose through deductions (defaults to its maximum points). */
  cap?: number | null;
}

export interface StandardSpec {
  items: StandardItem[];
  passMark: number;
}

export interface ItemScoreInput {
  itemCode: string;
  /** Points awarded directly, 0..maxPoints; or leave out and give deductions. */
  points?: number | null;
  deductions?: { code: string; count: number }[] | null;
}

export interface ScoredItem {
  itemCode: string;
  name: string;
  maxPoints: number;
  points: number;
  deducted: number;
  deductions: { code: string; count: number; points: number }[];
}

export type ScoreResult = { ok: true; items: ScoredItem[]; total: number; passMark: number; passed: boolean } | { ok: false; problems: string[] };

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Problems with a standard itself (checked when a version is published). */
export function standardProblems(spec: StandardSpec): string[] {
  const problems: string[] = [];
  if (spec.items.length === 0) problems.push('a standard has at least one item');
  const codes = new Set<string>();
  for (const item of spec.items) {
    if (codes.has(item.code)) problems.push(`item ${item.code} is listed twice`);
    codes.add(item.code);
    if (!(item.maxPoints > 0)) problems.push(`item ${item.code}: maximum points must be positive`);
    if (item.cap != null && (item.cap < 0 || item.cap > item.maxPoints)) problems.push(`item ${item.code}: the deduction cap lies between 0 and the maximum points`);
    for (const d of item.deductions) if (!(d.points > 0)) problems.push(`item ${item.code}, deduction ${d.code}: points must be positive`);
  }
  const max = spec.items.reduce((s, i) => s + i.maxPoints, 0);
  if (!(spec.passMark > 0 && spec.passMark <= max)) problems.push(`the pass mark lies between 0 and the total of ${max} points`);
  return problems;
}

/** Scores every item of the standard; every item must be scored exactly once. */
export function scoreAssessment(spec: StandardSpec, input: ItemScoreInput[]): ScoreResult {
  const problems: string[] = [];
  const byCode = new Map(input.map((i) => [i.itemCode, i]));
  if (byCode.size !== input.length) problems.push('an item is scored twice');
  for (const i of input) if (!spec.items.some((s) => s.code === i.itemCode)) problems.push(`item ${i.itemCode} is not in the standard`);
  const items: ScoredItem[] = [];
  for (const item of spec.items) {
    const given = byCode.get(item.code);
    if (!given) {
      problems.push(`item ${item.code} (${item.name}) is not scored`);
      continue;
    }
    if (given.points != null && given.deductions?.length) {
      problems.push(`item ${item.code}: give points or deductions, not both`);
      continue;
    }
    if (given.points != null) {
      if (given.points < 0 || given.points > item.maxPoints) {
        problems.push(`item ${item.code}: points lie between 0 and ${item.maxPoints}`);
        continue;
      }
      items.push({ itemCode: item.code, name: item.name, maxPoints: item.maxPoints, points: given.points, deducted: round2(item.maxPoints - given.points), deductions: [] });
      continue;
    }
    const applied: ScoredItem['deductions'] = [];
    let raw = 0;
    for (const d of given.deductions ?? []) {
      const rule = item.deductions.find((r) => r.code === d.code);
      if (!rule) {
        problems.push(`item ${item.code}: no deduction rule ${d.code}`);
        continue;
      }
      if (!Number.isInteger(d.count) || d.count < 1) {
        problems.push(`item ${item.code}, deduction ${d.code}: the count is a positive integer`);
        continue;
      }
      applied.push({ code: d.code, count: d.count, points: round2(rule.points * d.count) });
      raw += rule.points * d.count;
    }
    const deducted = round2(Math.min(raw, item.cap ?? item.maxPoints));
    items.push({ itemCode: item.code, name: item.name, maxPoints: item.maxPoints, points: round2(item.maxPoints - deducted), deducted, deductions: applied });
  }
  if (problems.length) return { ok: false, problems };
  const total = round2(items.reduce((s, i) => s + i.points, 0));
  return { ok: true, items, total, passMark: spec.passMark, passed: total >= spec.passMark };
}

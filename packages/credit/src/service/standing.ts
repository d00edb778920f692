import { and } from 'drizzle-orm';
import { anyOf, inScope, type Ctx } from '@safecity/core';
import { CreditErrors } from '../errors.js';
import { standingOf, type ListType, type Measure, type Standing } from '../rules.js';
import { creditSubjects, type SubjectRow } from '../tables.js';
import { activeEntriesOf, type EntryView } from './entries.js';
import { today } from './subjects.js';

export const MAX_STANDING_CODES = 1000;

export interface CreditStandingView {
  creditCode: string;
  subject: SubjectRow | null;
  standing: Standing;
  activeEntries: EntryView[];
  measures: Measure[];
  asOf: string;
}

/**
 * Standing checks (联合奖惩) for many codes at once: two statements whatever the count
 * (the subjects, then their active entries with the status derived in SQL).
 */
export async function creditStandings(ctx: Ctx, codes: string[], asOf?: string | null): Promise<CreditStandingView[]> {
  if (codes.length > MAX_STANDING_CODES) throw CreditErrors.error('TOO_MANY_CODES', undefined, { field: 'codes', details: { max: MAX_STANDING_CODES, got: codes.length } });
  const day = asOf ?? today(ctx);
  const unique = [...new Set(codes)];
  const subjects = unique.length
    ? await ctx.db.select().from(creditSubjects).where(and(anyOf(creditSubjects.creditCode, unique), inScope(ctx, creditSubjects.jurisdictionCode)))
    : [];
  const active = await activeEntriesOf(ctx, subjects.map((s) => s.id), day);
  const byCode = new Map(subjects.map((s, i) => [s.creditCode, { subject: s, entries: active[i] }]));
  return codes.map((code) => {
    const hit = byCode.get(code);
    const { standing, measures } = standingOf(!!hit, (hit?.entries ?? []) as { listType: ListType }[]);
    return { creditCode: code, subject: hit?.subject ?? null, standing, activeEntries: hit?.entries ?? [], measures, asOf: day };
  });
}

export async function creditStanding(ctx: Ctx, code: string, asOf?: string | null): Promise<CreditStandingView> {
  const [s] = await creditStandings(ctx, [code], asOf);
  return s;
}

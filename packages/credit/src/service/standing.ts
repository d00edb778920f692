import { anyOf, isValidCreditCode, planRows, sql, type Ctx } from '@safecity/core';
import { CreditErrors } from '../errors.js';
import { standingOf, type ListType, type Measure, type Standing } from '../rules.js';
import { activeEntries, subjectReads } from '../reads.js';
import { creditSubjects, type EntryRow, type SubjectRow } from '../tables.js';
import type { EntryView } from './entries.js';
import { today } from './subjects.js';

export const MAX_STANDING_CODES = 1000;

/** What a standing needs of its subject: the answer says whether it is known and its name. */
export type StandingSubject = Pick<SubjectRow, 'id' | 'creditCode' | 'name'>;
const STANDING_SUBJECT_COLUMNS = ['id', 'creditCode', 'name'] as const satisfies readonly (keyof StandingSubject)[];
/** The subjects of the codes given as the placeholder `codes`: a constant, so the standing's statement is kept (planRows' `values`). */
const byCodes = () => anyOf(creditSubjects.creditCode, sql.placeholder('codes'));

export interface CreditStandingView {
  creditCode: string;
  subject: StandingSubject | null;
  standing: Standing;
  activeEntries: EntryView[];
  measures: Measure[];
  asOf: string;
}

/**
 * Standing checks (联合奖惩) for many codes at once: one statement whatever the count (the
 * subjects with their entries in force on the day, both inside the caller's jurisdiction).
 */
export async function creditStandings(ctx: Ctx, codes: string[], asOf?: string | null): Promise<CreditStandingView[]> {
  if (codes.length > MAX_STANDING_CODES) throw CreditErrors.error('TOO_MANY_CODES', undefined, { field: 'codes', details: { max: MAX_STANDING_CODES, got: codes.length } });
  const day = asOf ?? today(ctx);
  const unique = [...new Set(codes)];
  const found = unique.length
    ? await planRows<StandingSubject>(ctx, subjectReads, {
        where: byCodes,
        include: { activeEntries },
        values: { codes: unique, asOf: day },
        columns: STANDING_SUBJECT_COLUMNS,
        limit: unique.length,
        byKey: true,
      })
    : [];
  const byCode = new Map(
    found.map(({ row, included }) => [row.creditCode, { subject: row, entries: (included.activeEntries as EntryRow[]).map((e): EntryView => ({ ...e, status: 'active', asOf: day })) }]),
  );
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

/** How one code of a bulk check fared: a standing, or why there is none. */
export type CreditCodeCheckStatus = 'ok' | 'malformed' | 'not_found';

export interface CreditStandingCheckView {
  /** The code as asked (for a malformed one) or as normalised (trimmed, upper case). */
  code: string;
  status: CreditCodeCheckStatus;
  /** Null only for a malformed code. */
  standing: CreditStandingView | null;
}

/**
 * A code as the CreditCode scalar would read it (trimmed, upper case), or null when it is not a
 * GB 32100-2015 code: in a bulk check a malformed code is one answer, not a refusal of the batch.
 */
export function normalisedCreditCode(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  return isValidCreditCode(code) ? code : null;
}

/**
 * The bulk check a department runs before approvals: every code gets an answer, in the order
 * asked (malformed ones with status `malformed`), at the cost of `creditStandings` for the valid ones.
 */
export async function creditStandingChecks(ctx: Ctx, raw: string[], asOf?: string | null): Promise<CreditStandingCheckView[]> {
  if (raw.length > MAX_STANDING_CODES) throw CreditErrors.error('TOO_MANY_CODES', undefined, { field: 'codes', details: { max: MAX_STANDING_CODES, got: raw.length } });
  const codes = raw.map(normalisedCreditCode);
  const valid = codes.filter((c): c is string => c !== null);
  const standings = await creditStandings(ctx, valid, asOf);
  let next = 0;
  return codes.map((code, i) => {
    if (code === null) return { code: raw[i], status: 'malformed', standing: null };
    const standing = standings[next++];
    return { code, status: standing.subject ? 'ok' : 'not_found', standing };
  });
}

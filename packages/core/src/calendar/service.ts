import { asc, desc, eq, sql } from 'drizzle-orm';
import { chinaDateOf } from '../china-day.js';
import { assertVersion, loader, type Ctx, type Platform } from '../context.js';
import { CoreErrors } from '../errors.js';
import { runMutation } from '../mutation.js';
import type { ReadinessCheck } from '../readiness.js';
import { arrangementProblems, calendarCoverage, holidayCalendar, type HolidayBlock, type HolidayCalendar, type YearArrangement } from './rules.js';
import { holidayArrangements } from './tables.js';

export type ArrangementRow = typeof holidayArrangements.$inferSelect;

/** The version in force of every loaded year (one statement; a few dozen small rows). */
async function currentArrangements(db: Ctx['db']): Promise<ArrangementRow[]> {
  return db.selectDistinctOn([holidayArrangements.year]).from(holidayArrangements).orderBy(asc(holidayArrangements.year), desc(holidayArrangements.version));
}

export async function listHolidayArrangements(ctx: Ctx, filter: { year?: number | null; allVersions?: boolean | null } = {}): Promise<ArrangementRow[]> {
  if (filter.allVersions) {
    return ctx.db
      .select()
      .from(holidayArrangements)
      .where(filter.year != null ? eq(holidayArrangements.year, filter.year) : undefined)
      .orderBy(asc(holidayArrangements.year), asc(holidayArrangements.version));
  }
  const rows = await currentArrangements(ctx.db);
  return filter.year != null ? rows.filter((r) => r.year === filter.year) : rows;
}

/**
 * The official calendar for the rules (addWorkingDays, isWorkingDay), read once per request
 * (or transaction) however many deadlines it computes.
 */
export async function officialCalendar(ctx: Ctx): Promise<HolidayCalendar> {
  return loader<'all', HolidayCalendar>(ctx, 'core.calendar', async (keys) => {
    const rows = await currentArrangements(ctx.db);
    const cal = holidayCalendar(rows.map((r) => ({ year: r.year, holidays: r.holidays, makeUpWorkdays: r.makeUpWorkdays })));
    return keys.map(() => cal);
  }).load('all');
}

export interface LoadArrangementInput {
  year: number;
  holidays: HolidayBlock[];
  makeUpWorkdays: string[];
  noticeRef?: string | null;
  /** To replace a loaded year: the version you read, and why. */
  replacesVersion?: number | null;
  reason?: string | null;
}

/**
 * Loads a year's State Council notice. Refused with the problems listed (nothing written)
 * when the days are inconsistent; a loaded year is replaced only by naming its version and a reason.
 */
export async function loadHolidayArrangement(ctx: Ctx, input: LoadArrangementInput, idempotencyKey?: string | null): Promise<ArrangementRow> {
  const arrangement: YearArrangement = {
    year: input.year,
    holidays: input.holidays.map((b) => ({ festivals: [...new Set(b.festivals)], start: b.start, end: b.end })),
    makeUpWorkdays: [...input.makeUpWorkdays],
  };
  const problems = arrangementProblems(arrangement, { complete: true });
  if (problems.length) {
    throw CoreErrors.error('CALENDAR_ARRANGEMENT_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join(' '), { field: problems[0].path.split('.')[0], details: { problems } });
  }
  const reason = input.reason?.trim() || null;
  return runMutation(ctx, { operation: 'loadHolidayArrangement', idempotencyKey, input, system: !ctx.actor }, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`holiday_arrangements:${input.year}`}))`);
    const [current] = await tx.db.select().from(holidayArrangements).where(eq(holidayArrangements.year, input.year)).orderBy(desc(holidayArrangements.version)).limit(1);
    if (current && input.replacesVersion == null) {
      throw CoreErrors.error('CALENDAR_YEAR_LOADED', `${input.year} is loaded (version ${current.version}, ${current.source}); to replace it, send replacesVersion: ${current.version} and a reason.`, {
        field: 'replacesVersion',
        details: { currentVersion: current.version },
      });
    }
    if (input.replacesVersion != null) {
      assertVersion(current?.version ?? 0, input.replacesVersion, 'holiday arrangement');
      if (!reason) throw CoreErrors.error('INPUT_INVALID', 'Replacing a loaded year needs a reason.', { field: 'reason' });
    }
    const [row] = await tx.db
      .insert(holidayArrangements)
      .values({
        year: arrangement.year,
        version: (current?.version ?? 0) + 1,
        holidays: arrangement.holidays,
        makeUpWorkdays: [...arrangement.makeUpWorkdays].sort(),
        source: 'notice',
        noticeRef: input.noticeRef?.trim() || null,
        reason,
        loadedBy: tx.actor?.id ?? 'system',
        loadedAt: tx.now(),
      })
      .returning();
    tx.audit({ entityType: 'HolidayArrangement', entityId: String(row.year), jurisdictionCode: null, before: current ?? null, after: row });
    return row;
  });
}

export async function calendarCoverageOf(ctx: Pick<Ctx, 'db'>, today: string) {
  const rows = await ctx.db.selectDistinct({ year: holidayArrangements.year }).from(holidayArrangements);
  return calendarCoverage(
    rows.map((r) => r.year),
    today,
  );
}

/** `/readiness`: degraded (still serving) when the loaded years run out within 60 days. */
export const calendarReadiness: ReadinessCheck = {
  name: 'calendar',
  async check(platform: Platform) {
    const c = await calendarCoverageOf(platform.database, chinaDateOf(new Date()));
    return c.status === 'ok' ? { status: 'ok' } : { status: 'degraded', detail: c.detail };
  },
};

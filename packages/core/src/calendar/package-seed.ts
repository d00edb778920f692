import chineseDays from 'chinese-days';
import { addDays, isWeekend } from '../china-day.js';
import type { Festival, HolidayBlock, YearArrangement } from './rules.js';

/**
 * The years the chinese-days package knows (2004–2026 in 1.5.7), as arrangements: seeded once
 * per year by migrate, so a fresh database (and every test database) has a calendar. Newer
 * years come from the State Council's notice, loaded by an administrator.
 */
export const CALENDAR_PACKAGE = 'chinese-days 1.5.7';
export const PACKAGE_YEARS = { from: 2004, to: 2026 };

const FESTIVAL_OF_NAME: Record<string, Festival> = {
  "New Year's Day": 'new_year',
  'Spring Festival': 'spring_festival',
  'Tomb-sweeping Day': 'qingming',
  'Labour Day': 'labour_day',
  'Dragon Boat Festival': 'dragon_boat',
  'Mid-autumn Festival': 'mid_autumn',
  'National Day': 'national_day',
};

/** The package's days of one year grouped into blocks of consecutive holidays. */
export function packageArrangement(year: number): YearArrangement {
  const holidays: HolidayBlock[] = [];
  const makeUpWorkdays: string[] = [];
  let block: HolidayBlock | null = null;
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
    const detail = chineseDays.getDayDetail(d);
    const official = detail.name.includes(',');
    if (official && detail.work && isWeekend(d)) makeUpWorkdays.push(d);
    if (official && !detail.work) {
      const festival = FESTIVAL_OF_NAME[detail.name.split(',')[0]] ?? 'special';
      if (block && block.end === addDays(d, -1)) {
        block.end = d;
        if (!block.festivals.includes(festival)) block.festivals.push(festival);
      } else {
        block = { festivals: [festival], start: d, end: d };
        holidays.push(block);
      }
    }
  }
  return { year, holidays, makeUpWorkdays };
}

const literal = (v: unknown) => `'${JSON.stringify(v).replace(/'/g, "''")}'::jsonb`;

/** One idempotent statement: the package's years not loaded yet. */
export function packageSeedSql(): string {
  const rows: string[] = [];
  for (let y = PACKAGE_YEARS.from; y <= PACKAGE_YEARS.to; y++) {
    const a = packageArrangement(y);
    rows.push(`(${y}, ${literal(a.holidays)}, ${literal(a.makeUpWorkdays)})`);
  }
  return `insert into holiday_arrangements (year, version, holidays, make_up_workdays, source, loaded_by, loaded_at)
    select v.year, 1, v.holidays, v.make_up_workdays, '${CALENDAR_PACKAGE}', 'system', now()
    from (values ${rows.join(',\n')}) as v(year, holidays, make_up_workdays)
    where not exists (select 1 from ${'holiday_arrangements'} h where h.year = v.year)`;
}

let memo: string[] | null = null;
/** Built on first use (migrate), not on import: it walks every day of the package's 23 years. */
export const calendarPostMigrateSql = (): string[] =>
  (memo ??= [
    `create or replace function holiday_arrangements_append_only() returns trigger language plpgsql as $$
   begin raise exception 'holiday_arrangements is append-only'; end $$`,
    `drop trigger if exists holiday_arrangements_append_only on holiday_arrangements`,
    `create trigger holiday_arrangements_append_only before update or delete on holiday_arrangements for each row execute function holiday_arrangements_append_only()`,
    packageSeedSql(),
  ]);

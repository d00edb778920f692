import { addDays, daysBetween, isIsoDate, isWeekend, yearOf, type IsoDate } from '../china-day.js';
import { CoreErrors } from '../errors.js';

/**
 * The official working-day calendar (法定节假日与调休) as data: for each year, the holiday
 * blocks and make-up working days (调休上班) of the State Council's notice. Every rule here is
 * pure and takes the calendar as an argument; a day in a year that is not loaded is an error,
 * never a guess.
 */

/** The statutory festivals (全体公民放假的节日), plus `special` for one-off holidays such as the 2015 commemoration. */
export const FESTIVALS = ['new_year', 'spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day', 'special'] as const;
export type Festival = (typeof FESTIVALS)[number];
export const STATUTORY_FESTIVALS = FESTIVALS.filter((f) => f !== 'special');

export const FESTIVAL_LABELS: Record<Festival, string> = {
  new_year: '元旦',
  spring_festival: '春节',
  qingming: '清明节',
  labour_day: '劳动节',
  dragon_boat: '端午节',
  mid_autumn: '中秋节',
  national_day: '国庆节',
  special: '特别纪念日',
};

/** One holiday block of a notice: "10月1日至8日放假调休，共8天" (festivals: national_day and mid_autumn). */
export interface HolidayBlock {
  festivals: Festival[];
  start: IsoDate;
  end: IsoDate;
}

export interface YearArrangement {
  year: number;
  holidays: HolidayBlock[];
  makeUpWorkdays: IsoDate[];
}

interface CalendarYear {
  holidays: Map<IsoDate, Festival[]>;
  makeUpWorkdays: Set<IsoDate>;
}

export interface HolidayCalendar {
  years: ReadonlyMap<number, CalendarYear>;
}

export function holidayCalendar(arrangements: YearArrangement[]): HolidayCalendar {
  const years = new Map<number, CalendarYear>();
  for (const a of arrangements) {
    const holidays = new Map<IsoDate, Festival[]>();
    for (const b of a.holidays) for (const d of daysOfBlock(b)) holidays.set(d, b.festivals);
    years.set(a.year, { holidays, makeUpWorkdays: new Set(a.makeUpWorkdays) });
  }
  return { years };
}

export function daysOfBlock(b: { start: IsoDate; end: IsoDate }): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = b.start; d <= b.end && out.length <= 366; d = addDays(d, 1)) out.push(d);
  return out;
}

export function calendarNotLoaded(year: number) {
  return CoreErrors.error('CALENDAR_NOT_LOADED', `The official holiday arrangement for ${year} is not loaded; a city administrator loads the State Council's notice (loadHolidayArrangement).`, {
    details: { year },
  });
}

/** A working day on the official calendar: make-up days count, holidays and other weekend days do not. */
export function isWorkingDay(calendar: HolidayCalendar, date: IsoDate): boolean {
  const year = calendar.years.get(yearOf(date));
  if (!year) throw calendarNotLoaded(yearOf(date));
  if (year.makeUpWorkdays.has(date)) return true;
  if (year.holidays.has(date)) return false;
  return !isWeekend(date);
}

/** The festivals a day is a holiday for, or null (throws for a year not loaded). */
export function holidayOn(calendar: HolidayCalendar, date: IsoDate): Festival[] | null {
  const year = calendar.years.get(yearOf(date));
  if (!year) throw calendarNotLoaded(yearOf(date));
  return year.holidays.get(date) ?? null;
}

/**
 * The deadline `n` working days after `from` (the issue day itself not counted): public
 * holidays are skipped and make-up working days count.
 */
export function addWorkingDays(calendar: HolidayCalendar, from: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('a working-day limit is a positive integer');
  let day = from;
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    if (isWorkingDay(calendar, day)) counted++;
  }
  return day;
}

// ---- checking a notice before it is loaded ----

export type ArrangementProblemCode =
  | 'YEAR_INVALID'
  | 'DATE_INVALID'
  | 'DATE_OUTSIDE_YEAR'
  | 'BLOCK_REVERSED'
  | 'BLOCK_TOO_LONG'
  | 'FESTIVAL_MISSING'
  | 'FESTIVAL_TWICE'
  | 'FESTIVAL_NONE'
  | 'DAY_TWICE'
  | 'MAKE_UP_NOT_WEEKEND'
  | 'MAKE_UP_IN_HOLIDAY';

export interface ArrangementProblem {
  code: ArrangementProblemCode;
  message: string;
  /** Where in the input: `holidays.2.end`, `makeUpWorkdays.0`. */
  path: string;
}

/** The longest block a notice has given (春节 2020 was extended to 10 days); longer is a typing error. */
export const MAX_BLOCK_DAYS = 12;

/**
 * What is wrong with a year's arrangement, if anything: each block lies inside the year, runs
 * forward and names at least one festival; no day or festival is given twice; every make-up
 * working day is a Saturday or Sunday outside the holidays. `complete` (a new notice) also
 * requires every statutory festival exactly once (a shared block names both). The package's
 * years are not held to that: before 2008 Qingming, Dragon Boat and Mid-Autumn were no
 * holidays, and a calendar year can hold the next year's 元旦 days (2018-12-30..31).
 *
 * An arrangement is keyed by calendar year: days of a notice that fall in the year before
 * (a 12-31 make-up day, say) are loaded as a new version of that year, with a reason.
 */
export function arrangementProblems(a: YearArrangement, opts: { complete?: boolean } = {}): ArrangementProblem[] {
  const problems: ArrangementProblem[] = [];
  const add = (code: ArrangementProblemCode, path: string, message: string) => problems.push({ code, path, message });
  if (!Number.isInteger(a.year) || a.year < 1999 || a.year > 2100) {
    add('YEAR_INVALID', 'year', `${a.year} is not a year an arrangement can be loaded for.`);
    return problems;
  }
  const inYear = (d: IsoDate) => yearOf(d) === a.year;
  const holidayDays = new Map<IsoDate, number>();
  const named = new Map<Festival, number>();
  a.holidays.forEach((b, i) => {
    const at = `holidays.${i}`;
    let ok = true;
    for (const k of ['start', 'end'] as const) {
      if (!isIsoDate(b[k])) {
        add('DATE_INVALID', `${at}.${k}`, `${b[k]} is not a calendar day.`);
        ok = false;
      } else if (!inYear(b[k])) {
        add('DATE_OUTSIDE_YEAR', `${at}.${k}`, `${b[k]} lies outside ${a.year}.`);
        ok = false;
      }
    }
    if (b.festivals.length === 0) add('FESTIVAL_NONE', `${at}.festivals`, 'A holiday block names the festival(s) it is for.');
    for (const f of new Set(b.festivals)) {
      if (opts.complete && f !== 'special' && named.has(f)) add('FESTIVAL_TWICE', `${at}.festivals`, `${FESTIVAL_LABELS[f]} is already given in block ${named.get(f)}.`);
      else named.set(f, i);
    }
    if (!ok) return;
    if (b.start > b.end) return void add('BLOCK_REVERSED', `${at}.end`, `The block ends (${b.end}) before it starts (${b.start}).`);
    if (daysBetween(b.start, b.end) + 1 > MAX_BLOCK_DAYS) return void add('BLOCK_TOO_LONG', `${at}.end`, `${b.start}..${b.end} is longer than ${MAX_BLOCK_DAYS} days.`);
    for (const d of daysOfBlock(b)) {
      if (holidayDays.has(d)) add('DAY_TWICE', `${at}`, `${d} is already a holiday in block ${holidayDays.get(d)}.`);
      else holidayDays.set(d, i);
    }
  });
  if (opts.complete) {
    for (const f of STATUTORY_FESTIVALS) if (!named.has(f)) add('FESTIVAL_MISSING', 'holidays', `The arrangement gives no block for ${FESTIVAL_LABELS[f]} (${f}).`);
  }
  const makeUps = new Set<IsoDate>();
  a.makeUpWorkdays.forEach((d, i) => {
    const at = `makeUpWorkdays.${i}`;
    if (!isIsoDate(d)) return void add('DATE_INVALID', at, `${d} is not a calendar day.`);
    if (!inYear(d)) return void add('DATE_OUTSIDE_YEAR', at, `${d} lies outside ${a.year}.`);
    if (makeUps.has(d)) return void add('DAY_TWICE', at, `${d} is given twice as a make-up working day.`);
    makeUps.add(d);
    if (!isWeekend(d)) add('MAKE_UP_NOT_WEEKEND', at, `${d} is a weekday; a make-up working day (调休上班) is a Saturday or Sunday.`);
    if (holidayDays.has(d)) add('MAKE_UP_IN_HOLIDAY', at, `${d} lies inside holiday block ${holidayDays.get(d)}.`);
  });
  return problems;
}

// ---- coverage: warn before the loaded years run out ----

export const CALENDAR_WARNING_DAYS = 60;

export interface CalendarCoverage {
  /** The last day of the last loaded year in an unbroken run from today's year; null when today's year is not loaded. */
  loadedThrough: IsoDate | null;
  /** Days from today to `loadedThrough` (0 on the last loaded day). */
  daysLeft: number | null;
  status: 'ok' | 'degraded';
  detail: string;
}

export function calendarCoverage(loadedYears: Iterable<number>, today: IsoDate, warningDays = CALENDAR_WARNING_DAYS): CalendarCoverage {
  const years = new Set(loadedYears);
  let year = yearOf(today);
  if (!years.has(year)) {
    return { loadedThrough: null, daysLeft: null, status: 'degraded', detail: `the official holiday arrangement for ${year} is not loaded: working-day deadlines are refused` };
  }
  while (years.has(year + 1)) year++;
  const loadedThrough = `${year}-12-31`;
  const daysLeft = daysBetween(today, loadedThrough);
  if (daysLeft <= warningDays) {
    return {
      loadedThrough,
      daysLeft,
      status: 'degraded',
      detail: `the official holiday arrangements run out on ${loadedThrough} (${daysLeft} days): load ${year + 1}'s State Council notice; deadlines past that day are refused`,
    };
  }
  return { loadedThrough, daysLeft, status: 'ok', detail: `loaded through ${loadedThrough}` };
}

import chineseDays from 'chinese-days';
import { addDays, type IsoDate } from './dates.js';

/**
 * The deadline `n` working days after `from` (the issue day itself not counted), on the
 * official calendar: public holidays are skipped and make-up working days (调休上班) count.
 */
export function addWorkingDays(from: IsoDate, n: number, isWorkingDay: (d: IsoDate) => boolean = isOfficialWorkday): IsoDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('a working-day limit is a positive integer');
  let day = from;
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) counted++;
  }
  return day;
}

/** The official calendar (State Council holiday notices, kept in the chinese-days package). */
export function isOfficialWorkday(date: IsoDate): boolean {
  return chineseDays.isWorkday(date);
}

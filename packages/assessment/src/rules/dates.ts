/** The China-day helpers live in core (one rule for every module); assessment re-exports them. */
export { addDays, chinaDateOf, daysBetween, endOfChinaDay, type IsoDate } from '@safecity/core';
import type { IsoDate } from '@safecity/core';

export const within = (date: IsoDate, start: IsoDate, end: IsoDate) => date >= start && date <= end;

/**
 * Working days come from core's official calendar (holidays and make-up days as data, per
 * year, shared by every module). A deadline in a year that is not loaded is refused with
 * CORE_CALENDAR_NOT_LOADED rather than guessed.
 */
export { addWorkingDays, isWorkingDay, type HolidayCalendar } from '@safecity/core';

export * from './rules.js';
export { calendarTables, holidayArrangements } from './tables.js';
export { CALENDAR_PACKAGE, PACKAGE_YEARS, packageArrangement } from './package-seed.js';
export { calendarCoverageOf, calendarReadiness, listHolidayArrangements, loadHolidayArrangement, officialCalendar, type ArrangementRow, type LoadArrangementInput } from './service.js';
export { CALENDAR_MANAGE } from './graphql.js';

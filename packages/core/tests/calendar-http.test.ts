import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { auditLog, calendarReadiness, chinaDateOf, coreModule, daysBetween, migrate } from '@safecity/core';
import { migrationsFolder, startTestServer, type TestServer } from '@safecity/core/testing';
import { FICTIONAL_2027 } from './fixtures/calendar.js';

const LOAD = `mutation($year: Int!, $holidays: [HolidayBlockInput!]!, $makeUp: [Date!]!, $noticeRef: String, $replacesVersion: Int, $reason: String) {
  loadHolidayArrangement(year: $year, holidays: $holidays, makeUpWorkdays: $makeUp, noticeRef: $noticeRef, replacesVersion: $replacesVersion, reason: $reason) {
    __typename
    ... on DomainError { code field message details }
    ... on LoadHolidayArrangementSuccess { data { year version source noticeRef reason loadedBy makeUpWorkdays holidays { festivals name start end days } } }
  }
}`;
const YEARS = `query($year: Int, $all: Boolean) { holidayArrangements(year: $year, allVersions: $all) { year version source } }`;
const vars = (a: typeof FICTIONAL_2027, extra: Record<string, unknown> = {}) => ({ year: a.year, holidays: a.holidays, makeUp: a.makeUpWorkdays, noticeRef: 'TEST-FIXTURE-2027', ...extra });

let s: TestServer;
let admin: string;

const auditOf = (year: number) =>
  s.database.db
    .select({ actorId: auditLog.actorId, operation: auditLog.operation })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'HolidayArrangement'), eq(auditLog.entityId, String(year))))
    .orderBy(asc(auditLog.seq));

/**
 * The tests that read or refuse share one server: none of them writes. Loading a year cannot be
 * undone (the arrangements are append-only), so each test that loads one has a server and
 * database of its own.
 */
describe('the official calendar over HTTP, nothing loaded', () => {
  beforeAll(async () => {
    s = await startTestServer({ modules: [] });
    admin = await s.token('city_admin');
  });
  afterAll(() => s?.close());

  it('migrate seeded the package years 2004–2026, once each, however often it runs', async () => {
    await migrate(s.database, migrationsFolder(), []);
    const r = await s.gql(YEARS, {}, { token: await s.token('grid_worker') });
    expect(r.data.holidayArrangements.map((a: any) => a.year)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(new Set(r.data.holidayArrangements.map((a: any) => `${a.version} ${a.source}`))).toEqual(new Set(['1 chinese-days 1.5.7']));
  });

  it('readiness and coverage: degraded while the loaded years end within 60 days', async () => {
    const today = chinaDateOf(new Date());
    const left = daysBetween(today, '2026-12-31');
    const r = await s.gql(`{ holidayCalendarCoverage { loadedThrough daysLeft status detail } }`, {}, { token: admin });
    expect(r.data.holidayCalendarCoverage).toMatchObject({ loadedThrough: '2026-12-31', daysLeft: left, status: left <= 60 ? 'degraded' : 'ok' });
    const check = await calendarReadiness.check(s.platform);
    expect(check.status).toBe(left <= 60 ? 'degraded' : 'ok');
    if (left <= 60) expect(check.detail).toContain('2026-12-31');
    expect(coreModule.readiness).toContain(calendarReadiness);
  });

  it('only the city administrator loads a year', async () => {
    const r = await s.gql(LOAD, vars(FICTIONAL_2027), { token: await s.token('district_officer') });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await auditOf(2027)).toEqual([]);
  });

  it('an inconsistent notice is refused with every problem listed, and writes nothing', async () => {
    const bad = {
      ...FICTIONAL_2027,
      holidays: FICTIONAL_2027.holidays.map((b, i) => (i === 0 ? { ...b, start: '2026-12-31' } : b)),
      makeUpWorkdays: ['2027-02-18', '2027-02-06'],
    };
    const r = await s.gql(LOAD, vars(bad), { token: admin });
    expect(r.data.loadHolidayArrangement).toMatchObject({ __typename: 'DomainError', code: 'CORE_CALENDAR_ARRANGEMENT_INVALID', field: 'holidays' });
    expect(r.data.loadHolidayArrangement.details.problems.map((p: any) => p.code)).toEqual(['DATE_OUTSIDE_YEAR', 'MAKE_UP_NOT_WEEKEND', 'MAKE_UP_IN_HOLIDAY']);
    expect((await s.gql(YEARS, { year: 2027 }, { token: admin })).data.holidayArrangements).toEqual([]);
    expect(await auditOf(2027)).toEqual([]);
  });
});

describe('the official calendar over HTTP, loading a year', () => {
  beforeEach(async () => {
    s = await startTestServer({ modules: [] });
    admin = await s.token('city_admin');
  });
  afterEach(() => s?.close());
  const loadVersion1 = async () => expect((await s.gql(LOAD, vars(FICTIONAL_2027), { token: admin })).data.loadHolidayArrangement.__typename).toBe('LoadHolidayArrangementSuccess');

  it('the command loads a notice from a JSON file, audited, as the given role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    const file = join(dir, '2027.json');
    writeFileSync(file, JSON.stringify(FICTIONAL_2027));
    await coreModule.commands!['load-calendar'].run(await s.ctxAs('city_admin'), [file]);
    const r = await s.gql(YEARS, { year: 2027 }, { token: admin });
    expect(r.data.holidayArrangements).toEqual([{ year: 2027, version: 1, source: 'notice' }]);
    expect(await auditOf(2027)).toEqual([{ actorId: 'city-admin', operation: 'loadHolidayArrangement' }]);
    const check = await calendarReadiness.check(s.platform);
    expect(check.status).toBe(daysBetween(chinaDateOf(new Date()), '2027-12-31') <= 60 ? 'degraded' : 'ok');
  });

  it('a loaded year is replaced only by naming its version, with a reason; versions stay', async () => {
    await loadVersion1();
    const again = await s.gql(LOAD, vars(FICTIONAL_2027), { token: admin });
    expect(again.data.loadHolidayArrangement).toMatchObject({ code: 'CORE_CALENDAR_YEAR_LOADED', field: 'replacesVersion', details: { currentVersion: 1 } });
    const noReason = await s.gql(LOAD, vars(FICTIONAL_2027, { replacesVersion: 1 }), { token: admin });
    expect(noReason.data.loadHolidayArrangement).toMatchObject({ code: 'CORE_INPUT_INVALID', field: 'reason' });
    const stale = await s.gql(LOAD, vars(FICTIONAL_2027, { replacesVersion: 0, reason: 'x' }), { token: admin });
    expect(stale.data.loadHolidayArrangement).toMatchObject({ code: 'CORE_VERSION_CONFLICT' });
    const fixed = { ...FICTIONAL_2027, makeUpWorkdays: [...FICTIONAL_2027.makeUpWorkdays, '2027-01-09'] };
    const ok = await s.gql(LOAD, vars(fixed, { replacesVersion: 1, reason: '更正通知' }), { token: admin });
    expect(ok.data.loadHolidayArrangement).toMatchObject({
      __typename: 'LoadHolidayArrangementSuccess',
      data: { year: 2027, version: 2, source: 'notice', reason: '更正通知', loadedBy: 'city-admin', makeUpWorkdays: ['2027-01-09', '2027-02-20', '2027-05-08', '2027-09-26', '2027-10-09'] },
    });
    expect(ok.data.loadHolidayArrangement.data.holidays[1]).toEqual({ festivals: ['spring_festival'], name: '春节', start: '2027-02-05', end: '2027-02-13', days: 9 });
    const all = await s.gql(YEARS, { year: 2027, all: true }, { token: admin });
    expect(all.data.holidayArrangements.map((a: any) => a.version)).toEqual([1, 2]);
    expect((await auditOf(2027)).length).toBe(2);
  });

  it('the arrangements are append-only in the database too', async () => {
    await loadVersion1();
    await expect(s.database.db.execute(sql`update holiday_arrangements set year = 2099 where year = 2027`)).rejects.toThrow();
    await expect(s.database.db.execute(sql`delete from holiday_arrangements where year = 2025`)).rejects.toThrow();
  });
});

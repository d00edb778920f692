import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addDays, verifyAuditChain, type Ctx } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { hashResidentId } from '../src/identity.js';
import { residentIdNumber } from '../src/seed.js';
import { importRegistrationsCsv } from '../src/service/csv.js';
import { recordDwelling } from '../src/service/dwellings.js';
import { startRegistrationImport, type RegistrationImportJob } from '../src/service/import-jobs.js';
import { importEtaSeconds, importProgress, lineDue, progressLine } from '../src/service/import-progress.js';
import { countCsvRows } from '../src/service/registration-import.js';
import { count, ok, rows } from './helpers.js';

// Import at COPY speed (issue #13): chunks, set-based verdicts, progress, API jobs.
const HEADER = 'name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn';
let s: TestServer;
let admin: Ctx;
let grid: string;
let community: string;
let n = 0;
const id = (area = '510104') => residentIdNumber(area, addDays('1980-01-01', n++ * 2), 301);
const row = (name: string, idNumber: string, address: string, registeredOn = '2025-03-01', inflowDate = '2025-01-01') =>
  `${name},${idNumber},,,,floating,work,${inflowDate},510104,${address},${registeredOn}`;
const addr = (i: number) => `七里河区导入测试路${i}号`;

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  admin = await s.ctxAs('city_admin');
  [{ code: grid }] = await rows<{ code: string }>(s, sql`select code from jurisdictions where level = 'grid' and code like '620103%' order by code limit 1`);
  community = grid.slice(0, 12);
  for (let i = 1; i <= 4; i++) await recordDwelling(admin, { address: addr(i), jurisdictionCode: grid, rooms: 2, capacity: 2, listedOn: '2024-12-01' });
  await recordDwelling(admin, { address: addr(5), jurisdictionCode: grid, rooms: 1, capacity: 1, listedOn: '2024-12-01' });
});
afterAll(() => s?.close());

describe('progress reporting (pure)', () => {
  it.each([
    // previous done, done, total, every → due
    [0, 2, 10, 2, true],
    [2, 3, 10, 2, false],
    [3, 4, 10, 2, true],
    [4, 9, 10, 5, true],
    [9, 10, 10, 100, true], // the end is always reported
    [5, 5, 10, 1, false], // no progress, no line
    [0, 9_999, 100_000, 10_000, false],
    [9_999, 10_000, 100_000, 10_000, true],
  ])('after %i, at %i of %i, every %i: line due = %s', (prev, done, total, every, due) => {
    expect(lineDue(prev, done, total, every)).toBe(due);
  });
  it.each([
    [{ done: 20_000, total: 100_000, elapsedMs: 2_000 }, 'import: 20000/100000 rows (20%), 10000 rows/s, ETA 8 s'],
    [{ done: 0, total: 100, elapsedMs: 0 }, 'import: 0/100 rows (0%), 0 rows/s, ETA ?'],
    [{ done: 100, total: 100, elapsedMs: 500 }, 'import: 100/100 rows (100%), 200 rows/s, ETA 0 s'],
  ])('%o reads %s', (p, line) => {
    expect(progressLine(p)).toBe(line);
  });
  it('estimates the time left from the rate so far', () => {
    expect(importEtaSeconds({ done: 1, total: 4, elapsedMs: 1000 })).toBe(3);
    expect(importEtaSeconds({ done: 0, total: 4, elapsedMs: 1000 })).toBeNull();
  });
  it('counts data rows of CSV text', () => {
    expect(countCsvRows(`${HEADER}\na\nb\n`)).toBe(2);
    expect(countCsvRows(`${HEADER}\r\na\r\n\r\nb`)).toBe(2);
    expect(countCsvRows(HEADER)).toBe(0);
  });
});

describe('the import', () => {
  it('reports progress after every chunk and logs a line every N rows', async () => {
    const csv = [HEADER, ...Array.from({ length: 7 }, (_, i) => row(`进度${i}`, id(), addr(1 + (i % 4)), '2025-03-01'))].join('\n');
    const calls: [number, number][] = [];
    const lines: string[] = [];
    let t = 0;
    const reporter = await importProgress({ tty: false, every: 2, write: (l) => lines.push(l), now: () => (t += 100) });
    const r = await importRegistrationsCsv(await s.ctxAs('grid_worker', community), csv, {
      batchSize: 2,
      totalHint: countCsvRows(csv),
      onProgress: (done, total) => {
        calls.push([done, total]);
        reporter.onProgress(done, total);
      },
    });
    expect(r).toMatchObject({ rows: 7, batches: 4 });
    expect(calls).toEqual([
      [0, 7],
      [2, 7],
      [4, 7],
      [6, 7],
      [7, 7],
    ]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^import: 2\/7 rows \(28%\), \d+ rows\/s, ETA \d+ s$/);
    expect(lines[3]).toMatch(/^import: 7\/7 rows \(100%\), \d+ rows\/s, ETA 0 s$/);
  });

  it('writes nothing of a bad row, reports it by line number, and gives the same verdicts whatever the chunk size', async () => {
    const [p1, p2, p3, p4] = [id(), id(), id(), id()];
    const lines = [
      HEADER,
      row('甲', p1, addr(5), '2025-03-01'), // 2: imported
      row('乙', p2, '七里河区不存在路9号'), // 3: unknown dwelling
      row('甲', p1, addr(5), '2025-03-01'), // 4: the same registration again: duplicate
      row('甲', p1, addr(3), '2025-03-02'), // 5: same person elsewhere: already registered
      row('丙', p3, addr(3), '2025-03-01', '2025-02-01'), // 6: imported (inflow 02-01)
      row('丙', p3, addr(4), '2025-01-15', '2025-01-01'), // 7: before the inflow date on file (02-01), though not its own
      row('丁', p4, addr(5), '2025-03-05'), // 8: imported, second tenant of a dwelling for 1: flagged
    ];
    const csv = lines.join('\n');
    const before = { persons: await count(s, 'persons'), regs: await count(s, 'residence_registrations'), audit: await count(s, 'audit_log'), tiers: await count(s, 'person_tier_history') };
    const gw = await s.ctxAs('grid_worker', community);
    const first = await importRegistrationsCsv(gw, csv, { batchSize: 1 });
    const expected = [
      { row: 3, column: 'dwellingAddress', code: 'POPULATION_DWELLING_UNKNOWN' },
      { row: 5, column: 'idNumber', code: 'POPULATION_ALREADY_REGISTERED' },
      { row: 7, column: 'registeredOn', code: 'POPULATION_REGISTRATION_BEFORE_INFLOW' },
    ];
    expect(first).toMatchObject({ rows: 7, imported: 3, duplicates: 1, personsCreated: 3, batches: 7 });
    expect(first.errors.map(({ row: r, column, code }) => ({ row: r, column, code }))).toEqual(expected);
    expect(await count(s, 'persons')).toBe(before.persons + 3);
    expect(await count(s, 'residence_registrations')).toBe(before.regs + 3);
    expect(await count(s, 'person_tier_history')).toBe(before.tiers + 3);
    // Per row: the person and the registration; plus one summary entry per chunk that wrote nothing (4 of 7).
    expect(await count(s, 'audit_log')).toBe(before.audit + 3 * 2 + 4);
    const [bad] = await rows<{ n: number }>(s, sql`select count(*)::int as n from persons where id_number_hash = ${hashResidentId(p2)}`);
    expect(Number(bad.n)).toBe(0);
    const flags = await rows<{ over: boolean }>(
      s,
      sql`select r.over_capacity as over from residence_registrations r join dwellings d on d.id = r.dwelling_id where d.address = ${addr(5)} and r.ended_on is null order by r.registered_on`,
    );
    expect(flags.map((f) => f.over)).toEqual([false, true]);
    // The events, one per registration, are in the outbox with the audit entries.
    const [ev] = await rows<{ n: number }>(s, sql`select count(*)::int as n from event_outbox where name = 'residenceRegistered' and payload->>'date' in ('2025-03-01', '2025-03-05')`);
    expect(Number(ev.n)).toBeGreaterThanOrEqual(3);
    // The entries are built and hashed in the database: the chain verifies, identity numbers appear only masked.
    expect(await verifyAuditChain(admin.platform.database.db)).toMatchObject({ ok: true });
    const entries = await rows<{ type: string; after: Record<string, unknown> }>(
      s,
      sql`select entity_type as type, after from audit_log where operation = 'importRegistrations' and entity_type in ('Person', 'ResidenceRegistration')`,
    );
    expect(entries.length).toBeGreaterThanOrEqual(6);
    for (const e of entries) expect(Object.keys(e.after).filter((k) => /hash|cipher|^idNumber$|^phone$/i.test(k))).toEqual([]);
    expect(entries.filter((e) => e.type === 'Person').every((e) => /^\d{4}\*+\d{3}[\dX]$/.test(String(e.after.idNumberMasked)))).toBe(true);

    // A rerun, in one chunk this time: nothing twice, the same refusals, the registrations reported as already imported.
    const again = await importRegistrationsCsv(gw, csv, { batchSize: 100 });
    expect(again).toMatchObject({ rows: 7, imported: 0, personsCreated: 0, batches: 1 });
    expect(again.duplicates).toBe(4);
    expect(again.errors.map((e) => e.row)).toEqual([3, 5, 7]);
    expect(await count(s, 'persons')).toBe(before.persons + 3);
    expect(await count(s, 'residence_registrations')).toBe(before.regs + 3);
  });

  it('gives one chunk the same verdicts as rows one by one (a fresh file in one chunk)', async () => {
    const [q1, q2] = [id(), id()];
    const csv = [HEADER, row('戊', q1, addr(1), '2025-04-01'), row('戊', q1, addr(1), '2025-04-01'), row('戊', q1, addr(4), '2025-04-02'), row('己', q2, addr(9))].join('\n');
    const r = await importRegistrationsCsv(await s.ctxAs('grid_worker', community), csv);
    expect(r).toMatchObject({ imported: 1, duplicates: 1, personsCreated: 1, batches: 1 });
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([
      [4, 'POPULATION_ALREADY_REGISTERED'],
      [5, 'POPULATION_DWELLING_UNKNOWN'],
    ]);
  });

  it('gives chunks written two at a time the verdicts, flags and order of writing them one after the other', async () => {
    // On a server the next chunk is decided while the one before it is still uncommitted: the
    // tenants it cannot see yet count all the same, and a person in both waits for the commit.
    for (const i of [6, 7]) await recordDwelling(admin, { address: addr(i), jurisdictionCode: grid, rooms: 1, capacity: 1, listedOn: '2024-12-01' });
    const [a, b, c] = [id(), id(), id()];
    const lines = [
      HEADER,
      row('庚', a, addr(6), '2025-06-01'), // 2: imported
      row('辛', b, addr(6), '2025-06-02'), // 3: imported, the second tenant of a dwelling for 1: flagged
      row('壬', c, addr(7), '2025-06-01'), // 4: imported
      row('壬', c, addr(7), '2025-06-01'), // 5: the same registration again: duplicate
      row('壬', c, addr(6), '2025-06-03'), // 6: the same person elsewhere: already registered
      row('庚', a, addr(7), '2025-06-04'), // 7: already registered (row 2)
    ];
    const r = await importRegistrationsCsv(await s.ctxAs('grid_worker', community), lines.join('\n'), { batchSize: 1 });
    expect(r).toMatchObject({ rows: 6, imported: 3, duplicates: 1, personsCreated: 3, batches: 6 });
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([
      [6, 'POPULATION_ALREADY_REGISTERED'],
      [7, 'POPULATION_ALREADY_REGISTERED'],
    ]);
    const flags = await rows<{ address: string; over: boolean }>(
      s,
      sql`select d.address, r.over_capacity as over from residence_registrations r join dwellings d on d.id = r.dwelling_id
           where d.address in (${addr(6)}, ${addr(7)}) order by r.registered_on, d.address`,
    );
    expect(flags.map((f) => [f.address, f.over])).toEqual([
      [addr(6), false],
      [addr(7), false],
      [addr(6), true],
    ]);
    // Entries and events of one chain in file order: each chunk appends after the one before it.
    const inFileOrder = [`${addr(6)} 2025-06-01`, `${addr(6)} 2025-06-02`, `${addr(7)} 2025-06-01`];
    const audit = await rows<{ reg: string }>(
      s,
      sql`select d.address || ' ' || r.registered_on::text as reg from audit_log a join residence_registrations r on r.id::text = a.entity_id
           join dwellings d on d.id = r.dwelling_id where a.entity_type = 'ResidenceRegistration' and d.address in (${addr(6)}, ${addr(7)}) order by a.seq`,
    );
    const events = await rows<{ reg: string }>(
      s,
      sql`select d.address || ' ' || r.registered_on::text as reg from event_outbox o join residence_registrations r on r.id::text = o.payload->>'registrationId'
           join dwellings d on d.id = r.dwelling_id where o.name = 'residenceRegistered' and d.address in (${addr(6)}, ${addr(7)}) order by o.id`,
    );
    expect(audit.map((e) => e.reg)).toEqual(inFileOrder);
    expect(events.map((e) => e.reg)).toEqual(inFileOrder);
    expect(await verifyAuditChain(admin.platform.database.db)).toMatchObject({ ok: true });
  });
});

describe('an import started through the API', () => {
  const START = `mutation($csv: String!) { r: startRegistrationImport(csv: $csv) {
    __typename ... on StartRegistrationImportSuccess { data { id state rowsTotal rowsDone } } ... on DomainError { code } } }`;
  const READ = `query($id: ID!) { registrationImport(id: $id) { id state jurisdictionCode rowsTotal rowsDone imported duplicates personsCreated errors { row column code } failure startedAt finishedAt } }`;

  it('shows its progress to its caller while it runs, and nothing to another district', async () => {
    const csv = [HEADER, ...Array.from({ length: 12 }, (_, i) => row(`接口${i}`, id(), addr(1 + (i % 4)), '2025-05-01')), row('坏', id(), '七里河区不存在路1号')].join('\n');
    const gw = await s.ctxAs('grid_worker', community);
    const tok = await s.token('grid_worker', community);
    let settled!: (j: RegistrationImportJob) => void;
    const done = new Promise<RegistrationImportJob>((resolve) => (settled = resolve));
    const job = await startRegistrationImport(gw, csv, { batchSize: 2, onSettled: (j) => settled(j) });
    expect(job).toMatchObject({ state: 'running', rowsTotal: 13, rowsDone: 0 });
    const seen: { state: string; rowsDone: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await s.gql(READ, { id: job.id }, { token: tok });
      expect(r.errors).toBeUndefined();
      seen.push(r.data.registrationImport);
      if (r.data.registrationImport.state !== 'running') break;
    }
    await done;
    const final = (await s.gql(READ, { id: job.id }, { token: tok })).data.registrationImport;
    expect(final).toMatchObject({ state: 'finished', jurisdictionCode: community, rowsTotal: 13, rowsDone: 13, imported: 12, personsCreated: 12, failure: null });
    expect(final.errors).toEqual([{ row: 14, column: 'dwellingAddress', code: 'POPULATION_DWELLING_UNKNOWN' }]);
    // It finished at an instant, not before it started.
    expect(Date.parse(final.finishedAt)).toBeGreaterThanOrEqual(Date.parse(final.startedAt));
    // Progress moved in steps of committed chunks, never backwards.
    const dones = seen.map((x) => x.rowsDone);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones);
    expect(dones.every((d) => d % 2 === 0 || d === 13)).toBe(true);

    const other = await s.gql(READ, { id: job.id }, { token: await s.token('district_officer', '620102') });
    expect(other.data?.registrationImport ?? null).toBeNull();
    expect(other.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    const district = await s.gql(READ, { id: job.id }, { token: await s.token('district_officer', '620103') });
    expect(district.data.registrationImport.id).toBe(job.id);
  });

  it('starts through the mutation, refuses a bad file before writing anything', async () => {
    const tok = await s.token('grid_worker', community);
    const jobs0 = await count(s, 'registration_imports');
    const bad = await s.gql(START, { csv: 'name,idNumber\n张三,1' }, { token: tok });
    expect(bad.data.r).toEqual({ __typename: 'DomainError', code: 'POPULATION_CSV_HEADER_MISSING' });
    const malformed = await s.gql(START, { csv: `${HEADER}\n"unclosed,${id()}` }, { token: tok });
    expect(malformed.data.r.code).toBe('POPULATION_CSV_MALFORMED');
    expect(await count(s, 'registration_imports')).toBe(jobs0);

    const started = ok(await s.gql(START, { csv: [HEADER, row('庚', id(), addr(3), '2025-06-01')].join('\n') }, { token: tok }));
    expect(started).toMatchObject({ state: 'running', rowsTotal: 1 });
    let job: any;
    for (let i = 0; i < 100; i++) {
      job = (await s.gql(READ, { id: started.id }, { token: tok })).data.registrationImport;
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(job).toMatchObject({ state: 'finished', rowsDone: 1, imported: 1 });
    expect((await s.gql(READ, { id: 'not-a-uuid' }, { token: tok })).errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
  });
});

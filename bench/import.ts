// Import at scale (issue #13): N registrations of new persons through our import (the
// `population:import` command of the production bundle, which runs importRegistrationsCsv: rules,
// audit, events, chunks of 10,000, two in flight), timed against a bare COPY of the same rows into the same
// tables, in the same run and database. The COPY side takes exactly the rows the import wrote
// (persons, residence_registrations, person_tier_history), copies them out with their unique keys
// re-drawn (REKEYED: the tables hold the rows themselves now), and times their COPY into the same
// tables in a transaction that is rolled back: the registers' own indexes, constraints and
// triggers at their size, as the import met them. Until 2026-11-30
// the COPY went into fresh empty copies of the tables (`like … including all`, same foreign keys
// and triggers), whose indexes are small and cached; that figure is still recorded beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import { residentId } from './plans.js';
import { loadOrder } from './lib/fk.js';

export interface ImportMeasurement {
  rows: number;
  /** Wall time of `population:import` on the file, process start included. */
  importSeconds: number;
  /** Wall time of the same command on a header-only file (start-up, migrate check, exit). */
  startupSeconds: number;
  imported: number;
  errors: number;
  /** The COPY into the same tables (rolled back): what the ratio is taken against. */
  copySeconds: number;
  /** The COPY into fresh empty copies of the tables (the figure until 2026-11-30). */
  copyFreshSeconds: number;
  copiedRows: Record<string, number>;
  ratio: number;
  command: string;
}

const HEADER = 'name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn';
const SURNAMES = '王李张刘陈杨黄赵吴周';
const GIVEN = '伟芳娜敏静丽强磊军洋';

/** The CSV: new persons (born 1945.., an id number unique per row), registered into existing dwellings in rotation. */
export function importCsv(rows: number, addresses: string[], area = '620102'): string {
  const out = [HEADER];
  for (let i = 0; i < rows; i++) {
    const birth = new Date(Date.UTC(1945, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
    const idn = residentId(area, birth, i);
    out.push(`${SURNAMES[i % 10]}${GIVEN[(i >> 3) % 10]}${GIVEN[(i >> 6) % 10]},${idn},,,,registered,,,620102,${addresses[i % addresses.length]},2026-05-01`);
  }
  return `${out.join('\n')}\n`;
}

function runImport(root: string, databaseUrl: string, file: string): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'packages/api/dist/cli.mjs'), 'population:import', file], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development', NODE_OPTIONS: '' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`population:import exited ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
  return { seconds, stdout: r.stdout };
}

/** COPYs each buffer into its table (table, its column list, the rows as COPY text), in order; returns the seconds taken. */
async function timedCopies(sql: Sql, copies: [table: string, columns: string, rows: Buffer][]): Promise<number> {
  const t0 = performance.now();
  for (const [table, columns, rows] of copies) {
    const writable = await sql.unsafe(`copy "${table}" (${columns}) from stdin`).writable();
    await pipeline(Readable.from([rows]), writable);
  }
  return (performance.now() - t0) / 1000;
}

async function copyOut(sql: Sql, query: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const readable = await sql.unsafe(`copy (${query}) to stdout`).readable();
  await pipeline(readable, new Writable({ write: (c, _e, cb) => void (chunks.push(Buffer.from(c)), cb()) }));
  return Buffer.concat(chunks);
}

/** `area`: the identity numbers' area code (another one imports new persons again into a kept database). */
export async function measureImport(sql: Sql, root: string, databaseUrl: string, rows: number, log: (m: string) => void, area = '620102'): Promise<ImportMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'safecity-bench-import-'));
  try {
    const addresses = (await sql`select address from dwellings order by id limit 20000`).map((r) => r.address as string);
    if (!addresses.length) throw new Error('no dwellings to import into');
    const file = join(dir, 'registrations.csv');
    writeFileSync(file, importCsv(rows, addresses, area));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, `${HEADER}\n`);
    const startup = runImport(root, databaseUrl, empty);
    log(`import: ${rows} registrations through population:import`);
    const [{ t: since }] = await sql`select now()::text as t`;
    const run = runImport(root, databaseUrl, file);
    const summary = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'), run.stdout.indexOf('\n}') + 2)) as { imported: number; errors: number };
    log(`import: ${summary.imported} imported, ${summary.errors} errors in ${run.seconds.toFixed(1)} s; bare COPY of the same rows`);

    // The rows this import wrote (written since it started; the generated data has imported
    // registrations too), by table, in foreign-key order. The persons are the ones it created.
    await sql.unsafe(`drop table if exists bench_imported`);
    await sql.unsafe(`create unlogged table bench_imported as
      select r.id, r.person_id, p.created_at >= '${since}'::timestamptz as new_person
        from residence_registrations r join persons p on p.id = r.person_id
       where r.source = 'import' and r.created_at >= '${since}'::timestamptz`);
    const sources: Record<string, string> = {
      persons: `select * from persons where id in (select person_id from bench_imported where new_person)`,
      residence_registrations: `select * from residence_registrations where id in (select id from bench_imported)`,
      person_tier_history: `select * from person_tier_history where person_id in (select person_id from bench_imported where new_person)`,
    };
    const order = (await loadOrder(Object.keys(sources))).filter((t) => t in sources);
    const data: Record<string, Buffer> = {};
    const columns: Record<string, string> = {};
    const copiedRows: Record<string, number> = {};
    for (const t of order) {
      // Generated columns are computed, not copied.
      const cols = (await sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${t} and is_generated = 'NEVER' order by ordinal_position`).map(
        (r) => `"${r.column_name}"`,
      );
      if (!cols.length) continue;
      columns[t] = cols.join(', ');
      data[t] = await copyOut(sql, sources[t]!.replace('select *', `select ${columns[t]}`));
      copiedRows[t] = data[t].length ? data[t].toString('utf8').split('\n').length - 1 : 0;
    }
    // The tables are append-only in part (person_tier_history refuses deletes), so the COPY goes
    // into fresh copies of them: `like … including all` (columns, defaults, checks, indexes), plus
    // the originals' foreign keys (pointing at the copies where the parent is copied too) and
    // their triggers. Same rows, same indexes, same constraints and triggers, no rules.
    const copyOf = (t: string) => `bench_copy_${t}`;
    for (const t of order) await sql.unsafe(`drop table if exists "${copyOf(t)}" cascade`);
    for (const t of order) {
      if (!(t in data)) continue;
      await sql.unsafe(`create table "${copyOf(t)}" (like "${t}" including all)`);
      const fks = await sql`select conname, pg_get_constraintdef(oid) as def, confrelid::regclass::text as parent from pg_constraint where conrelid = ${t}::regclass and contype = 'f'`;
      for (const fk of fks) {
        const parent = String(fk.parent)
          .replace(/^public\./, '')
          .replace(/"/g, '');
        const def = parent in data ? String(fk.def).replace(/REFERENCES\s+("?[\w.]+"?)\(/, `REFERENCES "${copyOf(parent)}"(`) : String(fk.def);
        await sql.unsafe(`alter table "${copyOf(t)}" add constraint "${fk.conname}_copy" ${def}`);
      }
      const triggers = await sql`select tgname, pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = ${t}::regclass and not tgisinternal`;
      for (const tr of triggers) {
        const def = String(tr.def)
          .replace(/^CREATE (CONSTRAINT )?TRIGGER (\S+)/, (_m, c) => `CREATE ${c ?? ''}TRIGGER "${tr.tgname}_copy"`)
          .replace(/ ON (public\.)?"?\w+"? /, ` ON "${copyOf(t)}" `);
        await sql.unsafe(def);
      }
    }
    const copyFreshSeconds = await timedCopies(
      sql,
      order.filter((t) => t in data).map((t) => [copyOf(t), columns[t]!, data[t]!]),
    );
    for (const t of [...order].reverse()) await sql.unsafe(`drop table if exists "${copyOf(t)}" cascade`);
    const copySeconds = await copyIntoSameTables(sql, order, data, columns, sources);
    await sql.unsafe(`drop table bench_imported`);
    log(
      `bare COPY: ${Object.entries(copiedRows)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')} in ${copySeconds.toFixed(2)} s into the same tables (rolled back), ${copyFreshSeconds.toFixed(2)} s into fresh copies`,
    );
    return {
      rows,
      importSeconds: run.seconds,
      startupSeconds: startup.seconds,
      imported: summary.imported,
      errors: summary.errors,
      copySeconds,
      copyFreshSeconds,
      copiedRows,
      ratio: run.seconds / copySeconds,
      command: 'node packages/api/dist/cli.mjs population:import <file.csv> (as city_admin)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The unique keys of the rows the import wrote, and the references to them, each given another
 * value: the first hex digit moved on by one. The same rows with their keys re-drawn: a chunk's
 * ids stay in one run (as batchIds numbers them), hashes stay spread, and none meets a key on file.
 */
const REKEY = (x: string) => `translate(left(${x}::text, 1), '0123456789abcdef', '123456789abcdef0') || substr(${x}::text, 2)`;
const REKEYED: Record<string, Record<string, string>> = {
  persons: { id: `(${REKEY('id')})::uuid`, id_number_hash: REKEY('id_number_hash') },
  residence_registrations: { id: `(${REKEY('id')})::uuid`, person_id: `(${REKEY('person_id')})::uuid`, import_key: REKEY('import_key') },
  person_tier_history: { id: `(${REKEY('id')})::uuid`, person_id: `(${REKEY('person_id')})::uuid` },
};

/**
 * The COPY of the rows the import wrote into the same tables, timed inside a transaction that is
 * rolled back: the rows as the import stored them, their unique keys re-drawn (REKEYED), COPYed
 * in foreign-key order with every index, constraint and trigger of the registers at their size,
 * as the import met them. Nothing stays changed.
 */
async function copyIntoSameTables(sql: Sql, order: string[], data: Record<string, Buffer>, columns: Record<string, string>, sources: Record<string, string>): Promise<number> {
  const rekeyed: Record<string, Buffer> = {};
  for (const t of order) {
    if (!(t in data)) continue;
    const select = columns[t]!.split(', ')
      .map((c) => REKEYED[t]?.[c.replace(/"/g, '')] ?? c)
      .join(', ');
    rekeyed[t] = await copyOut(sql, sources[t]!.replace('select *', `select ${select}`));
  }
  const tx = await sql.reserve();
  try {
    await tx.unsafe('begin');
    const seconds = await timedCopies(
      tx,
      order.filter((t) => t in rekeyed).map((t) => [t, columns[t]!, rekeyed[t]!]),
    );
    await tx.unsafe('rollback');
    return seconds;
  } catch (e) {
    await tx.unsafe('rollback').catch(() => {});
    throw e;
  } finally {
    tx.release();
  }
}

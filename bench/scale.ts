// Partitioned versus unpartitioned (issue #18, docs/scale.md): the benchmark's data loaded once
// into a database on the local PostgreSQL, copied (CREATE DATABASE … TEMPLATE) into a second one
// whose big tables are then re-created as declaratively partitioned tables, one partition per
// district (the 6-digit prefix of jurisdiction_code, a range on the code), then C's raw SQL
// (bench/ops.ts) and the rates roll-up timed on both at a few concurrency levels.
//
//   npx tsx bench/scale.ts --size city [--scale 2] [--duration 5] [--conc 1,4,16] [--keep-db]
//
// Writes bench/results/<date>-scale-partitioned.md. Uses bench/data.ts, plans.ts, facts.ts and
// ops.ts as libraries; no API server runs (the question is the database's).
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { createDatabase, createPlatform, loadConfig, migrate, seedAll } from '@safecity/core';
import { modules, printedSchema } from '@safecity/api';
import { loadData, sizesFor } from './data.js';
import { collectFacts } from './facts.js';
import { operations, type Facts, type Operation, type Vars } from './ops.js';

const MIGRATIONS = join(import.meta.dirname, '../packages/api/migrations');
/** The big tables: what grows with the population and partitions by where it happened. */
export const PARTITIONED = ['persons', 'dwellings', 'residence_registrations', 'revisits', 'patrol_alerts'];

const argv = process.argv.slice(2);
const opt = (name: string, d: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const size = opt('size', 'small') as 'small' | 'city';
const seconds = Number(opt('duration', size === 'city' ? '5' : '2'));
const levels = opt('conc', '1,4,16').split(',').map(Number);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const withDb = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
const log = (m: string) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}`);

/**
 * Re-creates `table` as a table partitioned by range of jurisdiction_code, one partition per
 * district (codes from '620102' up to '620103' hold 620102's subtree) and one for the rest, with
 * the same columns, defaults and indexes. A unique key must hold the partition key, so the
 * primary key becomes (id, jurisdiction_code) and other unique indexes without it become plain.
 */
async function partition(sql: Sql, table: string, districts: string[]): Promise<string[]> {
  const notes: string[] = [];
  const idx = await sql<{ indexname: string; indexdef: string }[]>`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = ${table}`;
  const pk = await sql<{ conname: string; cols: string[] }[]>`
    select c.conname, array_agg(a.attname order by a.attnum)::text[] as cols from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.conrelid = ${table}::regclass and c.contype = 'p' group by c.conname`;
  await sql.unsafe(`alter table ${table} rename to ${table}_flat`);
  await sql.unsafe(`create table ${table} (like ${table}_flat including defaults including generated) partition by range (jurisdiction_code)`);
  const bounds = [...districts].sort();
  for (const d of bounds) {
    const upper = String(Number(d) + 1);
    await sql.unsafe(`create table ${table}_d${d} partition of ${table} for values from ('${d}') to ('${upper}')`);
  }
  await sql.unsafe(`create table ${table}_rest partition of ${table} default`);
  await sql.unsafe(`insert into ${table} select * from ${table}_flat`);
  if (pk[0]) {
    const cols = pk[0].cols.includes('jurisdiction_code') ? pk[0].cols : [...pk[0].cols, 'jurisdiction_code'];
    await sql.unsafe(`alter table ${table} add primary key (${cols.join(', ')})`);
  }
  for (const i of idx) {
    if (pk[0] && i.indexname === pk[0].conname) continue;
    let def = i.indexdef.replace(` ON public.${table}_flat `, ` ON public.${table} `).replace(` ON ONLY public.${table}_flat `, ` ON public.${table} `);
    def = def.replace(/INDEX (\S+) ON/, `INDEX $1_p ON`);
    if (/^CREATE UNIQUE/.test(def) && !/jurisdiction_code/.test(def)) {
      def = def.replace('CREATE UNIQUE INDEX', 'CREATE INDEX');
      notes.push(
        `${table}: unique index ${i.indexname} kept as a plain index: a unique index of a partitioned table must hold the partition key, so this rule needs a global table once partitioned (docs/scale.md)`,
      );
    }
    await sql.unsafe(def);
  }
  await sql.unsafe(`drop table ${table}_flat`);
  return notes;
}

interface Timing {
  db: 'unpartitioned' | 'partitioned';
  op: string;
  conc: number;
  n: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** The cell could not run at all (e.g. the shared server refused connections). */
  failure?: string;
}

/** Closed loop: `conc` clients each run the operation's raw SQL back to back for `seconds`. */
async function time(url: string, op: Operation, variants: Vars[], conc: number, dbLabel: Timing['db']): Promise<Timing> {
  const sql = postgres(url, { max: conc, onnotice: () => {}, prepare: true });
  try {
    // Warm: plans, caches. The shared server may refuse a connection (too many clients): counted below, never fatal.
    for (const v of variants) await op.raw!(sql, v).catch(() => {});
    const lat: number[] = [];
    let errors = 0;
    let k = 0;
    const began = performance.now();
    const until = began + seconds * 1000;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (performance.now() < until) {
          const v = variants[k++ % variants.length]!;
          const t = performance.now();
          try {
            await op.raw!(sql, v);
            lat.push(performance.now() - t);
          } catch {
            errors++;
          }
        }
      }),
    );
    lat.sort((a, b) => a - b);
    const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! : NaN);
    // Over the time it really took: a slow statement started before the deadline ends after it.
    return { db: dbLabel, op: op.id, conc, n: lat.length, rps: lat.length / ((performance.now() - began) / 1000), p50: q(0.5), p99: q(0.99), errors };
  } finally {
    await sql.end({ timeout: 2 });
  }
}

async function main() {
  const sizes = sizesFor(size, argv);
  const id = randomBytes(3).toString('hex');
  const flatDb = `safecity_scale_flat_${id}`;
  const partDb = `safecity_scale_part_${id}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const keep = argv.includes('--keep-db');
  const cleanup = async () => {
    if (!keep) for (const d of [flatDb, partDb]) await admin.unsafe(`drop database if exists ${d} with (force)`).catch(() => {});
    await admin.end({ timeout: 2 });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const uptimeBefore = execSync('uptime').toString().trim();
  try {
    log(`size ${size} ${JSON.stringify(sizes)}; df: ${execSync('df -h /work | tail -1').toString().trim()}`);
    await admin.unsafe(`create database ${flatDb}`);
    const flatUrl = withDb(adminUrl, flatDb);
    const database = await createDatabase({ url: flatUrl, maxConnections: 4 });
    await migrate(database, MIGRATIONS, modules);
    const platform = await createPlatform({ modules, config: loadConfig({ DATABASE_URL: flatUrl, LOG_LEVEL: 'warn' } as never), database });
    await seedAll(platform, modules, ['core']);
    await platform.close();
    await database.close();
    const flat = postgres(flatUrl, { max: 4, onnotice: () => {} });
    const t0 = Date.now();
    const loaded = await loadData(flat, sizes, log);
    const loadS = (Date.now() - t0) / 1000;
    log(`loaded in ${loadS.toFixed(0)} s: ${JSON.stringify(loaded.counts)}`);
    await flat.unsafe('vacuum analyze');
    for (const op of operations) await op.prepare?.(flat);
    const facts: Facts = await collectFacts(flat);
    const districts = (await flat`select code from jurisdictions where level = 'district' order by code`).map((r) => r.code as string);
    await flat.end();

    // The copy, then its big tables re-created partitioned.
    const t1 = Date.now();
    await admin.unsafe(`create database ${partDb} template ${flatDb}`);
    const partUrl = withDb(adminUrl, partDb);
    const part = postgres(partUrl, { max: 1, onnotice: () => {} });
    const notes: string[] = [];
    for (const table of PARTITIONED) notes.push(...(await partition(part, table, districts)));
    await part.unsafe('vacuum analyze');
    const partS = (Date.now() - t1) / 1000;
    const partitionsMade = Number((await part`select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhparent where c.relname = any(${PARTITIONED})`)[0]!.n);
    const sizesMb = async (s: Sql) => Number((await s`select pg_database_size(current_database()) / 1048576 as mb`)[0]!.mb);
    const flat2 = postgres(flatUrl, { max: 1, onnotice: () => {} });
    const [flatMb, partMb] = [await sizesMb(flat2), await sizesMb(part)];
    await flat2.end();
    await part.end();
    log(`partitioned copy in ${partS.toFixed(0)} s: ${partitionsMade} partitions; ${flatMb} MB vs ${partMb} MB`);

    // Same answers on both, then the timings.
    const timed = operations.filter((o) => o.raw && o.kind === 'read' && !o.skip?.(facts, printedSchema()));
    const timings: Timing[] = [];
    const mismatches: string[] = [];
    {
      const a = postgres(flatUrl, { max: 1, onnotice: () => {} });
      const b = postgres(partUrl, { max: 1, onnotice: () => {} });
      for (const op of timed)
        for (const v of op.variants(facts)) {
          const [x, y] = [JSON.stringify(op.rawNorm!(await op.raw!(a, v), v)), JSON.stringify(op.rawNorm!(await op.raw!(b, v), v))];
          if (x !== y) mismatches.push(`${op.id} ${JSON.stringify(v).slice(0, 80)}`);
        }
      await a.end();
      await b.end();
    }
    log(`answers equal on both: ${mismatches.length ? `NO (${mismatches.join('; ')})` : 'yes'}`);
    const writeReport = () => {
      const uptimeAfter = execSync('uptime').toString().trim();
      const date = new Date().toISOString().slice(0, 10);
      const file = join(import.meta.dirname, 'results', `${date}-scale-partitioned.md`);
      const cpu = execSync("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").toString().trim();
      const rows = timed.flatMap((op) =>
        levels.flatMap((c) => {
          const u = timings.find((t) => t.op === op.id && t.conc === c && t.db === 'unpartitioned');
          const p = timings.find((t) => t.op === op.id && t.conc === c && t.db === 'partitioned');
          if (!u || !p) return [];
          if (u.failure || p.failure) return [`| ${op.id} | ${c} | not measured: ${u.failure ?? p.failure} |||||| `];
          return `| ${op.id} | ${c} | ${u.rps.toFixed(1)} | ${p.rps.toFixed(1)} | ${(p.rps / u.rps).toFixed(2)}× | ${u.p50.toFixed(1)} / ${u.p99.toFixed(1)} | ${p.p50.toFixed(1)} / ${p.p99.toFixed(1)} | ${u.errors + p.errors} |`;
        }),
      );
      writeFileSync(
        file,
        `# Partitioned versus unpartitioned PostgreSQL (${date})

Command: \`npx tsx bench/scale.ts ${argv.join(' ')}\` (bench/scale.ts). One PostgreSQL 15 (the shared local server), two databases with the same rows:
**unpartitioned** (as migrated) and **partitioned** (a \`CREATE DATABASE … TEMPLATE\` copy whose ${PARTITIONED.join(', ')} were re-created
\`PARTITION BY RANGE (jurisdiction_code)\`, one partition per district, ${districts.length} districts + a default partition each, ${partitionsMade} partitions in all).
Timed: C's raw SQL from bench/ops.ts (one statement per request; ${timed.map((o) => o.id).join(', ')}; Q4 is the \`populationRates\` roll-up), closed loop,
${seconds} s per cell, postgres.js pool of c connections, the client on the same machine.

- Data: ${Object.entries(loaded.counts)
          .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
          .join(', ')} (loaded in ${loadS.toFixed(0)} s; partitioned copy made in ${partS.toFixed(0)} s)
- Database sizes: unpartitioned ${flatMb} MB, partitioned ${partMb} MB
- Same answers on both: ${mismatches.length ? `**no**: ${mismatches.join('; ')}` : 'yes (every variant of every operation)'}
- Machine: ${cpu}, ${execSync('nproc').toString().trim()} cores shared with other work; uptime before: \`${uptimeBefore}\`; after: \`${uptimeAfter}\`
${notes.map((n) => `- ${n}`).join('\n')}

| op | c | unpartitioned rps | partitioned rps | part/unpart | unpart p50 / p99 ms | part p50 / p99 ms | errors |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
  `,
      );
      return file;
    };
    for (const op of timed) {
      const variants = op.variants(facts);
      for (const conc of levels) {
        for (const [url, label] of [
          [flatUrl, 'unpartitioned'],
          [partUrl, 'partitioned'],
        ] as const) {
          const t = await time(url, op, variants, conc, label).catch(
            (e): Timing => ({ db: label, op: op.id, conc, n: 0, rps: 0, p50: NaN, p99: NaN, errors: -1, failure: String((e as Error).message) }),
          );
          timings.push(t);
          log(`${op.id} c=${conc} ${label}: ${t.rps.toFixed(1)} rps, p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms, ${t.errors} errors${t.failure ? ` (${t.failure})` : ''}`);
        }
      }
      writeReport(); // what is measured so far survives a later failure
    }
    log(`wrote ${writeReport()}`);
  } finally {
    await cleanup();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});

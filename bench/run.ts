// The benchmark: one command builds a city-scale database, starts our API (A), PostGraphile (B),
// the raw-SQL floor (C) and a Yoga { hello } (D) on the same data and CPU budget, checks that
// A, B and C answer the same, then measures them side by side. See bench/README.md.
//   npm run bench -- --size small|city [--smoke] [--persons 100000] [--only Q1,Q2] [--keep-db]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createDatabase, createPlatform, loadConfig, migrate, seedAll } from '@safecity/core';
import { modules, printedSchema } from '@safecity/api';
import { loadData, sizesFor, type Sizes } from './data.js';
import { collectFacts } from './facts.js';
import { operations, type Facts, type Operation, type Vars } from './ops.js';
import { benchKeys } from './lib/auth.js';
import { canonical, firstDiff } from './lib/equal.js';
import { materializeBody, runNodeClosed, runNodeOpen, runWrk, wrkPath, type LoadResult, type RequestSpec } from './lib/load.js';
import { startServer, type RunningServer, type ServerId } from './lib/servers.js';
import { arg, flag, gitCommit, hasTaskset, machine, median, post } from './lib/util.js';
import { renderReport, type OpResult, type Report, type ServerResult } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MIGRATIONS = join(root, 'packages/api/migrations');
const argv = process.argv.slice(2);
const size = (arg(argv, 'size', 'small') as 'small' | 'city') ?? 'small';
const smoke = flag(argv, 'smoke');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = arg(argv, 'only')?.split(',');
const basePort = Number(arg(argv, 'port', '4810'));

const timing = smoke
  ? { warmup: 1, duration: 2, runs: 1, concurrency: [10] }
  : size === 'small'
    ? { warmup: 2, duration: Number(arg(argv, 'duration', '5')), runs: Number(arg(argv, 'runs', '3')), concurrency: [10, 50] }
    : { warmup: 5, duration: Number(arg(argv, 'duration', '10')), runs: Number(arg(argv, 'runs', '3')), concurrency: [10, 50] };

function log(msg: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function withDb(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

interface Target {
  server: RunningServer;
  spec: (op: Operation, variants: Vars[]) => RequestSpec | null;
  /** One request, parsed: the data normalized for comparison, plus extensions. */
  call: (op: Operation, v: Vars) => Promise<{ data: unknown; raw: any }>;
}

async function main() {
  const started = Date.now();
  const sizes: Sizes = sizesFor(size, argv);
  const dbName = `safecity_bench_${size}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const databaseUrl = withDb(adminUrl, dbName);
  const servers: RunningServer[] = [];
  let exitCode = 0;
  const cleanup = async () => {
    for (const s of servers) await s.stop().catch(() => {});
    if (!flag(argv, 'keep-db')) await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
    else log(`kept database ${databaseUrl}`);
    await admin.end({ timeout: 2 });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    // 1. A fresh database, migrated, with the demo city's jurisdictions, then the generated data.
    log(`size ${size}${smoke ? ' (smoke)' : ''}: creating ${dbName}`);
    await admin.unsafe(`create database ${dbName}`);
    const database = await createDatabase({ url: databaseUrl, maxConnections: 4 });
    // --migrations-from-code: a migration generated now from the modules' tables (while the
    // committed history lags behind the code, e.g. during development), else the committed one.
    let migrations = MIGRATIONS;
    if (flag(argv, 'migrations-from-code')) {
      const { generateMigration } = await import('../packages/api/src/generate-migrations.js');
      migrations = mkdtempSync(join(tmpdir(), 'safecity-bench-migrations-'));
      await generateMigration(modules, migrations, 'bench');
      log(`migrations generated from the current tables into ${migrations}`);
    }
    await migrate(database, migrations, modules);
    const platform = await createPlatform({ modules, config: { ...loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' } as never) }, database });
    await seedAll(platform, modules, ['core']);
    await platform.close();
    await database.close();
    const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
    const loadStarted = Date.now();
    const loaded = await loadData(sql, sizes, log);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`loaded ${Object.entries(loaded.counts).map(([t, n]) => `${t} ${n}`).join(', ')} in ${loadSeconds.toFixed(1)} s; analyzing`);
    await sql.unsafe('vacuum analyze');
    const facts: Facts = await collectFacts(sql);
    const schema = printedSchema();
    const stats = await pgStatStatements(sql);

    const ops = operations.filter((o) => !only || only.includes(o.id));
    const skipped: { id: string; title: string; reason: string }[] = [];
    const active: Operation[] = [];
    for (const op of ops) {
      const reason = op.skip?.(facts, schema) ?? null;
      if (reason) {
        skipped.push({ id: op.id, title: op.title, reason });
        log(`skip ${op.id}: ${reason}`);
      } else active.push(op);
    }
    // Before the servers start (PostGraphile introspects once): e.g. Q4's SQL function for B.
    for (const op of active) await op.prepare?.(sql);
    await sql.end();

    // 2. Tokens signed with a real ES256 key; the API verifies with the public key.
    const keys = await benchKeys();
    const tokenCache = new Map<string, string>();
    const tokenFor = async (role: string, jurisdiction: string) => {
      const k = `${role}@${jurisdiction}`;
      if (!tokenCache.has(k)) tokenCache.set(k, await keys.sign({ sub: `bench-${role}`, roles: [role], jurisdiction }));
      return tokenCache.get(k)!;
    };

    // 3. Servers: each its own process on cpu 1 (load generators on cpu 0), all on the same database.
    const pin = hasTaskset();
    const serverCpu = pin ? 1 : null;
    const loadCpu = pin ? 0 : null;
    if (pin) spawnSyncTaskset(process.pid, 0);
    const opts = (port: number) => ({ root, databaseUrl, port, cpu: serverCpu, publicKeyPem: keys.publicKeyPem });
    const ids: ServerId[] = ['A', 'B', 'C', 'D'];
    const running = new Map<ServerId, RunningServer>();
    for (const [i, id] of ids.entries()) {
      log(`starting ${id}`);
      const s = await startServer(id, opts(basePort + i));
      servers.push(s);
      running.set(id, s);
    }
    const A = running.get('A')!;
    const B = running.get('B')!;
    const C = running.get('C')!;
    const D = running.get('D')!;
    const headersA = async (op: Operation) => ({ authorization: `Bearer ${await tokenFor(op.a.role, op.a.jurisdiction(facts))}`, 'x-safecity-client': 'bench' });
    const gqlBody = (query: string, variables: Vars) => JSON.stringify({ query, variables });
    const targets: Record<'A' | 'B' | 'C', Target> = {
      A: {
        server: A,
        spec: (op, vs) => ({ url: A.url, headers: {}, bodies: vs.map((v) => gqlBody(op.a.query, op.a.vars(v))) }),
        call: async (op, v) => {
          const r = await post(A.url, gqlBody(op.a.query, op.a.vars(v)), await headersA(op));
          const j = JSON.parse(r.body);
          if (r.status !== 200 || j.errors) throw new Error(`A ${op.id}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
          return { data: op.a.norm(j.data, v), raw: j };
        },
      },
      B: {
        server: B,
        spec: (op, vs) => (op.b ? { url: B.url, headers: {}, bodies: vs.map((v) => gqlBody(op.b!.query, op.b!.vars(v))) } : null),
        call: async (op, v) => {
          const r = await post(B.url, gqlBody(op.b!.query, op.b!.vars(v)));
          const j = JSON.parse(r.body);
          if (r.status !== 200 || j.errors) throw new Error(`B ${op.id}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
          return { data: op.b!.norm(j.data, v), raw: j };
        },
      },
      C: {
        server: C,
        spec: (op, vs) => (op.raw ? { url: `${C.url}/${op.id}`, headers: {}, bodies: vs.map((v) => JSON.stringify(v)) } : null),
        call: async (op, v) => {
          const r = await post(`${C.url}/${op.id}`, JSON.stringify(v));
          const j = JSON.parse(r.body);
          if (r.status !== 200 || j.errors) throw new Error(`C ${op.id}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
          return { data: (op.rawNorm ?? ((x: unknown) => x))(j.data, v), raw: j };
        },
      },
    };

    // 4. Equality: A, B and C answer every read variant with the same data (normalized).
    const equality: { op: string; variants: number; ok: boolean; detail?: string }[] = [];
    for (const op of active.filter((o) => o.kind === 'read')) {
      const vs = op.variants(facts).slice(0, smoke ? 3 : 5);
      let detail: string | undefined;
      for (const v of vs) {
        try {
          const a = (await targets.A.call(op, v)).data;
          if (a === null || a === undefined || canonical(a) === '[]') detail ??= `A answered nothing for ${JSON.stringify(v)}: the check would be vacuous`;
          for (const peer of ['B', 'C'] as const) {
            if (peer === 'B' && !op.b) continue;
            if (peer === 'C' && !op.raw) continue;
            const p = (await targets[peer].call(op, v)).data;
            const d = firstDiff(a, p);
            if (d) detail ??= `A vs ${peer} for ${JSON.stringify(v)}: ${d}`;
          }
        } catch (e) {
          detail ??= (e as Error).message;
        }
      }
      equality.push({ op: op.id, variants: vs.length, ok: !detail, detail });
      log(`equality ${op.id}: ${detail ? `MISMATCH ${detail}` : `ok (${vs.length} variants)`}`);
    }
    // Writes: each of A, B and C must make the write once (a fresh request number each), then
    // the data is reset. No equality of answers beyond the echoed date.
    const wsql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    for (const op of active.filter((o) => o.kind === 'write' && o.write)) {
      let detail: string | undefined;
      const [v] = op.variants(facts);
      let n = 0;
      for (const peer of ['A', 'B', 'C'] as const) {
        if (peer === 'B' && !op.b) continue;
        if (peer === 'C' && !op.raw) continue;
        try {
          const before = await op.write!.count(wsql);
          await targets[peer].call(op, materialize(v, ++n));
          if ((await op.write!.count(wsql)) !== before + 1) detail ??= `${peer} answered but wrote nothing`;
        } catch (e) {
          detail ??= (e as Error).message;
        }
      }
      await op.write!.reset(wsql);
      equality.push({ op: op.id, variants: 1, ok: !detail, detail });
      log(`write check ${op.id}: ${detail ? `FAILED ${detail}` : 'ok (A, B and C each wrote once)'}`);
    }
    const equalityFailed = equality.filter((e) => !e.ok);
    if (equalityFailed.length) exitCode = 1;

    // 5. SQL statements per request: pg_stat_statements when the server preloads it, else
    //    A's own count (extensions.sqlStatements, outside production) in an untimed pass.
    const statements = new Map<string, { A?: number; B?: number; C?: number; source: string }>();
    if (stats.available) {
      const s2 = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      for (const op of active) {
        const row: { A?: number; B?: number; C?: number; source: string } = { source: 'pg_stat_statements' };
        for (const id of ['A', 'B', 'C'] as const) {
          const spec = targets[id].spec(op, op.variants(facts));
          if (!spec) continue;
          await s2`select pg_stat_statements_reset()`;
          const n = 5;
          for (let i = 0; i < n; i++) await targets[id].call(op, op.variants(facts)[i % op.variants(facts).length]).catch(() => {});
          const [r] = await s2`select coalesce(sum(calls),0)::int as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = ${dbName} and query not ilike '%pg_stat_statements%'`;
          row[id] = r.calls / n;
        }
        statements.set(op.id, row);
      }
      await s2.end();
    } else {
      log('pg_stat_statements is not preloaded on this server: counting A statements via extensions.sqlStatements (development mode instance, untimed)');
      const dev = await startServer('A-dev', opts(basePort + 9));
      servers.push(dev);
      for (const op of active) {
        const counts: number[] = [];
        for (const [i, v] of op.variants(facts).slice(0, 3).entries()) {
          const r = await post(dev.url, gqlBody(op.a.query, op.a.vars(op.write ? materialize(v, 10 + i) : v)), await headersA(op));
          const j = JSON.parse(r.body);
          if (typeof j.extensions?.sqlStatements === 'number') counts.push(j.extensions.sqlStatements);
        }
        statements.set(op.id, { A: counts.length ? Math.max(...counts) : undefined, C: op.raw ? 1 : undefined, source: 'A: extensions.sqlStatements; C: by construction' });
      }
      for (const op of active) await op.write?.reset(wsql);
      await dev.stop();
      servers.splice(servers.indexOf(dev), 1);
    }

    // 6. Load: warm-up, closed model at each concurrency, three runs, median; then the open model.
    const useWrk = !!wrkPath() && !flag(argv, 'node-load');
    log(`load generator: ${useWrk ? 'wrk (closed model)' : 'Node (closed model fallback)'}; open model: Node fixed-rate schedule`);
    const closed = (spec: RequestSpec, c: number, secs: number) => (useWrk ? runWrk(spec, c, secs, loadCpu) : runNodeClosed(spec, c, secs));
    const results: OpResult[] = [];
    // A write starts every load run from the same data and counts the writes that did not take.
    const loadRun = async (op: Operation | null, run: () => Promise<LoadResult>): Promise<LoadResult> => {
      if (!op?.write) return run();
      await op.write.reset(wsql);
      const r = await run();
      const took = await op.write.count(wsql);
      return { ...r, errors: Math.max(r.errors, r.requests - took) };
    };
    const measure = async (server: RunningServer, spec: RequestSpec, op: Operation | null = null): Promise<ServerResult> => {
      await loadRun(op, () => closed(spec, 10, timing.warmup));
      const cpu0 = server.usage().cpuSeconds;
      const t0 = Date.now();
      let rssPeak = 0;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.usage().rssMiB)), 500);
      const byC: Record<number, LoadResult[]> = {};
      try {
        for (const c of timing.concurrency) {
          byC[c] = [];
          for (let r = 0; r < timing.runs; r++) byC[c].push(await loadRun(op, () => closed(spec, c, timing.duration)));
        }
      } finally {
        clearInterval(sampler);
      }
      rssPeak = Math.max(rssPeak, server.usage().rssMiB);
      const cpuUtil = (server.usage().cpuSeconds - cpu0) / ((Date.now() - t0) / 1000);
      const closedSummary = Object.fromEntries(
        Object.entries(byC).map(([c, rs]) => [c, { rps: median(rs.map((x) => x.rps)), p50Ms: median(rs.map((x) => x.p50Ms)), p99Ms: median(rs.map((x) => x.p99Ms)), errors: rs.reduce((s, x) => s + x.errors, 0) }]),
      );
      const peak = Math.max(...Object.values(closedSummary).map((x) => x.rps));
      return { server: server.id, label: server.label, closed: closedSummary, peakRps: peak, rssMiB: rssPeak, cpuCores: cpuUtil };
    };
    for (const op of active) {
      const variants = op.variants(facts);
      const row: OpResult = { id: op.id, title: op.title, kind: op.kind, nesting: op.nesting, servers: {}, statements: statements.get(op.id) };
      const eq = equality.find((e) => e.op === op.id);
      if (eq && !eq.ok) {
        row.note = `not timed: equality check failed (${eq.detail})`;
        results.push(row);
        continue;
      }
      const specs: Partial<Record<'A' | 'B' | 'C', RequestSpec>> = {};
      for (const id of ['A', 'B', 'C'] as const) {
        const spec = targets[id].spec(op, variants);
        if (!spec) continue;
        if (id === 'A') spec.headers = await headersA(op);
        specs[id] = spec;
        log(`${op.id} ${id}: closed model`);
        row.servers[id] = await measure(targets[id].server, spec, op);
      }
      const slowest = Math.min(...Object.values(row.servers).map((s) => s!.peakRps));
      const rate = Math.max(1, Math.floor(slowest * 0.7));
      row.openRps = rate;
      for (const id of Object.keys(specs) as ('A' | 'B' | 'C')[]) {
        log(`${op.id} ${id}: open model at ${rate} rps`);
        const rs: LoadResult[] = [];
        for (let r = 0; r < timing.runs; r++) rs.push(await loadRun(op, () => runNodeOpen(specs[id]!, rate, timing.duration)));
        row.servers[id]!.open = { rps: median(rs.map((x) => x.rps)), p50Ms: median(rs.map((x) => x.p50Ms)), p99Ms: median(rs.map((x) => x.p99Ms)), errors: rs.reduce((s, x) => s + x.errors, 0) };
      }
      await op.write?.reset(wsql);
      if (op.note) row.peerNote = op.note;
      results.push(row);
    }
    await wsql.end();
    // D: the GraphQL floor, one row.
    {
      log('D { hello }: closed model');
      const spec: RequestSpec = { url: D.url, headers: {}, bodies: [gqlBody('{ hello }', {})] };
      const check = JSON.parse((await post(D.url, spec.bodies[0])).body);
      if (check?.data?.hello !== 'world') throw new Error(`D answered ${JSON.stringify(check)}`);
      const r = await measure(D, spec);
      results.push({ id: 'D', title: 'Yoga `{ hello }` (no database): pure GraphQL-over-HTTP overhead', kind: 'read', nesting: 1, servers: { D: r } });
    }

    const report: Report = {
      date: new Date().toISOString(),
      size,
      smoke,
      sizes,
      loaded: loaded.counts,
      loadSeconds,
      generator: loaded.generator,
      ...gitCommit(root),
      machine: machine(),
      pinned: pin ? 'servers on cpu 1, load generators on cpu 0 (taskset); PostgreSQL unpinned' : 'no taskset: unpinned',
      loadTool: useWrk ? 'wrk 4 (closed), Node fixed-rate schedule (open)' : 'Node (closed and open)',
      timing,
      peers: { B: 'PostGraphile 4.14.1 (v5 fails on Node 20 here; see shared/STACK.md)' },
      statementsSource: stats.available ? 'pg_stat_statements' : 'A: extensions.sqlStatements from a development-mode instance (pg_stat_statements not preloaded on the shared server); C: one statement by construction; B: not measured',
      equality,
      skipped,
      results,
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    const md = renderReport(report);
    const outDir = join(here, 'results');
    mkdirSync(outDir, { recursive: true });
    // A reduced size is named by its persons count, so a file never claims the full city.
    const scaled = JSON.stringify(sizes) !== JSON.stringify(sizesFor(size, []));
    const stem = `${report.date.slice(0, 10)}-${size}${scaled ? `-${Math.round(sizes.persons / 1000)}k-persons` : ''}${smoke ? '-smoke' : ''}`;
    writeFileSync(join(outDir, `${stem}.md`), md);
    writeFileSync(join(outDir, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${md}\n`);
    log(`wrote bench/results/${stem}.md and .json in ${report.elapsedSeconds.toFixed(0)} s`);
    if (equalityFailed.length) log(`EQUALITY CHECKS FAILED: ${equalityFailed.map((e) => e.op).join(', ')}`);
  } catch (e) {
    exitCode = 1;
    log(`failed: ${(e as Error).stack ?? e}`);
    for (const s of servers) log(`--- ${s.label} output ---\n${s.log().slice(-3000)}`);
  } finally {
    await cleanup();
  }
  process.exit(exitCode);
}

async function pgStatStatements(sql: postgres.Sql): Promise<{ available: boolean }> {
  try {
    const [r] = await sql`select current_setting('shared_preload_libraries') as libs`;
    if (!String(r.libs).includes('pg_stat_statements')) return { available: false };
    await sql`create extension if not exists pg_stat_statements`;
    return { available: true };
  } catch {
    return { available: false };
  }
}

/** A write's variables for request number `n` (the tokens the load generators fill in). */
function materialize(v: Vars, n: number): Vars {
  return JSON.parse(materializeBody(JSON.stringify(v), n));
}

function spawnSyncTaskset(pid: number, cpu: number) {
  // Pins this process (the Node open-model generator and the orchestrator) to the load cpu.
  spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

void main();

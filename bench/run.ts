// The benchmark: one command starts its own PostgreSQL cluster (pg_stat_statements preloaded),
// builds a city-scale database, starts our API (A), PostGraphile 4 (B4) and 5 (B5), the raw-SQL
// floor (C) and a Yoga { hello } (D) on the same data and CPU budget, checks that A, B4, B5 and
// C answer the same, then measures them side by side. See bench/README.md.
//   npm run bench -- --size small|city [--smoke] [--persons 100000] [--only Q1,Q2] [--keep-db]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
import { freePort, sharedServerTuning, startCluster, type Cluster } from './lib/cluster.js';
import { ensurePg5 } from './lib/pg5.js';
import { measureImport, type ImportMeasurement } from './import.js';
import { arg, flag, gitCommit, hasTaskset, machine, median, post, selfCpuSeconds, sleep } from './lib/util.js';
import { renderReport, type CpuPerRequest, type OpResult, type Point, type Report, type ServerResult, type StatementCounts } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const MIGRATIONS = join(root, 'packages/api/migrations');
const argv = process.argv.slice(2);
const size = (arg(argv, 'size', 'small') as 'small' | 'city') ?? 'small';
const smoke = flag(argv, 'smoke');
const SHARED_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_DATABASE_URL: measure on that server instead of a cluster of the bench's own. */
const givenUrl = process.env.BENCH_DATABASE_URL ?? null;
/** Registrations imported through population:import (and COPYed bare) at the end; 0 turns it off. */
const importRows = Number(arg(argv, 'import-rows', smokeDefault()));
function smokeDefault() {
  return flag(argv, 'smoke') ? '2000' : '100000';
}
const only = arg(argv, 'only')?.split(',');
/** `--port N`: the servers on N, N+1, …; by default each on a free port (another bench may be running). */
const givenPort = arg(argv, 'port');

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
function withUser(url: string, user: string) {
  const u = new URL(url);
  u.username = user;
  return u.toString();
}

type PeerId = 'A' | 'B4' | 'B5' | 'C';
const PEERS: PeerId[] = ['A', 'B4', 'B5', 'C'];

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
  // The bench's own cluster unless a server is given: pg_stat_statements needs preloading, which
  // the shared server does not do; tuned like the shared server, so figures stay comparable.
  let cluster: Cluster | null = null;
  let clusterNote: string;
  if (givenUrl) clusterNote = `the given server (BENCH_DATABASE_URL, ${new URL(givenUrl).host})`;
  else {
    const tuning = await sharedServerTuning(SHARED_SERVER);
    cluster = await startCluster(tuning.settings);
    clusterNote = `a cluster of the bench's own (initdb in a temporary folder, port ${cluster.port}, PostgreSQL 15, pg_stat_statements preloaded; tuned like the shared server, ${tuning.source}: ${Object.entries(
      tuning.settings,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`;
    log(`PostgreSQL: ${clusterNote}`);
  }
  const adminUrl = givenUrl ?? cluster!.url;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const databaseUrl = withDb(adminUrl, dbName);
  const servers: RunningServer[] = [];
  // Each server logs in as a role of its own, so pg_stat_statements (which keeps statements per
  // role) tells its statements from the bench's own and from another server's background work.
  const roles: Record<string, string> = Object.fromEntries(['A', 'B4', 'B5', 'C'].map((id) => [id, `${dbName}_${id.toLowerCase()}`]));
  let exitCode = 0;
  const cleanup = async () => {
    for (const s of servers) await s.stop().catch(() => {});
    if (!flag(argv, 'keep-db') || cluster) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
      for (const r of Object.values(roles)) await admin.unsafe(`drop role if exists ${r}`).catch(() => {});
    } else log(`kept database ${databaseUrl}`);
    await admin.end({ timeout: 2 });
    cluster?.stop();
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    // 1. A fresh database, migrated, with the demo city's jurisdictions, then the generated data.
    log(`size ${size}${smoke ? ' (smoke)' : ''}: creating ${dbName}`);
    await admin.unsafe(`create database ${dbName}`);
    for (const r of Object.values(roles)) await admin.unsafe(`create role ${r} login superuser`);
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
    log(
      `loaded ${Object.entries(loaded.counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')} in ${loadSeconds.toFixed(1)} s; analyzing`,
    );
    // The load's triggers appended rate-fact deltas; a deployment's fold job would have folded them
    // long before anyone asked for a rate, so fold here rather than under A's first requests.
    const foldStarted = Date.now();
    const [folded] = await sql`select population_fold_rate_facts() as n`;
    log(`folded ${folded?.n} rate-fact deltas into the subtree buckets in ${((Date.now() - foldStarted) / 1000).toFixed(1)} s`);
    await sql.unsafe('vacuum analyze');
    const relations = await declareRelationsForPostGraphile(sql);
    log(`PostGraphile relations: ${relations.realForeignKeys.length} by real foreign key, smart comments for ${relations.smartComments.length}`);
    const facts: Facts = await collectFacts(sql);
    const schema = printedSchema();
    const stats = await pgStatStatements(sql);
    if (Object.values(loaded.orphans).some((n) => n > 0)) log(`rows a foreign key would reject: ${JSON.stringify(loaded.orphans)}`);

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

    // 3. Servers: each its own process on cpu 1, all on the same database; the load generators
    // and the bench's own PostgreSQL on cpu 0. PostgreSQL left free ran a third to a half of its
    // backends' work on the server's core (woken there by the server's writes), so a server's
    // peak depended on where the scheduler put its statements: on Q1 the server had 50-60% of
    // its core with cpu 0 30% idle (2026-12-02). On its own core the server is measured alone, as
    // against a database on a host of its own; the CPU table still sums every process.
    const pin = hasTaskset();
    const serverCpu = pin ? 1 : null;
    const loadCpu = pin ? 0 : null;
    if (pin) spawnSyncTaskset(process.pid, 0);
    if (pin) cluster?.pin(0);
    const pg5 = ensurePg5(root, log);
    const opts = (port: number, id: ServerId) => ({
      root,
      databaseUrl: roles[id === 'A-dev' ? 'A' : id] ? withUser(databaseUrl, roles[id === 'A-dev' ? 'A' : id]!) : databaseUrl,
      port,
      cpu: serverCpu,
      publicKeyPem: keys.publicKeyPem,
      pg5,
    });
    const ids: ServerId[] = ['A', 'B4', 'B5', 'C', 'D'];
    const running = new Map<ServerId, RunningServer>();
    for (const [i, id] of ids.entries()) {
      log(`starting ${id}`);
      const s = await startServer(id, opts(givenPort ? Number(givenPort) + i : await freePort(), id));
      servers.push(s);
      running.set(id, s);
    }
    const A = running.get('A')!;
    const C = running.get('C')!;
    const D = running.get('D')!;
    const adminDb = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    // Before every measurement PostgreSQL must be idle: a query a previous run left behind
    // (a client gave up after 10 s, the server's query goes on) must not steal the CPU of the next
    // server. This is what made D (no database at all) measure 508 rps in the city run of
    // 2026-11-22: it ran last, after Q4 and M1 had timed out at c=50 on every server.
    const quiesce = async (what: string) => {
      loads.push(loadavg()[0]!);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [r] = await adminDb`select count(*)::int as n from pg_stat_activity where datname = ${dbName} and state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'`;
        if (r.n === 0) return;
        if (Date.now() > deadline) {
          const [c] =
            await adminDb`select count(pg_cancel_backend(pid))::int as n from pg_stat_activity where datname = ${dbName} and state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'`;
          log(`before ${what}: cancelled ${c.n} queries still running after 30 s`);
          quiescedCancels += c.n;
          return;
        }
        await sleep(200);
      }
    };
    let quiescedCancels = 0;
    const loads: number[] = [];
    let importFailure: string | null = null;
    const headersA = async (op: Operation) => ({ authorization: `Bearer ${await tokenFor(op.a.role, op.a.jurisdiction(facts))}`, 'x-safecity-client': 'bench' });
    const gqlBody = (query: string, variables: Vars) => JSON.stringify({ query, variables });
    const pgTarget = (server: RunningServer): Target => ({
      server,
      spec: (op, vs) => (op.b ? { url: server.url, headers: {}, bodies: vs.map((v) => gqlBody(op.b!.query, op.b!.vars(v))) } : null),
      call: async (op, v) => {
        const r = await post(server.url, gqlBody(op.b!.query, op.b!.vars(v)));
        const j = JSON.parse(r.body);
        if (r.status !== 200 || j.errors) throw new Error(`${server.id} ${op.id}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
        return { data: op.b!.norm(j.data, v), raw: j };
      },
    });
    const targets: Record<PeerId, Target> = {
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
      B4: pgTarget(running.get('B4')!),
      B5: pgTarget(running.get('B5')!),
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

    const has = (op: Operation, id: PeerId) => (id === 'A' ? true : id === 'C' ? !!op.raw : !!op.b);

    // 4. Equality: A, B4, B5 and C answer every read variant with the same data (normalized).
    const equality: { op: string; variants: number; ok: boolean; detail?: string }[] = [];
    for (const op of active.filter((o) => o.kind === 'read')) {
      const vs = op.variants(facts).slice(0, smoke ? 3 : 5);
      let detail: string | undefined;
      for (const v of vs) {
        try {
          const a = (await targets.A.call(op, v)).data;
          if (a === null || a === undefined || canonical(a) === '[]') detail ??= `A answered nothing for ${JSON.stringify(v)}: the check would be vacuous`;
          for (const peer of ['B4', 'B5', 'C'] as const) {
            if (!has(op, peer)) continue;
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
    // Writes: each of A, B4, B5 and C must make the write once (a fresh request number each), then
    // the data is reset. No equality of answers beyond the echoed date.
    const wsql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    for (const op of active.filter((o) => o.kind === 'write' && o.write)) {
      let detail: string | undefined;
      const [v] = op.variants(facts);
      let n = 0;
      for (const peer of PEERS) {
        if (!has(op, peer)) continue;
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
      log(`write check ${op.id}: ${detail ? `FAILED ${detail}` : 'ok (A, B4, B5 and C each wrote once)'}`);
    }
    const equalityFailed = equality.filter((e) => !e.ok);
    if (equalityFailed.length) exitCode = 1;

    // 5. SQL statements per request, from pg_stat_statements (the bench's own cluster preloads
    //    it): per server and operation, one warm-up request, a reset, N requests, then the sum of
    //    `calls` in the bench database over N. Every top-level statement counts, BEGIN, COMMIT,
    //    SET and set_config included (the breakdown is kept in the JSON). Without the extension
    //    (a given server that does not preload it) only A is counted, by its development mode.
    const statements = new Map<string, StatementCounts>();
    let backgroundPerSecond: Record<string, number> | null = null;
    if (stats.available) {
      const s2 = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      const N = smoke ? 5 : 10;
      const passSeconds = smoke ? 1 : 3;
      let serial = 1000;
      // pg_stat_statements files a statement under the role that ran it: our API switches to its
      // row-security role (safecity_api) inside each request's transaction, so A's statements are
      // its login role's plus that role's (no other server uses it).
      const rolesOf = (id: string) => (id === 'A' ? [roles[id]!, 'safecity_api'] : [roles[id]!]);
      const callsOf = async (id: string) =>
        (await s2`select query, calls::int as calls from pg_stat_statements s join pg_database d on d.oid = s.dbid join pg_roles u on u.oid = s.userid
            where d.datname = ${dbName} and u.rolname::text = any(${rolesOf(id)}::text[]) order by calls desc, query`) as unknown as { query: string; calls: number }[];
      // A server's background statements (our API polls its event outbox, refreshes token
      // revocations and takes its job lock on timers) are counted over an idle window, per
      // statement text, and subtracted from the same texts at their rate, so per request means
      // per request. A statement no timer runs is never reduced: a count pass of a read lasts a
      // fraction of a second, and subtracting the whole background rate from it (as this did
      // until 2026-11-29) took A's reads below one statement per request.
      const idleSeconds = smoke ? 3 : 10;
      await s2`select pg_stat_statements_reset()`;
      await sleep(idleSeconds * 1000);
      const background: Record<string, number> = {};
      const backgroundByText: Record<string, Map<string, number>> = {};
      for (const id of PEERS) {
        const rows = await callsOf(id);
        background[id] = rows.reduce((n, r) => n + r.calls, 0) / idleSeconds;
        backgroundByText[id] = new Map(rows.map((r) => [r.query, r.calls / idleSeconds]));
      }
      log(
        `background statements per second while idle: ${Object.entries(background)
          .map(([k, n]) => `${k} ${n.toFixed(2)}`)
          .join(', ')}`,
      );
      backgroundPerSecond = background;
      for (const op of active) {
        const row: StatementCounts = { source: 'pg_stat_statements', perServer: {}, breakdown: {} };
        for (const id of PEERS) {
          if (!has(op, id)) continue;
          const vs = op.variants(facts);
          const v = (i: number) => (op.write ? materialize(vs[i % vs.length], serial++) : vs[i % vs.length]);
          await targets[id].call(op, v(0)).catch(() => {});
          await quiesce(`statements ${op.id} ${id}`);
          await s2`select pg_stat_statements_reset()`;
          let failed = 0;
          const t0 = performance.now();
          // At least N requests and at least `passSeconds`: a timer of the server (A's fold job
          // ticks every 2 s) fires a whole statement group at once, and against the few
          // milliseconds ten fast reads take, one tick weighs more than the requests themselves;
          // over seconds the rate subtracted below matches what the timers ran.
          let n = 0;
          for (; n < N || performance.now() - t0 < passSeconds * 1000; n++) await targets[id].call(op, v(n)).catch(() => failed++);
          const seconds = (performance.now() - t0) / 1000;
          const rows = await callsOf(id);
          const idle = backgroundByText[id]!;
          const own = rows.reduce((n, r) => n + Math.max(0, r.calls - (idle.get(r.query) ?? 0) * seconds), 0);
          row.perServer[id] = Math.round((own / n) * 10) / 10;
          row.breakdown[id] = rows.slice(0, 25).map((r) => ({ perRequest: Math.round(((r.calls as number) / n) * 100) / 100, query: String(r.query).replace(/\s+/g, ' ').slice(0, 160) }));
          if (failed) row.note = `${row.note ? `${row.note}; ` : ''}${id}: ${failed} of ${n} requests failed during the count`;
        }
        await op.write?.reset(wsql);
        statements.set(op.id, row);
        log(
          `statements ${op.id}: ${Object.entries(row.perServer)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      }
      await s2.end();
    } else {
      log('pg_stat_statements is not preloaded on the given server: counting A statements via extensions.sqlStatements (development mode instance, untimed)');
      const dev = await startServer('A-dev', opts(givenPort ? Number(givenPort) + 9 : await freePort(), 'A-dev'));
      servers.push(dev);
      for (const op of active) {
        const counts: number[] = [];
        for (const [i, v] of op.variants(facts).slice(0, 3).entries()) {
          const r = await post(dev.url, gqlBody(op.a.query, op.a.vars(op.write ? materialize(v, 10 + i) : v)), await headersA(op));
          const j = JSON.parse(r.body);
          if (typeof j.extensions?.sqlStatements === 'number') counts.push(j.extensions.sqlStatements);
        }
        statements.set(op.id, {
          perServer: { A: counts.length ? Math.max(...counts) : undefined, C: op.raw ? 1 : undefined },
          breakdown: {},
          source: 'A: extensions.sqlStatements; C: by construction',
        });
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
    // wrk stops with requests still in flight; their writes land after it returns. Wait until
    // the count of writes stops moving before counting (and before the next run's reset), or a
    // late write of run k collides with the same request number of run k+1.
    const settledCount = async (op: Operation) => {
      let last = await op.write!.count(wsql);
      const deadline = Date.now() + 15_000;
      for (;;) {
        await sleep(300);
        const n = await op.write!.count(wsql);
        if (n === last || Date.now() > deadline) return n;
        last = n;
      }
    };
    const loadRun = async (op: Operation | null, run: () => Promise<LoadResult>): Promise<LoadResult> => {
      if (!op?.write) return run();
      await settledCount(op);
      await op.write.reset(wsql);
      const r = await run();
      const took = await settledCount(op);
      return { ...r, errors: Math.max(r.errors, r.requests - took) };
    };
    const mergeKinds = (rs: LoadResult[]) => {
      const m: Record<string, number> = {};
      for (const r of rs) for (const [k, n] of Object.entries(r.errorKinds ?? {})) m[k] = (m[k] ?? 0) + n;
      // A write that answered but did not take (see loadRun) is counted here too.
      const unexplained = rs.reduce((s, x) => s + x.errors, 0) - Object.values(m).reduce((a, b) => a + b, 0);
      if (unexplained > 0) m['write did not take'] = unexplained;
      return m;
    };
    const point = (rs: LoadResult[]): Point => ({
      rps: median(rs.map((x) => x.rps)),
      p50Ms: median(rs.map((x) => x.p50Ms)),
      p99Ms: median(rs.map((x) => x.p99Ms)),
      p99MaxMs: Math.max(...rs.map((x) => x.p99Ms)),
      errors: rs.reduce((s, x) => s + x.errors, 0),
      errorKinds: mergeKinds(rs),
    });
    const measure = async (server: RunningServer, spec: RequestSpec, op: Operation | null = null): Promise<ServerResult> => {
      await quiesce(`${op?.id ?? 'D'} ${server.id} warm-up`);
      await loadRun(op, () => closed(spec, 10, timing.warmup));
      const cpu0 = server.usage().cpuSeconds;
      const t0 = Date.now();
      let rssPeak = 0;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.usage().rssMiB)), 500);
      const byC: Record<number, LoadResult[]> = {};
      const cpuRuns: CpuPerRequest[] = [];
      try {
        for (const c of timing.concurrency) {
          byC[c] = [];
          for (let r = 0; r < timing.runs; r++) {
            await quiesce(`${op?.id ?? 'D'} ${server.id} c=${c}`);
            // CPU a request on the first concurrency: the server's process, the cluster's
            // processes and this one (the load generator), read around the run itself.
            const first = c === timing.concurrency[0];
            const before = first ? { server: server.usage().cpuSeconds, pg: cluster?.cpuSeconds() ?? null, load: selfCpuSeconds() } : null;
            const res = await loadRun(op, () => closed(spec, c, timing.duration));
            if (before && res.requests > 0) {
              const pgNow = cluster?.cpuSeconds() ?? null;
              cpuRuns.push({
                server: ((server.usage().cpuSeconds - before.server) * 1000) / res.requests,
                postgres: pgNow !== null && before.pg !== null ? ((pgNow - before.pg) * 1000) / res.requests : null,
                load: ((selfCpuSeconds() - before.load) * 1000) / res.requests,
              });
            }
            byC[c].push(res);
          }
        }
      } finally {
        clearInterval(sampler);
      }
      rssPeak = Math.max(rssPeak, server.usage().rssMiB);
      const cpuUtil = (server.usage().cpuSeconds - cpu0) / ((Date.now() - t0) / 1000);
      const closedSummary = Object.fromEntries(Object.entries(byC).map(([c, rs]) => [c, point(rs)]));
      const peak = Math.max(...Object.values(closedSummary).map((x) => x.rps));
      const cpuMsPerRequest: CpuPerRequest | undefined = cpuRuns.length
        ? {
            server: median(cpuRuns.map((x) => x.server)),
            postgres: cpuRuns.every((x) => x.postgres !== null) ? median(cpuRuns.map((x) => x.postgres!)) : null,
            load: median(cpuRuns.map((x) => x.load)),
          }
        : undefined;
      return { server: server.id, label: server.label, closed: closedSummary, peakRps: peak, rssMiB: rssPeak, cpuCores: cpuUtil, cpuMsPerRequest };
    };
    // D first, on an idle machine: the GraphQL-over-HTTP floor (Yoga `{ hello }`, no database),
    // with the same load generator, connections and pinning as every other server.
    {
      log('D { hello }: closed model');
      const spec: RequestSpec = { url: D.url, headers: {}, bodies: [gqlBody('{ hello }', {})] };
      const check = JSON.parse((await post(D.url, spec.bodies[0])).body);
      if (check?.data?.hello !== 'world') throw new Error(`D answered ${JSON.stringify(check)}`);
      const r = await measure(D, spec);
      results.push({ id: 'D', title: 'Yoga `{ hello }` (no database): pure GraphQL-over-HTTP overhead', kind: 'read', nesting: 1, servers: { D: r } });
    }
    for (const op of active) {
      const variants = op.variants(facts);
      const row: OpResult = { id: op.id, title: op.title, kind: op.kind, nesting: op.nesting, servers: {}, statements: statements.get(op.id) };
      const eq = equality.find((e) => e.op === op.id);
      if (eq && !eq.ok) {
        row.note = `not timed: equality check failed (${eq.detail})`;
        results.push(row);
        continue;
      }
      const specs: Partial<Record<PeerId, RequestSpec>> = {};
      for (const id of PEERS) {
        const spec = targets[id].spec(op, variants);
        if (!spec) continue;
        if (id === 'A') spec.headers = await headersA(op);
        specs[id] = spec;
        log(`${op.id} ${id}: closed model`);
        row.servers[id] = await measure(targets[id].server, spec, op);
      }
      const slowest = Math.min(...Object.values(row.servers).map((s) => s!.peakRps));
      // --open-rps N: a fixed arrival rate instead (e.g. to reproduce the city run's ~1,000 rps).
      const rate = Number(arg(argv, 'open-rps', '0')) || Math.max(1, Math.floor(slowest * 0.7));
      row.openRps = rate;
      for (const id of Object.keys(specs) as PeerId[]) {
        log(`${op.id} ${id}: open model at ${rate} rps`);
        const rs: LoadResult[] = [];
        // A warm-up at the same rate first, as the closed model has one: the server has been idle
        // while the others were measured, and a Node server's first seconds after an idle spell
        // are slower (its young generation shrinks when idle; A's serving flags, node-flags.ts,
        // keep a floor under it, PostGraphile runs without). The measured runs then show the
        // steady state at this rate, which is what the open model is for.
        await quiesce(`${op.id} ${id} open warm-up`);
        await loadRun(op, () => runNodeOpen(specs[id]!, rate, timing.warmup));
        for (let r = 0; r < timing.runs; r++) {
          await quiesce(`${op.id} ${id} open`);
          rs.push(await loadRun(op, () => runNodeOpen(specs[id]!, rate, timing.duration)));
        }
        row.servers[id]!.open = point(rs);
        const e = row.servers[id]!.open!;
        if (e.errors) log(`${op.id} ${id} open: ${e.errors} errors ${JSON.stringify(e.errorKinds)}; first of each kind: ${JSON.stringify(Object.assign({}, ...rs.map((x) => x.errorSamples ?? {})))}`);
        e.errorSamples = Object.assign({}, ...rs.map((x) => x.errorSamples ?? {}));
        const closedErrors = Object.values(row.servers[id]!.closed).reduce((n, p) => n + p.errors, 0);
        if (e.errors || closedErrors || row.servers[id]!.peakRps === 0) {
          log(`${op.id} ${id}: the server's last output:\n${targets[id].server.log().slice(-1500)}`);
          // What its database sessions are doing (a server stuck on its pool or a lock shows here).
          const sessions = await adminDb`select state, wait_event_type, wait_event, now() - xact_start as xact_age, left(query, 200) as query
            from pg_stat_activity where datname = ${dbName} and usename = ${roles[id]!} order by state`;
          log(`${op.id} ${id}: its database sessions: ${JSON.stringify(sessions)}`);
        }
      }
      await op.write?.reset(wsql);
      if (op.note) row.peerNote = op.note;
      results.push(row);
    }
    await wsql.end();

    // 7. Import at scale against a bare COPY of the same rows (issue #13), servers idle.
    let importResult: ImportMeasurement | null = null;
    if (importRows > 0 && active.some((o) => o.id === 'M1' || o.id === 'Q1')) {
      await quiesce('import');
      const isql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
      try {
        importResult = await measureImport(isql, root, databaseUrl, importRows, log);
      } catch (e) {
        log(`import measurement failed: ${(e as Error).message}`);
        importFailure = (e as Error).message.slice(0, 500);
      } finally {
        await isql.end();
      }
    }
    await adminDb.end();

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
      loadAverage: loads.length ? { min: Math.round(Math.min(...loads) * 10) / 10, max: Math.round(Math.max(...loads) * 10) / 10, samples: loads.length } : undefined,
      pinned: pin
        ? `servers on cpu 1, load generators on cpu 0 (taskset, checked on each server); PostgreSQL ${cluster ? 'on cpu 0 with the load generators' : 'unpinned (a server the bench did not start)'}`
        : 'no taskset: unpinned',
      loadTool: useWrk ? 'wrk 4 (closed), Node fixed-rate schedule (open)' : 'Node (closed and open)',
      timing,
      serverNode: pg5.versions.node,
      peers: {
        B4: `PostGraphile 4.14.1 on Node ${pg5.versions.node} with postgraphile-plugin-connection-filter 2.3.0 (--simple-collections both, pool 10)`,
        B5: `PostGraphile ${pg5.versions.postgraphile} (Grafast) with postgraphile-plugin-connection-filter ${pg5.versions.filter} (Amber + V4 preset: B4's names and options, pool 10; bench/pg5/server.mjs)`,
      },
      postgres: clusterNote,
      statementsSource: stats.available
        ? `pg_stat_statements (track = top, utility statements included): every top-level statement a request causes, by the server's own login role, BEGIN, COMMIT, SET and set_config included; at least ${smoke ? 5 : 10} requests and ${smoke ? 1 : 3} s per server and operation (requests one after another) after one warm-up, stats reset before each pass; a server's background statements (counted over ${smoke ? 3 : 10} s idle: ${
            backgroundPerSecond
              ? Object.entries(backgroundPerSecond)
                  .map(([k, n]) => `${k} ${n.toFixed(2)}/s`)
                  .join(', ')
              : '–'
          }) subtracted at their rate from the same statement texts only`
        : 'A: extensions.sqlStatements from a development-mode instance (pg_stat_statements not preloaded on the given server); C: one statement by construction; B4, B5: not measured',
      quiescedCancels,
      backgroundPerSecond,
      loadOrder: loaded.order,
      orphans: loaded.orphans,
      relations,
      import: importResult,
      importFailure,
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
    // A partial run (--only, --open-rps, a different import size) says so in its name, so it never
    // overwrites the figures of a whole run.
    const partial = [only ? `only-${only.join('-')}` : '', arg(argv, 'open-rps') ? `open-${arg(argv, 'open-rps')}rps` : ''].filter(Boolean).join('-');
    const stem = `${report.date.slice(0, 10)}-${size}${scaled ? `-${Math.round(sizes.persons / 1000)}k-persons` : ''}${smoke ? '-smoke' : ''}${partial ? `-${partial}` : ''}`;
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

/**
 * The relations the PostGraphile queries follow. Where a module declares the foreign key
 * (a real constraint in the database), PostGraphile sees it; where it does not (modules relate
 * by id columns across module lines), PostGraphile's documented `@foreignKey` smart comment
 * declares it, in the bench database only, which is what a PostGraphile user would do. A
 * smart comment next to a real constraint would make a duplicate relation, so it is left out.
 */
export const RELATIONS_FOLLOWED: { table: string; column: string; references: string; refColumn: string }[] = [
  { table: 'residence_registrations', column: 'dwelling_id', references: 'dwellings', refColumn: 'id' },
  { table: 'residence_registrations', column: 'person_id', references: 'persons', refColumn: 'id' },
  { table: 'revisits', column: 'dwelling_id', references: 'dwellings', refColumn: 'id' },
  { table: 'unit_assessments', column: 'unit_id', references: 'safe_units', refColumn: 'id' },
  { table: 'credit_list_entries', column: 'subject_id', references: 'credit_subjects', refColumn: 'id' },
  { table: 'credit_list_decisions', column: 'entry_id', references: 'credit_list_entries', refColumn: 'id' },
];

async function declareRelationsForPostGraphile(sql: postgres.Sql): Promise<{ realForeignKeys: string[]; smartComments: string[] }> {
  const real: string[] = [];
  const byTable = new Map<string, string[]>();
  for (const r of RELATIONS_FOLLOWED) {
    const [t] = await sql`select to_regclass(${`public.${r.table}`}) is not null and to_regclass(${`public.${r.references}`}) is not null as ok`;
    if (!t.ok) continue;
    const [fk] = await sql`
      select count(*)::int as n from pg_constraint c
       where c.contype = 'f' and c.conrelid = ${`public.${r.table}`}::regclass and c.confrelid = ${`public.${r.references}`}::regclass
         and c.conkey = array[(select attnum from pg_attribute where attrelid = c.conrelid and attname = ${r.column})]::int2[]`;
    const name = `${r.table}(${r.column}) → ${r.references}(${r.refColumn})`;
    if (fk.n > 0) real.push(name);
    else byTable.set(r.table, [...(byTable.get(r.table) ?? []), `@foreignKey (${r.column}) references ${r.references} (${r.refColumn})`]);
  }
  for (const [table, tags] of byTable) {
    const [c] = await sql`select obj_description(${`public.${table}`}::regclass, 'pg_class') as d`;
    const text = [c.d, ...tags].filter(Boolean).join('\n');
    await sql.unsafe(`comment on table "${table}" is ${`'${text.replace(/'/g, "''")}'`}`);
  }
  return { realForeignKeys: real, smartComments: [...byTable.entries()].flatMap(([t, tags]) => tags.map((x) => `${t}: ${x}`)) };
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

/**
 * The scale-out arrangement, end to end (issue #18): a primary and a streaming replica of our own
 * (initdb, pg_basebackup -R, free ports), Redis on a free port, two API instances of the
 * production bundle. It shows, and fails unless:
 *  - queries are served by the replica (pg_stat_statements on each node, and the node header);
 *  - read-your-writes holds right after a write (the mutation's token sent to the other instance);
 *  - with the replica stopped, reads go to the primary without errors;
 *  - an event raised on instance A reaches a subscriber of instance B (Redis);
 *  - a scheduled job runs once per period with two nodes up, and keeps running when one is killed.
 * It prints which node served which reads. Run: `npm run test:replication`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { mintSuiteToken } from './lib/keys.js';
import { subscribeEvents } from './lib/events.js';
import { startPostgres, type PrivatePostgres } from './lib/postgres.js';
import { startRedis } from './lib/redis.js';
import { cli, productionEnv, startServer, type RunningServer } from './lib/server.js';
import { freePort, sleep, Stack, waitFor } from './lib/stack.js';
import { RECORD_PERSON, residentId } from './lib/world.js';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const JOB = 'core.calendar-warning';
const JOB_PERIOD_MS = 1000;

const asRoot = process.getuid?.() === 0;
function run(args: string[]) {
  const r = spawnSync(asRoot ? 'runuser' : args[0]!, asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** A hot standby of `primary`: pg_basebackup -R (streaming, recovery settings written) on a free port. */
async function startReplica(stack: Stack, primary: PrivatePostgres) {
  const root = mkdtempSync(join(tmpdir(), 'safecity-replica-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  if (asRoot) execFileSync('chown', ['-R', 'postgres', root]);
  run([`${BIN}/pg_basebackup`, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--no-sync']);
  // The copied settings name the primary's port: the last line wins.
  appendFileSync(join(dataDir, 'postgresql.auto.conf'), `port = ${port}\nhot_standby = on\n`);
  const log = join(root, 'server.log');
  const replica = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => run([`${BIN}/pg_ctl`, '-D', dataDir, 'stop', '-m', 'fast', '-w']),
    start: () => run([`${BIN}/pg_ctl`, '-D', dataDir, '-l', log, 'start', '-w']),
  };
  stack.add(`replica :${port}`, () => {
    spawnSync(asRoot ? 'runuser' : `${BIN}/pg_ctl`, asRoot ? ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', dataDir, 'stop', '-m', 'immediate'] : ['-D', dataDir, 'stop', '-m', 'immediate']);
    rmSync(root, { recursive: true, force: true });
  });
  replica.start();
  return replica;
}

const checks: { what: string; pass: boolean; detail: string }[] = [];
function check(what: string, pass: boolean, detail: string) {
  checks.push({ what, pass, detail });
  console.log(`  ${pass ? 'ok  ' : 'FAIL'} ${what}: ${detail}`);
}

async function gql(server: RunningServer, token: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { readAfter?: string } };
  return { status: res.status, body, node: res.headers.get('x-safecity-read-node'), readAfter: res.headers.get('x-read-after') };
}

/** Calls of the statements that read jurisdictions by code, on one node (pg_stat_statements is per node). */
async function jurisdictionReads(sql: postgres.Sql): Promise<number> {
  const [r] = await sql<{ n: string }[]>`select coalesce(sum(calls), 0)::text as n from pg_stat_statements where query ilike '%from "jurisdictions"%'`;
  return Number(r!.n);
}

const RECORD_ALERT = `mutation($at: DateTime!, $j: DivisionCode!, $d: String!) {
  r: recordAlert(type: theft, occurredAt: $at, place: "复制演练", description: $d, jurisdictionCode: $j) {
    __typename ... on RecordAlertSuccess { data { id } } ... on DomainError { code message }
  }
}`;

const READ = `query($c: DivisionCode!) { jurisdiction(code: $c) { code name } }`;
const PERSON = `query($id: ID!) { node(id: $id) { id ... on Person { name } } }`;

async function main() {
  const stack = new Stack();
  const abort = async (why: string) => {
    console.error(`replication: ${why}; stopping what was started`);
    await stack.stopAll();
    process.exit(1);
  };
  process.once('SIGINT', () => void abort('SIGINT'));
  process.once('SIGTERM', () => void abort('SIGTERM'));
  const t0 = Date.now();
  const served: { read: string; instance: string; node: string | null }[] = [];
  try {
    const primary = await startPostgres(stack);
    primary.stopFast();
    // Statement statistics on each node: which one served a read is counted where it ran.
    appendFileSync(join(primary.dataDir, 'postgresql.auto.conf'), "shared_preload_libraries = 'pg_stat_statements'\nwal_level = replica\nmax_wal_senders = 5\n");
    primary.start();
    const env0 = productionEnv(primary.url, { LOG_LEVEL: 'warn' });
    const seeded = cli(['seed'], env0);
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr.slice(-2000)}`);
    const psql = postgres(primary.url, { max: 1, onnotice: () => {} });
    stack.add('primary client', () => psql.end({ timeout: 1 }));
    await psql`create extension if not exists pg_stat_statements`;
    const [{ code: community } = { code: '' }] = await psql<{ code: string }[]>`select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 1`;
    const replica = await startReplica(stack, primary);
    const rsql = postgres(replica.url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    stack.add('replica client', () => rsql.end({ timeout: 1 }));
    const streaming = await waitFor(async () => (await psql`select count(*)::int as n from pg_stat_replication where state = 'streaming'`)[0]!.n === 1, 30_000);
    check('replica streams from the primary', streaming !== null, streaming !== null ? `pg_stat_replication: streaming after ${streaming} ms` : 'not streaming');
    const redis = await startRedis(stack);
    console.log(`replication: primary :${primary.port}, replica :${replica.port}, Redis :${redis.port}`);

    const env = (node: string) =>
      productionEnv(primary.url, {
        REDIS_URL: redis.url,
        DATABASE_REPLICA_URL: replica.url,
        DATABASE_REPLICA_CHECK_MS: '200',
        DATABASE_REPLICA_MAX_LAG_MS: '2000',
        NODE_NAME: node,
        JOB_PERIODS: `${JOB}=${JOB_PERIOD_MS}`,
        JOB_POLL_MS: '100',
        JOB_LEASE_MS: '3000',
        LOG_LEVEL: 'warn',
      });
    const a = await startServer(stack, env('node-a'), { name: 'node-a' });
    const b = await startServer(stack, env('node-b'), { name: 'node-b' });
    const token = await mintSuiteToken({ sub: 'replication-admin', roles: ['city_admin'], jurisdiction: '620100', name: 'replication test' });
    const ready = (await (await fetch(`${a.url}/readiness`)).json()) as { checks: Record<string, { status: string; detail?: string }> };
    check('/readiness reports the replica', ready.checks['replica-1']?.status === 'ok', JSON.stringify(ready.checks['replica-1']));

    console.log('\n== queries read from the replica');
    await psql`select pg_stat_statements_reset()`;
    await rsql`select pg_stat_statements_reset()`;
    const codes = ['620102', '620103', '620104', '620105', '620111'];
    let readErrors = 0;
    for (const [i, code] of codes.entries()) {
      const server = i % 2 ? b : a;
      const r = await gql(server, token, READ, { c: code });
      if (r.body.errors?.length || r.body.data?.jurisdiction?.code !== code) readErrors++;
      served.push({ read: `jurisdiction(${code})`, instance: server === a ? 'node-a' : 'node-b', node: r.node });
    }
    const onReplica = await jurisdictionReads(rsql);
    const onPrimary = await jurisdictionReads(psql);
    check('queries answered without errors', readErrors === 0, `${codes.length - readErrors}/${codes.length}`);
    check(
      'queries served by the replica',
      served.every((s) => s.node === 'replica-1') && onReplica >= codes.length && onPrimary === 0,
      `header replica-1 on ${served.filter((s) => s.node === 'replica-1').length}/${codes.length}; pg_stat_statements: replica ${onReplica} calls, primary ${onPrimary}`,
    );

    console.log('\n== read-your-writes');
    let fresh = 0;
    const N = 10;
    let lastId = '';
    for (let i = 0; i < N; i++) {
      const name = `replication-${t0}-${i}`;
      const w = await gql(a, token, RECORD_PERSON, { name, idNumber: residentId('110102', 4001 * i + 31), j: community });
      const id = w.body.data?.r?.data?.id as string | undefined;
      const tokenLsn = w.body.extensions?.readAfter;
      if (!id || !tokenLsn || w.readAfter !== tokenLsn) throw new Error(`write ${i} failed or carried no token: ${JSON.stringify(w.body).slice(0, 400)} header ${w.readAfter}`);
      lastId = id;
      // Right after the write, on the other instance, carrying the token.
      const r = await gql(b, token, PERSON, { id }, { 'x-read-after': tokenLsn });
      if (r.body.data?.node?.name === name) fresh++;
      served.push({ read: `node(person ${i}) after its write, token ${tokenLsn}`, instance: 'node-b', node: r.node });
    }
    check('a read carrying the write token sees the write', fresh === N, `${fresh}/${N} on node-b right after the write on node-a`);
    const bad = await gql(b, token, PERSON, { id: lastId }, { 'x-read-after': 'yesterday' });
    check(
      'a malformed token is refused with a code',
      bad.status === 400 && bad.body.errors?.[0]?.extensions?.code === 'CORE_READ_AFTER_INVALID',
      `HTTP ${bad.status} ${bad.body.errors?.[0]?.extensions?.code}`,
    );

    console.log('\n== a subscription on node-b hears an event raised on node-a');
    const sub = await subscribeEvents(stack, b.url, token, ['alertRecorded']);
    await sleep(300);
    const w = await gql(a, token, RECORD_ALERT, { at: new Date().toISOString(), j: community, d: `replication-${t0}` });
    const alertGlobalId = String(w.body.data?.r?.data?.id ?? '');
    const alertId = Buffer.from(alertGlobalId, 'base64')
      .toString('utf8')
      .replace(/^Alert:/, '');
    const heard = await waitFor(async () => sub.received.some((e) => e.name === 'alertRecorded' && e.payload.alertId === alertId), 10_000);
    check(
      'event raised on node-a reaches node-b',
      !!alertGlobalId && heard !== null && !sub.endedEarly,
      heard !== null ? `alertRecorded ${alertId} after ${heard} ms` : `nothing within 10 s${sub.endedEarly ? `; ${sub.endedEarly}` : ''} (write: ${JSON.stringify(w.body).slice(0, 200)})`,
    );
    sub.close();

    console.log('\n== the replica stops: reads go to the primary');
    replica.stop();
    let errors = 0;
    const nodes = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const server = i % 2 ? b : a;
      const r = await gql(server, token, READ, { c: codes[i % codes.length] });
      if (r.status !== 200 || r.body.errors?.length) errors++;
      nodes.set(r.node ?? 'none', (nodes.get(r.node ?? 'none') ?? 0) + 1);
      if (i < 4 || i === 19) served.push({ read: `jurisdiction(${codes[i % codes.length]}) with the replica stopped (#${i + 1})`, instance: server === a ? 'node-a' : 'node-b', node: r.node });
    }
    check('no read fails while the replica is down', errors === 0, `${20 - errors}/20 answered; served by ${JSON.stringify(Object.fromEntries(nodes))}`);
    check('reads go to the primary', (nodes.get('primary') ?? 0) === 20, `primary ${nodes.get('primary') ?? 0}/20`);
    const ready2 = (await (await fetch(`${a.url}/readiness`)).json()) as { status: string; checks: Record<string, { status: string; detail?: string }> };
    check(
      '/readiness says the replica is skipped',
      ready2.checks['replica-1']?.status === 'degraded' && ready2.status === 'degraded',
      `${ready2.status}; ${JSON.stringify(ready2.checks['replica-1'])}`,
    );
    replica.start();
    const back = await waitFor(async () => (await gql(a, token, READ, { c: '620102' })).node === 'replica-1', 20_000, 200);
    check('the replica serves again once back', back !== null, back !== null ? `after ${back} ms` : 'not within 20 s');

    console.log(`\n== job ${JOB} (period ${JOB_PERIOD_MS} ms) on two nodes`);
    const since = (await psql<{ t: Date }[]>`select now() as t`)[0]!.t;
    await sleep(6000);
    type Run = { node: string; started: Date; finished: Date | null; outcome: string };
    const runsBoth = await psql<Run[]>`select node, started_at as started, finished_at as finished, outcome from job_runs where name = ${JOB} and started_at >= ${since} order by started_at`;
    const overlaps = runsBoth.filter((r, i) => i > 0 && runsBoth[i - 1]!.finished && r.started < runsBoth[i - 1]!.finished!).length;
    const gaps = runsBoth.slice(1).map((r, i) => r.started.getTime() - runsBoth[i]!.started.getTime());
    const minGap = gaps.length ? Math.min(...gaps) : 0;
    const byNode = (rs: Run[]) => JSON.stringify(Object.fromEntries(['node-a', 'node-b'].map((n) => [n, rs.filter((r) => r.node === n).length])));
    check(
      'with two nodes, one run per period',
      runsBoth.length >= 4 && runsBoth.length <= 7 && overlaps === 0 && minGap >= JOB_PERIOD_MS - 5 && runsBoth.every((r) => r.outcome === 'ok'),
      `${runsBoth.length} runs in 6 s (${byNode(runsBoth)}), shortest gap between starts ${minGap} ms, ${overlaps} overlapping`,
    );
    await a.kill();
    const killedAt = (await psql<{ t: Date }[]>`select now() as t`)[0]!.t;
    // A kill in the middle of a run holds the job until its lease (3 s) runs out.
    await sleep(8000);
    const runsAfter = await psql<Run[]>`select node, started_at as started, finished_at as finished, outcome from job_runs where name = ${JOB} and started_at >= ${killedAt} order by started_at`;
    check(
      'node-a killed: the job keeps running on node-b',
      runsAfter.length >= 3 && runsAfter.every((r) => r.node === 'node-b' && r.outcome === 'ok'),
      `${runsAfter.length} runs in 8 s after the kill (${byNode(runsAfter)})`,
    );
    const [unfinished] = await psql<{ n: number }[]>`select count(*)::int as n from job_runs where outcome = 'running' and node = 'node-a'`;
    check(
      'no run of the killed node left open',
      unfinished!.n === 0 || (await psql`select 1 from job_runs where node = 'node-a' and outcome = 'lease_expired'`).length > 0,
      `${unfinished!.n} running rows of node-a`,
    );
    check('node-b served without unexpected exits', b.unexpectedExits.length === 0, `${b.unexpectedExits.length}`);
  } catch (e) {
    check('ran to the end', false, String((e as Error).stack ?? e));
  } finally {
    await stack.stopAll();
  }
  console.log('\n== which node served which reads');
  for (const s of served) console.log(`  ${s.instance}  ${String(s.node).padEnd(10)}  ${s.read}`);
  const failed = checks.filter((c) => !c.pass);
  console.log(
    `\nreplication: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${checks.length} checks, ${failed.length ? `${failed.length} FAILED: ${failed.map((f) => f.what).join('; ')}` : 'all passed'}`,
  );
  process.exit(failed.length ? 1 : 0);
}

void main();

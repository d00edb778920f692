import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, systemContext } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db.js';
import { createJobRunner, jobPeriods, jobsOf, type JobsConfig } from '../src/jobs.js';
import type { ModuleJob } from '../src/module.js';
import { hasReplayed, isLsn, isServing, loadReplicaConfig, lsnValue, replicaLagMs } from '../src/replicas.js';
import { createTestDatabase } from '../src/testing/index.js';

describe('WAL positions', () => {
  it.each([
    ['0/0', true],
    ['16/B374D848', true],
    ['ffffffff/ffffffff', true],
    ['0/', false],
    ['16-B374D848', false],
    ['1/2/3', false],
    ['123456789/0', false],
    ['', false],
    ['0/16B3748; select 1', false],
  ])('isLsn(%j) is %s', (text, ok) => expect(isLsn(text)).toBe(ok));

  it.each([
    ['0/0', 0n],
    ['0/10', 16n],
    ['1/0', 4294967296n],
    ['16/B374D848', 0x16b374d848n],
  ])('lsnValue(%s) = %s', (lsn, v) => expect(lsnValue(lsn)).toBe(v));

  it.each([
    // replay, token, replayed
    ['0/3000060', '0/3000060', true],
    ['0/3000061', '0/3000060', true],
    ['0/300005F', '0/3000060', false],
    ['1/0', '0/FFFFFFFF', true],
    ['0/FFFFFFFF', '1/0', false],
    [null, '0/0', false],
  ] as const)('hasReplayed(%s, %s) is %s', (replay, token, replayed) => expect(hasReplayed(replay, token)).toBe(replayed));
});

describe('replica lag', () => {
  const samples = [
    { at: 1000, lsn: '0/100' },
    { at: 2000, lsn: '0/200' },
    { at: 3000, lsn: '0/200' },
    { at: 4000, lsn: '0/300' },
  ];
  it.each([
    // replay, now, lag: the time since the primary was first past the replica's position
    ['0/300', 9000, 0], // caught up with an idle primary: no lag however old the last write
    ['0/200', 4500, 500], // behind the 4,000 sample only
    ['0/150', 4500, 2500], // behind since the 2,000 sample
    ['0/50', 4500, 3500], // behind every sample: at least as old as the oldest
    [null, 4500, Number.POSITIVE_INFINITY], // never replayed anything
  ] as const)('replay %s at %i is %i ms behind', (replay, now, lag) => expect(replicaLagMs(samples, replay, now)).toBe(lag));

  it('without samples of the primary the lag is unknown (infinite)', () => expect(replicaLagMs([], '0/1', 1)).toBe(Number.POSITIVE_INFINITY));

  it.each([
    [{ up: true, lagMs: 0, replayLsn: '0/1' }, true],
    [{ up: true, lagMs: 5000, replayLsn: '0/1' }, true],
    [{ up: true, lagMs: 5001, replayLsn: '0/1' }, false],
    [{ up: false, lagMs: 0, replayLsn: '0/1' }, false],
    [{ up: true, lagMs: null, replayLsn: null }, false],
  ])('isServing(%j) with a 5,000 ms bound is %s', (state, serving) => expect(isServing(state, 5000)).toBe(serving));

  it('reads the replica settings from the environment', () => {
    expect(loadReplicaConfig({ DATABASE_REPLICA_URL: 'postgres://a/x, postgres://b/x,', DATABASE_REPLICA_MAX_LAG_MS: '250' })).toEqual({
      urls: ['postgres://a/x', 'postgres://b/x'],
      maxLagMs: 250,
      checkEveryMs: 1000,
      readAfterWaitMs: 200,
      maxConnections: 10,
    });
    expect(loadReplicaConfig({}).urls).toEqual([]);
  });
});

describe('job runner', () => {
  let database: Database;
  let platform: Awaited<ReturnType<typeof createPlatform>>;
  /** A job of its own for each test (the schedule and the runs are per name), and who ran it. */
  const counting = (name: string) => {
    const runs: string[] = [];
    const job: ModuleJob = {
      name,
      everyMs: 3_600_000,
      async run(ctx) {
        runs.push(ctx.requestId.startsWith('system-') ? 'system' : 'request');
        await new Promise((r) => setTimeout(r, 50));
      },
    };
    return { job, runs };
  };
  const failing: ModuleJob = {
    name: 'test.fail',
    everyMs: 3_600_000,
    async run() {
      throw new Error('boom');
    },
  };
  const cfg = (node: string): JobsConfig => ({ enabled: true, node, leaseMs: 30_000, pollMs: 1000, periods: {} });
  const runner = (node: string, jobs: ModuleJob[]) => createJobRunner({ platform, jobs, config: cfg(node), context: () => systemContext(platform) });
  const rows = async <T>(q: ReturnType<typeof sql>) => {
    const r = await database.db.execute(q);
    return ((r as { rows?: T[] }).rows ?? (r as unknown as T[])) as T[];
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = await createPlatform({ modules: [], config: loadConfig({ ...process.env, DATABASE_REPLICA_URL: '', REDIS_URL: '' }), database });
  });
  afterAll(async () => {
    await platform?.close();
    await database?.close();
  });

  it('runs a due job once when two nodes claim it at the same moment, and records the run', async () => {
    const { job, runs } = counting('test.count');
    const [a, b] = await Promise.all([runner('node-a', [job]).tick(), runner('node-b', [job]).tick()]);
    expect([...a, ...b]).toEqual(['test.count']);
    expect(runs).toEqual(['system']);
    const recorded = await rows<{ name: string; node: string; outcome: string; finished: boolean }>(
      sql`select name, node, outcome, finished_at is not null as finished from job_runs where name = 'test.count'`,
    );
    expect(recorded).toEqual([{ name: 'test.count', node: a.length ? 'node-a' : 'node-b', outcome: 'ok', finished: true }]);
    // Not due again for an hour: neither node runs it.
    expect([...(await runner('node-a', [job]).tick()), ...(await runner('node-b', [job]).tick())]).toEqual([]);
    expect(runs).toEqual(['system']);
  });

  it("takes over a dead node's job once its lease has run out, and closes the dead run as lease_expired", async () => {
    // Its first run, on node-a; then node-dead claims it and dies.
    const { job } = counting('test.takeover');
    expect(await runner('node-a', [job]).tick()).toEqual(['test.takeover']);
    await database.db.execute(sql`update job_schedule set next_run_at = now() - interval '1 minute', lease_node = 'node-dead', lease_until = now() - interval '1 second' where name = 'test.takeover'`);
    await database.db.execute(sql`insert into job_runs (name, node, started_at, outcome) values ('test.takeover', 'node-dead', now() - interval '1 minute', 'running')`);
    // A live lease of another node is respected.
    await database.db.execute(sql`update job_schedule set lease_until = now() + interval '1 minute' where name = 'test.takeover'`);
    expect(await runner('node-b', [job]).tick()).toEqual([]);
    await database.db.execute(sql`update job_schedule set lease_until = now() - interval '1 second' where name = 'test.takeover'`);
    expect(await runner('node-b', [job]).tick()).toEqual(['test.takeover']);
    const recorded = await rows<{ node: string; outcome: string }>(sql`select node, outcome from job_runs where name = 'test.takeover' order by id`);
    expect(recorded).toEqual([
      { node: 'node-a', outcome: 'ok' },
      { node: 'node-dead', outcome: 'lease_expired' },
      { node: 'node-b', outcome: 'ok' },
    ]);
    const schedule = await rows<{ lease_node: string | null; due_in_min: number }>(
      sql`select lease_node, round(extract(epoch from next_run_at - now()) / 60)::int as due_in_min from job_schedule where name = 'test.takeover'`,
    );
    expect(schedule).toEqual([{ lease_node: null, due_in_min: 60 }]);
  });

  it('records a failed run with its error, and the job waits its period', async () => {
    expect(await runner('node-a', [failing]).tick()).toEqual(['test.fail']);
    expect(await rows(sql`select node, outcome, error from job_runs where name = 'test.fail'`)).toEqual([{ node: 'node-a', outcome: 'failed', error: 'boom' }]);
    expect(await runner('node-b', [failing]).tick()).toEqual([]);
  });

  it.each([
    [undefined, {}],
    ['', {}],
    ['core.calendar-warning=1000', { 'core.calendar-warning': 1000 }],
    [' a=5 , b.c-d=60000 ', { a: 5, 'b.c-d': 60000 }],
  ])('JOB_PERIODS %j reads as %j', (text, periods) => expect(jobPeriods(text)).toEqual(periods));

  it.each(['a', 'a=', 'a=0', 'a=1s', '=5'])('JOB_PERIODS %j is refused', (text) => expect(() => jobPeriods(text)).toThrow(`JOB_PERIODS: "${text}" is not name=milliseconds`));

  it('refuses two jobs under one name', () => {
    const { job } = counting('test.count');
    expect(() =>
      jobsOf([
        { name: 'a', jobs: [job] },
        { name: 'b', jobs: [job] },
      ]),
    ).toThrow('job test.count is declared twice (module b)');
  });
});

import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Ctx, Platform } from './context.js';
import { statementCounter } from './db.js';
import type { ModuleDescriptor, ModuleJob } from './module.js';
import { metrics } from './ops/metrics.js';

/**
 * Scheduled jobs, exactly once across API nodes. Each job has one row in `job_schedule`; a node
 * claims a due job by taking its lease in one UPDATE on the primary (a row lock: two nodes never
 * both win), renews the lease while the job runs, and on finishing sets the next due time. A node
 * killed mid-run stops renewing: once the lease has expired another node claims the job, and the
 * dead node's run is closed as `lease_expired`. Every run is a `job_runs` row (kept, never deleted).
 * On PGlite (one process) the same statements simply always succeed.
 */
export const jobSchedule = pgTable('job_schedule', {
  name: text('name').primaryKey(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'date' }).notNull(),
  leaseNode: text('lease_node'),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
});

export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    node: text('node').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /** `running`, `ok`, `failed`, or `lease_expired` (its node died or stalled). */
    outcome: text('outcome').notNull(),
    error: text('error'),
  },
  (t) => [index('job_runs_name_idx').on(t.name, t.startedAt)],
);

export const jobTables = { jobSchedule, jobRuns };

export interface JobsConfig {
  /** JOBS=off leaves the jobs to other nodes (default on). */
  enabled: boolean;
  /** This node's name in `job_runs` (NODE_NAME, default host:pid). */
  node: string;
  /** How long a claim holds without renewal (JOB_LEASE_MS, default 30,000); renewed every third of it. */
  leaseMs: number;
  /** How often a node looks for due jobs (JOB_POLL_MS, default 1,000). */
  pollMs: number;
  /** Periods set by the operator instead of the jobs' own (JOB_PERIODS=`core.calendar-warning=60000,…`). */
  periods: Record<string, number>;
}

export function loadJobsConfig(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  return {
    enabled: env.JOBS !== 'off',
    node: env.NODE_NAME || `${hostname()}:${process.pid}`,
    leaseMs: Number(env.JOB_LEASE_MS || 30_000),
    pollMs: Number(env.JOB_POLL_MS || 1000),
    periods: jobPeriods(env.JOB_PERIODS),
  };
}

/** `name=ms,name=ms` as periods by job name; a malformed entry stops the start, never silently ignored. */
export function jobPeriods(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([\w.-]+)=(\d+)$/.exec(part);
    if (!m || Number(m[2]) <= 0) throw new Error(`JOB_PERIODS: "${part}" is not name=milliseconds`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Job names must be unique across modules: two jobs under one name would share one schedule. */
export function jobsOf(modules: readonly Pick<ModuleDescriptor, 'name' | 'jobs'>[]): ModuleJob[] {
  const seen = new Set<string>();
  const out: ModuleJob[] = [];
  for (const m of modules) {
    for (const j of m.jobs ?? []) {
      if (seen.has(j.name)) throw new Error(`job ${j.name} is declared twice (module ${m.name})`);
      seen.add(j.name);
      out.push(j);
    }
  }
  return out;
}

function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}

export interface JobRunner {
  /** Claims and runs every due job once (the loop calls it every `pollMs`); the names run. */
  tick(): Promise<string[]>;
  start(): void;
  /** Stops claiming; waits for the runs in progress. */
  stop(): Promise<void>;
}

export function createJobRunner(o: { platform: Platform; jobs: ModuleJob[]; config: JobsConfig; context: () => Ctx; log?: Logger }): JobRunner {
  const { platform, jobs, config } = o;
  const log = (o.log ?? platform.log).child({ component: 'jobs', node: config.node });
  const db = platform.database.db;
  const exec = (q: ReturnType<typeof sql>) => statementCounter.exit(() => db.execute(q));
  const inProgress = new Set<Promise<void>>();
  let ensured = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let ticking: Promise<string[]> | null = null;

  async function ensureSchedule() {
    if (ensured) return;
    for (const j of jobs) await exec(sql`insert into job_schedule (name, next_run_at) values (${j.name}, now()) on conflict (name) do nothing`);
    ensured = true;
  }

  /** Takes the job's lease if it is due and nobody holds a live lease; the new run's id, or null. */
  async function claim(job: ModuleJob): Promise<{ runId: number; startedAt: Date } | null> {
    return statementCounter.exit(() =>
      db.transaction(async (tx) => {
        // The row lock makes the claim one node's: a second node waits here, then sees the lease taken.
        const row = rowsOf<{ due: boolean; lease_node: string | null; held: boolean }>(
          await tx.execute(sql`select next_run_at <= now() as due, lease_node, coalesce(lease_until >= now(), false) as held from job_schedule where name = ${job.name} for update`),
        )[0];
        if (!row?.due || row.held) return null;
        await tx.execute(sql`update job_schedule set lease_node = ${config.node}, lease_until = now() + make_interval(secs => ${config.leaseMs / 1000}) where name = ${job.name}`);
        // A lease that ran out while held: its node died or stalled; its run ends here, on record.
        if (row.lease_node) {
          await tx.execute(sql`update job_runs set finished_at = now(), outcome = 'lease_expired' where name = ${job.name} and outcome = 'running'`);
          log.warn({ job: job.name, previousNode: row.lease_node }, 'job lease expired: taking the job over');
          metrics.jobRuns.inc({ job: job.name, outcome: 'lease_expired' });
        }
        const run = rowsOf<{ id: number; started_at: string | Date }>(
          await tx.execute(sql`insert into job_runs (name, node, started_at, outcome) values (${job.name}, ${config.node}, now(), 'running') returning id, started_at`),
        )[0]!;
        return { runId: Number(run.id), startedAt: new Date(run.started_at) };
      }),
    );
  }

  async function runClaimed(job: ModuleJob, runId: number, startedAt: Date): Promise<void> {
    const renew = setInterval(
      () => {
        exec(sql`update job_schedule set lease_until = now() + make_interval(secs => ${config.leaseMs / 1000}) where name = ${job.name} and lease_node = ${config.node}`).catch(() => {});
      },
      Math.max(50, config.leaseMs / 3),
    );
    renew.unref();
    let outcome: 'ok' | 'failed' = 'ok';
    let error: string | null = null;
    const t0 = performance.now();
    try {
      await statementCounter.exit(() => job.run(o.context()));
    } catch (e) {
      outcome = 'failed';
      error = String((e as Error)?.message ?? e).slice(0, 500);
      log.error({ job: job.name, err: e }, 'job failed');
    } finally {
      clearInterval(renew);
    }
    metrics.jobRuns.inc({ job: job.name, outcome });
    metrics.jobSeconds.observe({ job: job.name }, (performance.now() - t0) / 1000);
    try {
      await statementCounter.exit(() =>
        db.transaction(async (tx) => {
          await tx.execute(sql`update job_runs set finished_at = now(), outcome = ${outcome}, error = ${error} where id = ${runId} and outcome = 'running'`);
          // The next run is due one period after this one started; a failed run waits its period too.
          await tx.execute(
            sql`update job_schedule set next_run_at = ${startedAt.toISOString()}::timestamptz + make_interval(secs => ${(config.periods[job.name] ?? job.everyMs) / 1000}), lease_node = null, lease_until = null where name = ${job.name} and lease_node = ${config.node}`,
          );
        }),
      );
    } catch (e) {
      // The lease runs out on its own and another node takes the job: nothing is lost.
      log.warn({ job: job.name, err: { message: (e as Error).message } }, 'could not record the end of a job run');
    }
  }

  async function tick(): Promise<string[]> {
    await ensureSchedule();
    const ran: string[] = [];
    for (const job of jobs) {
      if (stopped) break;
      const c = await claim(job);
      if (!c) continue;
      ran.push(job.name);
      const p = runClaimed(job, c.runId, c.startedAt);
      inProgress.add(p);
      await p;
      inProgress.delete(p);
    }
    return ran;
  }

  const loop = () => {
    if (stopped) return;
    ticking = tick()
      .catch((e) => {
        log.warn({ err: { message: (e as Error).message } }, 'job runner pass failed; will retry');
        return [];
      })
      .finally(() => {
        ticking = null;
        if (!stopped) {
          timer = setTimeout(loop, config.pollMs);
          timer.unref();
        }
      });
  };

  return {
    tick,
    start() {
      if (!config.enabled || !jobs.length || timer || ticking) return;
      log.info({ jobs: jobs.map((j) => j.name) }, 'job runner started');
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (ticking) await ticking;
      await Promise.all(inProgress);
    },
  };
}

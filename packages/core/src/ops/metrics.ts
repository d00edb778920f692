import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus series. One registry per process (what Prometheus scrapes is a
 * process): several apps in one process (tests) add to the same counters.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'safecity_' });

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  requests: new Counter({
    name: 'safecity_graphql_requests_total',
    help: 'GraphQL requests by operation name, operation type and outcome (ok, error, refused, rate_limited).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  duration: new Histogram({
    name: 'safecity_graphql_request_duration_seconds',
    help: 'Wall time from the request reaching the gateway to the response, by operation.',
    labelNames: ['operation', 'type'] as const,
    buckets: latencyBuckets,
    registers: [metricsRegistry],
  }),
  errors: new Counter({
    name: 'safecity_graphql_errors_total',
    help: 'Errors in responses (top-level and DomainError union members), by code.',
    labelNames: ['code'] as const,
    registers: [metricsRegistry],
  }),
  sqlStatements: new Histogram({
    name: 'safecity_sql_statements_per_request',
    help: 'SQL statements one request cost.',
    labelNames: ['operation'] as const,
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 50, 100],
    registers: [metricsRegistry],
  }),
  sqlSeconds: new Histogram({
    name: 'safecity_sql_seconds_per_request',
    help: 'Time one request spent in SQL statements (sum over its statements, as the driver saw them).',
    labelNames: ['operation'] as const,
    buckets: latencyBuckets,
    registers: [metricsRegistry],
  }),
  jobRuns: new Counter({
    name: 'safecity_job_runs_total',
    help: 'Background and command jobs run, by job and outcome (ok, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  jobSeconds: new Histogram({
    name: 'safecity_job_duration_seconds',
    help: 'Duration of job runs.',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.1, 1, 10, 60, 300, 1800],
    registers: [metricsRegistry],
  }),
  rateLimited: new Counter({
    name: 'safecity_rate_limit_refusals_total',
    help: 'Requests refused by the rate limit, by subject kind (actor, anonymous) and role.',
    labelNames: ['kind', 'role'] as const,
    registers: [metricsRegistry],
  }),
  rateLimitFallbacks: new Counter({
    name: 'safecity_rate_limit_store_fallbacks_total',
    help: 'Rate-limit decisions taken in process because the shared store (Redis) did not answer.',
    registers: [metricsRegistry],
  }),
};

/** Operation names come from clients: past this many distinct names the rest count as `other`. */
const MAX_OPERATION_LABELS = 300;
const seenOperations = new Set<string>();
export function operationLabel(name: unknown): string {
  if (!name) return 'anonymous';
  // A malformed request may send anything as operationName (the GraphQL-over-HTTP audit sends an object).
  if (typeof name !== 'string') return 'invalid';
  const n = name.slice(0, 64);
  if (seenOperations.has(n)) return n;
  if (seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
  seenOperations.add(n);
  return n;
}

const gauges = new Map<string, Gauge>();
/**
 * A gauge whose value is read at scrape time: the outbox lag, the database pool, a queue
 * length. Registering the same name again replaces the reader (an app restarted in-process).
 */
export function registerGauge(name: string, help: string, read: () => number | Promise<number>, labelNames: string[] = []): void {
  const existing = gauges.get(name);
  if (existing) metricsRegistry.removeSingleMetric(name);
  const g = new Gauge({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        // A gauge that cannot be read is absent from this scrape rather than a failed scrape.
        this.reset();
      }
    },
  });
  gauges.set(name, g);
}

/** Runs a job and counts it: `observeJob('assessment:sweep', () => sweep(ctx))`. */
export async function observeJob<T>(job: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics.jobSeconds.startTimer({ job });
  try {
    const r = await fn();
    metrics.jobRuns.inc({ job, outcome: 'ok' });
    return r;
  } catch (e) {
    metrics.jobRuns.inc({ job, outcome: 'failed' });
    throw e;
  } finally {
    end();
  }
}

import { metricsRegistry } from '../ops/metrics.js';

/**
 * Runs before each test file. Files share a worker's module cache (vitest `isolate: false`: the
 * modules are imported once per worker instead of once per file, most of a file's start-up), so
 * what a file leaves in process-wide state is put back here: the environment as the worker
 * started with it, and the metric counters at zero (a file counts its own requests only).
 */
const started = ((globalThis as { __safecityEnv?: NodeJS.ProcessEnv }).__safecityEnv ??= { ...process.env });
for (const k of Object.keys(process.env)) if (!(k in started)) delete process.env[k];
Object.assign(process.env, started);
metricsRegistry.resetMetrics();

import { createRequire } from 'node:module';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The files that take longest (measured: `npx vitest run --reporter=verbose`), longest first.
 * Vitest orders by the durations of the last run, but a fresh clone has none and then starts the
 * largest files first: these short-but-slow files would start last and leave one worker alone
 * at the end. Started first, the other worker runs the many quick files beside them.
 */
const SLOWEST_FIRST = [
  'packages/api/tests/data-dir-lock.test.ts',
  'packages/api/tests/examples.test.ts',
  'packages/api/tests/outbox.test.ts',
  'packages/api/tests/dev-token.test.ts',
  'packages/core/tests/ops-rate-limit.test.ts',
  'packages/api/tests/graphql-over-http.test.ts',
  'packages/patrol/tests/blocks.test.ts',
  'packages/assessment/tests/seed.test.ts',
];

class SlowestFirstSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const byHistory = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? SLOWEST_FIRST.length : i;
    };
    return byHistory
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  resolve: {
    // One graphql instance: dependencies load its CommonJS build, so our sources must too
    // (two builds mean two GraphQLObjectType classes and "another module or realm" errors).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    reporters: ['default', './scripts/vitest-summary.ts'],
    include: ['packages/*/tests/**/*.test.ts', 'bench/tests/**/*.test.ts'],
    globalSetup: ['packages/api/tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['packages/core/src/testing/file-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Each worker imports the modules once and runs file after file on them (a file's own
    // import was most of its start-up: seconds of graphql, Pothos, drizzle and pino per file).
    // Every file still gets its own database from the template; file-setup.ts puts back the
    // process-wide state a file may leave (environment, metric counters).
    isolate: false,
    // PGlite's WASM compiled by the baseline compiler only (see global-setup.ts): each worker
    // saves the optimizing compile of the whole Postgres module (about 4 s of CPU per process).
    execArgv: ['--liftoff-only'],
    sequence: { sequencer: SlowestFirstSequencer },
    env: { NODE_ENV: 'test' },
  },
});

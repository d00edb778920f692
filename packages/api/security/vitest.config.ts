import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** The permanent security probes (issue #11): one file, one server, run in order. `npm run test:security`. */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['packages/api/security/**/*.test.ts'],
    globalSetup: ['packages/api/tests/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    sequence: { concurrent: false },
    env: { NODE_ENV: 'test' },
  },
});

import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

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
    pool: 'forks',
    maxWorkers: 2,
    env: { NODE_ENV: 'test' },
  },
});

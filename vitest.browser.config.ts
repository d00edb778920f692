import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Browser tests (`npm run test:browser`): they need Debian's chromium, so they stay out of `npm test`. */
export default defineConfig({ ...base, test: { ...base.test, include: ['packages/*/tests-browser/**/*.test.ts'], maxWorkers: 1 } });

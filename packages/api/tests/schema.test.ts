import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/schema.js';

describe('schema.graphql', () => {
  it('matches the code (run `npm run cli -- print-schema --write` after an API change)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../schema.graphql'), 'utf8');
    expect(printedSchema()).toBe(committed);
  });
});

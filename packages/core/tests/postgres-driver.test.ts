import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { postgresReachable } from '@safecity/core/testing';
import { describe, expect, it } from 'vitest';

// The patched postgres.js (patches/postgres@3.4.9.patch): a backend that dies under a reserved
// connection or a transaction settles its queries with CONNECTION_CLOSED instead of ending the
// process. Needs a PostgreSQL server: TEST_DATABASE_URL, else the machine's local one.
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const script = fileURLToPath(new URL('./fixtures/postgres-closed-socket.mjs', import.meta.url));

describe.skipIf(!(await postgresReachable(url)))('postgres.js when a backend dies', () => {
  it('settles the queries of a reserved connection and of a transaction, and the process lives', async () => {
    const child = await promisify(execFile)(process.execPath, [script, url], { timeout: 30_000 }).then(
      (r) => ({ ...r, status: 0 }),
      (e: { stdout: string; stderr: string; code: number | null }) => ({ stdout: e.stdout, stderr: e.stderr, status: e.code }),
    );
    expect(child.stderr).not.toMatch(/Cannot read properties of null/);
    expect(child.status).toBe(0);
    const outcomes = JSON.parse(child.stdout.trim().split('\n').pop()!);
    // The terminated backend's socket either closes or resets, depending on timing.
    const lost = expect.stringMatching(/^(CONNECTION_CLOSED|ECONNRESET)$/);
    expect(outcomes).toEqual({ reservedFirst: lost, reservedSecond: lost, transaction: lost, after: 'ok' });
  });
});

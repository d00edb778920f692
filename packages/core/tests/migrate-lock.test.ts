import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db.js';
import { migrate } from '../src/migrate.js';
import { migrationsFolder, postgresReachable } from '../src/testing/index.js';

// Several API nodes start at once against a new database: each migrates as it starts. Needs a
// PostgreSQL server: TEST_DATABASE_URL, else the machine's local one.
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe.skipIf(!(await postgresReachable(url)))('migrations from several processes at once', () => {
  it('three nodes migrating a new database together all start, and every migration is applied once', async () => {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const name = `safecity_mig_${randomBytes(5).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const nodes = await Promise.all([1, 2, 3].map(() => createDatabase({ url: u.toString(), maxConnections: 3 })));
    try {
      const outcomes = await Promise.allSettled(nodes.map((d) => migrate(d, migrationsFolder(), [])));
      expect(outcomes.map((o) => (o.status === 'rejected' ? String((o.reason as Error).cause ?? o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const check = postgres(u.toString(), { max: 1, onnotice: () => {} });
      const [{ n, distinct }] = await check`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`;
      await check.end();
      expect(n).toBeGreaterThan(10);
      expect(n).toBe(distinct);
    } finally {
      await Promise.all(nodes.map((d) => d.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 120_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createDatabase, createPlatform, loadConfig, migrate, seedAll } from '@safecity/core';
import { migrationsFolder } from '@safecity/core/testing';

/**
 * Migrates and seeds the jurisdiction tree once; every test file then starts from a copy:
 * a PGlite data-dir dump, or a PostgreSQL template database when TEST_DATABASE_URL is set.
 */
export default async function setup(project: TestProject) {
  // Modules are loaded lazily so one package that does not compile mid-edit only loses its post-migrate SQL.
  const modules = await import('../src/modules.js')
    .then((m) => m.modules)
    .catch((e) => {
      console.warn(`global-setup: modules list failed to load (${e.message}); migrating with core only`);
      return [];
    });
  const serverUrl = process.env.TEST_DATABASE_URL;
  const config = { ...loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), redisUrl: null };
  if (serverUrl) {
    const { default: postgres } = await import('postgres');
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    const name = `safecity_tpl_${randomBytes(5).toString('hex')}`;
    await admin.unsafe(`create database ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const database = await createDatabase({ url: u.toString(), maxConnections: 2 });
    await migrate(database, migrationsFolder(), modules);
    const platform = await createPlatform({ modules, config, database });
    await seedAll(platform, modules, ['core']);
    await database.close();
    project.provide('safecity', { pgliteSnapshot: null, templateDatabase: name, adminUrl: serverUrl });
    return async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const database = await createDatabase({ dataDir: 'memory://' });
  await migrate(database, migrationsFolder(), modules);
  const platform = await createPlatform({ modules, config, database });
  await seedAll(platform, modules, ['core']);
  const dump = await (database.raw as { dumpDataDir(c?: 'gzip' | 'none'): Promise<Blob> }).dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'safecity-test-'));
  const file = join(dir, 'snapshot.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('safecity', { pgliteSnapshot: file, templateDatabase: null, adminUrl: null });
  return () => rmSync(dir, { recursive: true, force: true });
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import type { TestProject } from 'vitest/node';
import { createDatabase, createPlatform, loadConfig, migrate, seedAll, type Platform } from '@safecity/core';
import { migrationsFolder, repoRoot } from '@safecity/core/testing';

/**
 * The CLI bundle (`npm run build`, esbuild: about a second) for tests that start the CLI as a
 * child process: plain node on it starts several times faster than tsx on the sources. Built
 * beside the migration, in another process.
 */
async function buildCli(): Promise<string | null> {
  const root = repoRoot();
  try {
    await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: root });
    return join(root, 'packages/api/dist/cli.mjs');
  } catch (e) {
    console.warn(`global-setup: the CLI bundle did not build (${(e as Error).message}); CLI tests run it through tsx`);
    return null;
  }
}

/**
 * The seed's events kick the outbox relay: deliver them (as a test server seeding on its own
 * would have) and free the relay's lease, so no copy starts with events pending or a lease held
 * by this process, and no relay outlives its database polling a closed connection.
 */
async function settleOutbox(platform: Platform): Promise<void> {
  await platform.outbox?.flush();
  await platform.outbox?.stop();
}

/**
 * Migrates and seeds the jurisdiction tree once; every test file then starts from a copy:
 * a PGlite data-dir dump, or a PostgreSQL template database when TEST_DATABASE_URL is set.
 * A second template also holds the whole demo city (every module's seed): the files that test
 * on the demo city start from it instead of each seeding it again (seconds of work per file).
 */
export default async function setup(project: TestProject) {
  // PGlite's WASM compiled by the baseline compiler only: V8's optimizing tier-up of the whole
  // Postgres module cost about 4 s of CPU on background threads, more than the setup's queries
  // gain from it (measured: setup 34.5 s -> 28 s CPU, migrate and seed no slower). Before the
  // first PGlite import, which compiles the module. The workers get the same (vitest.config.ts).
  setFlagsFromString('--liftoff-only');
  // The first files start only after this: say what the wait is (an initdb and the migrations).
  const started = Date.now();
  console.log('global-setup: migrating and seeding the template database (once per run)…');
  const ready = () => console.log(`global-setup: template ready in ${((Date.now() - started) / 1000).toFixed(1)} s; starting the test files`);
  const cliBundle = buildCli();
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
    // A template must have no open sessions while it is copied: the seeded one is made from the
    // closed jurisdiction template and seeded under its own name.
    const seededName = `${name}_seeded`;
    await admin.unsafe(`create database ${seededName} template ${name}`);
    u.pathname = `/${seededName}`;
    const seededDatabase = await createDatabase({ url: u.toString(), maxConnections: 2 });
    const seededPlatform = await createPlatform({ modules, config, database: seededDatabase });
    await seedAll(seededPlatform, modules);
    await settleOutbox(seededPlatform);
    await seededDatabase.close();
    project.provide('safecity', { pgliteSnapshot: null, pgliteSeededSnapshot: null, templateDatabase: name, seededTemplateDatabase: seededName, adminUrl: serverUrl, cliBundle: await cliBundle });
    ready();
    return async () => {
      await admin.unsafe(`drop database if exists ${seededName} with (force)`);
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const database = await createDatabase({ dataDir: 'memory://' });
  await migrate(database, migrationsFolder(), modules);
  const platform = await createPlatform({ modules, config, database });
  await seedAll(platform, modules, ['core']);
  const dir = mkdtempSync(join(tmpdir(), 'safecity-test-'));
  const dumpTo = async (name: string) => {
    const dump = await (database.raw as { dumpDataDir(c?: 'gzip' | 'none'): Promise<Blob> }).dumpDataDir('none');
    const file = join(dir, name);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  };
  const file = await dumpTo('snapshot.tar');
  // The same database, seeded on: core's seed is done, the modules' follow.
  await seedAll(
    platform,
    modules,
    modules.map((m) => m.name).filter((n) => n !== 'core'),
  );
  await settleOutbox(platform);
  const seededFile = await dumpTo('seeded.tar');
  await database.close();
  project.provide('safecity', { pgliteSnapshot: file, pgliteSeededSnapshot: seededFile, templateDatabase: null, seededTemplateDatabase: null, adminUrl: null, cliBundle: await cliBundle });
  ready();
  return () => rmSync(dir, { recursive: true, force: true });
}

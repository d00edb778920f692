import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, DATA_DIR_LOCK_FILE, DataDirectoryInUseError, LOCAL_DEV_SECRET, mintDevToken, SEEDED_USERS } from '@safecity/core';
import { cliCommand, freePort, repoRoot } from '@safecity/core/testing';

const ROOT = repoRoot();
const dirs: string[] = [];
const children = new Set<ChildProcess>();

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'safecity-lock-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every file's name, size and modification time: what "nothing was written" means. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.push(`${p.slice(dir.length)} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The global setup's migrated template, loaded into a data directory instead of an initdb of its
 * own (many seconds of WASM on a loaded machine; the lock is what these tests are about). Without
 * a PGlite template (tests on a PostgreSQL server) PGlite makes the directory itself.
 */
function template(): Blob | undefined {
  const snapshot = inject('safecity')?.pgliteSnapshot;
  return snapshot ? new Blob([readFileSync(snapshot)]) : undefined;
}

// Concurrent: each test has its own directory (and port), and the CLI test spends most of its
// time waiting on child processes, which the in-process tests use to run beside it.
describe.concurrent('one process per embedded data directory (in process)', () => {
  it('a second open gets CORE_DATA_DIRECTORY_IN_USE naming the owner and writes nothing; after close it opens', async () => {
    const dir = tempDir();
    const first = await createDatabase({ dataDir: dir, loadDataDir: template() });
    await first.db.execute('select 1' as never).catch(() => undefined);
    const before = snapshot(dir);
    const err = await createDatabase({ dataDir: dir }).then(
      () => null,
      (e) => e,
    );
    expect(err).toBeInstanceOf(DataDirectoryInUseError);
    expect(err.code).toBe('CORE_DATA_DIRECTORY_IN_USE');
    expect(err.message).toContain(`process ${process.pid}`);
    expect(err.message).toMatch(/DATABASE_URL/);
    expect(snapshot(dir)).toEqual(before);
    await first.close();
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
    const again = await createDatabase({ dataDir: dir });
    await again.close();
    // Without a PGlite template (TEST_DATABASE_URL) the first open is an initdb: a minute when loaded.
  }, 180_000);

  it('a lock left by a process that is gone is replaced', async () => {
    const dir = tempDir();
    // A pid far above pid_max's default range belongs to no process.
    const stale = { pid: 4_000_000, hostname: (await import('node:os')).hostname(), bootId: null, processStart: null, startedAt: '2026-01-01T00:00:00.000Z', command: 'cli.ts serve', nonce: 'x' };
    writeFileSync(join(dir, DATA_DIR_LOCK_FILE), JSON.stringify(stale));
    const db = await createDatabase({ dataDir: dir, loadDataDir: template() });
    expect(JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await db.close();
  }, 180_000);
});

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Run {
  const { DATABASE_URL: _d, REDIS_URL: _r, TEST_DATABASE_URL: _t, ...rest } = process.env;
  // node itself (not the tsx wrapper, which forks): the pid we signal is the server's.
  const [command, argv] = cliCommand(args);
  const child = spawn(command, argv, { cwd: ROOT, env: { ...rest, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

async function untilServing(port: number, r: Run, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (r.child.exitCode !== null) throw new Error(`server exited (${r.child.exitCode}):\n${r.out()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readiness`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server not ready in time:\n${r.out()}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function gql(port: number, query: string) {
  const token = await mintDevToken(LOCAL_DEV_SECRET, { ...SEEDED_USERS.city_admin, roles: ['city_admin'] });
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data: any; errors?: unknown[] };
}

describe.concurrent('one process per embedded data directory (the real CLI)', () => {
  it('population:import against a serving directory is refused and changes nothing; a kill -9 leaves a stale lock the next start recovers', async () => {
    const dir = tempDir();
    const env = { PGLITE_DATA_DIR: dir };
    // The directory starts as the global setup's migrated, jurisdiction-seeded template: what
    // `cli seed core` leaves, without a process (and an initdb) of its own. Without a PGlite
    // template (tests on a PostgreSQL server) the command makes it.
    const loaded = template();
    if (loaded) {
      const made = await createDatabase({ dataDir: dir, loadDataDir: loaded });
      await made.close();
    } else {
      const seeded = run(['seed', 'core'], env);
      expect(await seeded.exited, seeded.out()).toBe(0);
    }

    const port = await freePort();
    const serve = () => run(['serve'], { ...env, PORT: String(port) });
    let server = serve();
    await untilServing(port, server);
    const made = await gql(port, `mutation { createGrid(communityCode: "620102001001", name: "锁测试网格") { ... on CreateGridSuccess { data { code } } } }`);
    const gridCode: string = made.data.createGrid.data.code;
    const readGrid = async () => (await gql(port, `{ jurisdiction(code: "${gridCode}") { name } }`)).data?.jurisdiction?.name;

    const csv = join(tempDir(), 'registrations.csv');
    writeFileSync(csv, 'idNumber,name\n110101199003071234,张三\n');
    const imported = run(['population:import', csv], env);
    const code = await imported.exited;
    expect(code).not.toBe(0);
    expect(imported.out()).toContain('CORE_DATA_DIRECTORY_IN_USE');
    expect(imported.out()).toContain(`process ${server.child.pid}`);
    expect(imported.out()).not.toMatch(/RuntimeError|Aborted/);
    expect(await readGrid()).toBe('锁测试网格');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dir, DATA_DIR_LOCK_FILE))).toBe(false);

    server = serve();
    await untilServing(port, server);
    expect(await readGrid()).toBe('锁测试网格');
    server.child.kill('SIGKILL');
    await server.exited;
    const left = JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8'));
    expect(left.pid).toBe(server.child.pid);

    server = serve();
    await untilServing(port, server);
    expect(await readGrid()).toBe('锁测试网格');
    expect(server.out()).toContain('no longer running');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const verified = run(['verify-audit'], env);
    expect(await verified.exited, verified.out()).toBe(0);
    expect(verified.out()).toContain('"ok":true');
  }, 300_000);
});

// The benchmark's own PostgreSQL cluster: initdb in a temporary folder, a free port, with
// pg_stat_statements preloaded, so statements per request are counted by PostgreSQL for every
// server (the shared server does not preload it, and restarting it is not ours to do).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { procTree, treeCpuSeconds } from './util.js';

const BIN = process.env.PG_BIN ?? '/usr/local/bin';

export interface Cluster {
  /** Admin URL (database `postgres`). */
  url: string;
  port: number;
  /** The settings it runs with, for the report. */
  settings: Record<string, string>;
  /** CPU seconds used so far by the cluster's processes (postmaster, backends, walwriter, …). */
  cpuSeconds: () => number;
  /**
   * Confines the cluster to `cpu`: every process it has now (all threads), and the backends it
   * forks later, which inherit the postmaster's affinity.
   */
  pin: (cpu: number) => void;
  stop: () => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The settings of the shared server that differ from PostgreSQL's defaults (what "tuned like
 * the shared server" means here; read from it when it answers, else the values it had when this
 * was written: shared_buffers 128MB, fsync on, autovacuum off, WAL 80MB..1GB, 100 connections).
 */
export const SHARED_SERVER_TUNING: Record<string, string> = {
  shared_buffers: '128MB',
  fsync: 'on',
  autovacuum: 'off',
  max_wal_size: '1GB',
  min_wal_size: '80MB',
  max_connections: '100',
};
const TUNED = Object.keys(SHARED_SERVER_TUNING);

export async function sharedServerTuning(url: string): Promise<{ settings: Record<string, string>; source: string }> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    const rows = await sql`select name, current_setting(name) as value from pg_settings where name = any(${TUNED}::text[])`;
    return { settings: Object.fromEntries(rows.map((r) => [r.name as string, r.value as string])), source: `read from ${new URL(url).host}` };
  } catch {
    return { settings: { ...SHARED_SERVER_TUNING }, source: 'the shared server did not answer: its recorded settings' };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Starts the cluster; `stop()` stops it and removes its folder (call it on every exit path). */
export async function startCluster(tuning: Record<string, string>): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'safecity-bench-pg-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  // initdb refuses to run as root: run it (and the server) as the postgres OS user then.
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) => {
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) execFileSync('chown', ['-R', 'postgres', root]);
  run([`${BIN}/initdb`, '-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const settings: Record<string, string> = {
    ...tuning,
    port: String(port),
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: "''",
    shared_preload_libraries: "'pg_stat_statements'",
    // Top-level statements only (what a client sends), utility statements (BEGIN, COMMIT, SET) included.
    'pg_stat_statements.track': 'top',
    'pg_stat_statements.track_utility': 'on',
    'pg_stat_statements.max': '10000',
  };
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    `${Object.entries(settings)
      .map(([k, v]) => `${k} = ${/^[\d.]+$|^'|^(on|off)$/.test(v) ? v : `'${v}'`}`)
      .join('\n')}\n`,
  );
  const log = join(root, 'server.log');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(asRoot ? 'runuser' : `${BIN}/pg_ctl`, [...(asRoot ? ['-u', 'postgres', '--', `${BIN}/pg_ctl`] : []), '-D', dataDir, 'stop', '-m', 'fast', '-w'], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  try {
    run([`${BIN}/pg_ctl`, '-D', dataDir, '-l', log, 'start', '-w', '-t', '60']);
  } catch (e) {
    stop();
    throw e;
  }
  // The postmaster's pid is the first line of postmaster.pid; its descendants are the cluster.
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pin = (cpu: number) => {
    for (const pid of procTree(postmaster)) spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, settings, cpuSeconds: () => treeCpuSeconds(postmaster), pin, stop };
}

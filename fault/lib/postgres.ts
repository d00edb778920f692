import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Stack } from './stack.js';

const BIN = process.env.PG_BIN ?? '/usr/local/bin';

export interface PrivatePostgres {
  url: string;
  port: number;
  dataDir: string;
  /** The server's log (statements cancelled, connections terminated). */
  logFile: string;
  /** `pg_ctl stop -m fast`: disconnects every session, as an operator's restart does. */
  stopFast(): void;
  start(): void;
}

/** A PostgreSQL cluster of our own: initdb in a temporary folder, a free port, trust auth. */
export async function startPostgres(stack: Stack): Promise<PrivatePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'safecity-fault-pg-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  const user = ['-U', 'postgres'];
  // initdb refuses to run as root: run it (and the server) as the postgres OS user then.
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) => {
    const cmd = asRoot ? 'runuser' : args[0]!;
    const argv = asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1);
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) execFileSync('chown', ['-R', 'postgres', root]);
  run([`${BIN}/initdb`, '-D', dataDir, '-A', 'trust', ...user, '--no-sync', '-E', 'UTF8', '--locale=C']);
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    `${[`port = ${port}`, "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", 'fsync = off', 'max_connections = 200', 'shared_buffers = 128MB'].join('\n')}\n`,
  );
  const log = join(root, 'server.log');
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    logFile: log,
    stopFast: () => run([`${BIN}/pg_ctl`, '-D', dataDir, 'stop', '-m', 'fast', '-w']),
    start: () => run([`${BIN}/pg_ctl`, '-D', dataDir, '-l', log, 'start', '-w']),
  };
  stack.add(`postgres :${port}`, () => {
    spawnSync(asRoot ? 'runuser' : `${BIN}/pg_ctl`, asRoot ? ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', dataDir, 'stop', '-m', 'immediate'] : ['-D', dataDir, 'stop', '-m', 'immediate']);
    rmSync(root, { recursive: true, force: true });
  });
  pg.start();
  return pg;
}

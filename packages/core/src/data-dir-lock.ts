import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import pino from 'pino';

/**
 * One process at a time owns an embedded (PGlite) data directory: PGlite is PostgreSQL in one
 * process's memory, and a second process opening the same files sees none of the first one's
 * writes and can leave the directory unusable for both. The owner writes this file into the
 * directory; a second process reads it and stops before opening anything.
 */
export const DATA_DIR_LOCK_FILE = 'safecity.lock';

export interface DataDirOwner {
  pid: number;
  hostname: string;
  /** Linux boot id: a lock from before a reboot is stale whatever its pid. */
  bootId: string | null;
  /** The process's start (clock ticks since boot, /proc/<pid>/stat): tells a reused pid apart. */
  processStart: string | null;
  startedAt: string;
  command: string;
  /** Ours, to release only our own lock. */
  nonce: string;
}

export class DataDirectoryInUseError extends Error {
  readonly code = 'CORE_DATA_DIRECTORY_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly owner: Partial<DataDirOwner> | null,
  ) {
    const who = owner?.pid
      ? `process ${owner.pid} on ${owner.hostname ?? 'an unknown host'} (\`${owner.command ?? 'unknown command'}\`, started ${owner.startedAt ?? 'at an unknown time'})`
      : 'another process (its lock file is being written or unreadable)';
    super(
      `The embedded database in ${dataDir} is in use by ${who}. ` +
        'The embedded database (PGlite) can be opened by one process at a time. ' +
        'Stop that process first and run the command again; or use a PostgreSQL server for both (DATABASE_URL); ' +
        'or do it through the running server’s API (e.g. the importRegistrations mutation instead of population:import).' +
        (owner?.hostname && owner.hostname !== hostname() ? ` If that host no longer runs it, delete ${join(dataDir, DATA_DIR_LOCK_FILE)}.` : ''),
    );
    this.name = 'DataDirectoryInUseError';
  }
}

export type LockVerdict = 'live' | 'stale' | 'unknown-host';

/** Whether a recorded owner still runs, as far as this machine can tell. Pure: facts come in. */
export function judgeOwner(owner: Partial<DataDirOwner>, here: { hostname: string; bootId: string | null }, facts: { pidAlive: boolean; processStart: string | null }): LockVerdict {
  if (owner.hostname !== here.hostname) return 'unknown-host';
  if (owner.bootId && here.bootId && owner.bootId !== here.bootId) return 'stale';
  if (!facts.pidAlive) return 'stale';
  if (owner.processStart && facts.processStart && owner.processStart !== facts.processStart) return 'stale'; // pid reused
  return 'live';
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces, so count from the closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeCommand(): string {
  const [, script = 'node', ...args] = process.argv;
  return [basename(script), ...args].join(' ').slice(0, 200);
}

let logger: pino.Logger | null = null;
const log = () => (logger ??= pino({ level: process.env.LOG_LEVEL || 'info', base: { service: 'safecity-api', component: 'data-dir-lock' } }));

/** A lock file younger than this that cannot be parsed is being written right now. */
const HALF_WRITTEN_GRACE_MS = 5000;

export interface DataDirLock {
  owner: DataDirOwner;
  release(): void;
}

/**
 * Takes the directory or throws DataDirectoryInUseError without writing anything. A lock left
 * by a process that is gone (killed, or before a reboot) is replaced, and said so in the log.
 */
export function lockDataDirectory(dataDir: string, command = describeCommand()): DataDirLock {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const owner: DataDirOwner = {
    pid: process.pid,
    hostname: hostname(),
    bootId: readBootId(),
    processStart: processStartOf(process.pid),
    startedAt: new Date().toISOString(),
    command,
    nonce: randomUUID(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx'); // atomic: exactly one process creates it
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = readOwner(path);
      if (held === 'half-written') throw new DataDirectoryInUseError(dataDir, null);
      if (held === 'gone') continue;
      const verdict = held
        ? judgeOwner(held, { hostname: owner.hostname, bootId: owner.bootId }, { pidAlive: !!held.pid && pidAlive(held.pid), processStart: held.pid ? processStartOf(held.pid) : null })
        : 'stale';
      if (verdict !== 'stale') throw new DataDirectoryInUseError(dataDir, held);
      log().warn({ dataDir, staleOwner: held }, 'replacing the lock of a process that is no longer running (it was killed or the machine restarted)');
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(owner, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const onExit = () => release();
    const release = () => {
      process.off('exit', onExit);
      const held = readOwner(path);
      try {
        if (held && typeof held === 'object' && held.nonce === owner.nonce) unlinkSync(path);
      } catch {
        /* already gone */
      }
    };
    process.on('exit', onExit);
    return { owner, release };
  }
  throw new DataDirectoryInUseError(dataDir, null);
}

function readOwner(path: string): Partial<DataDirOwner> | null | 'half-written' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<DataDirOwner>;
    return o && typeof o === 'object' ? o : null;
  } catch {
    // Unparseable: being written now, or cut short by a crash long ago (then it is stale).
    try {
      return Date.now() - statSync(path).mtimeMs < HALF_WRITTEN_GRACE_MS ? 'half-written' : null;
    } catch {
      return 'gone';
    }
  }
}

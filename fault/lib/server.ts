import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SUITE_PUBLIC_KEY_PEM } from './keys.js';
import { freePort, waitFor, type Stack } from './stack.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BUNDLE = join(ROOT, 'packages/api/dist/cli.mjs');

/** Production settings: tokens verified with the suite's public key (see keys.ts). */
export function productionEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    AUTH_PUBLIC_KEY: SUITE_PUBLIC_KEY_PEM,
    // The suite measures faults, not rate limits: one actor drives the whole load.
    RATE_LIMITS: 'off',
    AUTH_PUBLIC_KEY_ALG: 'ES256',
    SAFECITY_DATA_KEY: 'fault-suite-data-key-not-a-secret',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Runs a CLI command of the bundle to completion (migrate, seed, verify-audit, …). */
export function cli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [BUNDLE, ...args], { env, encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const x = e as { status: number | null; stdout: string; stderr: string };
    return { status: x.status, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  logFile: string;
  /** Exits of the server process we did not ask for. */
  readonly unexpectedExits: { code: number | null; signal: string | null }[];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Parsed JSON log lines so far. */
  logs(): Record<string, unknown>[];
  workerPids(): number[];
  /** SIGTERM; resolves with the exit. */
  terminate(): Promise<{ code: number | null; signal: string | null; ms: number }>;
  kill(): Promise<void>;
}

/** Starts `serve` of the production bundle on a free port and waits until /health answers. */
export async function startServer(stack: Stack, env: NodeJS.ProcessEnv, opts: { workers?: number; name?: string; bundle?: string } = {}): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'safecity-fault-srv-'));
  const logFile = join(dir, `${opts.name ?? 'server'}.log`);
  const out = createWriteStream(logFile);
  const args = [opts.bundle ?? BUNDLE, 'serve', ...(opts.workers ? ['--workers', String(opts.workers)] : [])];
  const proc = spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  let asked = false;
  const unexpectedExits: { code: number | null; signal: string | null }[] = [];
  const exited = new Promise<{ code: number | null; signal: string | null }>((res) =>
    proc.once('exit', (code, signal) => {
      if (!asked) unexpectedExits.push({ code, signal });
      res({ code, signal });
    }),
  );
  const s: RunningServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    proc,
    logFile,
    unexpectedExits,
    exited,
    logs: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
    workerPids: () => {
      try {
        return execFileSync('ps', ['-o', 'pid=', '--ppid', String(proc.pid)], { encoding: 'utf8' })
          .split('\n')
          .map((x) => Number(x.trim()))
          .filter(Boolean);
      } catch {
        return [];
      }
    },
    async terminate() {
      asked = true;
      const t0 = Date.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await exited;
      return { ...r, ms: Date.now() - t0 };
    },
    async kill() {
      asked = true;
      const workers = s.workerPids();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      for (const w of workers) {
        try {
          process.kill(w, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
  };
  stack.add(`server :${port}`, async () => {
    await s.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const ready = await waitFor(async () => (await fetch(`${s.url}/health`)).ok, 60_000, 100);
  if (ready === null) throw new Error(`server did not start; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  return s;
}

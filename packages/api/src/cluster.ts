import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { withServerNodeFlags } from './node-flags.js';

/**
 * `serve --workers [N]`: N (default: one per core) processes share the port; the primary
 * restarts a worker that dies, with a backoff that grows only while crashes keep coming, so one
 * crash is a blip and a crash loop does not spin the CPU. On SIGTERM the primary forwards it and
 * waits for every worker to drain.
 */
export function workersOption(args: string[]): number | null {
  const i = args.indexOf('--workers');
  if (i < 0) return null;
  const next = args[i + 1];
  const explicit = next !== undefined && /^\d+$/.test(next);
  args.splice(i, explicit ? 2 : 1);
  const n = explicit ? Number(next) : availableParallelism();
  if (n < 1) throw new Error('--workers needs at least 1');
  return n;
}

/** Delay before restarting after the `recentCrashes`-th crash within a minute: 0 for the first, then doubling to 10 s. */
export function restartDelayMs(recentCrashes: number): number {
  if (recentCrashes <= 1) return 0;
  return Math.min(10_000, 250 * 2 ** (recentCrashes - 2));
}

export function runPrimary(workers: number, log: Logger, shutdownLimitMs: number): Promise<void> {
  // The workers accept connections themselves (one shared socket). With the default round-robin
  // the primary accepts them and hands them on, and during a drain it hands connections to a
  // worker that has just stopped listening, which resets them.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // Workers get the serving flags (node-flags.ts) whatever the primary was started with.
  cluster.setupPrimary({ execArgv: withServerNodeFlags(process.execArgv) });
  let stopping = false;
  const crashes: number[] = [];
  const spawn = () => {
    const w = cluster.fork({ SAFECITY_WORKER: '1' });
    w.on('exit', (code, signal) => onExit(w, code, signal));
  };
  const onExit = (w: Worker, code: number | null, signal: string | null) => {
    if (stopping) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0]! < now - 60_000) crashes.shift();
    const delay = restartDelayMs(crashes.length);
    log.error({ worker: w.process.pid, code, signal, restartInMs: delay, crashesLastMinute: crashes.length }, 'worker died; starting a new one');
    setTimeout(() => !stopping && spawn(), delay);
  };
  for (let i = 0; i < workers; i++) spawn();
  log.info({ workers, pid: process.pid }, 'primary started workers');
  return new Promise((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      log.info({ signal: sig, workers: alive.length }, 'primary: forwarding signal and waiting for workers to drain');
      let left = alive.length;
      const done = () => {
        clearTimeout(hard);
        log.info('primary: all workers stopped');
        resolve();
      };
      // Workers exit after their own drain limit; this is only the backstop.
      const hard = setTimeout(() => {
        for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
      }, shutdownLimitMs + 5_000);
      if (left === 0) return done();
      for (const w of alive) {
        w.once('exit', () => --left === 0 && done());
        w.process.kill(sig);
      }
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

export const isClusterWorker = () => cluster.isWorker;

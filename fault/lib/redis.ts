import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, waitFor, type Stack } from './stack.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL): clients see connections refused until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const answersPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });

/** A Redis of our own on a free port, no persistence. */
export async function startRedis(stack: Stack): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const r: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      proc = spawn(process.env.REDIS_SERVER ?? '/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      if ((await waitFor(() => answersPing(port), 10_000)) === null) throw new Error('redis did not start');
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((res) => p.once('exit', res));
      p.kill('SIGKILL');
      await exited;
    },
  };
  stack.add(`redis :${port}`, () => r.stop());
  await r.start();
  return r;
}

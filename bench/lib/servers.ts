import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../packages/api/src/node-flags.js';
import type { Pg5 } from './pg5.js';
import { allowedCpus, hasTaskset, procUsage, sleep } from './util.js';
import http from 'node:http';

export type ServerId = 'A' | 'A-dev' | 'B4' | 'B5' | 'C' | 'D';

export interface RunningServer {
  id: ServerId;
  label: string;
  url: string;
  pid: number;
  proc: ChildProcess;
  log: () => string;
  usage: () => { rssMiB: number; cpuSeconds: number };
  stop: () => Promise<void>;
}

const require = createRequire(import.meta.url);

export interface ServerOptions {
  root: string;
  databaseUrl: string;
  port: number;
  cpu: number | null;
  publicKeyPem: string;
  /** PostGraphile 5 (B5) and the Node every server runs on (bench/lib/pg5.ts); without it, this process's Node (B5 cannot run). */
  pg5?: Pg5;
}

function command(id: ServerId, o: ServerOptions): { label: string; args: string[]; env: Record<string, string>; path: string } {
  const tsx = ['--import', 'tsx'];
  const base = { DATABASE_URL: o.databaseUrl, PORT: String(o.port), LOG_LEVEL: 'warn' };
  switch (id) {
    case 'A':
    case 'A-dev':
      return {
        label: id === 'A' ? 'A SafeCity API (production)' : 'A SafeCity API (development, statement counts)',
        // The production build (`npm run build`, an esbuild bundle), as the API would be deployed.
        // With the serving flags the README's production command carries (node-flags.ts).
        args: [...SERVER_NODE_FLAGS, join(o.root, 'packages/api/dist/cli.mjs'), 'serve'],
        // The rate limiter runs (its cost is measured) with budgets the load generator never exhausts.
        env: {
          ...base,
          NODE_ENV: id === 'A' ? 'production' : 'development',
          AUTH_PUBLIC_KEY: o.publicKeyPem,
          AUTH_PUBLIC_KEY_ALG: 'ES256',
          RATE_LIMITS: 'anonymous=1000000/1000000,default=1000000/1000000,department_service=1000000/1000000',
        },
        path: '/graphql',
      };
    case 'B4': {
      const cli = join(dirname(require.resolve('postgraphile/package.json')), 'cli.js');
      return {
        label: 'B4 PostGraphile 4.14.1',
        args: [
          cli,
          '-c',
          o.databaseUrl,
          '-s',
          'public',
          '-n',
          '127.0.0.1',
          '-p',
          String(o.port),
          '--disable-query-log',
          '--no-ignore-rbac',
          '--max-pool-size',
          '10',
          '--simple-collections',
          'both',
          '--append-plugins',
          require.resolve('postgraphile-plugin-connection-filter'),
        ],
        env: { NODE_ENV: 'production' },
        path: '/graphql',
      };
    }
    case 'B5': {
      if (!o.pg5) throw new Error('B5 needs bench/pg5 (ensurePg5)');
      return {
        label: `B5 PostGraphile ${o.pg5.versions.postgraphile} (Grafast; Node ${o.pg5.versions.node})`,
        args: [o.pg5.server],
        env: { DATABASE_URL: o.databaseUrl, PORT: String(o.port), NODE_ENV: 'production' },
        path: '/graphql',
      };
    }
    case 'C':
      return { label: 'C raw SQL (node:http + postgres.js)', args: [...tsx, join(o.root, 'bench/servers/raw.ts')], env: { ...base, NODE_ENV: 'production' }, path: '/op' };
    case 'D':
      return { label: 'D Yoga { hello }', args: [...tsx, join(o.root, 'bench/servers/hello.ts')], env: { ...base, NODE_ENV: 'production' }, path: '/graphql' };
  }
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Starts one server as its own node process, pinned to `cpu` with taskset when available. */
export async function startServer(id: ServerId, o: ServerOptions): Promise<RunningServer> {
  const c = command(id, o);
  // A server already answering there is someone else's: measuring it would measure the wrong thing.
  if (await probe(o.port)) throw new Error(`${c.label}: port ${o.port} is already in use by another process`);
  const pin = o.cpu != null && hasTaskset();
  const node = o.pg5?.node ?? process.execPath;
  const [cmd, args] = pin ? ['taskset', ['-c', String(o.cpu), node, ...c.args]] : [node, c.args];
  const proc = spawn(cmd, args, { cwd: o.root, env: { ...process.env, ...c.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 20_000) out = out.slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited: number | null = null;
  proc.on('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 120_000;
  while (!(await probe(o.port))) {
    if (exited !== null) throw new Error(`${c.label} exited with ${exited} before listening:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${c.label} did not listen on ${o.port} within 120 s:\n${out}`);
    }
    await sleep(200);
  }
  const pid = proc.pid!;
  // The report says where each server ran: check it, so that a pin that silently did not happen
  // (as until 2026-12-02, see readCpus) stops the run instead of measuring another arrangement.
  const allowed = allowedCpus(pid);
  if (pin && allowed && allowed.join(',') !== String(o.cpu)) {
    proc.kill('SIGKILL');
    throw new Error(`${c.label}: pinned to cpu ${o.cpu} but may run on ${allowed.join(',')}`);
  }
  return {
    id,
    label: c.label + (pin ? ` [cpu ${o.cpu}]` : ''),
    url: `http://127.0.0.1:${o.port}${c.path}`,
    pid,
    proc,
    log: () => out,
    usage: () => procUsage(pid),
    async stop() {
      if (exited !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 12_000);
      await done;
      clearTimeout(t);
    },
  };
}

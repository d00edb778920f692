// PostGraphile 5 needs Node ≥ 22 (on Node 20 it fails every query). bench/pg5 is a folder of its
// own, outside the pnpm workspace, with an npm lockfile pinning postgraphile 5.1.5, the v5
// connection-filter plugin and the npm package `node` 24.21.0 (a Node binary from the registry,
// as .ci/run gets Node 24). `npm ci` installs it on first use; later runs reuse it.
//
// Every server of the benchmark runs on that Node (since 2026-11-29; before, B5 on Node 22 and the
// others on the machine's Node 20): Node 20 is out of support since April 2026, 24 is the current
// LTS, and one runtime for all keeps the comparison about the servers. Measured on the small city
// (a server on one core, Node CPU per request, three alternating 5 s rounds, c=10): Node 24 against
// 20 took A from 0.80 to 0.60 ms on Q2 and 0.76 to 0.59 on Q3a, B4 from 0.45 to 0.39 and 0.41 to
// 0.32; B5 from 0.50 (Node 22) to 0.46 and 0.34 to 0.33.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pg5 {
  node: string;
  server: string;
  versions: { node: string; postgraphile: string; filter: string };
}

export function ensurePg5(root: string, log: (m: string) => void): Pg5 {
  const dir = join(root, 'bench/pg5');
  const node = join(dir, 'node_modules/.bin/node');
  const want = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies as Record<string, string>;
  const installed = (pkg: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
    } catch {
      return null;
    }
  };
  const current = () => existsSync(node) && Object.entries(want).every(([pkg, v]) => installed(pkg) === v);
  if (!current()) {
    log('installing bench/pg5 (PostGraphile 5 and Node 24) with npm ci');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0 || !current()) throw new Error(`npm ci in bench/pg5 failed: ${r.stderr || r.stdout}`);
  }
  const v = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!/^v24\./.test(v)) throw new Error(`bench/pg5's node is ${v}, expected v24`);
  return { node, server: join(dir, 'server.mjs'), versions: { node: v, postgraphile: installed('postgraphile')!, filter: installed('postgraphile-plugin-connection-filter')! } };
}

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const hasTaskset = () => !!which('taskset') && readCpus().length >= 2;
/**
 * The CPUs the machine gives the bench, whatever this process's own affinity. It must not be
 * `nproc`'s answer: the orchestrator pins itself to cpu 0 before it starts the servers (run.ts),
 * and `nproc` answers the calling process's affinity, 1 from then on, so every later
 * `hasTaskset()` said no and each server and wrk was started without taskset, inheriting cpu 0:
 * from the first benchmark (c6de0a5) to 2026-12-02 the servers shared the load generator's core
 * while the report said "servers on cpu 1". A container's cpuset (cgroup v2) when there is one,
 * else every online CPU.
 */
export function readCpus(): number[] {
  try {
    const effective = readFileSync('/sys/fs/cgroup/cpuset.cpus.effective', 'utf8').trim();
    if (effective) return cpuList(effective);
  } catch {
    /* no cgroup v2 cpuset */
  }
  return cpus().map((_, i) => i);
}

/** A kernel CPU list (`0-3,6`) as numbers. */
export function cpuList(s: string): number[] {
  return s
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [lo, hi = lo] = part.split('-').map(Number);
      return Array.from({ length: hi! - lo! + 1 }, (_, i) => lo! + i);
    });
}

/** The CPUs a running process may run on (`Cpus_allowed_list`), or null off Linux. */
export function allowedCpus(pid: number): number[] | null {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? cpuList(m[1]!) : null;
  } catch {
    return null;
  }
}

export function machine() {
  let model = 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    /* not linux */
  }
  let mem = '';
  try {
    mem = `${Math.round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1048576)} GiB`;
  } catch {
    /* not linux */
  }
  return { nproc: cpus().length, model, memory: mem, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 };
}

export function gitCommit(cwd: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** Process tree usage from /proc: RSS (sum of the tree) and CPU seconds (utime+stime). */
export function procTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(d));
    } catch {
      /* exited */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

const TICKS = 100;
/** utime, stime, cutime, cstime of one process in seconds (children: the exited ones it has reaped). */
function cpuFields(pid: number | 'self'): [number, number, number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]) / TICKS, Number(f[12]) / TICKS, Number(f[13]) / TICKS, Number(f[14]) / TICKS];
}

/**
 * CPU seconds of a process and every descendant, those that exited included (a PostgreSQL
 * backend that ended during a run is in its postmaster's reaped-children time): for the cluster.
 */
export function treeCpuSeconds(root: number): number {
  let cpu = 0;
  for (const pid of procTree(root)) {
    try {
      const [u, s, cu, cs] = cpuFields(pid);
      cpu += u + s + cu + cs;
    } catch {
      /* exited: its parent reaps it into its own children's time */
    }
  }
  return cpu;
}

/** CPU seconds of this process (the load generator runs here) and of the children it has reaped (wrk). */
export function selfCpuSeconds(): number {
  const [u, s, cu, cs] = cpuFields('self');
  return u + s + cu + cs;
}

export function procUsage(root: number): { rssMiB: number; cpuSeconds: number } {
  let rss = 0;
  let cpu = 0;
  for (const pid of procTree(root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const [u, s] = cpuFields(pid);
      cpu += u + s;
    } catch {
      /* exited */
    }
  }
  return { rssMiB: rss / 1024, cpuSeconds: cpu };
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpResult {
  status: number;
  body: string;
}
export function post(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function arg(args: string[], name: string, def?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return def;
  return args[i + 1];
}
export const flag = (args: string[], name: string) => args.includes(`--${name}`);

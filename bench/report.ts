import type { Sizes } from './data.js';

export interface Point {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}
export interface ServerResult {
  server: string;
  label: string;
  closed: Record<string, Point>;
  peakRps: number;
  open?: Point;
  rssMiB: number;
  /** CPU time of the server process per wall second during the closed runs (1.0 = one core busy). */
  cpuCores: number;
}
export interface OpResult {
  id: string;
  title: string;
  kind: 'read' | 'write';
  nesting: number;
  servers: Partial<Record<'A' | 'B' | 'C' | 'D', ServerResult>>;
  statements?: { A?: number; B?: number; C?: number; source: string };
  openRps?: number;
  note?: string;
  /** How B and C do the operation when it differs from A's work (e.g. a bench-only SQL function). */
  peerNote?: string;
}
export interface Report {
  date: string;
  size: string;
  smoke: boolean;
  sizes: Sizes;
  loaded: Record<string, number>;
  loadSeconds: number;
  generator: string;
  commit: string;
  dirty: boolean;
  machine: { nproc: number; model: string; memory: string; node: string };
  pinned: string;
  loadTool: string;
  timing: { warmup: number; duration: number; runs: number; concurrency: number[] };
  peers: Record<string, string>;
  statementsSource: string;
  equality: { op: string; variants: number; ok: boolean; detail?: string }[];
  skipped: { id: string; title: string; reason: string }[];
  results: OpResult[];
  elapsedSeconds: number;
}

const f0 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

export function renderReport(r: Report): string {
  const L: string[] = [];
  const cs = r.timing.concurrency;
  L.push(`# SafeCity benchmark: ${r.size}, ${r.sizes.persons.toLocaleString('en-US')} persons${r.smoke ? ' (smoke: short, 1 run, not figures to quote)' : ''}`);
  L.push('');
  L.push(`- date ${r.date}, commit \`${r.commit.slice(0, 12)}\`${r.dirty ? ' (uncommitted changes in the work tree)' : ''}`);
  L.push(`- machine: ${r.machine.nproc} × ${r.machine.model}, ${r.machine.memory}, Node ${r.machine.node}; ${r.pinned}`);
  L.push(`- data (${r.generator}): ${Object.entries(r.loaded).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}; COPY load ${r.loadSeconds.toFixed(1)} s`);
  L.push(`- load: ${r.loadTool}; warm-up ${r.timing.warmup} s, ${r.timing.runs} run(s) of ${r.timing.duration} s each, median; closed model at c=${cs.join(', c=')}; open model at 70% of the slowest peak of A/B/C`);
  L.push(`- peers: A = our API (NODE_ENV=production, ES256 tokens, jurisdiction scoping, masking); ${r.peers.B}, default options, no auth; C = node:http + postgres.js, one hand-written SQL per request, no auth; D = Yoga \`{ hello }\``);
  L.push(`- SQL statements per request: ${r.statementsSource}`);
  L.push(`- equality checks (A = B = C, normalized; writes: each server wrote once): ${r.equality.length ? r.equality.map((e) => `${e.op} ${e.ok ? 'ok' : 'FAILED'}`).join(', ') : 'none'}`);
  L.push('');
  const head = ['op', 'server', ...cs.map((c) => `rps c=${c}`), ...cs.map((c) => `p50/p99 ms c=${c}`), 'open rps', 'open p50 ms', 'open p99 ms', 'stmts/req', 'RSS MiB', 'CPU cores'];
  L.push(`| ${head.join(' | ')} |`);
  L.push(`|${head.map(() => '---').join('|')}|`);
  for (const op of r.results) {
    if (op.note) {
      L.push(`| ${op.id} | ${op.note} |`);
      continue;
    }
    for (const [id, s] of Object.entries(op.servers)) {
      if (!s) continue;
      const st = (op.statements as Record<string, number> | undefined)?.[id];
      L.push(
        `| ${op.id} | ${id} | ${cs.map((c) => f0(s.closed[c]?.rps)).join(' | ')} | ${cs.map((c) => `${f1(s.closed[c]?.p50Ms)} / ${f1(s.closed[c]?.p99Ms)}`).join(' | ')} | ${f0(s.open?.rps)} | ${f1(s.open?.p50Ms)} | ${f1(s.open?.p99Ms)} | ${st ?? '–'} | ${f0(s.rssMiB)} | ${f1(s.cpuCores)} |`,
      );
    }
  }
  L.push('');
  L.push('Ratios (peak rps of the closed model; p99 of the open model). Targets: A ≥ 1.2× B and A p99 ≤ B p99 on Q1–Q3; A ≥ 0.6× C; statements ≤ nesting depth.');
  L.push('');
  L.push('| op | what | A/B rps | A/C rps | A p99 / B p99 | A stmts (nesting) | errors |');
  L.push('|---|---|---|---|---|---|---|');
  for (const op of r.results) {
    if (op.id === 'D' || op.note) continue;
    const a = op.servers.A;
    const b = op.servers.B;
    const c = op.servers.C;
    const errs = Object.entries(op.servers)
      .map(([id, s]) => [id, Object.values(s!.closed).reduce((n, p) => n + p.errors, 0) + (s!.open?.errors ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([id, n]) => `${id}: ${n}`)
      .join(', ');
    L.push(`| ${op.id} | ${op.title} | ${ratio(a?.peakRps, b?.peakRps)} | ${ratio(a?.peakRps, c?.peakRps)} | ${a?.open && b?.open ? ratio(a.open.p99Ms, b.open.p99Ms) : '–'} | ${op.statements?.A ?? '–'} (${op.nesting}) | ${errs || 'none'} |`);
  }
  const notes = r.results.filter((o) => o.peerNote);
  if (notes.length) {
    L.push('');
    L.push('Peers doing it differently:');
    for (const o of notes) L.push(`- ${o.id}: ${o.peerNote}`);
  }
  if (r.results.some((o) => o.kind === 'write')) {
    L.push('');
    L.push('Writes: every load run starts from the same data (the writes of the previous run are deleted); a request whose write did not take counts as an error whatever its HTTP status.');
  }
  if (r.skipped.length) {
    L.push('');
    L.push('Skipped operations:');
    for (const s of r.skipped) L.push(`- ${s.id} (${s.title}): ${s.reason}`);
  }
  const bad = r.equality.filter((e) => !e.ok);
  if (bad.length) {
    L.push('');
    L.push('Equality failures:');
    for (const e of bad) L.push(`- ${e.op}: ${e.detail}`);
  }
  L.push('');
  L.push(`Whole run: ${Math.round(r.elapsedSeconds)} s.`);
  return L.join('\n');
}

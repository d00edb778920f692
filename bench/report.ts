import { SERVER_NODE_FLAGS } from '../packages/api/src/node-flags.js';
import type { Sizes } from './data.js';
import type { ImportMeasurement } from './import.js';

export interface Point {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** The worst run's p99 (the median hides a stall in one run of three). */
  p99MaxMs?: number;
  errors: number;
  /** The errors by kind (`http 503`, `graphql errors`, `dropped`, `timeout 10 s`, ...). */
  errorKinds?: Record<string, number>;
  /** The first answer of each error kind (open model). */
  errorSamples?: Record<string, string>;
}
export interface StatementCounts {
  source: string;
  /** Statements per request, by server. */
  perServer: Partial<Record<string, number>>;
  /** The most frequent statements per request, by server (pg_stat_statements' normalized text). */
  breakdown: Partial<Record<string, { perRequest: number; query: string }[]>>;
  note?: string;
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
  /** CPU milliseconds a request in the closed model at the first concurrency (median of the runs). */
  cpuMsPerRequest?: CpuPerRequest;
}
/**
 * Where a request's CPU goes on the machine: the server's process, the PostgreSQL cluster's
 * processes (null on a server the bench did not start), and the load generator (this process).
 */
export interface CpuPerRequest {
  server: number;
  postgres: number | null;
  load: number;
}
export interface OpResult {
  id: string;
  title: string;
  kind: 'read' | 'write';
  nesting: number;
  servers: Partial<Record<string, ServerResult>>;
  statements?: StatementCounts;
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
  machine: { nproc: number; model: string; memory: string; node: string; loadAverage1m?: number };
  /** 1-minute load average of the machine sampled before every measurement: other work on a shared machine shows here. */
  loadAverage?: { min: number; max: number; samples: number };
  pinned: string;
  loadTool: string;
  timing: { warmup: number; duration: number; runs: number; concurrency: number[] };
  /** The Node every server ran on (bench/lib/pg5.ts); absent in reports before 2026-11-29, when the servers ran on the orchestrator's Node (B5 on 22). */
  serverNode?: string;
  peers: Record<string, string>;
  postgres: string;
  statementsSource: string;
  /** Queries still running 30 s after a measurement that the bench had to cancel before the next one. */
  quiescedCancels: number;
  /** Statements per second each server runs on its own while idle (timers), subtracted from the per-request counts. */
  backgroundPerSecond: Record<string, number> | null;
  loadOrder: string[];
  orphans: Record<string, number>;
  relations: { realForeignKeys: string[]; smartComments: string[] };
  import: ImportMeasurement | null;
  importFailure: string | null;
  equality: { op: string; variants: number; ok: boolean; detail?: string }[];
  skipped: { id: string; title: string; reason: string }[];
  results: OpResult[];
  elapsedSeconds: number;
}

const f0 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

const GRAPHQL_SERVERS = ['A', 'B4', 'B5'];
const kinds = (k: Record<string, number> | undefined) =>
  Object.entries(k ?? {})
    .map(([x, n]) => `${n} ${x}`)
    .join(', ');
const bestOf = (xs: (number | undefined)[], pick: (a: number, b: number) => number) =>
  xs.filter((x): x is number => x !== undefined && Number.isFinite(x)).reduce<number | undefined>((m, x) => (m === undefined ? x : pick(m, x)), undefined);

export function renderReport(r: Report): string {
  const L: string[] = [];
  const cs = r.timing.concurrency;
  L.push(`# SafeCity benchmark: ${r.size}, ${r.sizes.persons.toLocaleString('en-US')} persons${r.smoke ? ' (smoke: short, 1 run, not figures to quote)' : ''}`);
  L.push('');
  L.push(`- date ${r.date}, commit \`${r.commit.slice(0, 12)}\`${r.dirty ? ' (uncommitted changes in the work tree)' : ''}`);
  L.push(`- machine: ${r.machine.nproc} × ${r.machine.model}, ${r.machine.memory}, Node ${r.machine.node}; ${r.pinned}`);
  if (r.loadAverage)
    L.push(
      `- machine load (1-minute load average before each measurement): ${r.loadAverage.min}–${r.loadAverage.max} over ${r.loadAverage.samples} samples${r.loadAverage.max > r.machine.nproc ? `: **more runnable processes than cores (${r.machine.nproc}): other work shared the machine, so absolute figures are low and noisy; compare servers within this run only**` : ''}`,
    );
  L.push(`- PostgreSQL: ${r.postgres}`);
  L.push(
    `- data (${r.generator}): ${Object.entries(r.loaded)
      .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
      .join(', ')}; COPY load ${r.loadSeconds.toFixed(1)} s, in foreign-key order (${r.loadOrder.join(' → ')})`,
  );
  const orphanTotal = Object.values(r.orphans).reduce((a, b) => a + b, 0);
  L.push(
    `- foreign keys: rows a declared or planned foreign key (every jurisdiction_code → jurisdictions(code)) would reject: ${
      orphanTotal === 0
        ? `none (${Object.keys(r.orphans).length} checked)`
        : Object.entries(r.orphans)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k}: ${n}`)
            .join('; ')
    }`,
  );
  L.push(
    `- PostGraphile relations: by real foreign key: ${r.relations.realForeignKeys.join(', ') || 'none'}; by \`@foreignKey\` smart comment (no real key): ${r.relations.smartComments.join(', ') || 'none'}`,
  );
  L.push(
    `- load: ${r.loadTool}; warm-up ${r.timing.warmup} s, ${r.timing.runs} run(s) of ${r.timing.duration} s each, median; closed model at c=${cs.join(', c=')}; open model at 70% of the slowest peak of A/B4/B5/C, after a warm-up at that rate (since 2026-11-29); PostgreSQL idle before every run (queries cancelled because still running 30 s later: ${r.quiescedCancels}); D measured first`,
  );
  L.push(
    `- runtime: ${r.serverNode ? `every server on Node ${r.serverNode} (the npm package \`node\`, bench/pg5's lockfile); the orchestrator and load generator on Node ${r.machine.node}` : `Node ${r.machine.node}`}`,
  );
  L.push(
    `- peers: A = our API (\`node ${SERVER_NODE_FLAGS.join(' ')} packages/api/dist/cli.mjs serve\`, NODE_ENV=production, ES256 tokens, jurisdiction scoping, masking); B4 = ${r.peers.B4}; B5 = ${r.peers.B5}; both no auth; C = node:http + postgres.js, one hand-written SQL per request, no auth; D = Yoga \`{ hello }\` (no database)`,
  );
  L.push(`- SQL statements per request: ${r.statementsSource}`);
  L.push(`- equality checks (A = B4 = B5 = C, normalized; writes: each server wrote once): ${r.equality.length ? r.equality.map((e) => `${e.op} ${e.ok ? 'ok' : 'FAILED'}`).join(', ') : 'none'}`);
  L.push('');
  const head = [
    'op',
    'server',
    ...cs.map((c) => `rps c=${c}`),
    ...cs.map((c) => `p50/p99 ms c=${c}`),
    'open rps',
    'open p50 ms',
    `open p99 ms${r.timing.runs > 1 ? ' (worst run)' : ''}`,
    'stmts/req',
    'errors (closed/open)',
    'RSS MiB',
    'CPU cores',
  ];
  L.push(`| ${head.join(' | ')} |`);
  L.push(`|${head.map(() => '---').join('|')}|`);
  for (const op of r.results) {
    if (op.note) {
      L.push(`| ${op.id} | ${op.note} |`);
      continue;
    }
    for (const [id, s] of Object.entries(op.servers)) {
      if (!s) continue;
      const st = op.statements?.perServer[id];
      const closedErr = Object.values(s.closed).reduce((n, p) => n + p.errors, 0);
      L.push(
        `| ${op.id} | ${id} | ${cs.map((c) => f0(s.closed[c]?.rps)).join(' | ')} | ${cs.map((c) => `${f1(s.closed[c]?.p50Ms)} / ${f1(s.closed[c]?.p99Ms)}`).join(' | ')} | ${f0(s.open?.rps)} | ${f1(s.open?.p50Ms)} | ${f1(s.open?.p99Ms)}${s.open?.p99MaxMs !== undefined && r.timing.runs > 1 ? ` (${f1(s.open.p99MaxMs)})` : ''} | ${st ?? '–'} | ${closedErr} / ${s.open ? s.open.errors : '–'} | ${f0(s.rssMiB)} | ${f1(s.cpuCores)} |`,
      );
    }
  }
  L.push('');
  L.push(
    'Ratios (peak rps of the closed model; p99 of the open model; best B = the better of PostGraphile 4 and 5). Targets (#12): A ≥ 1.2× best B and A p99 ≤ best B p99 on Q1–Q3b; A ≥ 0.6× C; statements ≤ nesting depth; D above every GraphQL server.',
  );
  L.push('');
  L.push('| op | what | A/B4 rps | A/B5 rps | A/best B rps | A/C rps | A p99 / best B p99 | D/best GraphQL rps | stmts A / B4 / B5 / C (nesting) | errors |');
  L.push('|---|---|---|---|---|---|---|---|---|---|');
  const d = r.results.find((o) => o.id === 'D')?.servers.D?.peakRps;
  for (const op of r.results) {
    if (op.id === 'D' || op.note) continue;
    const sv = op.servers;
    const bestB = bestOf([sv.B4?.peakRps, sv.B5?.peakRps], Math.max);
    const bestBp99 = bestOf([sv.B4?.open?.p99Ms, sv.B5?.open?.p99Ms], Math.min);
    const bestGql = bestOf(
      GRAPHQL_SERVERS.map((id) => sv[id]?.peakRps),
      Math.max,
    );
    const errs = Object.entries(sv)
      .map(([id, s]) => [id, Object.values(s!.closed).reduce((n, p) => n + p.errors, 0) + (s!.open?.errors ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([id, n]) => `${id}: ${n}`)
      .join(', ');
    const st = op.statements?.perServer ?? {};
    L.push(
      `| ${op.id} | ${op.title} | ${ratio(sv.A?.peakRps, sv.B4?.peakRps)} | ${ratio(sv.A?.peakRps, sv.B5?.peakRps)} | ${ratio(sv.A?.peakRps, bestB)} | ${ratio(sv.A?.peakRps, sv.C?.peakRps)} | ${sv.A?.open && bestBp99 ? ratio(sv.A.open.p99Ms, bestBp99) : '–'} | ${op.kind === 'read' ? ratio(d, bestGql) : '–'} | ${['A', 'B4', 'B5', 'C'].map((id) => st[id] ?? '–').join(' / ')} (${op.nesting}) | ${errs || 'none'} |`,
    );
  }
  L.push('');
  L.push(...cpuTable(r));
  const errorLines: string[] = [];
  for (const op of r.results) {
    for (const [id, s] of Object.entries(op.servers)) {
      for (const [c, p] of Object.entries(s!.closed)) if (p.errors) errorLines.push(`- ${op.id} ${id} closed c=${c}: ${p.errors} (${kinds(p.errorKinds) || 'kind not recorded'})`);
      if (s!.open?.errors)
        errorLines.push(
          `- ${op.id} ${id} open at ${op.openRps} rps: ${s!.open.errors} (${kinds(s!.open.errorKinds) || 'kind not recorded'})${
            Object.keys(s!.open.errorSamples ?? {}).length
              ? `; first answer of each kind: ${Object.entries(s!.open.errorSamples!)
                  .map(([k, b]) => `${k}: \`${b.replace(/`/g, "'")}\``)
                  .join('; ')}`
              : ''
          }`,
        );
    }
  }
  L.push(
    errorLines.length
      ? 'Errors by server, model and kind (an error is a non-2xx answer, a 2xx answer with GraphQL `errors`, a transport error or timeout, an open-model arrival dropped when 5 s of arrivals are outstanding, or a write that did not take):'
      : 'Errors: 0 for every server in every model (non-2xx answers, GraphQL `errors` in 2xx answers, transport errors, timeouts, dropped arrivals and writes that did not take all count).',
  );
  L.push(...errorLines);
  if (r.import || r.importFailure) {
    L.push('');
    const im = r.import;
    if (im)
      L.push(
        `Import (#13): ${im.rows.toLocaleString('en-US')} registrations of new persons through \`${im.command}\`: ${im.imported.toLocaleString('en-US')} imported, ${im.errors} row errors, ${im.importSeconds.toFixed(1)} s (of which ${im.startupSeconds.toFixed(1)} s process start-up, measured on a header-only file); a bare COPY of the same rows into the same tables (${Object.entries(
          im.copiedRows,
        )
          .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
          .join(
            ', ',
          )}, their unique keys re-drawn, in a transaction rolled back afterwards: the registers' indexes at full size, as the import met them): ${im.copySeconds.toFixed(2)} s. Import / COPY: **${im.ratio.toFixed(1)}×** (target ≤ 3×).${
          im.copyFreshSeconds
            ? ` Into fresh empty copies of the tables (the baseline until 2026-11-30, small cached indexes): ${im.copyFreshSeconds.toFixed(2)} s, ${(im.importSeconds / im.copyFreshSeconds).toFixed(1)}×.`
            : ''
        }`,
      );
    else L.push(`Import (#13): the measurement failed: ${r.importFailure}`);
  }
  const notes = r.results.filter((o) => o.peerNote);
  if (notes.length) {
    L.push('');
    L.push('Peers doing it differently:');
    for (const o of notes) L.push(`- ${o.id}: ${o.peerNote}`);
  }
  const stNotes = r.results.filter((o) => o.statements?.note);
  if (stNotes.length) {
    L.push('');
    for (const o of stNotes) L.push(`- statements ${o.id}: ${o.statements!.note}`);
  }
  if (r.results.some((o) => o.kind === 'write')) {
    L.push('');
    L.push(
      'Writes: every load run starts from the same data (the writes of the previous run are deleted and the written tables vacuumed: the bench cluster runs without autovacuum); a request whose write did not take counts as an error whatever its HTTP status.',
    );
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

/**
 * CPU a request by where it runs. On a machine where the load generator, the servers and
 * PostgreSQL share the cores, a server's peak follows the sum, not its own column alone.
 */
function cpuTable(r: Report): string[] {
  const rows: string[] = [];
  const c = r.timing.concurrency[0];
  const ms = (x: number | null | undefined) => (x == null ? '–' : x.toFixed(3));
  const total = (x: CpuPerRequest | undefined) => (x && x.postgres !== null ? x.server + x.postgres + x.load : undefined);
  for (const op of r.results) {
    if (op.note) continue;
    const sv = op.servers;
    const best = ['B4', 'B5']
      .map((id) => sv[id])
      .filter((s): s is ServerResult => !!s)
      .sort((a, b) => b.peakRps - a.peakRps)[0];
    for (const [id, s] of Object.entries(sv)) {
      const x = s?.cpuMsPerRequest;
      if (!x) continue;
      // Requests that failed or timed out leave work running past the window (and cancelled
      // afterwards): per request, the figures mean nothing (they even came out negative).
      if (s.closed[String(c)]?.errors) {
        rows.push(`| ${op.id} | ${id} | – | – | – | – | errors at c=${c} |`);
        continue;
      }
      const t = total(x);
      const vsBest = id === 'A' && best ? ratio(t, total(best.cpuMsPerRequest)) : '';
      rows.push(`| ${op.id} | ${id} | ${ms(x.server)} | ${ms(x.postgres)} | ${ms(x.load)} | ${ms(t)} | ${vsBest} |`);
    }
  }
  if (!rows.length) return [];
  return [
    `CPU milliseconds a request (closed model, c=${c}; /proc): the server's process (its threads), the PostgreSQL cluster's processes (every backend, the WAL writer and the rest, so another server's idle connections count too) and the load generator; A's sum against the sum of the B with the higher peak. The machine's cores are shared by all three.`,
    '',
    '| op | server | server ms | PostgreSQL ms | load generator ms | sum ms | A sum / best B sum |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

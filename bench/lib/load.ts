import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTaskset, percentile, which } from './util.js';

/**
 * What a load generator sends: POSTs of JSON bodies in rotation; `__SEQ__` in a body becomes a
 * unique string per request, `__N9__` the request's number in its run (1, 2, ...) in 9 digits and
 * `__N9B64__` those 9 digits in base64url (for a global id; see freshPersonId in plans.ts).
 */
export interface RequestSpec {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
}

export interface LoadResult {
  tool: 'wrk' | 'node-closed' | 'node-open';
  concurrency?: number;
  targetRps?: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Non-2xx answers, 2xx answers carrying GraphQL `errors`, transport errors, and (open model)
   * arrivals dropped above the outstanding cap.
   */
  errors: number;
  /** The errors by kind: `http 503`, `graphql errors`, `timeout`, `ECONNRESET`, `dropped`, ... */
  errorKinds?: Record<string, number>;
  /** The first answer of each error kind (cut to 300 characters), to tell what the errors were. */
  errorSamples?: Record<string, string>;
}

/** A GraphQL answer with HTTP 200 can still be an error (our API and PostGraphile answer errors with 200). */
export const hasGraphqlErrors = (body: string) => body.startsWith('{"errors":') || body.includes(',"errors":[');
const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

export const wrkPath = () => which('wrk');

function luaString(s: string): string {
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

function wrkScript(spec: RequestSpec): string {
  const u = new URL(spec.url);
  const headers = Object.entries({ 'Content-Type': 'application/json', ...spec.headers })
    .map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)
    .join('\n');
  const runId = randomBytes(4).toString('hex');
  return `
local bodies = { ${spec.bodies.map(luaString).join(',\n')} }
local n = #bodies
local counter = 0
local threads = 0
tid = 0
threads_list = {}
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  table.insert(threads_list, thread)
end
${headers}
wrk.method = "POST"
local path = ${luaString(u.pathname + u.search)}
local b64c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function b64url3(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local v = a * 65536 + b * 256 + c
    for _, d in ipairs({ 262144, 4096, 64, 1 }) do
      local k = math.floor(v / d) % 64
      out[#out + 1] = b64c:sub(k + 1, k + 1)
    end
  end
  return table.concat(out)
end
function request()
  counter = counter + 1
  local b = bodies[(counter % n) + 1]
  if string.find(b, "__", 1, true) then
    b = (string.gsub(b, "__SEQ__", "${runId}" .. tid .. "_" .. counter))
    if string.find(b, "__N9", 1, true) then
      local n9 = string.format("%09d", counter)
      b = (string.gsub(b, "__N9B64__", b64url3(n9)))
      b = (string.gsub(b, "__N9__", n9))
    end
  end
  return wrk.format("POST", path, nil, b)
end
gqlerrors = 0
function response(status, headers, body)
  if status < 300 and body and (string.sub(body, 1, 10) == '{"errors":' or string.find(body, ',"errors":[', 1, true)) then
    gqlerrors = gqlerrors + 1
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  local g = 0
  for _, t in ipairs(threads_list or {}) do g = g + (t:get("gqlerrors") or 0) end
  io.write(string.format("JSONRESULT {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50\\":%d,\\"p99\\":%d,\\"non2xx\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"timeout\\":%d,\\"gql\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout, g))
end
`;
}

/** The per-request tokens of a body (see RequestSpec) for request number `n`; wrk's Lua does the same. */
export function materializeBody(body: string, n: number, seq = `x${n}`): string {
  if (!body.includes('__')) return body;
  const n9 = String(n).padStart(9, '0');
  return body.replaceAll('__SEQ__', seq).replaceAll('__N9B64__', Buffer.from(n9).toString('base64url')).replaceAll('__N9__', n9);
}

let scriptDir: string | null = null;
/** Closed model with wrk (one thread, `c` connections), pinned to `cpu` when taskset exists. */
export async function runWrk(spec: RequestSpec, concurrency: number, seconds: number, cpu: number | null): Promise<LoadResult> {
  scriptDir ??= mkdtempSync(join(tmpdir(), 'safecity-bench-'));
  const file = join(scriptDir, `s-${randomBytes(4).toString('hex')}.lua`);
  writeFileSync(file, wrkScript(spec));
  const wrkArgs = ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, spec.url];
  const [cmd, args] = cpu != null && hasTaskset() ? ['taskset', ['-c', String(cpu), 'wrk', ...wrkArgs]] : ['wrk', wrkArgs];
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(cmd as string, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    p.stdout.on('data', (c) => (o += c));
    p.stderr.on('data', (c) => (o += c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(o) : reject(new Error(`wrk exited ${code}: ${o}`))));
  });
  const m = /JSONRESULT (\{.*\})/.exec(out);
  if (!m) throw new Error(`wrk printed no result: ${out}`);
  const r = JSON.parse(m[1]);
  const errorKinds: Record<string, number> = {};
  for (const [k, label] of [
    ['non2xx', 'non-2xx'],
    ['connect', 'connect'],
    ['read', 'read'],
    ['write', 'write'],
    ['timeout', 'timeout'],
    ['gql', 'graphql errors'],
  ] as const)
    if (r[k]) errorKinds[label] = r[k];
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return { tool: 'wrk', concurrency, requests: r.requests, rps: r.requests / (r.duration_us / 1e6), p50Ms: r.p50 / 1000, p99Ms: r.p99 / 1000, errors, errorKinds };
}

function sender(spec: RequestSpec, connections = 4096) {
  const u = new URL(spec.url);
  // `timeout` makes the agent honour a server's `Keep-Alive: timeout=N` hint: an idle connection is
  // closed a second before the server would close it. Without it a connection idle for the server's
  // whole keep-alive time (Node's default 5 s: PostGraphile, C, D) could be reused at the instant the
  // server closed it, an ECONNRESET counted against the server (B4, Q1's open model, 2026-11-29).
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, timeout: 60_000 });
  const runId = randomBytes(4).toString('hex');
  let counter = 0;
  const samples: Record<string, string> = {};
  /** Resolves with null when the answer is a success, else the kind of error. */
  const send = (): Promise<string | null> => {
    counter++;
    const body = materializeBody(spec.bodies[counter % spec.bodies.length], counter, `${runId}n_${counter}`);
    return new Promise((resolve) => {
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...spec.headers } },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const kind = status >= 300 ? `http ${status}` : hasGraphqlErrors(text) ? 'graphql errors' : null;
            if (kind && !(kind in samples)) samples[kind] = text.slice(0, 300);
            resolve(kind);
          });
          res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'response error'));
        },
      );
      req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout 10 s' })));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end(body);
    });
  };
  return Object.assign(send, { samples });
}

/** Closed model in Node (the fallback when wrk is missing): `c` loops, each sending its next request when the previous answered. */
export async function runNodeClosed(spec: RequestSpec, concurrency: number, seconds: number): Promise<LoadResult> {
  const send = sender(spec);
  const lat: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const err = await send();
        lat.push(performance.now() - t);
        if (err) {
          errors++;
          bump(errorKinds, err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { tool: 'node-closed', concurrency, requests: lat.length, rps: lat.length / elapsed, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), errors, errorKinds, errorSamples: send.samples };
}

/**
 * Open model (what wrk2 does): arrivals on a fixed schedule at `rps` over a fixed set of
 * `connections` keep-alive connections (as wrk2 and a load balancer in front of a server do);
 * an arrival with every connection busy waits for one, and its latency is measured from its
 * scheduled time, waiting included (no coordinated omission). Arrivals beyond
 * `maxOutstanding` in flight (5 s of arrivals: the server is hopelessly behind) are dropped
 * and counted as errors of kind `dropped`.
 *
 * Until 2026-11-28 every arrival could open a connection of its own (up to 4,096) and 1,000
 * outstanding were dropped: a pause of about a second in a server (a stall in one of three
 * runs, hidden by the median p99) turned into a storm of new connections and hundreds of
 * dropped arrivals counted as errors without a kind. That fits A's open-model errors in the
 * city run of 2026-11-22 (Q0 413, Q2 104, Q3a 404 at ~1,000 rps with a median p99 under 100 ms:
 * errors that fast can only be drops or fast failures); the kinds are now recorded to tell.
 */
export async function runNodeOpen(spec: RequestSpec, rps: number, seconds: number, connections = 100, maxOutstanding = Math.max(1000, Math.round(rps * 5))): Promise<LoadResult> {
  const send = sender(spec, connections);
  const lat: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  let outstanding = 0;
  const total = Math.max(1, Math.round(rps * seconds));
  const interval = 1000 / rps;
  const start = performance.now();
  let issued = 0;
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (issued < total && start + issued * interval <= now) {
        const scheduled = start + issued * interval;
        issued++;
        if (outstanding >= maxOutstanding) {
          errors++;
          bump(errorKinds, 'dropped');
          continue;
        }
        outstanding++;
        pending.push(
          send().then((err) => {
            outstanding--;
            lat.push(performance.now() - scheduled);
            if (err) {
              errors++;
              bump(errorKinds, err);
            }
          }),
        );
      }
      if (issued >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + issued * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { tool: 'node-open', targetRps: rps, requests: lat.length, rps: lat.length / elapsed, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), errors, errorKinds, errorSamples: send.samples };
}

import { Agent, request } from 'node:http';

/** What one request came to, as a client sees it. */
export type Outcome =
  | { kind: 'ok'; status: number; body: any }
  | { kind: 'error'; status: number; code: string; message: string; retryAfter: string | null; body: any }
  /** The connection was refused: nothing was sent (a load balancer would try another instance). */
  | { kind: 'refused' }
  /**
   * The request was sent and the connection closed without an answer. `fresh`: on a new
   * connection (caught in a closing listener's backlog, never handed to the application);
   * otherwise on a kept-alive connection the server was using.
   */
  | { kind: 'reset'; error: string; fresh: boolean };

export interface GqlClient {
  post(query: string, variables?: Record<string, unknown>, opts?: { requestId?: string; signal?: AbortSignal; timeoutMs?: number }): Promise<Outcome & { ms: number }>;
  close(): void;
}

/** A keep-alive HTTP client (node:http, like most service clients) for one server. */
export function gqlClient(baseUrl: string, token: string, maxSockets = 64): GqlClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const u = new URL('/graphql', baseUrl);
  return {
    close: () => agent.destroy(),
    post(query, variables, opts = {}) {
      const t0 = performance.now();
      const body = JSON.stringify({ query, variables });
      return new Promise((resolve) => {
        const done = (o: Outcome) => resolve({ ...o, ms: performance.now() - t0 });
        const req = request(
          u,
          {
            method: 'POST',
            agent,
            signal: opts.signal,
            timeout: opts.timeoutMs ?? 30_000,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body), ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c) => chunks.push(c));
            res.on('error', (e) => done({ kind: 'reset', error: e.message, fresh: !req.reusedSocket }));
            res.on('end', () => {
              let parsed: any = null;
              try {
                parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              } catch {
                /* not JSON */
              }
              const status = res.statusCode ?? 0;
              const err = parsed?.errors?.[0];
              if (status === 200 && !err) done({ kind: 'ok', status, body: parsed });
              else
                done({ kind: 'error', status, code: err?.extensions?.code ?? `HTTP_${status}`, message: err?.message ?? '', retryAfter: (res.headers['retry-after'] as string) ?? null, body: parsed });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('client timeout')));
        req.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ECONNREFUSED') done({ kind: 'refused' });
          else done({ kind: 'reset', error: `${e.code ?? ''} ${e.message}`.trim(), fresh: !req.reusedSocket });
        });
        req.end(body);
      });
    },
  };
}

/** Codes a client may see during a fault; anything else (a driver code, a host) is a leak. */
export const ALLOWED_FAULT_CODES = new Set(['CORE_DATABASE_UNAVAILABLE', 'CORE_REQUEST_TIMEOUT', 'CORE_REQUEST_CANCELLED', 'INTERNAL_SERVER_ERROR']);

export interface LoadStats {
  started: number;
  ok: number;
  refused: number;
  /** Resets on kept-alive connections. */
  reset: number;
  writesSent: number;
  /** A sample answer of a write that was answered but not acknowledged (a domain error). */
  writeNotAcknowledged: string | null;
  /** Resets of brand-new connections before any answer (see Outcome). */
  resetFresh: number;
  resetErrors: string[];
  errors: Map<string, number>;
  /** Error answers showing a driver code, a host or a port. */
  leaks: string[];
  /** Timestamps (ms, performance.now) of successful answers, for "first success after". */
  okAt: number[];
  latencies: number[];
}

export interface AcknowledgedWrite {
  n: number;
  requestId: string;
  personId: string;
  name: string;
  at: number;
}

export interface LoadOptions {
  /** Concurrent readers (closed loop: each sends the next request when the last is answered). */
  readers: number;
  /** Pause of the single writer between writes, ms. */
  writeEveryMs: number;
  readQuery: string;
  /** Builds the n-th write; returns the query, its variables and a way to read the entity id from the answer. */
  write(n: number): { query: string; variables: Record<string, unknown>; name: string; idOf(body: any): string | null };
  /** Every acknowledged write, appended as it is acknowledged. */
  onAcknowledged?(w: AcknowledgedWrite): void;
}

export interface Load {
  stats: LoadStats;
  acknowledged: AcknowledgedWrite[];
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>;
}

const LEAK = /ECONNREFUSED|ECONNRESET|CONNECTION_|127\.0\.0\.1|:\d{4,5}\b|postgres|Failed query/i;

/** Bounded mixed load: `readers` closed-loop readers plus one writer trickling writes. */
export function startLoad(client: GqlClient, o: LoadOptions, runId: string): Load {
  const stats: LoadStats = {
    started: 0,
    ok: 0,
    refused: 0,
    reset: 0,
    resetFresh: 0,
    writesSent: 0,
    writeNotAcknowledged: null,
    resetErrors: [],
    errors: new Map(),
    leaks: [],
    okAt: [],
    latencies: [],
  };
  const acknowledged: AcknowledgedWrite[] = [];
  let running = true;
  const record = (r: Outcome & { ms: number }) => {
    if (r.kind === 'ok') {
      stats.ok++;
      stats.okAt.push(performance.now());
      stats.latencies.push(r.ms);
    } else if (r.kind === 'refused') stats.refused++;
    else if (r.kind === 'reset') {
      if (r.fresh) stats.resetFresh++;
      else stats.reset++;
      if (stats.resetErrors.length < 20) stats.resetErrors.push(`${r.fresh ? 'new connection' : 'kept-alive connection'}: ${r.error}`);
    } else {
      stats.errors.set(r.code, (stats.errors.get(r.code) ?? 0) + 1);
      if (!ALLOWED_FAULT_CODES.has(r.code) || LEAK.test(r.message) || LEAK.test(JSON.stringify(r.body?.errors?.[0]?.extensions ?? {}))) {
        if (stats.leaks.length < 20) stats.leaks.push(`${r.status} ${r.code}: ${r.message}`);
      }
    }
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const reader = async () => {
    while (running) {
      stats.started++;
      const r = await client.post(o.readQuery);
      record(r);
      if (r.kind !== 'ok') await pause(20); // a failing server is not hammered in a tight loop
    }
  };
  let n = 0;
  const writer = async () => {
    while (running) {
      const i = n++;
      const w = o.write(i);
      const requestId = `fault-${runId}-w${i}`;
      stats.started++;
      stats.writesSent++;
      const r = await client.post(w.query, w.variables, { requestId });
      record(r);
      if (r.kind === 'ok') {
        const personId = w.idOf(r.body);
        if (personId) {
          const a = { n: i, requestId, personId, name: w.name, at: Date.now() };
          acknowledged.push(a);
          o.onAcknowledged?.(a);
        } else stats.writeNotAcknowledged ??= JSON.stringify(r.body).slice(0, 300);
      }
      await pause(o.writeEveryMs);
    }
  };
  const tasks = [...Array.from({ length: o.readers }, reader), writer()];
  return {
    stats,
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(tasks);
    },
  };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

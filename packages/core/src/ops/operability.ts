import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SpanKind, trace } from '@opentelemetry/api';
import { isObjectType, type DocumentNode, type GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { operationOf } from '../memo.js';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Actor, Authenticator } from '../auth.js';
import type { Ctx, Platform } from '../context.js';
import { statementCounter } from '../db.js';
import { rowsOf } from '../sql-helpers.js';
import { calendarCoverageOf } from '../calendar/service.js';
import { chinaDateOf } from '../china-day.js';
import { sql } from 'drizzle-orm';
import { metrics, metricsRegistry, operationLabel, registerGauge } from './metrics.js';
import { inSpan, instrumentSql, sqlStatementsInFlight, tracingEnabled } from './tracing.js';
import { bucketRuleFor, clientAddress, memoryBucketStore, redisBucketStore, type BucketDecision, type BucketStore } from './rate-limit.js';
import { requestSlot } from '../request-slot.js';

/** What the gateway learns about one request along the way: the access log line and the metrics. */
interface RequestFacts {
  start: number;
  requestId?: string;
  operationName: string | null;
  operationType: string | null;
  actor: { id: string; roles: string[]; jurisdiction: string } | null;
  errorCodes: string[];
  statements: { count: number; sqlMs?: number } | undefined;
  outcome?: 'rate_limited';
  role?: string;
}

const factsByRequest = requestSlot<Request, RequestFacts>('requestFacts');
const factsByContext = requestSlot<object, RequestFacts>('contextFacts');

/**
 * Records an expected failure that is answered as a `DomainError` union member (not a top-level
 * error): called where such a value is recognised, so its code reaches the log and the metrics
 * whether or not the client selected `code`.
 */
export function noteDomainErrorCode(context: unknown, code: string): void {
  if (context && typeof context === 'object') factsByContext.get(context)?.errorCodes.push(code);
}

function isGraphQLErrorLike(e: unknown): e is GraphQLError {
  return !!e && typeof e === 'object' && 'message' in e;
}

/** The outcome label: what an operator alerts on. */
export function requestOutcome(status: number, errorCodes: readonly string[], rateLimited: boolean): 'ok' | 'error' | 'refused' | 'rate_limited' {
  if (rateLimited) return 'rate_limited';
  if (status === 401 || status === 403 || errorCodes.some((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN' || c === 'CORE_FORBIDDEN')) return 'refused';
  if (status >= 400 || errorCodes.length) return 'error';
  return 'ok';
}

export interface Operability {
  /** Yoga plugins that must see the request first (timing, rate limit). */
  first: Plugin<Record<string, unknown>>[];
  /** Yoga plugins that must see results last (after error codes are assigned). */
  last: Plugin<Record<string, unknown>>[];
  /** Serves `/metrics` on the public server when allowed; true when it answered. */
  handleRoute(req: IncomingMessage, res: ServerResponse): boolean;
  /** Whether each request needs a statement counter around it. */
  countStatements: boolean;
  close(): Promise<void>;
}

function clean(a: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

const tracedSchemas = new WeakSet<GraphQLSchema>();
/**
 * A span around every root field (queries, mutations: where services start their I/O); the
 * dataloader batches and SQL statements below get their own. Wrapped once per schema; a no-op
 * call when tracing is off.
 */
function traceRootFields(schema: GraphQLSchema): void {
  if (tracedSchemas.has(schema)) return;
  tracedSchemas.add(schema);
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve as GraphQLFieldResolver<unknown, unknown> | undefined;
      if (!resolve) continue;
      const name = `${type.name}.${field.name}`;
      field.resolve = (source, args, ctx, info) =>
        tracingEnabled() ? inSpan(`resolve ${name}`, { 'graphql.field.path': name }, () => resolve(source, args, ctx, info)) : resolve(source, args, ctx, info);
    }
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveMetrics(res: ServerResponse): Promise<void> {
  try {
    const body = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
  }
}

/** `/metrics` with the configured credential: a bearer token if one is set. */
function metricsRoute(token: string | null) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('metrics need the METRICS_TOKEN bearer token\n');
      return;
    }
    void serveMetrics(res);
  };
}

/** A listener on METRICS_PORT serving only `/metrics` (bind it to an internal interface). */
export function listenMetrics(port: number, token: string | null, log: Logger, host = '0.0.0.0'): Promise<Server> {
  const route = metricsRoute(token);
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/metrics') route(req, res);
    else res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      log.info({ port: (server.address() as { port: number }).port }, 'metrics listener');
      resolve(server);
    });
  });
}

export function createOperability(platform: Platform, auth: Authenticator): Operability {
  const { config } = platform;
  const ops = config.ops;
  const accessLog = platform.log.child({ log: 'access' });
  const rl = ops.rateLimit;
  let store: BucketStore | null = null;
  let storeReady: Promise<BucketStore> | null = null;
  const bucketStore = (): Promise<BucketStore> | BucketStore => {
    if (store) return store;
    storeReady ??= (config.redisUrl ? redisBucketStore(config.redisUrl, rl.keyPrefix, platform.log) : Promise.resolve(memoryBucketStore())).then((s) => (store = s));
    return storeReady;
  };
  // Connect at start rather than on the first request.
  if (rl.enabled) void bucketStore();
  // The public path serves metrics only with a token, or outside production (a developer's laptop).
  const publicMetrics = ops.metricsPort === null && (!!ops.metricsToken || !config.production);
  if (config.production && ops.metricsPort === null && !ops.metricsToken) platform.log.warn('metrics are off: set METRICS_TOKEN or METRICS_PORT to expose /metrics');
  const route = metricsRoute(ops.metricsToken);
  void instrumentSql();
  registerGauge('safecity_sql_statements_in_flight', 'SQL statements sent and not yet answered (connections busy with a statement).', () => sqlStatementsInFlight());
  const poolMax = (platform.database.raw as { options?: { max?: number } } | null)?.options?.max;
  if (platform.database.kind === 'postgres' && typeof poolMax === 'number') registerGauge('safecity_db_pool_max_connections', 'Connections the postgres.js pool may open.', () => poolMax);
  // Warned about in /readiness at 60 days: the same figure for alerting on the metrics side.
  registerGauge(
    'safecity_holiday_calendar_days_left',
    'Days until the loaded official holiday arrangements run out (0 when the current year is not loaded).',
    async () => (await calendarCoverageOf(platform.database, chinaDateOf(new Date()))).daysLeft ?? 0,
  );
  registerGauge('safecity_event_outbox_unpublished', 'Committed domain events not yet relayed (the outbox lag, in events).', async () => {
    const r = await platform.database.db.execute(sql`select count(*)::int as n from event_outbox where published_at is null`);
    return Number((rowsOf<{ n: number }>(r)[0] ?? { n: 0 }).n);
  });

  const observe: Plugin<Record<string, unknown>> = {
    onRequest({ request }) {
      factsByRequest.set(request, { start: performance.now(), operationName: null, operationType: null, actor: null, errorCodes: [], statements: statementCounter.getStore() });
    },
  };

  const after = <T>(r: T, fn: () => void): T => {
    if (r && typeof (r as { then?: unknown }).then === 'function') return (r as unknown as Promise<unknown>).finally(fn) as unknown as T;
    fn();
    return r;
  };
  const spanFacts = (f: RequestFacts | undefined) => ({
    'safecity.request_id': f?.requestId,
    'graphql.operation.name': f?.operationName ?? undefined,
    'graphql.operation.type': f?.operationType ?? undefined,
    'enduser.id': f?.actor?.id,
    'safecity.roles': f?.actor?.roles.join(','),
    'safecity.jurisdiction': f?.actor?.jurisdiction,
  });
  const tracing: Plugin<Record<string, unknown>> = {
    instrumentation: {
      request({ request }, wrapped) {
        if (!tracingEnabled()) return wrapped();
        return inSpan(`${request.method} ${new URL(request.url).pathname}`, { 'http.request.method': request.method, 'url.path': new URL(request.url).pathname }, () => wrapped(), SpanKind.SERVER);
      },
      operation({ request }, wrapped) {
        if (!tracingEnabled()) return wrapped();
        return inSpan('graphql.operation', {}, (span) => after(wrapped(), () => span?.setAttributes(clean(spanFacts(factsByRequest.get(request))))));
      },
      execute({ context }, wrapped) {
        if (!tracingEnabled()) return wrapped();
        const f = factsByContext.get(context);
        return inSpan(`graphql.execute${f?.operationName ? ` ${f.operationName}` : ''}`, spanFacts(f), () => wrapped());
      },
    },
    onSchemaChange({ schema }) {
      traceRootFields(schema);
    },
  };

  const rateLimit: Plugin<Record<string, unknown>> = {
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      if (!rl.enabled) return;
      const req = (serverContext as { req?: IncomingMessage }).req;
      const decide = (actor: Actor | null, s: BucketStore): void | Promise<void> => {
        const address = actor ? '' : clientAddress(req?.socket.remoteAddress, request.headers.get('x-forwarded-for'), rl.trustedProxyHops);
        const d = s.take(actor ? `actor:${actor.id}` : `addr:${address}`, bucketRuleFor(actor ? actor.roles : null, rl.rules));
        if (d instanceof Promise) return d.then((x) => refuse(x, actor));
        refuse(d, actor);
      };
      const refuse = (d: BucketDecision, actor: Actor | null) => {
        if (d.allowed) return;
        const role = actor ? actor.roles.join('+') : 'anonymous';
        metrics.rateLimited.inc({ kind: actor ? 'actor' : 'anonymous', role });
        const f = factsByRequest.get(request);
        if (f) {
          f.outcome = 'rate_limited';
          f.errorCodes.push('CORE_RATE_LIMITED');
          if (actor) f.actor = { id: actor.id, roles: actor.roles, jurisdiction: actor.jurisdictionCode };
        }
        const body = { errors: [{ message: `Too many requests; retry in ${d.retryAfterSeconds} s.`, extensions: { code: 'CORE_RATE_LIMITED', retryAfterSeconds: d.retryAfterSeconds } }] };
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status: 429, headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(d.retryAfterSeconds) } }));
      };
      // Nearly every request: a caller known without waiting and the buckets ready, decided
      // without a promise (an async hook costs every request a promise and a turn of the queue).
      const known = auth.peekRequest(request);
      if (known !== undefined && store) return decide(known, store);
      // The token is verified here (not merely decoded): forged claims must not choose a budget.
      // An invalid token is limited by address; the context answers it with 401 afterwards.
      return Promise.all([auth.authenticateRequest(request).catch(() => null), bucketStore()]).then(([actor, s]) => decide(actor, s));
    },
  };

  const facts: Plugin<Record<string, unknown>> = {
    // Last in the list: runs after the request id header is set by the gateway's own plugin.
    onResponse({ request, response }) {
      const f = factsByRequest.get(request);
      if (!f) return;
      let requestId = f.requestId ?? response.headers.get('x-request-id');
      if (!requestId) {
        // Answered before a context existed (CSRF, rate limit, malformed body): still one id per request.
        requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
        response.headers.set('x-request-id', requestId);
      }
      const seconds = (performance.now() - f.start) / 1000;
      const op = operationLabel(f.operationName);
      const type = f.operationType ?? 'none';
      const outcome = requestOutcome(response.status, f.errorCodes, f.outcome === 'rate_limited');
      metrics.requests.inc({ operation: op, type, outcome });
      metrics.duration.observe({ operation: op, type }, seconds);
      for (const code of f.errorCodes) metrics.errors.inc({ code });
      if (f.statements) {
        metrics.sqlStatements.observe({ operation: op }, f.statements.count);
        metrics.sqlSeconds.observe({ operation: op }, (f.statements.sqlMs ?? 0) / 1000);
      }
      trace.getActiveSpan()?.setAttribute('http.response.status_code', response.status);
      // Never a variable's value, a query text or a token: names, ids, roles, codes and numbers.
      // The line is built only when it is written (a deployment logging at warn builds nothing).
      if (!accessLog.isLevelEnabled('info')) return;
      accessLog.info(
        {
          requestId,
          method: request.method,
          path: new URL(request.url).pathname,
          operationName: f.operationName,
          operationType: f.operationType,
          actorId: f.actor?.id ?? null,
          roles: f.actor?.roles ?? [],
          jurisdiction: f.actor?.jurisdiction ?? null,
          status: response.status,
          outcome,
          durationMs: Math.round(seconds * 1e4) / 10,
          sqlStatements: f.statements?.count ?? null,
          sqlMs: f.statements ? Math.round((f.statements.sqlMs ?? 0) * 10) / 10 : null,
          errorCodes: [...new Set(f.errorCodes)],
        },
        'request',
      );
    },
    onParse({ context }) {
      const request = (context as { request?: Request }).request;
      return ({ result }) => {
        const f = request && factsByRequest.get(request);
        if (!f || !result || result instanceof Error || !(result as DocumentNode).kind) return;
        const params = (context as { params?: { operationName?: string } }).params;
        const op = operationOf(result as DocumentNode, params?.operationName);
        f.operationType = op?.operation ?? null;
        f.operationName = op?.name?.value ?? (typeof params?.operationName === 'string' ? params.operationName.slice(0, 64) : null);
      };
    },
    onContextBuilding({ context }) {
      const request = (context as { request?: Request }).request;
      return ({ context: built }) => {
        const f = request && factsByRequest.get(request);
        if (!f) return;
        factsByContext.set(built, f);
        f.requestId = (built as unknown as Ctx).requestId;
        const actor = (built as unknown as Ctx).actor;
        if (actor) f.actor = { id: actor.id, roles: actor.roles, jurisdiction: actor.jurisdictionCode };
      };
    },
    onResultProcess({ request, result }) {
      const f = factsByRequest.get(request);
      if (!f || !result || typeof result !== 'object' || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      for (const e of (result as { errors?: readonly unknown[] }).errors ?? []) {
        const code = isGraphQLErrorLike(e) ? (e.extensions?.code as string | undefined) : undefined;
        f.errorCodes.push(code ?? 'INTERNAL_SERVER_ERROR');
      }
    },
  };

  return {
    first: [tracing, observe, rateLimit],
    last: [facts],
    countStatements: ops.countStatements,
    handleRoute(req, res) {
      if ((req.url ?? '').split('?')[0] !== '/metrics') return false;
      if (publicMetrics) route(req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return true;
    },
    async close() {
      await (store ?? (storeReady ? await storeReady : null))?.close();
    },
  };
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createBuilder } from './builder.js';
import type { Config } from './config.js';
import type { Ctx, Platform } from './context.js';
import { coreModule } from './core-module.js';
import type { Database } from './db.js';
import { statementCounter } from './db.js';
import { DomainError } from './errors.js';
import { createEventBus, eventsChannelOf } from './event-transport.js';
import { createOutboxRelay, EVENTS_TOPIC, redisReadiness } from './outbox.js';
import { useNodeLimit } from './node-limit.js';
import { useInputHygiene } from './input-hygiene.js';
import { createRevocationList } from './revocation.js';
import { createLogger } from './logger.js';
import { checkBodySize, corsFromAllowlist, rejectWith, setSecurityHeaders, useInputLimits, useIntrospectionPolicy } from './security.js';
import { createGraphiQLRenderer } from './graphiql.js';
import { useGraphQLOverHttp } from './graphql-over-http.js';
import { useTrustedDocuments } from './trusted-documents.js';
import { createOperability, type Operability } from './ops/operability.js';
import type { EventName } from './events.js';
import { assertEventContract, type ModuleDescriptor, type Subscriber } from './module.js';
import { causeChain, classifyFault, faultError, isInfrastructureError } from './faults.js';
import { databaseReadiness, runReadiness } from './readiness.js';
import { requestSignal, useHeavyAdmission, useRequestBudget } from './request-budget.js';

/** Core first, then the modules in the order the api lists them. */
export function withCore(modules: ModuleDescriptor[]): ModuleDescriptor[] {
  return [coreModule, ...modules.filter((m) => m !== coreModule)];
}

export function buildSchema(modules: ModuleDescriptor[]): GraphQLSchema {
  const all = withCore(modules);
  const names = new Set<string>();
  for (const m of all) {
    if (names.has(m.name)) throw new Error(`module ${m.name} is listed twice`);
    names.add(m.name);
  }
  const builder = createBuilder({ errorCodes: all.flatMap((m) => m.errorCodes) });
  for (const m of all) m.register(builder);
  return builder.toSchema({ sortSchema: true });
}

export function rolePermissionsOf(modules: ModuleDescriptor[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const m of withCore(modules)) {
    for (const [perm, spec] of Object.entries(m.permissions)) {
      for (const role of spec.roles) {
        if (!map.has(role)) map.set(role, new Set());
        map.get(role)!.add(perm);
      }
    }
  }
  return map;
}

export interface PlatformOptions {
  modules: ModuleDescriptor[];
  config: Config;
  database: Database;
  log?: Logger;
  /** Where the core logger writes (default stdout); tests capture it. */
  logDestination?: import('pino').DestinationStream;
  /**
   * Refuse to start when a listed module subscribes to an event no listed module emits (default).
   * A test of one module in isolation turns it off: its subscriptions' emitters are left out on purpose.
   */
  eventContract?: 'enforce' | 'off';
}

export async function createPlatform(o: PlatformOptions): Promise<Platform & { close(): Promise<void> }> {
  const all = withCore(o.modules);
  if (o.eventContract !== 'off') assertEventContract(all);
  const subscribers = new Map<EventName, Subscriber<any>[]>();
  for (const m of all) for (const s of m.subscribers) subscribers.set(s.event, [...(subscribers.get(s.event) ?? []), s]);
  const log = o.log ?? createLogger({ level: o.config.logLevel, destination: o.logDestination });
  const bus = await createEventBus(o.config.redisUrl, log, o.config.redisUrl ? (o.config.redisChannel ?? (await eventsChannelOf(o.database))) : EVENTS_TOPIC, o.database);
  const outbox = createOutboxRelay({ database: o.database, log }, bus.transport);
  return {
    config: o.config,
    database: o.database,
    log,
    pubsub: bus.pubsub,
    subscribers,
    rolePermissions: rolePermissionsOf(o.modules),
    outbox,
    readinessChecks: [databaseReadiness, ...(o.config.redisUrl ? [redisReadiness] : []), ...all.flatMap((m) => m.readiness ?? [])],
    close: async () => {
      await outbox.stop();
      await bus.close();
    },
  };
}

/** A context for work outside HTTP (seeds, sweeps, CLI): acts as `actor` or as nobody. */
export function systemContext(platform: Platform, actor: Ctx['actor'] = null): Ctx {
  return {
    platform,
    db: platform.database.db,
    requestId: `system-${randomUUID()}`,
    actor,
    log: platform.log,
    loaders: new Map(),
    now: () => new Date(),
  };
}

const requestIds = new WeakMap<Request, string>();

/**
 * graphql ships CJS and ESM builds; CJS plugins (graphql-armor) and ESM code hold different
 * GraphQLError classes, so errors are recognised by tag, not instanceof.
 */
export function isGraphQLError(e: unknown): e is GraphQLError {
  return !!e && typeof e === 'object' && Object.prototype.toString.call(e) === '[object GraphQLError]';
}

/** The first code found along the originalError chain. */
function codeOf(err: GraphQLError): string | undefined {
  let cur: unknown = err;
  for (let i = 0; cur && i < 5; i++) {
    const c = cur as { extensions?: { code?: unknown }; code?: unknown; originalError?: unknown };
    if (typeof c.extensions?.code === 'string') return c.extensions.code;
    if (cur instanceof DomainError) return cur.code;
    if (isInfrastructureError(cur)) return undefined;
    if (typeof c.code === 'string' && /^[A-Z][A-Z_]+$/.test(c.code)) return c.code;
    cur = c.originalError;
  }
  return undefined;
}

/** Whether the chain holds a thrown non-GraphQL error that is not one of ours (a bug or an outage). */
function isUnexpected(err: GraphQLError): boolean {
  let cur: unknown = err.originalError;
  for (let i = 0; cur && i < 5; i++) {
    if (cur instanceof DomainError) return false;
    const c = cur as { code?: unknown; originalError?: unknown };
    if (!isGraphQLError(cur)) return isInfrastructureError(cur) || !(typeof c.code === 'string' && /^[A-Z][A-Z_]+$/.test(c.code));
    cur = c.originalError;
  }
  return false;
}

/** The innermost message of an error chain (the driver's, not drizzle's "Failed query: …"). */
function rootMessage(e: unknown): string {
  const chain = causeChain(e);
  return String((chain[chain.length - 1] as { message?: unknown })?.message ?? e).slice(0, 200);
}

/** Gives every error in a response a code: clients branch on codes, not messages. */
function useErrorCodes(logUnexpected: (errors: readonly GraphQLError[], requestId: string | undefined) => void): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (!result || typeof result !== 'object' || Symbol.asyncIterator in (result as object) || Array.isArray(result)) return;
      const r = result as { errors?: readonly GraphQLError[] };
      if (!r.errors?.length) return;
      logUnexpected(r.errors, requestIds.get(request));
      const errors = r.errors.map((e) => {
        if (!isGraphQLError(e)) return e;
        let code = codeOf(e);
        // The limit plugins code their own refusals (rejectWith below); nothing is read from message text.
        if (!code) {
          if (e.message.startsWith('Variable "$')) code = 'BAD_USER_INPUT';
          else if (!e.path) code = 'GRAPHQL_VALIDATION_FAILED';
          else code = 'INTERNAL_SERVER_ERROR';
        }
        if (e.extensions?.code === code) return e;
        return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: { ...e.extensions, code } });
      });
      setResult({ ...(result as object), errors } as never);
    },
  };
}

/** Adds the request id and, outside production, the SQL statement count to responses. */
function useRequestFacts(exposeStatementCount: boolean): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in (result as object)) return;
          const store = statementCounter.getStore();
          const ctx = args.contextValue as unknown as Ctx;
          const r = result as { extensions?: Record<string, unknown> };
          setResult({ ...r, extensions: { ...r.extensions, requestId: ctx.requestId, ...(exposeStatementCount && store ? { sqlStatements: store.count } : {}) } } as never);
        },
      };
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
  };
}

export interface AppOptions {
  platform: Platform;
  schema: GraphQLSchema;
  /** Default headers for GraphiQL (a ready development token), or a function minting them per page. */
  graphiqlHeaders?: Record<string, string> | (() => Promise<Record<string, string>>);
  graphiqlQuery?: string;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, Ctx>;
  auth: Authenticator;
  /** Access log, metrics, rate limits (ops/). */
  operability: Operability;
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Promise<Server>;
}

export function createApp(o: AppOptions): App {
  const { platform } = o;
  const { config, log } = platform;
  const auth = createAuthenticator(config.auth, platform.rolePermissions, { revocations: createRevocationList(platform.database.db, config.auth, log) });
  const operability = createOperability(platform, auth);
  const yoga = createYoga<Record<string, unknown>, Ctx>({
    schema: o.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: {
      debug: (...a: unknown[]) => log.debug(a.map(String).join(' ')),
      info: (...a: unknown[]) => log.info(a.map(String).join(' ')),
      warn: (...a: unknown[]) => log.warn(a.map(String).join(' ')),
      // Expected failures (coded GraphQL errors) are answers, not incidents.
      error: (...a: unknown[]) => (a.some((x) => isGraphQLError(x) && !isUnexpected(x)) ? log.debug(a.map(String).join(' ')) : log.error(a.map(String).join(' '))),
    },
    renderGraphiQL: createGraphiQLRenderer(),
    graphiql: config.production
      ? false
      : async () => {
          const headers = o.graphiqlHeaders ? (typeof o.graphiqlHeaders === 'function' ? await o.graphiqlHeaders() : o.graphiqlHeaders) : undefined;
          return { title: 'SafeCity 平安建设', defaultQuery: o.graphiqlQuery, headers: headers ? JSON.stringify(headers, null, 2) : undefined };
        },
    cors: corsFromAllowlist(config.security.corsOrigins),
    maskedErrors: {
      maskError(error, message) {
        const e = error as GraphQLError;
        const orig = isGraphQLError(e) ? e.originalError : (error as Error);
        if (orig instanceof DomainError) {
          return new GraphQLError(orig.message, { nodes: e.nodes, path: e.path, extensions: { code: orig.code, field: orig.field } });
        }
        if (isGraphQLError(e) && !isUnexpected(e)) return e;
        // No driver code, host, port or SQL reaches a client: a fault gets its code, anything else is masked.
        const at = { nodes: isGraphQLError(e) ? e.nodes : undefined, path: isGraphQLError(e) ? e.path : undefined };
        const fault = classifyFault(orig ?? error);
        const masked = fault ? faultError(fault, at) : new GraphQLError(message, { ...at, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        Object.defineProperty(masked.extensions, 'masked', { value: { cause: orig ?? error }, enumerable: false });
        return masked;
      },
    },
    context: async ({ request }) => {
      const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
      requestIds.set(request, requestId);
      const store = statementCounter.getStore();
      if (store) store.requestId = requestId;
      const actor = await auth.authenticate(request.headers.get('authorization'));
      const signal = requestSignal(request);
      return {
        platform,
        db: platform.database.forRequest?.(signal) ?? platform.database.db,
        signal,
        requestId,
        actor,
        log: log.child({ requestId }),
        loaders: new Map(),
        now: () => new Date(),
      } satisfies Ctx;
    },
    plugins: [
      ...operability.first,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'x-safecity-client'] }),
      ...[useTrustedDocuments(config.trustedDocuments)].filter((p) => p !== null),
      useInputHygiene(),
      useIntrospectionPolicy(config.security.introspection, auth),
      maxTokensPlugin({ n: config.limits.maxTokens, onReject: [rejectWith('QUERY_TOO_LARGE')] }),
      maxDepthPlugin({ n: config.limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [rejectWith('QUERY_TOO_DEEP')] }),
      maxAliasesPlugin({ n: config.limits.maxAliases, onReject: [rejectWith('QUERY_TOO_MANY_ALIASES')] }),
      costLimitPlugin({ maxCost: config.limits.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true, onReject: [rejectWith('QUERY_TOO_COSTLY')] }),
      useInputLimits(config.security),
      useNodeLimit({ maxNodes: config.limits.maxNodes, defaultPageSize: 20, maxPageSize: config.limits.maxPageSize }),
      useGraphQLOverHttp(),
      useErrorCodes((errors, requestId) => {
        // maskError keeps the cause (never serialized): logged here, where the request id is known.
        for (const e of errors) {
          const cause = isGraphQLError(e) ? (e.extensions?.masked as { cause?: unknown } | undefined)?.cause : undefined;
          if (!cause) continue;
          const fault = classifyFault(cause);
          // A fault is logged compactly (no SQL, no parameters: they may hold personal data); the
          // outage itself is logged once by the database health probe.
          if (fault) log[fault === 'request_timeout' ? 'warn' : 'info']({ requestId, path: e.path, fault, cause: rootMessage(cause) }, fault);
          else log.error({ err: cause, path: e.path, requestId }, 'unexpected error');
        }
      }),
      useRequestBudget(config.requestTimeoutMs),
      useHeavyAdmission({ heavyNodes: Number(process.env.HEAVY_QUERY_NODES || 100), concurrency: Number(process.env.HEAVY_QUERY_CONCURRENCY || 2), defaultPageSize: 20, maxPageSize: config.limits.maxPageSize }),
      useRequestFacts(!config.production),
      ...operability.last,
    ],
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    setSecurityHeaders(res);
    if (!checkBodySize(req, res, config.security.maxBodyBytes)) return;
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/readiness') {
      void runReadiness(platform, platform.readinessChecks).then(
        (a) => res.writeHead(a.httpStatus, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(a.body)),
        (err) => {
          log.error({ err }, 'readiness failed');
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable","checks":{}}');
        },
      );
      return;
    }
    if (operability.handleRoute(req, res)) return;
    // Counting statements needs an AsyncLocalStorage around the request, whose promise hooks cost
    // every request CPU on Node 20: in production only for the access log and metrics (METRICS_SQL_STATEMENTS=0 turns it off).
    if (config.production && !operability.countStatements) void yoga(req, res);
    else statementCounter.run({ count: 0 }, () => void yoga(req, res));
  };

  return {
    yoga,
    auth,
    operability,
    handle,
    listen(port, host = config.host) {
      const server = createServer(handle);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      });
    },
  };
}

/** Graceful shutdown lives in shutdown.ts (drain with Connection: close, configurable limit). */
export { shutdownGracefully } from './shutdown.js';

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { sql } from 'drizzle-orm';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createPubSub, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import pino, { type Logger } from 'pino';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createBuilder } from './builder.js';
import type { Config } from './config.js';
import type { Ctx, Platform, PubSubLike } from './context.js';
import { coreModule } from './core-module.js';
import type { Database } from './db.js';
import { statementCounter } from './db.js';
import { DomainError } from './errors.js';
import { useNodeLimit } from './node-limit.js';
import { createOperability, type Operability } from './ops/operability.js';
import type { EventName } from './events.js';
import type { ModuleDescriptor, Subscriber } from './module.js';

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

export async function createPubSubFor(redisUrl: string | null): Promise<{ pubsub: PubSubLike; close(): Promise<void> }> {
  if (!redisUrl) {
    const pubsub = createPubSub();
    return { pubsub: pubsub as unknown as PubSubLike, close: async () => {} };
  }
  const { createRedisEventTarget } = await import('@graphql-yoga/redis-event-target');
  const { Redis } = await import('ioredis');
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  const pubsub = createPubSub({ eventTarget });
  return {
    pubsub: pubsub as unknown as PubSubLike,
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}

export interface PlatformOptions {
  modules: ModuleDescriptor[];
  config: Config;
  database: Database;
  log?: Logger;
}

export async function createPlatform(o: PlatformOptions): Promise<Platform & { close(): Promise<void> }> {
  const all = withCore(o.modules);
  const subscribers = new Map<EventName, Subscriber<any>[]>();
  for (const m of all) for (const s of m.subscribers) subscribers.set(s.event, [...(subscribers.get(s.event) ?? []), s]);
  const ps = await createPubSubFor(o.config.redisUrl);
  const log = o.log ?? pino({ level: o.config.logLevel, base: { service: 'safecity-api' } });
  return {
    config: o.config,
    database: o.database,
    log,
    pubsub: ps.pubsub,
    subscribers,
    rolePermissions: rolePermissionsOf(o.modules),
    close: ps.close,
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
    if (!isGraphQLError(cur)) return !(typeof c.code === 'string' && /^[A-Z][A-Z_]+$/.test(c.code));
    cur = c.originalError;
  }
  return false;
}

/** Gives every error in a response a code: clients branch on codes, not messages. */
function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || typeof result !== 'object' || Symbol.asyncIterator in (result as object) || Array.isArray(result)) return;
      const r = result as { errors?: readonly GraphQLError[] };
      if (!r.errors?.length) return;
      const errors = r.errors.map((e) => {
        if (!isGraphQLError(e)) return e;
        let code = codeOf(e);
        if (!code) {
          if (/depth limit|Query depth/i.test(e.message)) code = 'QUERY_TOO_DEEP';
          else if (/cost/i.test(e.message) && /exceed|limit/i.test(e.message)) code = 'QUERY_TOO_COSTLY';
          else if (/alias/i.test(e.message)) code = 'QUERY_TOO_MANY_ALIASES';
          else if (/token limit|Token limit/i.test(e.message)) code = 'QUERY_TOO_LARGE';
          else if (e.message.startsWith('Variable "$')) code = 'BAD_USER_INPUT';
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
  /** Default headers for GraphiQL (a ready development token). */
  graphiqlHeaders?: Record<string, string>;
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
  const auth = createAuthenticator(config.auth, platform.rolePermissions);
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
    graphiql: config.production ? false : { title: 'SafeCity 平安建设', defaultQuery: o.graphiqlQuery, headers: o.graphiqlHeaders ? JSON.stringify(o.graphiqlHeaders, null, 2) : undefined },
    maskedErrors: {
      maskError(error, message) {
        const e = error as GraphQLError;
        const orig = isGraphQLError(e) ? e.originalError : (error as Error);
        if (orig instanceof DomainError) {
          return new GraphQLError(orig.message, { nodes: e.nodes, path: e.path, extensions: { code: orig.code, field: orig.field } });
        }
        if (isGraphQLError(e) && !isUnexpected(e)) return e;
        log.error({ err: orig ?? error, path: isGraphQLError(e) ? e.path : undefined, requestId: statementCounter.getStore()?.requestId }, 'unexpected error');
        return new GraphQLError(message, { nodes: isGraphQLError(e) ? e.nodes : undefined, path: isGraphQLError(e) ? e.path : undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    context: async ({ request }) => {
      const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
      requestIds.set(request, requestId);
      const store = statementCounter.getStore();
      if (store) store.requestId = requestId;
      const actor = await auth.authenticate(request.headers.get('authorization'));
      return {
        platform,
        db: platform.database.db,
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
      maxTokensPlugin({ n: config.limits.maxTokens }),
      maxDepthPlugin({ n: config.limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: config.limits.maxAliases }),
      costLimitPlugin({ maxCost: config.limits.maxCost, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true }),
      useNodeLimit({ maxNodes: config.limits.maxNodes, defaultPageSize: 20, maxPageSize: config.limits.maxPageSize }),
      useErrorCodes(),
      useRequestFacts(!config.production),
      ...operability.last,
    ],
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/readiness') {
      platform.database.db
        .execute(sql`select 1`)
        .then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready","database":"reachable"}'))
        .catch((err) => {
          log.warn({ err }, 'readiness: database unreachable');
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable","database":"unreachable"}');
        });
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
    listen(port, host = '0.0.0.0') {
      const server = createServer(handle);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      });
    },
  };
}

/** Stops accepting, lets in-flight requests finish (bounded), then closes the rest. */
export function shutdownGracefully(server: Server, closeRest: () => Promise<void>, log: Logger, timeoutMs = 10_000) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, timeoutMs);
    server.closeIdleConnections();
    await new Promise<void>((r) => server.close(() => r()));
    clearTimeout(timer);
    await closeRest();
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

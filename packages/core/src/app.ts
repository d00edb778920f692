import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { type Authenticator, createAuthenticator } from './auth.js';
import { useCompiledExecution } from './compiled-execution.js';
import type { Ctx, Platform } from './context.js';
import { logMaskedCauses, maskError, useErrorCodes, yogaLogging } from './error-masking.js';
import { createGraphiQLRenderer } from './graphiql.js';
import { useGraphQLOverHttp } from './graphql-over-http.js';
import { createHttpHandler, listen } from './http-server.js';
import { useInputHygiene } from './input-hygiene.js';
import { useNodeLimit } from './node-limit.js';
import { useTrustedDocuments } from './trusted-documents.js';
import { createOperability, type Operability } from './ops/operability.js';
import { queryLimitPlugins } from './query-limits.js';
import { HEAVY_DEFAULTS, useHeavyAdmission, useRequestBudget } from './request-budget.js';
import { requestContextFactory, requestIdOf, useRequestFacts } from './request-context.js';
import { useReadReplicas } from './replicas.js';
import { useScopedReads } from './data/row-security.js';
import { createRevocationList } from './revocation.js';
import { corsFromAllowlist, useInputLimits, useIntrospectionPolicy } from './security.js';

/**
 * The app: the pieces composed in order. Schema building (schema.ts), the platform (platform.ts),
 * pub/sub (pubsub.ts), error masking (error-masking.ts), query limits (query-limits.ts), the
 * request context (request-context.ts), the HTTP server (http-server.ts), shutdown (shutdown.ts).
 */

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
    // The HTTP handler refuses a body over the limit by its Content-Length and one without a
    // length (checkBodySize), and Node reads no byte past the declared length. Yoga's own limit
    // would pipe every body through a counting stream besides (3% of a small read's CPU).
    maxRequestBodySize: false,
    logging: yogaLogging(log),
    renderGraphiQL: createGraphiQLRenderer(),
    graphiql: config.production
      ? false
      : async () => {
          const headers = o.graphiqlHeaders ? (typeof o.graphiqlHeaders === 'function' ? await o.graphiqlHeaders() : o.graphiqlHeaders) : undefined;
          return { title: 'SafeCity 平安建设', defaultQuery: o.graphiqlQuery, headers: headers ? JSON.stringify(headers, null, 2) : undefined };
        },
    cors: corsFromAllowlist(config.security.corsOrigins),
    maskedErrors: { maskError },
    context: requestContextFactory(platform, auth),
    plugins: [
      // First: it sets the executor that the plugins below wrap (compiled-execution.ts).
      useCompiledExecution(),
      ...operability.first,
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'x-safecity-client'] }),
      ...[useTrustedDocuments(config.trustedDocuments)].filter((p) => p !== null),
      useInputHygiene(),
      useIntrospectionPolicy(config.security.introspection, auth),
      ...queryLimitPlugins(config.limits),
      useInputLimits(config.security),
      useNodeLimit({ maxNodes: config.limits.maxNodes, defaultPageSize: 20, maxPageSize: config.limits.maxPageSize }),
      useGraphQLOverHttp(),
      useErrorCodes(requestIdOf, logMaskedCauses(log)),
      useRequestBudget(config.requestTimeoutMs),
      useHeavyAdmission({
        heavyNodes: Number(process.env.HEAVY_QUERY_NODES || HEAVY_DEFAULTS.nodes),
        concurrency: Number(process.env.HEAVY_QUERY_CONCURRENCY || HEAVY_DEFAULTS.concurrency),
        defaultPageSize: 20,
        maxPageSize: config.limits.maxPageSize,
      }),
      useRequestFacts(!config.production),
      // Order matters: a later plugin's execute wraps an earlier one's. The replica router picks
      // the database first (outer), then the scoped read opens its row-security transaction on it.
      useScopedReads(),
      useReadReplicas(platform),
      ...operability.last,
    ],
  });
  const handle = createHttpHandler(platform, operability, (req, res) => void yoga(req, res));
  return { yoga, auth, operability, handle, listen: (port, host = config.host) => listen(handle, port, host, config.keepAliveTimeoutMs) };
}

// What app.ts held before the split, still importable from here: other branches written against
// the old file import these from './app.js' (remove once nothing does).
export { buildSchema, rolePermissionsOf, withCore } from './schema.js';
export { createPlatform, systemContext, type PlatformOptions } from './platform.js';
export { isGraphQLError } from './error-masking.js';
export { shutdownGracefully } from './shutdown.js';

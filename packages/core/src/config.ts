import { resolve } from 'node:path';
import { loadOpsConfig, type OpsConfig } from './ops/config.js';
import { loadJobsConfig, type JobsConfig } from './jobs.js';
import { loadReplicaConfig, type ReplicaConfig } from './replicas.js';
import { trustedDocumentsConfigOf, type TrustedDocumentsConfig } from './trusted-documents.js';

export interface Config {
  /** PostgreSQL server URL; when absent the embedded PGlite database is used. */
  databaseUrl: string | null;
  /** PGlite data directory (persists across restarts); 'memory://' for an in-memory database. */
  dataDir: string;
  redisUrl: string | null;
  /** Redis channel for committed events; default `safecity:events:<database name>`, so instances on one database share it. */
  redisChannel: string | null;
  /**
   * Longest wait between reconnect attempts while Redis is away (REDIS_RETRY_MAX_MS; ioredis's own
   * 2,000 by default). Tests shorten it: an outage's retries and the recovery then take a fraction
   * of a second instead of seconds.
   */
  redisRetryMaxMs: number;
  port: number;
  /** Interface to listen on: HOST, else 127.0.0.1 in development and 0.0.0.0 in production. */
  host: string;
  production: boolean;
  /** Gateway security settings (see security.ts). */
  security: SecurityConfig;
  auth: {
    issuer: string;
    audience: string;
    jwksUrl: string | null;
    publicKeyPem: string | null;
    publicKeyAlg: 'ES256' | 'RS256';
    /** HS256 secret, accepted only in local-development mode. */
    devSecret: string | null;
    /** The oldest token accepted (seconds since `iat`), and the longest `exp − iat` a token may ask for. */
    maxTokenAgeSeconds: number;
    /** Tolerated clock difference with the token issuer, in seconds (`iat`, `nbf`, `exp`). */
    clockSkewSeconds: number;
    /** How often each API instance reloads the revocation list, in milliseconds. */
    revocationRefreshMs: number;
  };
  limits: { maxDepth: number; maxCost: number; maxAliases: number; maxTokens: number; maxPageSize: number; maxNodes: number };
  logLevel: string;
  /** Time budget of one request (REQUEST_TIMEOUT_MS); also the default statement timeout. */
  requestTimeoutMs: number;
  /** How long SIGTERM waits for in-flight requests before closing what is left (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /**
   * How long an idle kept-alive connection stays open (HTTP_KEEP_ALIVE_TIMEOUT_MS, default 65 s):
   * longer than a load balancer's or client pool's idle time (commonly 60 s), so the server is not
   * the side that closes a connection the client may be reusing at that instant (ECONNRESET).
   */
  keepAliveTimeoutMs: number;
  /** Metrics exposure, rate limits (ops/config.ts). */
  ops: OpsConfig;
  /** Read replicas (replicas.ts). */
  replicas: ReplicaConfig;
  /** Background jobs (jobs.ts). */
  jobs: JobsConfig;
  /** Registered operations only, or also, or not at all (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_MANIFEST; trusted-documents.ts). */
  trustedDocuments: TrustedDocumentsConfig;
}

export interface SecurityConfig {
  /** Origins allowed to call from a browser (CORS_ORIGINS, comma-separated); empty: no CORS answers. */
  corsOrigins: string[];
  /** Who may introspect the schema and see "Did you mean …" suggestions (GRAPHQL_INTROSPECTION). */
  introspection: 'everyone' | 'authenticated' | 'nobody';
  /** Largest request body accepted (GRAPHQL_MAX_BODY_BYTES); larger gets 413. */
  maxBodyBytes: number;
  /** Longest list in any argument (GRAPHQL_MAX_LIST_LENGTH). */
  maxListLength: number;
  /** Longest String/ID argument without its own, explicit maximum (GRAPHQL_MAX_STRING_LENGTH). */
  maxStringLength: number;
}

const INTROSPECTION = ['everyone', 'authenticated', 'nobody'] as const;

/** The development secret is public on purpose: it only works when no real key is configured. */
export const LOCAL_DEV_SECRET = 'safecity-local-development-only-not-a-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const jwksUrl = env.AUTH_JWKS_URL || null;
  const publicKeyPem = env.AUTH_PUBLIC_KEY || null;
  const devMode = !jwksUrl && !publicKeyPem;
  // No escape hatch: the development secret is public, so production on it would accept anyone's tokens.
  if (devMode && production) {
    throw new Error('NODE_ENV=production needs AUTH_JWKS_URL or AUTH_PUBLIC_KEY (HS256 development tokens are refused in production).');
  }
  const introspection = env.GRAPHQL_INTROSPECTION || (production ? 'authenticated' : 'everyone');
  if (!(INTROSPECTION as readonly string[]).includes(introspection)) throw new Error(`GRAPHQL_INTROSPECTION must be one of ${INTROSPECTION.join(', ')}.`);
  return {
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.PGLITE_DATA_DIR || resolve(process.cwd(), '.data/pglite'),
    redisUrl: env.REDIS_URL || null,
    redisChannel: env.REDIS_CHANNEL || null,
    redisRetryMaxMs: Number(env.REDIS_RETRY_MAX_MS || 2000),
    port: Number(env.PORT || 4000),
    host: env.HOST || (production ? '0.0.0.0' : '127.0.0.1'),
    production,
    security: {
      corsOrigins: (env.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
      introspection: introspection as SecurityConfig['introspection'],
      maxBodyBytes: Number(env.GRAPHQL_MAX_BODY_BYTES || 4 * 1024 * 1024),
      // Above every module's own list limit (creditStandings: 1,000), so their coded errors speak for the sizes they own.
      maxListLength: Number(env.GRAPHQL_MAX_LIST_LENGTH || 5000),
      maxStringLength: Number(env.GRAPHQL_MAX_STRING_LENGTH || 2000),
    },
    auth: {
      issuer: env.AUTH_ISSUER || 'safecity',
      audience: env.AUTH_AUDIENCE || 'safecity-api',
      jwksUrl,
      publicKeyPem,
      publicKeyAlg: (env.AUTH_PUBLIC_KEY_ALG as 'ES256' | 'RS256') || 'ES256',
      devSecret: devMode ? env.AUTH_DEV_SECRET || LOCAL_DEV_SECRET : null,
      maxTokenAgeSeconds: durationSeconds(env.AUTH_MAX_TOKEN_AGE, 12 * 3600),
      clockSkewSeconds: durationSeconds(env.AUTH_CLOCK_SKEW, 60),
      revocationRefreshMs: Number(env.AUTH_REVOCATION_REFRESH_MS || 5000),
    },
    limits: {
      maxDepth: Number(env.GRAPHQL_MAX_DEPTH || 10),
      maxCost: Number(env.GRAPHQL_MAX_COST || 50000),
      maxAliases: Number(env.GRAPHQL_MAX_ALIASES || 20),
      maxTokens: Number(env.GRAPHQL_MAX_TOKENS || 3000),
      maxPageSize: Number(env.GRAPHQL_MAX_PAGE_SIZE || 100),
      maxNodes: Number(env.GRAPHQL_MAX_NODES || 50000),
    },
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' || env.VITEST ? 'warn' : 'info'),
    requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS || 15_000),
    shutdownTimeoutMs: Number(env.SHUTDOWN_TIMEOUT_MS || 20_000),
    keepAliveTimeoutMs: Number(env.HTTP_KEEP_ALIVE_TIMEOUT_MS || 65_000),
    ops: loadOpsConfig(env),
    replicas: loadReplicaConfig(env),
    jobs: loadJobsConfig(env),
    trustedDocuments: trustedDocumentsConfigOf(env),
  };
}

/** `43200`, `90s`, `30m`, `12h` or `7d` as seconds; the fallback when unset. */
export function durationSeconds(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new Error(`Not a duration: ${value} (use seconds or 30m, 12h, 7d).`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

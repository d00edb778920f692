import { resolve } from 'node:path';
import { loadOpsConfig, type OpsConfig } from './ops/config.js';

export interface Config {
  /** PostgreSQL server URL; when absent the embedded PGlite database is used. */
  databaseUrl: string | null;
  /** PGlite data directory (persists across restarts); 'memory://' for an in-memory database. */
  dataDir: string;
  redisUrl: string | null;
  port: number;
  production: boolean;
  auth: {
    issuer: string;
    audience: string;
    jwksUrl: string | null;
    publicKeyPem: string | null;
    publicKeyAlg: 'ES256' | 'RS256';
    /** HS256 secret, accepted only in local-development mode. */
    devSecret: string | null;
  };
  limits: { maxDepth: number; maxCost: number; maxAliases: number; maxTokens: number; maxPageSize: number; maxNodes: number };
  logLevel: string;
  /** Metrics exposure, rate limits (ops/config.ts). */
  ops: OpsConfig;
}

/** The development secret is public on purpose: it only works when no real key is configured. */
export const LOCAL_DEV_SECRET = 'safecity-local-development-only-not-a-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const jwksUrl = env.AUTH_JWKS_URL || null;
  const publicKeyPem = env.AUTH_PUBLIC_KEY || null;
  const devMode = !jwksUrl && !publicKeyPem;
  if (devMode && production && env.AUTH_ALLOW_DEV !== '1') {
    throw new Error('NODE_ENV=production needs AUTH_JWKS_URL or AUTH_PUBLIC_KEY (HS256 development tokens are refused in production).');
  }
  return {
    databaseUrl: env.DATABASE_URL || null,
    dataDir: env.PGLITE_DATA_DIR || resolve(process.cwd(), '.data/pglite'),
    redisUrl: env.REDIS_URL || null,
    port: Number(env.PORT || 4000),
    production,
    auth: {
      issuer: env.AUTH_ISSUER || 'safecity',
      audience: env.AUTH_AUDIENCE || 'safecity-api',
      jwksUrl,
      publicKeyPem,
      publicKeyAlg: (env.AUTH_PUBLIC_KEY_ALG as 'ES256' | 'RS256') || 'ES256',
      devSecret: devMode ? env.AUTH_DEV_SECRET || LOCAL_DEV_SECRET : null,
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
    ops: loadOpsConfig(env),
  };
}

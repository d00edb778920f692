/** A token bucket: `capacity` requests at once, refilled at `perSecond`. */
export interface BucketRule {
  capacity: number;
  perSecond: number;
}

export interface OpsConfig {
  /** Bearer token that `/metrics` requires (METRICS_TOKEN). */
  metricsToken: string | null;
  /** A separate port serving only `/metrics` (METRICS_PORT); the public path then answers 404. */
  metricsPort: number | null;
  /** Per-request SQL statement counts for the access log and metrics (an AsyncLocalStorage per request). */
  countStatements: boolean;
  rateLimit: {
    enabled: boolean;
    /** By role, plus `anonymous` (per address) and `default` (an actor whose roles have no rule). */
    rules: Record<string, BucketRule>;
    /** Reverse proxies in front of the API that append to X-Forwarded-For; 0 = use the socket address. */
    trustedProxyHops: number;
    /** Key prefix in Redis (several deployments on one Redis; tests). */
    keyPrefix: string;
  };
}

export const DEFAULT_RATE_LIMITS: Record<string, BucketRule> = {
  anonymous: { capacity: 60, perSecond: 1 },
  default: { capacity: 300, perSecond: 10 },
  // Integrations query in bulk by design: a larger budget, still bounded.
  department_service: { capacity: 1000, perSecond: 50 },
};

/**
 * `RATE_LIMITS=anonymous=60/1,default=300/10,department_service=1000/50` (capacity/per-second),
 * merged over the defaults; `off` disables. Throws on a malformed entry: a typo must not
 * silently leave the API unprotected.
 */
export function parseRateLimits(spec: string | undefined): Record<string, BucketRule> | null {
  if (spec?.trim() === 'off') return null;
  const rules: Record<string, BucketRule> = { ...DEFAULT_RATE_LIMITS };
  for (const part of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || Number(m[2]) < 1 || Number(m[3]) <= 0) throw new Error(`RATE_LIMITS: "${part}" is not role=capacity/perSecond (capacity ≥ 1, perSecond > 0).`);
    rules[m[1]!] = { capacity: Number(m[2]), perSecond: Number(m[3]) };
  }
  return rules;
}

export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  const test = env.NODE_ENV === 'test' || !!env.VITEST;
  // Test suites hammer one server as one actor: limits apply there only when asked for.
  const rules = test && !env.RATE_LIMITS ? null : parseRateLimits(env.RATE_LIMITS);
  const port = env.METRICS_PORT ? Number(env.METRICS_PORT) : null;
  if (port !== null && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error('METRICS_PORT must be a port number.');
  return {
    metricsToken: env.METRICS_TOKEN || null,
    metricsPort: port,
    countStatements: env.METRICS_SQL_STATEMENTS !== '0',
    rateLimit: {
      enabled: !!rules,
      rules: rules ?? DEFAULT_RATE_LIMITS,
      trustedProxyHops: Number(env.TRUSTED_PROXY_HOPS || 0),
      keyPrefix: env.RATE_LIMIT_PREFIX || 'safecity:ratelimit:',
    },
  };
}

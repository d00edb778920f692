import type { Logger } from 'pino';
import type { BucketRule } from './config.js';
import { metrics } from './metrics.js';

export interface Bucket {
  tokens: number;
  /** Milliseconds (any monotonic or wall clock, the same for every call on the bucket). */
  at: number;
}

export interface BucketDecision {
  allowed: boolean;
  bucket: Bucket;
  /** Whole seconds until one token is back (0 when allowed). */
  retryAfterSeconds: number;
}

/** Token bucket: refill for the time elapsed (never above capacity), then take one token if there is one. */
export function takeToken(previous: Bucket | undefined, rule: BucketRule, now: number): BucketDecision {
  const elapsed = previous ? Math.max(0, now - previous.at) : 0;
  const tokens = previous ? Math.min(rule.capacity, previous.tokens + (elapsed * rule.perSecond) / 1000) : rule.capacity;
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now }, retryAfterSeconds: 0 };
  return { allowed: false, bucket: { tokens, at: now }, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / rule.perSecond)) };
}

/** The rule of an actor: the most generous of its roles' rules, else `default`; `anonymous` without an actor. */
export function bucketRuleFor(roles: readonly string[] | null, rules: Record<string, BucketRule>): BucketRule {
  if (!roles) return rules.anonymous!;
  const own = roles.map((r) => rules[r]).filter((r): r is BucketRule => !!r);
  if (!own.length) return rules.default!;
  return own.reduce((a, b) => (b.capacity + b.perSecond * 60 > a.capacity + a.perSecond * 60 ? b : a));
}

/** The client address: the socket's, or the one the n-th trusted proxy saw (rightmost entries are ours). */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | null, trustedProxyHops: number): string {
  if (trustedProxyHops > 0 && forwardedFor) {
    const hops = forwardedFor
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const i = hops.length - trustedProxyHops;
    if (i >= 0 && hops[i]) return hops[i]!;
    if (hops[0]) return hops[0];
  }
  return socketAddress ?? 'unknown';
}

export interface BucketStore {
  /** Synchronous where the buckets are in this process (no promise a request), a promise from Redis. */
  take(key: string, rule: BucketRule): BucketDecision | Promise<BucketDecision>;
  close(): Promise<void>;
}

const MAX_MEMORY_BUCKETS = 100_000;

/** In-process buckets (one instance, or the fallback when Redis is away). */
export function memoryBucketStore(now: () => number = () => performance.now()): BucketStore {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, rule) {
      const d = takeToken(buckets.get(key), rule, now());
      // Bounded memory under an address scan: drop the oldest entries (a dropped bucket is full again, the safe side for clients).
      if (!buckets.has(key) && buckets.size >= MAX_MEMORY_BUCKETS) {
        for (const k of buckets.keys()) {
          buckets.delete(k);
          if (buckets.size < MAX_MEMORY_BUCKETS * 0.9) break;
        }
      }
      buckets.delete(key);
      buckets.set(key, d.bucket);
      return d;
    },
    async close() {},
  };
}

/**
 * The same bucket in Redis, updated atomically by one script with Redis's own clock, so every
 * API instance draws on one budget whatever their clocks say. Returns {allowed, retry ms}.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {allowed, retry}
`;

export async function redisBucketStore(redisUrl: string, keyPrefix: string, log: Logger): Promise<BucketStore> {
  const { Redis } = await import('ioredis');
  // Fail fast: a rate-limit decision waits at most this long for Redis, then is taken in process.
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 250, connectTimeout: 1000 });
  client.on('error', () => {}); // reported below, throttled; ioredis reconnects by itself
  // Commands fail fast while disconnected, so wait (bounded) for the first connection: the first
  // requests of a fresh instance then already share the budget.
  await Promise.race([client.connect().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  const fallback = memoryBucketStore();
  let lastWarned = 0;
  return {
    async take(key, rule) {
      try {
        const [allowed, retryMs] = (await client.eval(TAKE_SCRIPT, 1, keyPrefix + key, rule.capacity, rule.perSecond)) as [number, number];
        return { allowed: allowed === 1, bucket: { tokens: NaN, at: Date.now() }, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)) };
      } catch (err) {
        metrics.rateLimitFallbacks.inc();
        if (Date.now() - lastWarned > 60_000) {
          lastWarned = Date.now();
          log.warn({ err: (err as Error).message }, 'rate limit: Redis unavailable, limiting in process until it is back');
        }
        return fallback.take(key, rule);
      }
    },
    async close() {
      client.disconnect();
    },
  };
}

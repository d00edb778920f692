import type { Platform } from './context.js';
import { sql } from 'drizzle-orm';

/**
 * One dependency's state for `/readiness`. `down` makes the instance unready (HTTP 503);
 * `degraded` keeps it serving but says so (Redis away: writes still work, events wait in
 * the outbox; the holiday calendar about to run out).
 */
export type ReadinessStatus = 'ok' | 'degraded' | 'down';

export interface ReadinessResult {
  status: ReadinessStatus;
  /** A short operator-facing reason; never a host, port or driver message. */
  detail?: string;
}

export interface ReadinessCheck {
  /** Key in the readiness answer: `database`, `redis`, `calendar`. */
  name: string;
  /** Must answer within the readiness budget (about a second); a check that throws counts as down. */
  check(platform: Platform): Promise<ReadinessResult>;
}

/** The worst status wins: any `down` makes the instance unready. */
export function overallReadiness(results: ReadinessResult[]): ReadinessStatus {
  if (results.some((r) => r.status === 'down')) return 'down';
  if (results.some((r) => r.status === 'degraded')) return 'degraded';
  return 'ok';
}

/** Each check answers within this budget or counts as down: `/readiness` must never hang. */
export const READINESS_CHECK_TIMEOUT_MS = 800;

/** The platform's own check: one trivial statement on the pool the requests use. */
export const databaseReadiness: ReadinessCheck = {
  name: 'database',
  async check(platform) {
    // Known down (the health probe failed): answer at once instead of waiting for a timeout.
    if (platform.database.isDown?.()) return { status: 'down', detail: 'unreachable' };
    await platform.database.db.execute(sql`select 1`);
    return { status: 'ok' };
  },
};

export interface ReadinessAnswer {
  /** HTTP status: 503 when any check is down. */
  httpStatus: 200 | 503;
  body: { status: 'ready' | 'degraded' | 'unavailable'; checks: Record<string, ReadinessResult> };
}

/** Runs every check in parallel, each bounded by `timeoutMs`; a throw or a timeout is `down`. */
export async function runReadiness(platform: Platform, checks: readonly ReadinessCheck[], timeoutMs = READINESS_CHECK_TIMEOUT_MS): Promise<ReadinessAnswer> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, ReadinessResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<ReadinessResult>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'down', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      try {
        const r = await Promise.race([
          c.check(platform).catch((err) => {
            platform.log.warn({ err, check: c.name }, 'readiness check failed');
            return { status: 'down', detail: 'unreachable' } satisfies ReadinessResult;
          }),
          timedOut,
        ]);
        return [c.name, r];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const overall = overallReadiness(results.map(([, r]) => r));
  return {
    httpStatus: overall === 'down' ? 503 : 200,
    body: { status: overall === 'down' ? 'unavailable' : overall === 'degraded' ? 'degraded' : 'ready', checks: Object.fromEntries(results) },
  };
}

import type { Platform } from './context.js';

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

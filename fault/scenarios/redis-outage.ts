import type { World } from '../lib/world.js';

/**
 * Placeholder for the outbox branch's scenario (issue #10 item 3): stop the suite's Redis for a
 * while under write load, start it again, and count the events subscribers never received
 * ("events lost once Redis is back" = 0). The world already has `w.redis` (stop/start) and the
 * server runs with REDIS_URL; the scenario plugs into SCENARIOS in run.ts.
 */
export async function redisOutage(w: World) {
  w.report.add('redis outage', 'events lost once Redis is back', 'not run (needs the event outbox, branch outbox)');
}

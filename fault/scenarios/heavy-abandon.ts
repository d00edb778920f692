import { readFileSync } from 'node:fs';
import { percentile } from '../lib/load.js';
import { query } from '../lib/integrity.js';
import { startServer } from '../lib/server.js';
import { sleep } from '../lib/stack.js';
import type { World } from '../lib/world.js';
import { READ_QUERY } from '../lib/world.js';

/** The legal but heavy query of issue #10: 100 persons, their registrations, the dwellings' current tenants. */
// Person.registrations is a page (20 by default): 100 persons × 20 = 2,100 worst-case nodes, heavy
// under the default HEAVY_QUERY_NODES (1,000). Until 2026-12-01 this text still selected
// registrations as a plain list, so every request failed validation and the scenario measured
// abandoned validation errors, not abandoned heavy queries: the answer alone is now required.
export const HEAVY_QUERY = `{ persons(first: 100) { edges { node { id name registrations { edges { node { registeredOn dwelling { address currentTenants { registeredOn person { name } } } } } } } } } }`;

/**
 * 20 clients send the heavy query and hang up after 50 ms, again and again, while one client's
 * normal request is timed. Hung-up requests must stop (resolvers and SQL), not stall the others.
 */
export async function heavyAbandon(w: World, abandoners = 20, seconds = 8) {
  const S = 'heavy queries abandoned';
  const server = await startServer(w.stack, w.env, { name: 'heavy' });
  const normal = w.client(server.url);
  const heavy = w.client(server.url);
  const alone = await heavy.post(HEAVY_QUERY, undefined, { timeoutMs: 30_000 });
  const baseline: number[] = [];
  for (let i = 0; i < 30; i++) baseline.push((await normal.post(READ_QUERY)).ms);
  // Sessions PostgreSQL starts for anyone (pg_stat_database, PostgreSQL 14+), read around the flood.
  const sessionsStarted = async () => (await query<{ n: number }>(w.pg.url, 'select sessions::int as n from pg_stat_database where datname = current_database()'))[0]!.n;
  const sessions0 = await sessionsStarted();
  let running = true;
  let sent = 0;
  const abandon = async () => {
    while (running) {
      sent++;
      await heavy.post(HEAVY_QUERY, undefined, { signal: AbortSignal.timeout(50) });
    }
  };
  const tasks = Array.from({ length: abandoners }, abandon);
  const under: number[] = [];
  let failures = 0;
  const failureKinds: string[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const r = await normal.post(READ_QUERY, undefined, { timeoutMs: 30_000 });
    if (r.kind === 'ok') under.push(r.ms);
    else {
      failures++;
      failureKinds.push(r.kind === 'error' ? `${r.status} ${r.code}` : r.kind);
    }
    await sleep(20);
  }
  running = false;
  // Less the two of the counting itself.
  const sessionsMeanwhile = (await sessionsStarted()) - sessions0 - 2;
  await Promise.all(tasks);
  await sleep(500);
  const cancelledSql = (readFileSync(w.pg.logFile, 'utf8').match(/canceling statement due to user request/g) ?? []).length;
  normal.close();
  heavy.close();
  await server.terminate();
  const r = w.report;
  console.log(`\n== ${S}`);
  r.add(
    S,
    'heavy query alone, ms (answer kind)',
    `${Math.round(alone.ms)} (${alone.kind}${alone.kind === 'ok' ? `, ${Math.round(JSON.stringify(alone.body).length / 1024)} kB` : alone.kind === 'error' ? ` ${alone.code}` : ''})`,
  );
  r.add(S, 'heavy query alone answered', alone.kind, { pass: alone.kind === 'ok', bound: 'ok (a query that fails validation would test nothing)' });
  r.add(S, 'heavy requests sent and abandoned', sent);
  r.add(S, 'normal request alone p50 / p95, ms', `${percentile(baseline, 50).toFixed(1)} / ${percentile(baseline, 95).toFixed(1)}`);
  const p95 = percentile(under, 95);
  r.add(S, 'normal request meanwhile p50 / p95 / max, ms', `${percentile(under, 50).toFixed(1)} / ${p95.toFixed(1)} / ${Math.max(...under).toFixed(1)}`);
  // A stall is hung-up heavy queries still running, one after another, ahead of the normal request
  // (8,700 ms before the fix). Two heavy queries run at once by design (HEAVY_QUERY_CONCURRENCY),
  // so on two cores the normal request shares the CPU with them. Each new PostgreSQL session runs
  // the heavy query cold (200-700 ms against 30-50 warm): p95 0.98-2.0 s when every hang-up closed
  // its session (~26 a second), 820 ms when only those that sent a cancel request do (2026-12-02).
  const bound = Math.max(1000, 3 * alone.ms);
  r.add(S, 'normal request meanwhile p95, ms', p95, { pass: p95 < bound, bound: `< ${Math.round(bound)}, the larger of 1,000 and 3x the heavy query alone (was a stall of 8,700)` });
  r.add(S, 'normal requests failed meanwhile', failures, { pass: failures === 0, bound: '0' });
  // A hang-up whose statement was running sends a cancel request and its session is closed (a
  // late cancel could hit the next caller's statement); one whose statements were answered keeps
  // it (data/scoped-sessions.ts). 225 in 8.7 s when every hang-up closed its session; ~100 now.
  r.add(S, 'PostgreSQL sessions started meanwhile', sessionsMeanwhile);
  if (failures) console.log('    failures:', failureKinds.slice(0, 5));
  r.add(S, 'statements PostgreSQL cancelled for hung-up clients', cancelledSql);
  r.add(S, 'process deaths', server.unexpectedExits.length, { pass: server.unexpectedExits.length === 0, bound: '0' });
}

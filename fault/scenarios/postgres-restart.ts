import { startLoad } from '../lib/load.js';
import { startServer } from '../lib/server.js';
import { sleep } from '../lib/stack.js';
import type { World } from '../lib/world.js';
import { READ_QUERY } from '../lib/world.js';

/**
 * PostgreSQL restarts under load (`pg_ctl stop -m fast`, 5 s away, start). The API must live,
 * answer coded 503s with Retry-After meanwhile (no driver text), say so on /readiness within a
 * second, and answer again within 2 s of the database's return.
 */
export async function postgresRestart(w: World) {
  const S = 'postgres restart';
  const server = await startServer(w.stack, w.env, { name: 'pg-restart' });
  const client = w.client(server.url);
  const load = startLoad(client, w.loadOptions(20, 50), w.runId);
  await sleep(3000);

  const down = performance.now();
  w.pg.stopFast();
  // /readiness: 503 within a second of the outage, and never hanging.
  let readiness503Ms: number | null = null;
  let slowestReadinessMs = 0;
  while (performance.now() - down < 4000) {
    const t0 = performance.now();
    const r = await fetch(`${server.url}/readiness`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
    slowestReadinessMs = Math.max(slowestReadinessMs, performance.now() - t0);
    if (r?.status === 503 && readiness503Ms === null) readiness503Ms = performance.now() - down;
    await sleep(100);
  }
  const during = await client.post(READ_QUERY);
  await sleep(Math.max(0, 5000 - (performance.now() - down)));

  w.pg.start();
  const back = performance.now();
  // First success after the return: a probe every 50 ms besides the load.
  let firstOkMs: number | null = null;
  while (performance.now() - back < 15_000) {
    const r = await client.post(READ_QUERY, undefined, { timeoutMs: 5000 });
    if (r.kind === 'ok') {
      firstOkMs = performance.now() - back;
      break;
    }
    await sleep(50);
  }
  const loadFirstOk = load.stats.okAt.find((t) => t > back);
  await sleep(3000);
  await load.stop();
  client.close();
  const ready = await fetch(`${server.url}/readiness`)
    .then((r) => r.status)
    .catch(() => 0);

  const r = w.report;
  console.log(`\n== ${S}`);
  r.add(S, 'process deaths', server.unexpectedExits.length, { pass: server.unexpectedExits.length === 0, bound: '0' });
  r.add(S, '/readiness 503 after outage, ms', readiness503Ms ?? 'never', { pass: readiness503Ms !== null && readiness503Ms <= 1000, bound: '≤ 1000' });
  r.add(S, 'slowest /readiness answer during outage, ms', slowestReadinessMs, { pass: slowestReadinessMs < 1500, bound: '< 1500 (never hangs)' });
  r.add(S, 'answer during outage', during.kind === 'error' ? `${during.status} ${during.code} retry-after=${during.retryAfter}` : during.kind, {
    pass: during.kind === 'error' && during.status === 503 && during.code === 'CORE_DATABASE_UNAVAILABLE' && !!during.retryAfter,
    bound: '503 CORE_DATABASE_UNAVAILABLE with Retry-After',
  });
  r.add(S, 'first success after PostgreSQL returns, s', firstOkMs === null ? 'never' : firstOkMs / 1000, { pass: firstOkMs !== null && firstOkMs <= 2000, bound: '≤ 2' });
  r.add(S, 'first success of the load after return, s', loadFirstOk ? (loadFirstOk - back) / 1000 : 'never');
  r.add(S, 'answers leaking driver codes/hosts', load.stats.leaks.length, { pass: load.stats.leaks.length === 0, bound: '0' });
  if (load.stats.leaks.length) console.log('    leaks:', load.stats.leaks.slice(0, 5));
  r.add(S, 'error codes seen', JSON.stringify(Object.fromEntries(load.stats.errors)));
  r.add(S, '/readiness after recovery', ready, { pass: ready === 200, bound: '200' });
  r.add(S, 'requests answered ok', load.stats.ok);
  r.add(S, 'writes acknowledged / sent', `${load.acknowledged.length} / ${load.stats.writesSent}`);
  if (load.stats.writeNotAcknowledged) console.log('    a write answered without acknowledgement:', load.stats.writeNotAcknowledged);
  return { server, acknowledged: load.acknowledged };
}

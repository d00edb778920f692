import { subscribeEvents } from '../lib/events.js';
import { query } from '../lib/integrity.js';
import { startLoad } from '../lib/load.js';
import { startServer, type RunningServer } from '../lib/server.js';
import { sleep, waitFor } from '../lib/stack.js';
import { READ_QUERY, type World } from '../lib/world.js';

const OUTAGE_MS = 5000;

const RECORD_ALERT = `mutation($at: DateTime!, $j: DivisionCode!, $d: String!, $key: IdempotencyKey) {
  r: recordAlert(type: theft, occurredAt: $at, place: "故障演练", description: $d, jurisdictionCode: $j, idempotencyKey: $key) {
    __typename ... on RecordAlertSuccess { data { id } } ... on DomainError { code message }
  }
}`;

/** The alert's uuid from its global id (`Alert:<uuid>` in base64), as event payloads carry it. */
function alertUuid(globalId: string): string {
  const raw = Buffer.from(globalId, 'base64').toString('utf8');
  return raw.startsWith('Alert:') ? raw.slice('Alert:'.length) : globalId;
}

interface ReadinessSample {
  http: number;
  status: string | null;
  redis: string | null;
}

async function readiness(server: RunningServer): Promise<ReadinessSample> {
  const r = await fetch(`${server.url}/readiness`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
  if (!r) return { http: 0, status: null, redis: null };
  const body = (await r.json().catch(() => null)) as { status?: string; checks?: { redis?: { status?: string } } } | null;
  return { http: r.status, status: body?.status ?? null, redis: body?.checks?.redis?.status ?? null };
}

/**
 * Redis stops for ~5 s under a trickle of writes (issue #10 item 3). Two API processes share the
 * suite's PostgreSQL and Redis; the writes go to instance A, a subscriber listens to
 * `domainEvents` on instance B, so every event has to cross Redis. Redis comes back empty (as after
 * a failover): the outbox must relay what was committed meanwhile, once each, in commit order.
 * Writes keep working (the outbox is in the database), and `/readiness` says `degraded`, not down.
 */
export async function redisOutage(w: World) {
  const S = 'redis outage';
  const r = w.report;
  console.log(`\n== ${S}`);
  if (!w.redis) {
    r.add(S, 'ran', 'no: the suite has no Redis', { pass: false, bound: 'yes' });
    return;
  }
  const a = await startServer(w.stack, w.env, { name: 'redis-a' });
  const b = await startServer(w.stack, w.env, { name: 'redis-b' });
  const sub = await subscribeEvents(w.stack, b.url, w.token, ['alertRecorded']);
  await sleep(1000);

  const prefix = `fault-${w.runId}-alert-`;
  const client = w.client(a.url);
  const load = startLoad(
    client,
    {
      readers: 4,
      writeEveryMs: 100,
      readQuery: READ_QUERY,
      write: (i) => ({
        query: RECORD_ALERT,
        variables: { at: new Date().toISOString(), j: w.community, d: `${prefix}${i}`, key: `${w.runId}-alert-${i}` },
        name: `${prefix}${i}`,
        idOf: (body: any) => (body?.data?.r?.__typename === 'RecordAlertSuccess' ? body.data.r.data.id : null),
      }),
    },
    w.runId,
  );
  await sleep(3000);
  const before = await readiness(b);

  const ackBefore = load.acknowledged.length;
  await w.redis.stop();
  const down = performance.now();
  // /readiness on both instances through the outage: 200 and `redis: degraded`, never 503.
  const samples: ReadinessSample[] = [];
  let degradedAfterMs: number | null = null;
  while (performance.now() - down < OUTAGE_MS) {
    for (const s of [a, b]) {
      const x = await readiness(s);
      samples.push(x);
      if (degradedAfterMs === null && x.http === 200 && x.redis === 'degraded') degradedAfterMs = performance.now() - down;
    }
    await sleep(200);
  }
  const ackDuring = load.acknowledged.length - ackBefore;
  await w.redis.start();
  const up = performance.now();
  const redisOkMs = await waitFor(async () => (await readiness(a)).redis === 'ok' && (await readiness(b)).redis === 'ok', 15_000, 100);
  const after = await readiness(b);
  await sleep(Math.max(0, 3000 - (performance.now() - up)));
  await load.stop();
  client.close();

  // Every acknowledged alert's event must reach B; give the relay time, then wait for repeats.
  const acknowledged = load.acknowledged.map((x) => alertUuid(x.personId));
  const got = () => new Set(sub.received.map((e) => String(e.payload.alertId)));
  await waitFor(async () => acknowledged.every((id) => got().has(id)), 30_000, 200);
  await sleep(1500);
  sub.close();

  const seen = got();
  // When the events committed during the outage had all arrived, counted from Redis's return.
  const ofOutage = new Set(acknowledged.slice(ackBefore, ackBefore + ackDuring));
  const outageArrivals = sub.received.filter((e) => ofOutage.has(String(e.payload.alertId))).map((e) => e.at);
  const outageDeliveredS = ofOutage.size && outageArrivals.length >= ofOutage.size ? (Math.max(...outageArrivals) - up) / 1000 : null;
  const lost = acknowledged.filter((id) => !seen.has(id)).length;
  const twice = sub.received.length - new Set(sub.received.map((e) => e.id)).size;
  let outOfOrder = 0;
  for (let i = 1; i < sub.received.length; i++) if (sub.received[i]!.id <= sub.received[i - 1]!.id) outOfOrder++;
  const writeErrors = load.stats.writesSent - load.acknowledged.length;
  // The acknowledged alerts are in the database with their audit entries (the suite's integrity check covers persons only).
  const [stored] = acknowledged.length
    ? await query<{ n: number; audited: number }>(
        w.pg.url,
        `select count(*)::int as n, count(*) filter (where exists (select 1 from audit_log l where l.entity_type = 'Alert' and l.entity_id = a.id::text))::int as audited
           from patrol_alerts a where a.id::text = any($1)`,
        [acknowledged],
      )
    : [{ n: 0, audited: 0 }];
  const deaths = a.unexpectedExits.length + b.unexpectedExits.length;
  // The safety net logs what would otherwise have ended the process: none of it may happen here.
  const logs = [...a.logs(), ...b.logs()];
  const unhandled = logs.filter((l) => /unhandled|uncaught/i.test(String(l.msg ?? ''))).length;
  // ioredis used to print every reconnect attempt; now each instance logs a problem once (then at most every 30 s).
  const redisLines = logs.filter((l) => l.component === 'redis').length;
  const during503 = samples.filter((x) => x.http !== 200).length;
  const fmt = (x: ReadinessSample) => `${x.http} ${x.status} redis=${x.redis}`;

  r.add(S, 'outage, s', OUTAGE_MS / 1000);
  r.add(S, 'process deaths', deaths, { pass: deaths === 0, bound: '0' });
  r.add(S, 'unhandled rejections / uncaught exceptions logged', unhandled, { pass: unhandled === 0, bound: '0' });
  r.add(S, 'Redis log lines (both instances)', redisLines, { pass: redisLines <= 12, bound: '≤ 12 (no flood)' });
  r.add(S, 'writes acknowledged during the outage', ackDuring, { pass: ackDuring > 0, bound: '> 0' });
  r.add(S, 'write errors', writeErrors, { pass: writeErrors === 0, bound: '0' });
  if (load.stats.writeNotAcknowledged) console.log('    a write answered without acknowledgement:', load.stats.writeNotAcknowledged);
  r.add(S, 'writes acknowledged / sent', `${load.acknowledged.length} / ${load.stats.writesSent}`);
  r.add(S, 'acknowledged alerts missing or without audit entry', acknowledged.length - Math.min(stored!.n, stored!.audited), {
    pass: stored!.n === acknowledged.length && stored!.audited === acknowledged.length,
    bound: '0',
  });
  r.add(S, 'read errors (any answer not ok)', load.stats.started - load.stats.ok - writeErrors, { pass: load.stats.started - load.stats.ok - writeErrors === 0, bound: '0' });
  r.add(S, 'subscriber stream intact', sub.endedEarly ?? 'yes', { pass: sub.endedEarly === null, bound: 'yes' });
  r.add(S, 'events received', sub.received.length);
  r.add(S, 'events lost once Redis is back', lost, { pass: lost === 0, bound: '0' });
  r.add(S, "outage's events all delivered, s after Redis returns", outageDeliveredS ?? 'never');
  r.add(S, 'events delivered twice', twice, { pass: twice === 0, bound: '0' });
  r.add(S, 'events out of commit order', outOfOrder, { pass: outOfOrder === 0, bound: '0' });
  r.add(S, '/readiness before the outage', fmt(before), { pass: before.http === 200 && before.redis === 'ok', bound: '200, redis ok' });
  r.add(S, '/readiness says redis degraded after, ms', degradedAfterMs ?? 'never', { pass: degradedAfterMs !== null, bound: 'within the outage, HTTP 200' });
  r.add(S, '/readiness answers not 200 during the outage', during503, { pass: during503 === 0, bound: '0 (degraded, not down)' });
  r.add(S, '/readiness redis ok again after Redis returns, ms', redisOkMs ?? 'never', { pass: redisOkMs !== null, bound: '≤ 15000' });
  r.add(S, '/readiness after the outage', fmt(after), { pass: after.http === 200 && after.redis === 'ok' && after.status !== 'unavailable', bound: '200, redis ok' });
  return {};
}

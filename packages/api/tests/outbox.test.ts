import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createOutboxRelay, eventOutbox, jurisdictions, relayPassSql, rowsOf, sql, writeTail, type Db, type EventEnvelope } from '@safecity/core';
import { createTestDatabase, freePort, hasRedisServer, startRedisServer, startTestServer, type RedisProcess, type TestServer } from '@safecity/core/testing';
import { emitterModule } from './fixtures/probe-modules.js';

const CHENGGUAN = '620102';
const CHANGJIAXIANG = '620102001001'; // 畅家巷社区, 城关区
const EMIT = `mutation($c: DivisionCode!, $fail: Boolean) { emitAlert(communityCode: $c, failAfterEmit: $fail) { __typename ... on EmitAlertSuccess { data } ... on DomainError { code } } }`;
const SUBSCRIBE = `subscription { domainEvents(names: [alertRecorded]) { id name payload } }`;

async function outboxRows(s: TestServer) {
  return s.database.db.select().from(eventOutbox).orderBy(eventOutbox.id);
}

/**
 * Asserts that ids grow in delivery order within each chain the outbox rows name (a lane of a
 * district: ids follow commit order there, not across lanes) and returns the chains seen.
 */
async function expectIncreasingPerChain(s: TestServer, got: { id: bigint }[]): Promise<string[]> {
  const chainOf = new Map((await outboxRows(s)).map((r) => [BigInt(r.id), r.chain]));
  const lastOf = new Map<string, bigint>();
  for (const g of got) {
    const chain = chainOf.get(g.id);
    // Every delivered event's row names its chain: a district (lane 0), a lane of one, or city.
    expect(chain).toMatch(/^(\d{6}(\.\d+)?|city)$/);
    expect(g.id > (lastOf.get(chain!) ?? 0n)).toBe(true);
    lastOf.set(chain!, g.id);
  }
  return [...lastOf.keys()];
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A short retry cap: an outage's reconnect attempts come every 20 ms instead of up to every 2 s,
 * so what they used to do after seconds (below) happens in a fraction of one, and a restarted
 * Redis is reached again at once.
 */
const FAST_RETRY = { REDIS_RETRY_MAX_MS: '20' };

/**
 * The old code died of an unhandled MaxRetriesPerRequestError once a command had waited through
 * ioredis's default 20 reconnect attempts (about 3.5 s of its default back-off). Waiting for
 * more attempts than that (counted, not slept) shows they now pass without harm: vitest fails
 * the run on any unhandled rejection.
 */
async function pastRetryLimit(s: TestServer) {
  const from = s.platform.outbox!.state().transportReconnects;
  await waitFor('25 reconnect attempts', async () => s.platform.outbox!.state().transportReconnects - from >= 25, 15_000);
}

describe('the outbox, in process', () => {
  let s: TestServer;
  let officer: string;
  beforeAll(async () => {
    s = await startTestServer({ modules: [emitterModule] });
    officer = await s.token('district_officer', CHENGGUAN);
  });
  afterAll(() => s.close());

  it('a committed write leaves its event in the outbox, delivered with its id and marked published; a rolled-back write leaves nothing', async () => {
    const sub = await s.subscribe(SUBSCRIBE, {}, officer);
    try {
      // Ids only: the relay may still be marking an earlier test's rows published meanwhile.
      const rowIds = async () => (await outboxRows(s)).map((r) => r.id);
      const before = await rowIds();
      const failed = await s.gql(EMIT, { c: CHANGJIAXIANG, fail: true }, { token: officer });
      expect(failed.data.emitAlert).toEqual({ __typename: 'DomainError', code: 'PROBE_REFUSED' });
      expect(await rowIds()).toEqual(before);

      const ok = await s.gql(EMIT, { c: CHANGJIAXIANG }, { token: officer, headers: { 'x-request-id': 'req-outbox-1' } });
      const alertId = ok.data.emitAlert.data;
      const msg = await sub.next();
      // The first thing delivered is the committed event: the rolled-back one never went out.
      expect(msg.data.domainEvents).toMatchObject({ name: 'alertRecorded', payload: { alertId } });
      const rows = await outboxRows(s);
      expect(rows).toHaveLength(before.length + 1);
      const row = rows[rows.length - 1];
      expect(row).toMatchObject({ name: 'alertRecorded', requestId: 'req-outbox-1', jurisdictionCode: alertId, payload: { alertId } });
      expect(msg.data.domainEvents.id).toBe(String(row.id));
      await waitFor('published_at', async () => (await outboxRows(s)).find((r) => r.id === row.id)?.publishedAt);
    } finally {
      sub.close();
    }
  });

  it('concurrent writes in one district: every event once, ids increasing in delivery order within each lane', async () => {
    const sub = await s.subscribe(SUBSCRIBE, {}, officer);
    try {
      // One community each: concurrent grids in one community would race for the same code.
      const communities = await s.database.db
        .select({ code: jurisdictions.code })
        .from(jurisdictions)
        .where(sql`${jurisdictions.level} = 'community' and ${jurisdictions.code} like '620102%'`)
        .orderBy(jurisdictions.code)
        .limit(12);
      expect(communities).toHaveLength(12);
      const results = await Promise.all(communities.map(({ code }) => s.gql(EMIT, { c: code }, { token: officer })));
      const emitted = new Set(results.map((r) => r.data.emitAlert.data as string));
      const got: { id: bigint; alertId: string }[] = [];
      while (got.length < emitted.size) {
        const m = await sub.next();
        got.push({ id: BigInt(m.data.domainEvents.id), alertId: m.data.domainEvents.payload.alertId });
      }
      expect(new Set(got.map((g) => g.alertId))).toEqual(emitted);
      // Lanes of 620102 only (620102, 620102.1, …): more than one when writers overlapped on PostgreSQL.
      for (const chain of await expectIncreasingPerChain(s, got)) expect(chain).toMatch(/^620102(\.\d+)?$/);
    } finally {
      sub.close();
    }
  });

  it('concurrent writes in several districts (no lock between them): every event once, ids increasing within each lane of each district', async () => {
    const admin = await s.token('city_admin', '620100');
    const sub = await s.subscribe(SUBSCRIBE, {}, admin);
    try {
      const districts = ['620102', '620103', '620104'];
      const writes: { code: string; token: string }[] = [];
      for (const d of districts) {
        const token = await s.token('district_officer', d);
        const communities = await s.database.db
          .select({ code: jurisdictions.code })
          .from(jurisdictions)
          .where(sql`${jurisdictions.level} = 'community' and ${jurisdictions.code} like ${`${d}%`}`)
          .orderBy(jurisdictions.code)
          .limit(8);
        expect(communities).toHaveLength(8);
        for (const { code } of communities) writes.push({ code, token });
      }
      const results = await Promise.all(writes.map((w) => s.gql(EMIT, { c: w.code }, { token: w.token })));
      const emitted = new Set(results.map((r) => r.data.emitAlert.data as string));
      expect(emitted.size).toBe(writes.length);
      const got: { id: bigint; alertId: string }[] = [];
      while (got.length < emitted.size) {
        const m = await sub.next();
        got.push({ id: BigInt(m.data.domainEvents.id), alertId: m.data.domainEvents.payload.alertId });
      }
      expect(new Set(got.map((g) => g.alertId))).toEqual(emitted);
      for (const d of districts) expect(got.filter((g) => g.alertId.startsWith(d))).toHaveLength(8);
      const chains = await expectIncreasingPerChain(s, got);
      for (const d of districts) expect(chains.some((c) => c === d || c.startsWith(`${d}.`))).toBe(true);
      // Nothing repeated arrives afterwards (the marks ride on a later pass; a repeat would come
      // then): the next event after the relay has nothing left is one sent after it.
      await s.platform.outbox!.flush();
      const last = await s.gql(EMIT, { c: CHANGJIAXIANG }, { token: officer });
      expect((await sub.next()).data.domainEvents.payload.alertId).toBe(last.data.emitAlert.data);
      await waitFor('every row marked published', async () => (await outboxRows(s)).every((r) => r.publishedAt));
    } finally {
      sub.close();
    }
  });

  it('keeps relayed rows: deleting from the outbox is refused', async () => {
    await s.gql(EMIT, { c: CHANGJIAXIANG }, { token: officer });
    await expect(s.database.db.execute(sql`delete from event_outbox`)).rejects.toThrow();
    expect((await outboxRows(s)).length).toBeGreaterThan(0);
  });

  it('another instance on the same database relays what a stopped (crashed) relay left', async () => {
    // An instance and a database of its own: stopping the shared server's relay would leave the
    // other tests of this file without delivery whenever this one ran before them.
    const crashed = await startTestServer({ modules: [emitterModule] });
    try {
      await crashed.platform.outbox!.stop(); // from here on this instance commits but never relays
      await waitFor('the relay to have published what was there', async () => (await outboxRows(crashed)).every((r) => r.publishedAt));
      const ok = await crashed.gql(EMIT, { c: CHANGJIAXIANG }, { token: await crashed.token('district_officer', CHENGGUAN) });
      expect(ok.data.emitAlert.__typename).toBe('EmitAlertSuccess');
      await new Promise((r) => setTimeout(r, 300));
      const left = (await outboxRows(crashed)).filter((r) => !r.publishedAt);
      expect(left.map((r) => (r.payload as { alertId: string }).alertId)).toEqual([ok.data.emitAlert.data]);
      const other = await startTestServer({ modules: [emitterModule], database: crashed.database });
      try {
        await waitFor('the leftover to be relayed', async () => (await outboxRows(crashed)).every((r) => r.publishedAt));
      } finally {
        await other.close();
      }
    } finally {
      await crashed.close();
    }
  });
});

describe('the relay pass statement', () => {
  it('one relay holds the lease while it has events to deliver; marks ride on the next pass and are not read again', async () => {
    const database = await createTestDatabase();
    try {
      const db = database.db as unknown as Db;
      await db.transaction(async (tx) =>
        writeTail(tx as unknown as Db, {
          events: [1, 2].map((n) => ({ name: 'alertRecorded', payload: { n }, request_id: `r-${n}`, jurisdiction_code: '620102001001' })),
        }),
      );
      const pass = async (holder: string, leaseMs: number, marks: number[]) => rowsOf<{ held: boolean; id: string | null }>(await db.execute(relayPassSql(holder, leaseMs, marks, 10)));
      const first = await pass('a', 60_000, []);
      expect(first.map((r) => r.held)).toEqual([true, true]);
      const ids = first.map((r) => Number(r.id));
      // Another relay while a's lease holds: nothing to read.
      expect(await pass('b', 60_000, [])).toEqual([expect.objectContaining({ held: false, id: null })]);
      // a marks what it delivered: those rows are not read again, by this pass or a later one.
      expect((await pass('a', 60_000, ids)).map((r) => r.id)).toEqual([null]);
      expect((await db.select().from(eventOutbox)).every((r) => r.publishedAt)).toBe(true);
      // a found nothing left to deliver, so its lease is free at once: b takes it and reads a new event.
      await db.transaction(async (tx) => writeTail(tx as unknown as Db, { events: [{ name: 'alertRecorded', payload: { n: 3 }, request_id: 'r-3', jurisdiction_code: '620103001001' }] }));
      const taken = await pass('b', 60_000, []);
      expect(taken).toEqual([expect.objectContaining({ held: true })]);
      expect(Number(taken[0]!.id)).toBeGreaterThan(Math.max(...ids));
      // Now b holds it while it delivers: a waits.
      expect(await pass('a', 60_000, [])).toEqual([expect.objectContaining({ held: false, id: null })]);
    } finally {
      await database.close();
    }
  }, 60_000);
});

describe('Redis configured but unreachable from the start', () => {
  it('writes succeed, nothing crashes, readiness says degraded, and the events wait in the outbox', async () => {
    const s = await startTestServer({ modules: [emitterModule], env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, ...FAST_RETRY } });
    try {
      const officer = await s.token('district_officer', CHENGGUAN);
      for (let i = 0; i < 3; i++) {
        const r = await s.gql(EMIT, { c: CHANGJIAXIANG }, { token: officer });
        expect(r.data.emitAlert.__typename).toBe('EmitAlertSuccess');
      }
      await pastRetryLimit(s);
      const check = s.platform.readinessChecks.find((c) => c.name === 'redis')!;
      expect(await check.check(s.platform)).toMatchObject({ status: 'degraded' });
      expect((await outboxRows(s)).filter((r) => !r.publishedAt)).toHaveLength(3);
    } finally {
      await s.close();
    }
  }, 30_000);
});

describe.runIf(hasRedisServer())('the outbox through a Redis outage', () => {
  let redis: RedisProcess;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startTestServer({ modules: [emitterModule], env: { REDIS_URL: redis.url, ...FAST_RETRY } });
    b = await startTestServer({ modules: [emitterModule], env: { REDIS_URL: redis.url, ...FAST_RETRY }, database: a.database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  const redisCheck = (s: TestServer) => s.platform.readinessChecks.find((c) => c.name === 'redis')!.check(s.platform);

  it('writes succeed while Redis is down, readiness says degraded, and afterwards every event reaches the other instance once, in order', async () => {
    const officer = await a.token('district_officer', CHENGGUAN);
    const sub = await b.subscribe(SUBSCRIBE, {}, await b.token('district_officer', CHENGGUAN));
    try {
      // The Redis client connects in the background: wait for it (bounded) rather than race it.
      await expect.poll(() => redisCheck(a), { timeout: 15_000, interval: 100 }).toEqual({ status: 'ok' });
      const emitted: string[] = [];
      const emit = async () => {
        const r = await a.gql(EMIT, { c: CHANGJIAXIANG }, { token: officer });
        expect(r.data.emitAlert.__typename).toBe('EmitAlertSuccess');
        emitted.push(r.data.emitAlert.data);
      };
      // Before: the subscription is live (Redis SUBSCRIBE is asynchronous, so wait for the first).
      await emit();
      const received: { id: string; alertId: string }[] = [];
      const take = async (timeoutMs: number) => {
        const m = await sub.next(timeoutMs);
        received.push({ id: m.data.domainEvents.id, alertId: m.data.domainEvents.payload.alertId });
      };
      await take(5000);

      await redis.stop();
      for (let i = 0; i < 8; i++) await emit();
      await Promise.all([pastRetryLimit(a), pastRetryLimit(b)]);
      expect(await redisCheck(a)).toMatchObject({ status: 'degraded' });
      expect(await redisCheck(b)).toMatchObject({ status: 'degraded' });
      expect((await fetch(a.url.replace('/graphql', '/health'))).status).toBe(200);
      expect((await outboxRows(a)).filter((r) => !r.publishedAt)).toHaveLength(8);

      await redis.start();
      while (received.length < emitted.length) await take(15_000);
      // Anything repeated would arrive before one last event sent once both instances are
      // connected again and their relays have nothing left (one channel delivers in order).
      await waitFor('readiness ok', async () => (await redisCheck(a)).status === 'ok' && (await redisCheck(b)).status === 'ok');
      await Promise.all([a.platform.outbox!.flush(), b.platform.outbox!.flush()]);
      await emit();
      await take(5000);
      expect(received.map((r) => r.alertId)).toEqual(emitted);
      const ids = received.map((r) => BigInt(r.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
      await waitFor('the outbox to be relayed', async () => (await outboxRows(a)).every((r) => r.publishedAt));
      await waitFor('readiness ok', async () => (await redisCheck(a)).status === 'ok');
    } finally {
      sub.close();
    }
  }, 60_000);

  it('a backlog of a bulk write drains in growing batches: 2,000 events in one flush of at most 100 passes that start at 10 a pass', async () => {
    const database = await createTestDatabase();
    const delivered: EventEnvelope[] = [];
    const relay = createOutboxRelay(
      { database, log: createLogger({ level: 'silent' }) },
      { kind: 'memory', ready: () => true, deliver: async (e) => void delivered.push(e) },
      { batchSize: 10, maxBatchSize: 640, pollMs: 60_000 },
    );
    try {
      const db = database.db as unknown as Db;
      await db.transaction(async (tx) =>
        writeTail(tx as unknown as Db, {
          events: Array.from({ length: 2000 }, (_, n) => ({ name: 'alertRecorded', payload: { n }, request_id: `r-${n}`, jurisdiction_code: '620102001001' })),
        }),
      );
      // At 10 a pass, flush's 100 passes would deliver 1,000: the batch doubles after each full one.
      await relay.flush();
      expect(delivered.length).toBe(2000);
      expect(delivered.map((e) => (e.payload as { n: number }).n)).toEqual(Array.from({ length: 2000 }, (_, n) => n));
      await relay.flush();
      expect((await db.select().from(eventOutbox)).every((r) => r.publishedAt)).toBe(true);
      expect(delivered.length).toBe(2000);
    } finally {
      await relay.stop();
      await database.close();
    }
  }, 60_000);
});

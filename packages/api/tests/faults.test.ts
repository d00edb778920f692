import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSchema,
  classifyFault,
  createApp,
  createDatabase,
  createPlatform,
  isInfrastructureError,
  LOCAL_DEV_SECRET,
  loadConfig,
  mintDevToken,
  overallReadiness,
  runReadiness,
  sql,
  type Database,
  type Platform,
  type ReadinessCheck,
} from '@safecity/core';
import { freePort, postgresReachable } from '@safecity/core/testing';
import { restartDelayMs } from '../src/cluster.js';
import { modules } from '../src/modules.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('classifyFault: which infrastructure fault an error is', () => {
  const drizzleWrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1\nparams: '), { name: 'DrizzleQueryError', query: 'select 1', cause });
  it.each([
    [
      'postgres.js connection closed',
      Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5433'), { code: 'CONNECTION_CLOSED', errno: 'CONNECTION_CLOSED', address: '127.0.0.1' }),
      'database_unavailable',
    ],
    ['refused, wrapped by drizzle', drizzleWrapped(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED', syscall: 'connect' })), 'database_unavailable'],
    ['admin shutdown 57P01', Object.assign(new Error('terminating connection due to administrator command'), { name: 'PostgresError', code: '57P01' }), 'database_unavailable'],
    ['starting up 57P03', Object.assign(new Error('the database system is starting up'), { name: 'PostgresError', code: '57P03' }), 'database_unavailable'],
    ['our health gate', Object.assign(new Error('The database is unavailable.'), { code: 'DATABASE_UNAVAILABLE' }), 'database_unavailable'],
    ['statement timeout 57014', Object.assign(new Error('canceling statement due to statement timeout'), { name: 'PostgresError', code: '57014' }), 'request_timeout'],
    ['cancelled for a hung-up client 57014', Object.assign(new Error('canceling statement due to user request'), { code: '57014' }), 'request_cancelled'],
    ['request budget', new DOMException('budget', 'TimeoutError'), 'request_timeout'],
    ['unique violation is no fault', Object.assign(new Error('duplicate key'), { name: 'PostgresError', code: '23505' }), null],
    ['a bug is no fault', new TypeError('x is undefined'), null],
  ])('%s', (_name, error, fault) => {
    expect(classifyFault(error)).toBe(fault);
  });

  it('driver errors are never taken for our coded errors', () => {
    expect(isInfrastructureError(Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED', errno: 'CONNECTION_CLOSED' }))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('x'), { name: 'PostgresError', code: '23505' }))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('x'), { code: 'CORE_NOT_FOUND' }))).toBe(false);
  });
});

describe('restartDelayMs: the supervisor backs off only while crashes keep coming', () => {
  it.each([
    [1, 0],
    [2, 250],
    [3, 500],
    [5, 2000],
    [20, 10_000],
  ])('crash %i within a minute waits %i ms', (crashes, ms) => {
    expect(restartDelayMs(crashes)).toBe(ms);
  });
});

describe('runReadiness: bounded checks, the worst status wins', () => {
  const platform = { log: { warn() {}, error() {} } } as unknown as Platform;
  const check = (name: string, f: () => Promise<{ status: 'ok' | 'degraded' | 'down' }>): ReadinessCheck => ({ name, check: f });
  it('a check that hangs is down within the budget, and the answer is 503', async () => {
    const t0 = performance.now();
    const a = await runReadiness(platform, [check('database', async () => ({ status: 'ok' })), check('stuck', () => new Promise(() => {}))], 300);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(a).toEqual({ httpStatus: 503, body: { status: 'unavailable', checks: { database: { status: 'ok' }, stuck: { status: 'down', detail: 'no answer within 300 ms' } } } });
  });
  it('degraded keeps serving (200); a throwing check is down', async () => {
    expect((await runReadiness(platform, [check('redis', async () => ({ status: 'degraded' }))])).body.status).toBe('degraded');
    expect((await runReadiness(platform, [check('redis', async () => ({ status: 'degraded' }))])).httpStatus).toBe(200);
    expect((await runReadiness(platform, [check('x', async () => Promise.reject(new Error('boom')))])).httpStatus).toBe(503);
    expect(overallReadiness([{ status: 'ok' }, { status: 'degraded' }, { status: 'down' }])).toBe('down');
  });
});

describe('the API when its PostgreSQL server is unreachable', () => {
  let database: Database;
  let platform: Platform & { close(): Promise<void> };
  let server: Server;
  let url: string;
  let token: string;
  beforeAll(async () => {
    const port = await freePort(); // nothing listens there: connections are refused
    const config = { ...loadConfig({ NODE_ENV: 'test', VITEST: '1' } as NodeJS.ProcessEnv) };
    database = await createDatabase({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, maxConnections: 2 });
    platform = await createPlatform({ modules, config, database });
    server = await createApp({ platform, schema: buildSchema(modules) }).listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    token = await mintDevToken(LOCAL_DEV_SECRET, { sub: 'u-admin', roles: ['city_admin'], jurisdiction: '620100' });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await platform?.close();
    await database?.close();
  });
  const post = (query: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });

  it.each([
    ['a read', '{ persons(first: 1) { edges { node { id } } } }'],
    ['a write', 'mutation { r: recordPerson(name: "x", idNumber: "110102196001010018", kind: floating, hukouPlaceCode: "510104", jurisdictionCode: "620102") { __typename } }'],
  ])('%s gets a coded 503 with Retry-After and no driver code, host or port', async (_what, query) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const t0 = performance.now();
      const res = await post(query);
      const text = await res.text();
      expect(res.status, text).not.toBe(200);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      const body = JSON.parse(text);
      expect(body.errors[0].extensions.code).toBe('CORE_DATABASE_UNAVAILABLE');
      expect(text).not.toMatch(/ECONNREFUSED|CONNECTION_|127\.0\.0\.1|:\d{4,5}|Failed query/);
    }
  });

  it('/readiness answers 503 within a second', async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}/readiness`);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', checks: { database: { status: 'down' } } });
  });
});

describe.skipIf(!(await postgresReachable(SERVER_URL)))('a request whose client hangs up', () => {
  it('has its running statement cancelled in PostgreSQL', async () => {
    const database = await createDatabase({ url: SERVER_URL, maxConnections: 2 });
    try {
      const ac = new AbortController();
      const db = database.forRequest!(ac.signal);
      const t0 = performance.now();
      const running = db.execute(sql`select pg_sleep(5)`).then(
        () => null,
        (e) => e,
      );
      setTimeout(() => ac.abort(new DOMException('client went away', 'AbortError')), 200);
      const err = await running;
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(classifyFault(err)).toBe('request_cancelled');
      // The pool is fine afterwards.
      expect([...((await database.db.execute(sql`select 1 as one`)) as unknown as { one: number }[])]).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});

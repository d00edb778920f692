import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@safecity/core';
import { createTestDatabase, freePort, startTestServer, type TestServer } from '@safecity/core/testing';

const ME = `query Me { me { id } }`;
const LIMITS = 'default=3/0.05,anonymous=2/0.05';

async function burst(s: TestServer, n: number, token: string | null, headers?: Record<string, string>) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await s.gql(ME, {}, { token, headers }));
  return out;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => {
      c.end();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

// Budgets live in each server (or in Redis under a fresh prefix), not in the database: every
// server here serves one database, a copy of the template made once for the file.
let database: Database;
const servers: TestServer[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await database?.close();
});

describe('rate limits, in process', () => {
  it('a burst beyond the limit gets CORE_RATE_LIMITED with Retry-After; another actor is unaffected', async () => {
    const s = await startTestServer({ modules: [], env: { RATE_LIMITS: LIMITS }, database });
    servers.push(s);
    const officer = await s.token('district_officer');
    const auditor = await s.token('auditor');
    const rs = await burst(s, 5, officer);
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    const refused = rs[3]!;
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CORE_RATE_LIMITED' });
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(20);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBe(retry);
    // Another actor has their own budget.
    expect((await burst(s, 3, auditor)).map((r) => r.status)).toEqual([200, 200, 200]);
    // A new token for the same subject does not reset the budget (the key is the actor).
    expect((await s.gql(ME, {}, { token: await s.token('district_officer') })).status).toBe(429);
  });

  it('anonymous callers are limited per address; a forged token is limited as anonymous', async () => {
    const s = await startTestServer({ modules: [], env: { RATE_LIMITS: LIMITS }, database });
    servers.push(s);
    const rs = await burst(s, 3, null);
    // `me` answers anonymous callers with data (me: null, UNAUTHENTICATED: HTTP 200 under the
    // GraphQL-over-HTTP rules) until the budget is spent, then 429.
    expect(rs.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(rs[2]!.headers.get('retry-after')).toMatch(/^\d+$/);
    // An unverifiable token does not buy a fresh budget: it shares the address's.
    expect((await s.gql(ME, {}, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged' })).status).toBe(429);
    // The actors' budgets are separate from the address's.
    expect((await s.gql(ME, {}, { token: await s.token('auditor') })).status).toBe(200);
    // The refusal is counted and logged by code.
    const metrics = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/safecity_rate_limit_refusals_total\{kind="anonymous",role="anonymous"\} [1-9]/);
    expect(metrics).toMatch(/safecity_graphql_errors_total\{code="CORE_RATE_LIMITED"\} [1-9]/);
  });

  it('with Redis unreachable, requests are served and limited in process', async () => {
    const port = await freePort();
    const s = await startTestServer({ modules: [], env: { RATE_LIMITS: LIMITS }, config: { redisUrl: `redis://127.0.0.1:${port}` }, database });
    servers.push(s);
    const officer = await s.token('district_officer');
    expect((await burst(s, 4, officer)).map((r) => r.status)).toEqual([200, 200, 200, 429]);
  });
});

describe.skipIf(!(await reachable(6379)))('rate limits through Redis (127.0.0.1:6379)', () => {
  it('two API instances share one budget per actor', async () => {
    const env = { RATE_LIMITS: LIMITS, RATE_LIMIT_PREFIX: `safecity-test:${randomBytes(6).toString('hex')}:` };
    const a = await startTestServer({ modules: [], env, config: { redisUrl: 'redis://127.0.0.1:6379' }, database });
    servers.push(a);
    const b = await startTestServer({ modules: [], env, config: { redisUrl: 'redis://127.0.0.1:6379' }, database });
    servers.push(b);
    const officer = await a.token('district_officer');
    const statuses = [];
    for (const s of [a, b, a, b, a]) statuses.push((await s.gql(ME, {}, { token: officer })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // The other actor is unaffected on either instance.
    expect((await b.gql(ME, {}, { token: await b.token('auditor') })).status).toBe(200);
  });
});

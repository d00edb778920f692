import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';

// A valid GB 11643 number that must never reach a log line.
const ID_NUMBER = '11010519491231002X';
const SECRET_NAME = '测试保密姓名';

function captureLog() {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l));
      }
      cb();
    },
  });
  return { log: pino({ level: 'info', base: { service: 'safecity-api' } }, stream), lines, raw };
}

const RECORD_PERSON = `mutation RecordPersonOps($name: String!, $idNumber: ResidentIdNumber!) {
  r: recordPerson(name: $name, idNumber: $idNumber, kind: floating, inflowReason: work, inflowDate: "2024-11-20", hukouPlaceCode: "410102", jurisdictionCode: "620102001001001") {
    __typename ... on DomainError { code } } }`;

describe('access log and metrics', () => {
  let s: TestServer;
  let cap: ReturnType<typeof captureLog>;
  const token = 'metrics-test-token-0123456789';
  beforeAll(async () => {
    cap = captureLog();
    s = await startTestServer({ modules, log: cap.log, env: { METRICS_TOKEN: token } });
  });
  afterAll(() => s?.close());

  // The requests both tests look at (the log lines, the counters), sent once before either.
  const requests: { requestId: string; status: number }[] = [];
  const answers: Record<string, Awaited<ReturnType<TestServer['gql']>>> = {};
  beforeAll(async () => {
    const gw = await s.token('grid_worker');
    const send = async (...a: Parameters<TestServer['gql']>) => {
      const r = await s.gql(...a);
      requests.push({ requestId: r.headers.get('x-request-id')!, status: r.status });
      return r;
    };
    answers.ok = await send(`query MeOps { me { id roles } }`, {}, { token: gw });
    await send(`query MeOps { me { id } }`, {}, { token: null });
    answers.badToken = await send(`query MeOps { me { id } }`, {}, { token: 'not-a-jwt' });
    answers.bad = await send(`query Broken { me { nope } }`, {}, { token: gw });
    answers.invalidVar = await send(RECORD_PERSON, { name: SECRET_NAME, idNumber: '123' }, { token: gw });
    answers.recorded = await send(RECORD_PERSON, { name: SECRET_NAME, idNumber: ID_NUMBER }, { token: gw });
    answers.again = await send(RECORD_PERSON, { name: SECRET_NAME, idNumber: ID_NUMBER }, { token: gw });
    // A CSRF refusal is answered before GraphQL: still a line.
    const csrf = await fetch(`${s.url}?query=%7Bme%7Bid%7D%7D`);
    requests.push({ requestId: csrf.headers.get('x-request-id')!, status: csrf.status });
  });

  it('writes exactly one line per request, with the request facts and no variable value', async () => {
    expect(answers.ok!.status).toBe(200);
    expect(answers.badToken!.status).toBe(401);
    expect(answers.bad!.status).toBe(400);
    expect(answers.invalidVar!.errors?.[0]?.extensions?.code).toBe('CORE_RESIDENT_ID_INVALID');
    expect(answers.recorded!.errors).toBeUndefined();
    expect((answers.again!.data as any).r).toEqual({ __typename: 'DomainError', code: 'POPULATION_PERSON_EXISTS' });
    expect(requests[7]!.status).toBe(403);

    const access = cap.lines.filter((l) => l.log === 'access');
    expect(access).toHaveLength(requests.length);
    for (const r of requests) expect(access.filter((l) => l.requestId === r.requestId).map((l) => l.status)).toEqual([r.status]);
    for (const l of access) {
      expect(Object.keys(l)).toEqual(
        expect.arrayContaining(['requestId', 'operationName', 'operationType', 'actorId', 'roles', 'jurisdiction', 'status', 'durationMs', 'sqlStatements', 'sqlMs', 'errorCodes']),
      );
    }
    const byId = (i: number) => access.find((l) => l.requestId === requests[i]!.requestId)!;
    expect(byId(0)).toMatchObject({
      operationName: 'MeOps',
      operationType: 'query',
      actorId: 'changjiaxiang-grid-worker',
      roles: ['grid_worker'],
      jurisdiction: '620102001001',
      status: 200,
      errorCodes: [],
    });
    expect(byId(0).sqlStatements).toBeGreaterThanOrEqual(0);
    expect(byId(1)).toMatchObject({ actorId: null, errorCodes: ['UNAUTHENTICATED'] });
    expect(byId(2)).toMatchObject({ status: 401, actorId: null, errorCodes: ['UNAUTHENTICATED'] });
    expect(byId(3)).toMatchObject({ status: 400, operationName: 'Broken', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
    expect(byId(5)).toMatchObject({ operationName: 'RecordPersonOps', operationType: 'mutation', status: 200, errorCodes: [] });
    expect(byId(5).sqlStatements).toBeGreaterThan(0);
    expect(byId(5).sqlMs).toBeGreaterThan(0);
    expect(byId(6)).toMatchObject({ errorCodes: ['POPULATION_PERSON_EXISTS'] });
    expect(byId(7)).toMatchObject({ status: 403, operationName: null });
    // No variable value anywhere in the log (not only the access lines).
    const all = cap.raw.join('\n');
    expect(all).not.toContain(ID_NUMBER);
    expect(all).not.toContain(SECRET_NAME);
  });

  it('/metrics needs the token, then shows the series, a refusal counted by its code', async () => {
    const base = s.url.replace('/graphql', '');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/safecity_graphql_requests_total\{operation="MeOps",type="query",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/safecity_graphql_requests_total\{operation="MeOps",type="query",outcome="refused"\} [1-9]/);
    expect(text).toMatch(/safecity_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
    expect(text).toMatch(/safecity_graphql_errors_total\{code="POPULATION_PERSON_EXISTS"\} 1/);
    expect(text).toMatch(/safecity_graphql_request_duration_seconds_bucket\{le="0.1",operation="RecordPersonOps",type="mutation"\} \d/);
    expect(text).toMatch(/safecity_sql_statements_per_request_count\{operation="RecordPersonOps"\} [1-9]/);
    expect(text).toMatch(/safecity_sql_seconds_per_request_count\{operation="RecordPersonOps"\} [1-9]/);
    expect(text).toMatch(/^safecity_sql_statements_in_flight 0$/m);
    expect(text).toMatch(/^safecity_holiday_calendar_days_left \d+$/m);
    expect(text).toMatch(/^safecity_event_outbox_unpublished \d+$/m);
    expect(text).toContain('safecity_job_runs_total');
    expect(text).toContain('safecity_rate_limit_refusals_total');
    expect(text).toContain('safecity_process_resident_memory_bytes');
    expect(text).not.toContain(ID_NUMBER);
  });
});

describe('metrics exposure', () => {
  it('in production without METRICS_TOKEN or METRICS_PORT, /metrics is not on the public path', async () => {
    const s = await startTestServer({ modules: [], config: { production: true } });
    try {
      const res = await fetch(s.url.replace('/graphql', '/metrics'));
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('safecity_');
    } finally {
      await s.close();
    }
  });

  it('with METRICS_PORT, /metrics is served there and not on the public port', async () => {
    const { listenMetrics } = await import('@safecity/core');
    const s = await startTestServer({ modules: [], env: { METRICS_PORT: '0' } });
    const m = await listenMetrics(0, null, s.platform.log, '127.0.0.1');
    try {
      expect((await fetch(s.url.replace('/graphql', '/metrics'))).status).toBe(404);
      const port = (m.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('safecity_graphql_requests_total');
      expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    } finally {
      m.close();
      await s.close();
    }
  });
});

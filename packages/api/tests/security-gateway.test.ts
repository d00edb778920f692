import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, scrubLogText, sql, rowsOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';
import { printedSchema } from '../src/schema.js';

/** Issue #11, gateway findings: each test here fails on the code before the fix. */

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

const PERSON = `mutation($name: String!, $idNumber: ResidentIdNumber!, $phone: String) {
  r: recordPerson(name: $name, idNumber: $idNumber, phone: $phone, kind: floating, inflowReason: work, inflowDate: "2024-10-01", hukouPlaceCode: "510104", jurisdictionCode: "620102001001") { __typename }
}`;

let s: TestServer;
let logs: ReturnType<typeof capture>;
let admin: string;

beforeAll(async () => {
  logs = capture();
  s = await startTestServer({
    modules,
    logDestination: logs.stream,
    config: {
      logLevel: 'info',
      production: true,
      security: { ...loadConfig({ NODE_ENV: 'test' } as never).security, introspection: 'authenticated', corsOrigins: ['https://ops.safecity.example'], maxBodyBytes: 64 * 1024 },
    },
  });
  admin = await s.token('city_admin');
});
afterAll(() => s?.close());

describe('logs carry no SQL, no parameters and no personal data', () => {
  it('an unexpected database error is logged without its SQL, parameters, name or numbers', async () => {
    const name = '测试泄露\u0000姓名';
    // The lines of this request only: other tests' access lines carry `"operationType":"query"`.
    const from = logs.lines.length;
    const r = await s.gql(PERSON, { name, idNumber: '11010519491231002X', phone: '13912345678' }, { token: admin });
    // Whether sec-a's NUL-byte check refuses it first or the database does, nothing personal may be logged.
    expect(r.status).toBeLessThan(500);
    const text = logs.lines.slice(from).join('');
    expect(text).toContain('"operationType":"mutation"');
    expect(text).not.toMatch(/insert into|select .* from|"params"|"query"|"parameters"/i);
    expect(text).not.toContain('测试泄露');
    expect(text).not.toContain('11010519491231002X');
    expect(text).not.toContain('13912345678');
  });

  it('the logger drops SQL and parameters from any error and masks personal keys and numbers in text', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', detail: 'Key (name)=(张三)', table_name: 'persons' });
    const err = Object.assign(new Error('Failed query: insert into "persons" ("name","phone") values ($1, $2)\nparams: 张三,13912345678'), {
      query: 'insert into "persons" ("name","phone") values ($1, $2)',
      params: ['张三', '13912345678'],
      cause,
    });
    log.error({ err, person: { name: '张三', phone: '13912345678', idNumber: '11010519491231002X' } }, 'unexpected error for 11010519491231002X');
    log.error(`Error: ${err.message}`);
    const text = out.text();
    expect(text).not.toMatch(/insert into|params|"query"/);
    expect(text).not.toContain('张三');
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('11010519491231002X');
    expect(text).not.toContain('persons');
    expect(text).toContain('22021');
    expect(scrubLogText('id 11010519491231002X phone 13912345678')).toBe('id 1101**********002X phone 139****5678');
  });
});

describe('production: introspection and suggestions only for authenticated callers', () => {
  it('refuses introspection to anonymous callers and answers it to authenticated ones', async () => {
    const anon = await s.gql('{ __schema { queryType { name } } }');
    expect(anon.data?.__schema ?? null).toBeNull();
    expect(anon.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typeProbe = await s.gql('{ __type(name: "Person") { fields { name } } }');
    expect(typeProbe.data?.__type ?? null).toBeNull();
    const authed = await s.gql('{ __schema { queryType { name } } }', {}, { token: admin });
    expect(authed.data.__schema.queryType.name).toBe('Query');
  });

  it('drops "Did you mean" for anonymous callers only', async () => {
    const anon = await s.gql('{ mee { id } }');
    expect(anon.errors?.[0].message).not.toMatch(/Did you mean/);
    const authed = await s.gql('{ mee { id } }', {}, { token: admin });
    expect(authed.errors?.[0].message).toMatch(/Did you mean "me"/);
  });

  it('is configurable: development answers everyone by default, GRAPHQL_INTROSPECTION overrides', () => {
    expect(loadConfig({ NODE_ENV: 'development' } as never).security.introspection).toBe('everyone');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_PUBLIC_KEY: 'x' } as never).security.introspection).toBe('authenticated');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_PUBLIC_KEY: 'x', GRAPHQL_INTROSPECTION: 'nobody' } as never).security.introspection).toBe('nobody');
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'sometimes' } as never)).toThrow(/GRAPHQL_INTROSPECTION/);
  });
});

describe('size limits', () => {
  it('refuses a body over the limit with 413 and a code, before parsing it', async () => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: `{ me { id } }`, variables: { pad: 'x'.repeat(70 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    expect(loadConfig({} as never).security.maxBodyBytes).toBe(4 * 1024 * 1024);
    // A chunked body has no length to check before reading it: 411.
    const { request } = await import('node:http');
    const u = new URL(s.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":"{ me { id } }"}');
      req.end();
    });
    expect(status).toBe(411);
  });

  it('refuses nodes(ids:) over the list limit before execution', async () => {
    const ids = Array.from({ length: 5001 }, (_, i) => String(i));
    const started = Date.now();
    const r = await s.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, { token: admin });
    expect(r.errors?.[0].extensions?.code).toBe('CORE_INPUT_TOO_LONG');
    expect(r.errors).toHaveLength(1);
    expect(r.data ?? null).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('counts list arguments in the worst-case node limit', async () => {
    const small = await startTestServer({ modules: [], config: { limits: { ...loadConfig({} as never).limits, maxNodes: 100 } } });
    try {
      const tok = await small.token('city_admin');
      const ids = Array.from({ length: 500 }, (_, i) => Buffer.from(`Jurisdiction:${i}`).toString('base64url'));
      const r = await small.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, { token: tok });
      expect(r.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
      expect(r.errors?.[0].extensions?.worstCaseNodes).toBe(500);
    } finally {
      await small.close();
    }
  });

  it('refuses a string over the default maximum in an argument without its own', async () => {
    const r = await s.gql('query($id: ID!) { nodes(ids: [$id]) { id } }', { id: 'x'.repeat(2001) }, { token: admin });
    expect(r.errors?.[0].extensions?.code).toBe('CORE_INPUT_TOO_LONG');
    const literal = await s.gql(`{ node(id: "${'y'.repeat(2001)}") { id } }`, {}, { token: admin });
    expect(literal.errors?.[0].extensions?.code).toBe('CORE_INPUT_TOO_LONG');
  });
});

describe('found by the probes', () => {
  it('an empty id is refused before execution, not read as "no id"', async () => {
    const r = await s.gql('query($id: ID!) { node(id: $id) { id } }', { id: '' }, { token: admin });
    expect(r.errors?.[0].extensions?.code).toBe('CORE_ID_MALFORMED');
  });

  it('a member assessment over a huge period is refused before it lists its days (it exhausted the heap)', async () => {
    const memberId = Buffer.from('PatrolMember:00000000-0000-4000-8000-000000000000').toString('base64url');
    const r = await s.gql('query($m: ID!) { patrolMemberAssessment(memberId: $m, from: "1900-01-01", to: "2199-12-31") { total } }', { m: memberId }, { token: admin });
    expect(r.errors?.[0].extensions?.code).toBe('PATROL_RANGE_TOO_LONG');
  });

  it("sweepOverdueRevisits does not audit into a jurisdiction outside the caller's", async () => {
    const officer = await s.token('district_officer', '620103');
    const before = await s.database.db.execute(sql`select count(*)::int as n from audit_log where jurisdiction_code like '620102%'`);
    const r = await s.gql('mutation { r: sweepOverdueRevisits(jurisdictionCode: "620102") { __typename ... on DomainError { code } } }', {}, { token: officer });
    expect(r.data.r).toEqual({ __typename: 'DomainError', code: 'CORE_NOT_FOUND' });
    const after = await s.database.db.execute(sql`select count(*)::int as n from audit_log where jurisdiction_code like '620102%'`);
    const n = (x: unknown) => Number(rowsOf<{ n: number }>(x)[0].n);
    expect(n(after)).toBe(n(before));
  });

  it('dates outside 1900..2199 get a coded refusal, not an internal error', async () => {
    for (const d of ['0000-01-01', '9999-12-31']) {
      const v = await s.gql('query($d: Date) { creditListEntries(asOf: $d, first: 1) { edges { cursor } } }', { d }, { token: admin });
      expect(v.errors?.[0].extensions?.code, d).toBe('CORE_INPUT_INVALID');
      const lit = await s.gql(`{ creditListEntries(asOf: "${d}", first: 1) { edges { cursor } } }`, {}, { token: admin });
      expect(lit.errors?.[0].extensions?.code, d).toBe('CORE_INPUT_INVALID');
    }
  });
});

describe('CORS allowlist and security headers', () => {
  const preflight = (origin: string) =>
    fetch(s.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

  it('answers no CORS to an origin outside the allowlist', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await s.gql('{ me { id } }', {}, { token: admin, headers: { origin: 'https://evil.example' } });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a listed origin, without credentials', async () => {
    const res = await preflight('https://ops.safecity.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ops.safecity.example');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows nothing by default', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_PUBLIC_KEY: 'x' } as never).security.corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example/, https://b.example' } as never).security.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('puts the security headers on every answer', async () => {
    const base = s.url.replace(/\/graphql$/, '');
    for (const res of [
      await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' }),
      await fetch(`${base}/health`),
      await fetch(`${base}/nowhere`),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('development mode binds loopback; no production escape to the development secret', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({} as never).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' } as never).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_PUBLIC_KEY: 'x' } as never).host).toBe('0.0.0.0');
  });
  it('AUTH_ALLOW_DEV no longer lets production run on the public development secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_ALLOW_DEV: '1' } as never)).toThrow(/AUTH_JWKS_URL/);
  });
});

describe('error codes come from the limit plugins, as documented', () => {
  it('depth, aliases and tokens are coded QUERY_TOO_DEEP / QUERY_TOO_MANY_ALIASES / QUERY_TOO_LARGE, not parse failures', async () => {
    const deep = await s.gql(`{ me { ${'a { '.repeat(12)}b${' }'.repeat(12)} } }`, {}, { token: admin });
    expect(deep.errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
    const aliases = await s.gql(`{ ${Array.from({ length: 25 }, (_, i) => `a${i}: me { id }`).join(' ')} }`, {}, { token: admin });
    expect(aliases.errors?.[0].extensions?.code).toBe('QUERY_TOO_MANY_ALIASES');
    const tokens = await s.gql(`{ me { ${'id '.repeat(4000)} } }`, {}, { token: admin });
    expect(tokens.errors?.[0].extensions?.code).toBe('QUERY_TOO_LARGE');
    for (const r of [deep, aliases, tokens]) expect(r.errors?.[0].message).not.toMatch(/^Syntax Error/);
  });

  it('one code for a missing permission: FORBIDDEN, never CORE_FORBIDDEN', () => {
    const printed = printedSchema();
    expect(printed).not.toMatch(/\bCORE_FORBIDDEN\b/);
    expect(printed).toMatch(/^\s+FORBIDDEN$/m);
  });
});

import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAll } from '@safecity/core';
import { SEEDED_USERS, startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';

/** Status codes of the GraphQL-over-HTTP spec, on the real server with every module. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ modules });
  // Only the credit seed: the anonymous reader below needs published list entries, nothing more
  // (seeding the whole demo city cost this file most of its time).
  await seedAll(s.platform, modules, ['credit']);
});
afterAll(() => s?.close());

const ACCEPTS = ['application/graphql-response+json', 'application/json'] as const;

async function post(query: string, accept: string, token?: string) {
  const res = await fetch(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

describe('partial data answers 200', () => {
  it.each(ACCEPTS)('a grid worker asking for itself and the audit log (%s): 200, me filled, auditLog FORBIDDEN', async (accept) => {
    const r = await post(`{ me { id } auditLog(first: 1) { edges { node { id } } } }`, accept, await s.token('grid_worker'));
    expect(r.status).toBe(200);
    expect(r.contentType).toContain(accept);
    expect(r.body.data.me.id).toBe(SEEDED_USERS.grid_worker.sub);
    expect(r.body.data.auditLog).toBeNull();
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it.each(ACCEPTS)('an anonymous caller asking for me and the published black list (%s): 200, the list filled', async (accept) => {
    const r = await post(`{ me { id } publishedCreditList(listType: black, first: 5) { edges { node { __typename } } } }`, accept);
    expect(r.status).toBe(200);
    expect(r.body.data.me).toBeNull();
    expect(r.body.data.publishedCreditList.edges).toHaveLength(5);
    expect(r.body.data.publishedCreditList.edges[0]).toEqual({ node: { __typename: 'PublishedCreditListEntry' } });
    expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('request errors keep their 4xx', () => {
  it('a bad token is 401 (the request is refused before execution, no data)', async () => {
    for (const accept of ACCEPTS) {
      const r = await post(`{ me { id } }`, accept, 'garbage');
      expect(r.status, accept).toBe(401);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it.each([
    ['a syntax error', `{ me {`],
    ['an unknown field', `{ noSuchField }`],
    [
      'a query past the depth limit',
      `{ jurisdiction(code: "620102") { children { edges { node { children { edges { node { children { edges { node { children { edges { node { name } } } } } } } } } } } } }`,
    ],
  ])('%s: no data, 400 for application/graphql-response+json, 200 for application/json (as the spec says)', async (_what, query) => {
    const strict = await post(query, 'application/graphql-response+json', await s.token('city_admin'));
    expect(strict.status).toBe(400);
    expect(strict.body.data).toBeUndefined();
    expect(strict.body.errors?.[0].extensions?.code).toEqual(expect.any(String));
    const legacy = await post(query, 'application/json', await s.token('city_admin'));
    expect(legacy.status).toBe(200);
    expect(legacy.body.data).toBeUndefined();
  });

  it('a GET without a CSRF header is 403 CSRF_HEADER_REQUIRED naming the headers; with either header it runs', async () => {
    const url = `${s.url}?query=${encodeURIComponent('{ __typename }')}`;
    const refused = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('CSRF_HEADER_REQUIRED');
    expect(body.errors[0].message).toContain('x-safecity-client');
    for (const header of ['x-graphql-yoga-csrf', 'x-safecity-client']) {
      const ok = await fetch(url, { headers: { accept: 'application/graphql-response+json', [header]: '1' } });
      expect(ok.status, header).toBe(200);
      expect(await ok.json()).toMatchObject({ data: { __typename: 'Query' } });
    }
  });
});

describe("graphql-http's server audit", () => {
  // The audit is a client: like every client of ours it sends the x-safecity-client header (else
  // its GET requests would meet the CSRF refusal, which is not what it audits). It runs anonymously:
  // its operations ({ __typename }) need no token, and no token means nothing is skipped for it.
  it('passes with 0 warnings and 0 errors', async () => {
    const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('x-safecity-client', 'graphql-http-audit');
      return fetch(input, { ...init, headers });
    };
    const results = await auditServer({ url: s.url, fetchFn });
    const failed = results.filter((r) => r.status !== 'ok');
    const report = await Promise.all(
      failed.map(
        async (r) =>
          `${r.status} ${r.name}: ${'reason' in r ? r.reason : ''} ${
            'response' in r
              ? `${r.response.status} ${await r.response
                  .clone()
                  .text()
                  .catch(() => '')}`
              : ''
          }`,
      ),
    );
    console.log(
      `graphql-http audit: ${results.length} audits, ${results.filter((r) => r.status === 'ok').length} ok, ${results.filter((r) => r.status === 'warn').length} warnings, ${results.filter((r) => r.status === 'error').length} errors, ${results.filter((r) => r.status === 'notice').length} notices`,
    );
    expect(report).toEqual([]);
  });
});

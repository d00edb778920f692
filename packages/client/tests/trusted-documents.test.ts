import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { modules } from '@safecity/api';
import { loadTrustedDocuments, trustedDocumentHash as sha256, trustedDocumentsConfigOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import {
  createSafeCityClient,
  trustedDocuments,
  withDocumentHash,
  type JsonValue,
  type UnitHistoryQuery,
  type CreditStandingsQuery,
  type AlertsWithActivationsQuery,
  type RecordRevisitMutationVariables,
} from '../src/index.js';

const manifestPath = join(import.meta.dirname, '../src/generated/operations.json');

describe('configuration (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_MANIFEST)', () => {
  it.each([
    [{}, { mode: 'off', manifests: [] }],
    [
      { TRUSTED_DOCUMENTS: 'off', TRUSTED_DOCUMENTS_MANIFEST: 'a.json' },
      { mode: 'off', manifests: ['a.json'] },
    ],
    [
      { TRUSTED_DOCUMENTS: 'allow', TRUSTED_DOCUMENTS_MANIFEST: 'a.json' },
      { mode: 'allow', manifests: ['a.json'] },
    ],
    [
      { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_MANIFEST: ' a.json, b.json ,' },
      { mode: 'only', manifests: ['a.json', 'b.json'] },
    ],
  ])('%j → %j', (env, expected) => {
    expect(trustedDocumentsConfigOf(env as NodeJS.ProcessEnv)).toEqual(expected);
  });

  it.each([
    [{ TRUSTED_DOCUMENTS: 'strict' }, 'TRUSTED_DOCUMENTS must be one of off, allow, only.'],
    [{ TRUSTED_DOCUMENTS: 'only' }, 'TRUSTED_DOCUMENTS=only needs TRUSTED_DOCUMENTS_MANIFEST'],
    [{ TRUSTED_DOCUMENTS: 'allow', TRUSTED_DOCUMENTS_MANIFEST: ' ' }, 'TRUSTED_DOCUMENTS=allow needs TRUSTED_DOCUMENTS_MANIFEST'],
  ])('%j is refused at start', (env, message) => {
    expect(() => trustedDocumentsConfigOf(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('manifests', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'safecity-manifest-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => (writeFileSync(join(dir, name), content), join(dir, name));

  it("loads the client's manifest: every hash is the sha256 of its document", () => {
    const docs = loadTrustedDocuments([manifestPath]);
    expect(docs.size).toBe(10);
    expect([...docs.keys()].sort()).toEqual(Object.keys(trustedDocuments).sort());
    for (const [hash, doc] of docs) expect(sha256(doc)).toBe(hash);
  });

  it('merges several manifests', () => {
    const extra = write('extra.json', JSON.stringify({ [sha256('{ me { id } }')]: '{ me { id } }' }));
    expect(loadTrustedDocuments([manifestPath, extra]).size).toBe(11);
  });

  it.each([
    ['a hash that is not the sha256 of its document', JSON.stringify({ ['0'.repeat(64)]: '{ me { id } }' }), 'is not the sha256 of its document'],
    ['a document that does not parse', JSON.stringify({ [sha256('{ me {')]: '{ me {' }), 'Syntax Error'],
    ['not JSON', 'hash: doc', 'TRUSTED_DOCUMENTS_MANIFEST'],
    ['a list instead of an object', '[]', 'expected an object of hash → document'],
  ])('refuses %s', (_what, content, message) => {
    expect(() => loadTrustedDocuments([write('bad.json', content)])).toThrow(message);
  });
});

describe('the request body', () => {
  it('a registered document becomes its hash; anything else is sent as it is', () => {
    const [hash, doc] = Object.entries(trustedDocuments)[0];
    expect(JSON.parse(withDocumentHash(JSON.stringify({ query: doc, variables: { first: 1 }, operationName: 'X' })))).toEqual({
      variables: { first: 1 },
      operationName: 'X',
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    const other = JSON.stringify({ query: '{ me { id } }' });
    expect(withDocumentHash(other)).toBe(other);
  });
});

describe('typed results', () => {
  it('maps every scalar to a TypeScript type, never unknown', () => {
    type History = NonNullable<UnitHistoryQuery['unitHistory']>['edges'][number]['node'];
    expectTypeOf<History['recordedAt']>().toEqualTypeOf<string>(); // DateTime
    expectTypeOf<History['validOn']>().toEqualTypeOf<string>(); // Date
    expectTypeOf<History['data']>().toEqualTypeOf<JsonValue>(); // JSON
    type Alert = NonNullable<AlertsWithActivationsQuery['alerts']>['edges'][number]['node'];
    expectTypeOf<Alert['jurisdictionCode']>().toEqualTypeOf<string>(); // DivisionCode
    type Check = NonNullable<CreditStandingsQuery['creditStandings']>[number];
    expectTypeOf<NonNullable<Check['standing']>['creditCode']>().toEqualTypeOf<string>(); // CreditCode
    expectTypeOf<RecordRevisitMutationVariables['visitedAt']>().toEqualTypeOf<string>(); // DateTime input
    expectTypeOf<Check['status']>().toEqualTypeOf<'MALFORMED' | 'NOT_FOUND' | 'OK'>();
    const generated = readFileSync(join(import.meta.dirname, '../src/generated/graphql.ts'), 'utf8');
    // The only `unknown` is codegen's own helper constraint (Exact<T extends { [key: string]: unknown }>).
    expect(generated.replace('{ [key: string]: unknown }', '').match(/: unknown\b/g)).toBeNull();
  });
});

describe('other modes', () => {
  let off: TestServer;
  let allow: TestServer;
  beforeAll(async () => {
    off = await startTestServer({ modules });
    // The modes are the servers' own: one database serves both (a second copy costs seconds).
    allow = await startTestServer({ modules, env: { TRUSTED_DOCUMENTS: 'allow', TRUSTED_DOCUMENTS_MANIFEST: manifestPath }, database: off.database });
  });
  afterAll(async () => {
    await allow?.close();
    await off?.close();
  });

  it('off (the development default): the client sends documents with trustedDocuments: false; a hash alone is not understood', async () => {
    const codes = ['not-a-code'];
    const plain = createSafeCityClient({ url: off.url, token: await off.token('department_service'), trustedDocuments: false });
    expect((await plain.creditStandings({ codes })).data).toEqual({ creditStandings: [{ code: 'not-a-code', status: 'MALFORMED', standing: null }] });
    const hashed = createSafeCityClient({ url: off.url, token: await off.token('department_service') });
    const r = await hashed.creditStandings({ codes });
    expect(r.data).toBeNull();
    expect([r.status, r.errors.map((e) => [e.code, e.message])]).toEqual([400, [['BAD_REQUEST', 'Must provide query string.']]]);
  });

  it('allow: registered hashes and arbitrary documents are both answered', async () => {
    const c = createSafeCityClient({ url: allow.url, token: await allow.token('department_service') });
    expect((await c.creditStandings({ codes: ['x'] })).data).toEqual({ creditStandings: [{ code: 'x', status: 'MALFORMED', standing: null }] });
    const raw = await allow.gql('{ me { id } }', undefined, { token: await allow.token('department_service') });
    expect([raw.status, raw.data]).toEqual([200, { me: { id: 'svc-market-regulation' } }]);
  });

  it('partial data is kept: a refused field leaves the rest, HTTP 200, the error with its code', async () => {
    const c = createSafeCityClient({ url: allow.url, token: await allow.token('grid_worker') });
    const r = await c.execute(parse('query Partial { me { id } auditLog(first: 1) { edges { node { id } } } }'));
    expect(r).toEqual({ status: 200, data: { me: { id: 'changjiaxiang-grid-worker' }, auditLog: null }, errors: [expect.objectContaining({ code: 'FORBIDDEN', path: ['auditLog'] })] });
  });

  it('a refused token: no data, HTTP 401, UNAUTHENTICATED', async () => {
    const c = createSafeCityClient({ url: allow.url, token: 'not-a-jwt' });
    const r = await c.creditStandings({ codes: ['x'] });
    expect([r.status, r.data, r.errors.map((e) => e.code)]).toEqual([401, null, ['UNAUTHENTICATED']]);
  });
});

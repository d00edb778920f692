import { generateKeyPair, exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, jurisdictions, mintDevToken, sql } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { emitterModule, probe, reactorModule } from './fixtures/probe-modules.js';

const CHENGGUAN = '620102';
const QILIHE = '620103';
const CHANGJIAXIANG = '620102001001'; // 畅家巷社区, 城关区
const XIAXIYUAN = '620103001001'; // 下西园社区, 七里河区

let s: TestServer;
let officer: string; // district officer of 城关区
let otherOfficer: string; // district officer of 七里河区
let admin: string;
let auditor: string;

async function countRows(table: 'jurisdictions' | 'audit_log', where = sql`true`) {
  const t = table === 'jurisdictions' ? jurisdictions : auditLog;
  const [{ n }] = await s.database.db.select({ n: sql<number>`count(*)::int` }).from(t).where(where);
  return n;
}

beforeAll(async () => {
  s = await startTestServer({ modules: [emitterModule, reactorModule] });
  officer = await s.token('district_officer', CHENGGUAN);
  otherOfficer = await s.token('district_officer', QILIHE);
  admin = await s.token('city_admin');
  auditor = await s.token('auditor');
});
afterAll(() => s?.close());

describe('jurisdiction isolation (属地管理)', () => {
  it('a district officer reads their own district and not another', async () => {
    const own = await s.gql(`{ jurisdiction(code: "${CHANGJIAXIANG}") { name level ancestors { code } } }`, {}, { token: officer });
    expect(own.errors).toBeUndefined();
    expect(own.data.jurisdiction).toEqual({ name: '畅家巷社区', level: 'community', ancestors: [{ code: CHENGGUAN }, { code: '620102001' }] });

    const other = await s.gql(`{ jurisdiction(code: "${XIAXIYUAN}") { name } }`, {}, { token: officer });
    expect(other.data?.jurisdiction ?? null).toBeNull();
    expect(other.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
  });

  it('node(id:) obeys the same rule', async () => {
    const mine = await s.gql(`{ jurisdiction(code: "${XIAXIYUAN}") { id } }`, {}, { token: otherOfficer });
    const id = mine.data.jurisdiction.id;
    const asOwner = await s.gql(`query($id: ID!) { node(id: $id) { ... on Jurisdiction { name } } }`, { id }, { token: otherOfficer });
    expect(asOwner.data.node).toEqual({ name: '下西园社区' });
    const asStranger = await s.gql(`query($id: ID!) { node(id: $id) { ... on Jurisdiction { name } } }`, { id }, { token: officer });
    expect(asStranger.data?.node ?? null).toBeNull();
    expect(asStranger.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
  });

  it('lists only return rows inside the subtree', async () => {
    const r = await s.gql(`{ jurisdictions(level: district, first: 50) { edges { node { code } } } }`, {}, { token: officer });
    expect(r.data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual([CHENGGUAN]);
    const city = await s.gql(`{ jurisdictions(level: district, first: 50) { edges { node { code } } } }`, {}, { token: admin });
    expect(city.data.jurisdictions.edges.length).toBeGreaterThan(5);
  });

  it('pages through a stable order with cursors, forwards and backwards', async () => {
    const q = `query($f: Int, $a: String, $l: Int, $b: String) { jurisdictions(parentCode: "620102", first: $f, after: $a, last: $l, before: $b) { edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`;
    const all = await s.gql(q, { f: 100 }, { token: officer });
    const codes = all.data.jurisdictions.edges.map((e: any) => e.node.code);
    expect(codes.length).toBeGreaterThan(10);
    expect([...codes].sort()).toEqual(codes);
    const p1 = await s.gql(q, { f: 4 }, { token: officer });
    const p2 = await s.gql(q, { f: 4, a: p1.data.jurisdictions.pageInfo.endCursor }, { token: officer });
    expect(p1.data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual(codes.slice(0, 4));
    expect(p2.data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual(codes.slice(4, 8));
    expect(p2.data.jurisdictions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await s.gql(q, { l: 2, b: p2.data.jurisdictions.pageInfo.startCursor }, { token: officer });
    expect(back.data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual(codes.slice(2, 4));
    const tooBig = await s.gql(q, { f: 101 }, { token: officer });
    expect(tooBig.errors?.[0].extensions?.code).toBe('CORE_INPUT_INVALID');
  });

  it('a district officer cannot change another district, and nothing is written', async () => {
    const auditBefore = await countRows('audit_log');
    const r = await s.gql(`mutation { renameJurisdiction(code: "${XIAXIYUAN}", name: "改名", version: 1) { __typename ... on DomainError { code } } }`, {}, { token: officer });
    expect(r.data.renameJurisdiction).toEqual({ __typename: 'DomainError', code: 'CORE_NOT_FOUND' });
    const [row] = await s.database.db.select().from(jurisdictions).where(sql`code = ${XIAXIYUAN}`);
    expect(row.name).toBe('下西园社区');
    expect(await countRows('audit_log')).toBe(auditBefore);
  });
});

describe('mutations, audit and events', () => {
  it('a mutation and its audit entry commit together', async () => {
    const r = await s.gql(
      `mutation { createGrid(communityCode: "${CHANGJIAXIANG}", name: "畅家巷社区第九网格") { __typename ... on CreateGridSuccess { data { code name level } } } }`,
      {},
      { token: officer, headers: { 'x-request-id': 'req-audit-1' } },
    );
    const grid = r.data.createGrid.data;
    expect(grid).toMatchObject({ name: '畅家巷社区第九网格', level: 'grid' });
    const log = await s.gql(
      `query($id: String!) { auditLog(filter: { entityType: "Jurisdiction", entityId: $id }) { edges { node { operation actorId requestId after } } } }`,
      { id: grid.code },
      { token: auditor },
    );
    expect(log.data.auditLog.edges).toHaveLength(1);
    expect(log.data.auditLog.edges[0].node).toMatchObject({ operation: 'createGrid', actorId: 'chengguan-officer', requestId: 'req-audit-1', after: { code: grid.code } });
  });

  it("a subscriber's write commits with the emitter, and rolls back with it", async () => {
    const gridsBefore = await countRows('jurisdictions', sql`parent_code = ${CHANGJIAXIANG}`);
    const auditBefore = await countRows('audit_log');
    const ok = await s.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}") { __typename } }`, {}, { token: officer });
    expect(ok.data.emitAlert.__typename).toBe('EmitAlertSuccess');
    // emitter's grid + reactor's grid, and three audit entries (two grids, one reaction)
    expect(await countRows('jurisdictions', sql`parent_code = ${CHANGJIAXIANG}`)).toBe(gridsBefore + 2);
    expect(await countRows('audit_log')).toBe(auditBefore + 3);

    const failed = await s.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}", failAfterEmit: true) { __typename ... on DomainError { code } } }`, {}, { token: officer });
    expect(failed.data.emitAlert).toEqual({ __typename: 'DomainError', code: 'PROBE_REFUSED' });
    expect(await countRows('jurisdictions', sql`parent_code = ${CHANGJIAXIANG}`)).toBe(gridsBefore + 2);
    expect(await countRows('audit_log')).toBe(auditBefore + 3);
  });

  it('an event reaches a subscription after commit, and a rolled-back one never does', async () => {
    const sub = await s.subscribe(`subscription { domainEvents(names: [alertRecorded]) { name jurisdictionCode payload } }`, {}, officer);
    try {
      await s.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}", failAfterEmit: true) { __typename } }`, {}, { token: officer });
      const ok = await s.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}") { ... on EmitAlertSuccess { data } } }`, {}, { token: officer });
      const msg = await sub.next();
      expect(msg.data.domainEvents).toMatchObject({ name: 'alertRecorded', payload: { alertId: ok.data.emitAlert.data } });
    } finally {
      sub.close();
    }
  });

  it('subscribers outside the jurisdiction do not receive the event', async () => {
    const sub = await s.subscribe(`subscription { domainEvents(names: [alertRecorded]) { payload } }`, {}, otherOfficer);
    try {
      const outside = await s.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}") { ... on EmitAlertSuccess { data } } }`, {}, { token: officer });
      // Then one inside 七里河区: events arrive in commit order, so if the first reached this
      // subscriber it would come first. The second one arriving is the signal, not a sleep.
      const inside = await s.gql(`mutation { emitAlert(communityCode: "${XIAXIYUAN}") { ... on EmitAlertSuccess { data } } }`, {}, { token: admin });
      expect(outside.data.emitAlert.data).toMatch(/^620102001001\d{3}$/);
      expect(inside.data.emitAlert.data).toMatch(/^620103001001\d{3}$/);
      expect((await sub.next()).data.domainEvents.payload.alertId).toBe(inside.data.emitAlert.data);
    } finally {
      sub.close();
    }
  });

  it('an altered audit entry is detected, and the log refuses updates', async () => {
    // Entries of its own (the other tests' writes may or may not have run before it).
    const seqs: number[] = [];
    for (const n of [1, 2, 3, 4]) {
      const r = await s.gql(`mutation { createGrid(communityCode: "${CHANGJIAXIANG}", name: "畅家巷社区审计网格${n}") { ... on CreateGridSuccess { data { code } } } }`, {}, { token: officer });
      const [row] = await s.database.db.select({ seq: auditLog.seq }).from(auditLog).where(sql`${auditLog.entityType} = 'Jurisdiction' and ${auditLog.entityId} = ${r.data.createGrid.data.code}`);
      seqs.push(Number(row!.seq));
    }
    const ok = await s.gql(`{ verifyAuditChain { ok checked firstBrokenSeq } }`, {}, { token: auditor });
    expect(ok.data.verifyAuditChain.ok).toBe(true);
    expect(ok.data.verifyAuditChain.checked).toBeGreaterThan(3);
    const target = seqs[1]!;

    const refused = await s.database.db.execute(sql`update audit_log set actor_id = 'someone-else' where seq = ${target}`).then(
      () => null,
      (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
    );
    expect(refused).toMatch(/append-only/);

    // Tamper the way an attacker with table ownership would: around the trigger.
    const aroundTrigger = async (change: ReturnType<typeof sql>) => {
      await s.database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await s.database.db.execute(change);
      await s.database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    };
    await aroundTrigger(sql`update audit_log set after = jsonb_set(after, '{name}', '"篡改"') where seq = ${target}`);
    const broken = await s.gql(`{ verifyAuditChain { ok firstBrokenSeq reason } }`, {}, { token: auditor });
    expect(broken.data.verifyAuditChain).toMatchObject({ ok: false, firstBrokenSeq: target });
    expect(broken.data.verifyAuditChain.reason).toMatch(/altered/);
    // Put back, so no other test of this file meets a broken chain.
    await aroundTrigger(sql`update audit_log set after = jsonb_set(after, '{name}', '"畅家巷社区审计网格2"') where seq = ${target}`);
    expect((await s.gql(`{ verifyAuditChain { ok } }`, {}, { token: auditor })).data.verifyAuditChain.ok).toBe(true);
  });
});

describe('input, idempotency and concurrency', () => {
  it('invalid scalars and overlong strings give coded errors and write nothing', async () => {
    const gridsBefore = await countRows('jurisdictions');
    const auditBefore = await countRows('audit_log');
    const badCode = await s.gql(`mutation($c: DivisionCode!) { createGrid(communityCode: $c, name: "x") { __typename } }`, { c: '62-01' }, { token: officer });
    expect(badCode.errors?.[0].extensions?.code).toBe('CORE_DIVISION_CODE_INVALID');
    const badLiteral = await s.gql(`mutation { createGrid(communityCode: "abc", name: "x") { __typename } }`, {}, { token: officer });
    expect(badLiteral.errors?.[0].extensions?.code).toBe('CORE_DIVISION_CODE_INVALID');
    const badId = await s.gql(`{ node(id: "not-a-real-id") { id } }`, {}, { token: officer });
    expect(badId.errors?.[0].extensions?.code).toBe('CORE_ID_MALFORMED');
    const badEnum = await s.gql(`{ jurisdictions(level: planet) { edges { cursor } } }`, {}, { token: officer });
    expect(badEnum.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const long = await s.gql(
      `mutation($n: String!) { createGrid(communityCode: "${CHANGJIAXIANG}", name: $n) { __typename ... on DomainError { code field } } }`,
      { n: '网'.repeat(61) },
      { token: officer },
    );
    expect(long.data.createGrid).toEqual({ __typename: 'DomainError', code: 'CORE_INPUT_TOO_LONG', field: 'name' });
    expect(await countRows('jurisdictions')).toBe(gridsBefore);
    expect(await countRows('audit_log')).toBe(auditBefore);
  });

  it('a retried idempotency key writes once and answers the same', async () => {
    const q = `mutation($k: IdempotencyKey, $n: String!) { createGrid(communityCode: "${CHANGJIAXIANG}", name: $n, idempotencyKey: $k) { __typename ... on CreateGridSuccess { data { code } } ... on DomainError { code } } }`;
    const gridsBefore = await countRows('jurisdictions');
    const auditBefore = await countRows('audit_log');
    const first = await s.gql(q, { k: 'retry-key-0001', n: '重试网格' }, { token: officer });
    const second = await s.gql(q, { k: 'retry-key-0001', n: '重试网格' }, { token: officer });
    expect(second.data.createGrid.data.code).toBe(first.data.createGrid.data.code);
    expect(await countRows('jurisdictions')).toBe(gridsBefore + 1);
    expect(await countRows('audit_log')).toBe(auditBefore + 1);
    const reused = await s.gql(q, { k: 'retry-key-0001', n: '别的网格' }, { token: officer });
    expect(reused.data.createGrid).toEqual({ __typename: 'DomainError', code: 'CORE_IDEMPOTENCY_KEY_REUSED' });
  });

  it('a stale version gets a coded conflict', async () => {
    const read = await s.gql(`{ jurisdiction(code: "620102001002") { version } }`, {}, { token: officer });
    const v = read.data.jurisdiction.version;
    const m = `mutation($v: Int!, $n: String!) { renameJurisdiction(code: "620102001002", name: $n, version: $v) { __typename ... on RenameJurisdictionSuccess { data { name version } } ... on DomainError { code } } }`;
    const first = await s.gql(m, { v, n: '张家园社区（新）' }, { token: officer });
    expect(first.data.renameJurisdiction.data).toEqual({ name: '张家园社区（新）', version: v + 1 });
    const stale = await s.gql(m, { v, n: '张家园社区（旧读）' }, { token: officer });
    expect(stale.data.renameJurisdiction).toEqual({ __typename: 'DomainError', code: 'CORE_VERSION_CONFLICT' });
  });
});

describe('query limits', () => {
  it('an over-deep query is refused before any resolver runs', async () => {
    const runs = probe.resolverRuns;
    const deep = `{ probe jurisdiction(code: "620102") { children { edges { node { children { edges { node { children { edges { node { children { edges { node { name } } } } } } } } } } } } } }`;
    const r = await s.gql(deep, {}, { token: officer });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(probe.resolverRuns).toBe(runs);
  });

  it('an over-costly query is refused before any resolver runs', async () => {
    const runs = probe.resolverRuns;
    // Each alias is a legitimate two-level tree walk; fifteen of them are not (aliases stay under their own limit).
    const walk = (i: number) => `j${i}: jurisdiction(code: "620102") { name children(first: 50) { edges { node { code name children { edges { node { code name } } } } } } }`;
    const r = await s.gql(`{ probe ${Array.from({ length: 15 }, (_, i) => walk(i)).join(' ')} }`, {}, { token: officer });
    expect(r.errors?.[0].extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(probe.resolverRuns).toBe(runs);
    const ok = await s.gql(`{ probe }`, {}, { token: officer });
    expect(ok.data.probe).toBe(runs + 1);
  });

  it('nested pages whose worst case exceeds the node limit are refused before any resolver runs', async () => {
    const runs = probe.resolverRuns;
    const q = `query($n: Int) { probe jurisdictions(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { edges { node { code } } } } } } } } } }`;
    const big = await s.gql(q, { n: 100 }, { token: officer });
    expect(big.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', worstCaseNodes: 100 + 100 * 100 + 100 * 100 * 100 });
    expect(probe.resolverRuns).toBe(runs);
    const small = await s.gql(q, { n: 5 }, { token: officer });
    expect(small.errors).toBeUndefined();
  });
});

describe('authentication', () => {
  const q = `{ me { id } }`;
  it('bad, expired and foreign-key tokens get 401 UNAUTHENTICATED', async () => {
    const expired = await mintDevToken(s.config.auth.devSecret!, { sub: 'x', roles: ['city_admin'], jurisdiction: '620100' }, { expiresIn: -10 });
    const foreign = await mintDevToken('another-issuers-secret', { sub: 'x', roles: ['city_admin'], jurisdiction: '620100' });
    for (const token of ['garbage', 'a.b.c', expired, foreign]) {
      const r = await s.gql(q, {}, { token });
      expect(r.status, token).toBe(401);
      expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('anonymous callers get UNAUTHENTICATED on non-public fields (HTTP 200: the response has data, GraphQL over HTTP)', async () => {
    const r = await s.gql(q, {}, {});
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ me: null });
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a permission the role lacks is FORBIDDEN', async () => {
    const grid = await s.token('grid_worker');
    const r = await s.gql(`{ verifyAuditChain { ok } }`, {}, { token: grid });
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('with a configured ES256 public key, our tokens pass and foreign keys and HS256 fail', async () => {
    const ours = await generateKeyPair('ES256');
    const theirs = await generateKeyPair('ES256');
    const pem = await exportSPKI(ours.publicKey);
    const es = await startTestServer({ modules: [], env: { AUTH_PUBLIC_KEY: pem, AUTH_PUBLIC_KEY_ALG: 'ES256' } });
    try {
      const sign = (key: CryptoKey) =>
        new SignJWT({ roles: ['city_admin'], jurisdiction: '620100' })
          .setProtectedHeader({ alg: 'ES256' })
          .setSubject('svc')
          .setIssuer('safecity')
          .setAudience('safecity-api')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
      const good = await es.gql(q, {}, { token: await sign(ours.privateKey) });
      expect(good.data.me.id).toBe('svc');
      const bad = await es.gql(q, {}, { token: await sign(theirs.privateKey) });
      expect(bad.status).toBe(401);
      const hs = await es.gql(q, {}, { token: await mintDevToken('safecity-local-development-only-not-a-secret', { sub: 'x', roles: ['city_admin'], jurisdiction: '620100' }) });
      expect(hs.status).toBe(401);
    } finally {
      await es.close();
    }
  });
});

describe('gateway', () => {
  it('serves /health and /readiness, and refuses simple GET requests without a CSRF header', async () => {
    const base = s.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/readiness`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.checks.database).toEqual({ status: 'ok' });
    // The calendar check turns degraded 60 days before the loaded holiday years run out: then the
    // instance still serves (200) and says so.
    expect(body.status).toBe(Object.values(body.checks).some((c) => c.status === 'degraded') ? 'degraded' : 'ready');
    const get = await fetch(`${s.url}?query=${encodeURIComponent('{ probe }')}`, { headers: { authorization: `Bearer ${officer}` } });
    expect(get.status).toBe(403);
  });

  it('answers with a request id and masks unexpected errors', async () => {
    const r = await s.gql(`{ probe }`, {}, { token: officer, headers: { 'x-request-id': 'trace-123' } });
    expect(r.headers.get('x-request-id')).toBe('trace-123');
    expect(r.extensions?.requestId).toBe('trace-123');
  });
});

describe.runIf(!!process.env.REDIS_URL)('events through Redis', () => {
  it('an event committed on one server instance reaches a subscriber on another', async () => {
    const a = await startTestServer({ modules: [emitterModule], env: { REDIS_URL: process.env.REDIS_URL } });
    // Instances of one platform share a database (events travel on the database's channel).
    const b = await startTestServer({ modules: [emitterModule], env: { REDIS_URL: process.env.REDIS_URL }, database: a.database });
    try {
      const sub = await b.subscribe(`subscription { domainEvents(names: [alertRecorded]) { payload } }`, {}, await b.token('district_officer', CHENGGUAN));
      // The Redis SUBSCRIBE completes asynchronously: emit until one arrives (bounded), then
      // check that what arrived is one of ours.
      const emitted: string[] = [];
      let msg: any = null;
      for (let attempt = 0; attempt < 5 && !msg; attempt++) {
        const r = await a.gql(`mutation { emitAlert(communityCode: "${CHANGJIAXIANG}") { ... on EmitAlertSuccess { data } } }`, {}, { token: await a.token('district_officer', CHENGGUAN) });
        emitted.push(r.data.emitAlert.data);
        msg = await sub.next(1500).catch(() => null);
      }
      expect(emitted).toContain(msg?.data.domainEvents.payload.alertId);
      sub.close();
    } finally {
      await b.close();
      await a.close();
    }
  });
});

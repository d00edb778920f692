import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, createApp, EVENTS_TOPIC, creditCodeCheckCharacter, migrate, runMutation, sql, type App, type DomainEvents, rowsOf } from '@safecity/core';
import { migrationsFolder, startTestServer, type GqlResult, type TestServer } from '@safecity/core/testing';
import { residentIdNumber } from '@safecity/population';
import { buildSchema } from '@safecity/core';
import type { Server } from 'node:http';
import { modules } from '../src/modules.js';

/**
 * Regression tests of issue #11 (security hardening) for the findings in services, auth,
 * scalars and masking, through the real HTTP server with every module, real JWTs and a real
 * database. Each `describe` names the finding it pins.
 */

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const rowid = (global: string) => Buffer.from(global, 'base64url').toString().split(':')[1];

let s: TestServer;
let admin: string, officer102: string, officer103: string, assessor: string, grid: string;

async function rows<T = any>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await s.database.db.execute(query));
}
async function count(table: string): Promise<number> {
  const [r] = await rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return Number(r.n);
}
/** The field's Success data (fails on any error). */
function data(r: GqlResult, field: string) {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const v = r.data[field];
  expect(v?.__typename ?? 'plain', JSON.stringify(v)).not.toBe('DomainError');
  return v?.data ?? v;
}
/** The code of a refusal, whether a DomainError member or a top-level error; never an internal error. */
function codeOf(r: GqlResult, field: string): string {
  if (r.errors?.length) {
    const codes = r.errors.map((e) => e.extensions?.code);
    expect(codes, JSON.stringify(r.errors)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(codes, JSON.stringify(r.errors)).not.toContain('GRAPHQL_VALIDATION_FAILED');
    return codes[0];
  }
  const v = r.data?.[field];
  expect(v?.__typename, JSON.stringify(r)).toBe('DomainError');
  return v.code;
}

/** An HS256 token like the development ones, with claims and times of our choosing. */
async function forge(claims: Record<string, unknown>, times: { iat?: number; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jurisdiction: '620100', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject((claims.sub as string) ?? 'forged-user')
    .setIssuer(s.config.auth.issuer)
    .setAudience(s.config.auth.audience)
    .setIssuedAt(times.iat ?? now)
    .setExpirationTime(times.exp ?? now + 3600)
    .sign(new TextEncoder().encode(s.config.auth.devSecret!));
}

const BODY = '91620102MA72XC01';
const CODE = `${BODY}1${creditCodeCheckCharacter(`${BODY}1`)}`;

beforeAll(async () => {
  s = await startTestServer({ modules, config: { auth: { revocationRefreshMs: 200 } as never } });
  [admin, officer102, officer103, assessor, grid] = await Promise.all([
    s.token('city_admin'),
    s.token('district_officer', '620102'),
    s.token('district_officer', '620103', { sub: 'qilihe-officer' }),
    s.token('assessor', '620102'),
    s.token('grid_worker', '620102001001'),
  ]);
});
afterAll(() => s?.close());

describe('finding 1 (HIGH): natural keys resolve only inside the writer’s scope', () => {
  let unitId: string;
  beforeAll(async () => {
    const batch = data(
      await s.gql(
        `mutation { r: createCreationBatch(projectName: "平安医院创建", seq: 1, name: "第一批", jurisdictionCode: "620100", leadUnit: "市卫健委", participatingUnits: [], targetDate: "2026-12-31") {
          __typename ... on CreateCreationBatchSuccess { data { id } } ... on DomainError { code } } }`,
        {},
        { token: admin },
      ),
      'r',
    );
    const unit = data(
      await s.gql(
        `mutation($b: ID!, $c: CreditCode) { r: registerSafeUnit(batchId: $b, category: hospital, name: "城关区人民医院", jurisdictionCode: "620102001001", creditCode: $c, registeredOn: "2024-01-01") {
          __typename ... on RegisterSafeUnitSuccess { data { id } } ... on DomainError { code } } }`,
        { b: batch.id, c: CODE },
        { token: admin },
      ),
      'r',
    );
    unitId = rowid(unit.id);
  });

  const record = (token: string, j: string, unit: Record<string, unknown>) =>
    s.gql(
      `mutation($j: DivisionCode!, $u: IncidentUnitInput) { r: recordAlert(jurisdictionCode: $j, occurredAt: "2026-03-01T02:00:00Z", place: "门诊楼", type: homicide,
        major: true, majorKind: major_criminal_case, unit: $u, description: "重大刑事案件") { __typename ... on RecordAlertSuccess { data { id } } ... on DomainError { code } } }`,
      { j, u: unit },
      { token },
    );
  const eventOf = async (alertGlobalId: string) =>
    (await rows<{ unit_id: string | null; jurisdiction_code: string }>(sql`select unit_id, jurisdiction_code from major_events where source_ref = ${rowid(alertGlobalId)}`))[0];

  it('a district officer of 620103 cannot attach a major event to a unit of 620102 by its credit code or its name', async () => {
    // Counted from here: other tests may write as the 620103 officer (legitimately) before this one.
    const crossWrites = () => rows(sql`select count(*)::int as n from audit_log where jurisdiction_code like '620102%' and actor_id = 'qilihe-officer'`);
    const majorEventsOfUnit = () => rows(sql`select count(*)::int as n from unit_history where unit_id = ${unitId} and kind = 'major_event'`);
    const before = await crossWrites();
    const eventsBefore = await majorEventsOfUnit();
    const byCode = data(await record(officer103, '620103', { creditCode: CODE, name: '城关区人民医院' }), 'r');
    expect(await eventOf(byCode.id)).toEqual({ unit_id: null, jurisdiction_code: '620103' });
    const byName = data(await record(officer103, '620103', { name: '城关区人民医院' }), 'r');
    expect(await eventOf(byName.id)).toEqual({ unit_id: null, jurisdiction_code: '620103' });
    // Nothing was written into 620102 by the 620103 officer (the issue found audit entries there).
    expect(await crossWrites()).toEqual(before);
    expect(await majorEventsOfUnit()).toEqual(eventsBefore);
  });

  it('inside the writer’s scope the same credit code still finds the unit (the control)', async () => {
    const own = data(await record(officer102, '620102001001', { creditCode: CODE }), 'r');
    expect(await eventOf(own.id)).toEqual({ unit_id: unitId, jurisdiction_code: '620102001001' });
  });
});

describe('finding 1: an identity number in a CSV import resolves only inside the importer’s jurisdiction', () => {
  it('a person on file in 620103 is neither registered in 620102 nor moved there', async () => {
    const idNumber = residentIdNumber('620103', '1985-06-01', 433);
    const person = data(
      await s.gql(
        `mutation($id: ResidentIdNumber!) { r: recordPerson(name: "赵七里", idNumber: $id, kind: registered, hukouPlaceCode: "620103", jurisdictionCode: "620103001001") {
          __typename ... on RecordPersonSuccess { data { id } } ... on DomainError { code } } }`,
        { id: idNumber },
        { token: officer103 },
      ),
      'r',
    );
    data(
      await s.gql(
        `mutation { r: recordDwelling(address: "城关区畅家巷1号101室", jurisdictionCode: "620102001001", rooms: 1, capacity: 2) { __typename ... on RecordDwellingSuccess { data { id } } ... on DomainError { code } } }`,
        {},
        { token: grid },
      ),
      'r',
    );
    const csv = [
      'name,idNumber,gender,birthDate,phone,kind,inflowReason,inflowDate,hukouPlace,dwellingAddress,registeredOn',
      `赵七里,${idNumber},,,,registered,,,620103,城关区畅家巷1号101室,2025-03-01`,
    ].join('\n');
    const before = await count('residence_registrations');
    const r = data(
      await s.gql(
        `mutation($csv: String!) { r: importRegistrations(csv: $csv) { __typename ... on ImportRegistrationsSuccess { data { imported errors { row column code } } } ... on DomainError { code } } }`,
        { csv },
        { token: grid },
      ),
      'r',
    );
    expect(r).toEqual({ imported: 0, errors: [{ row: 2, column: 'idNumber', code: 'POPULATION_PERSON_EXISTS' }] });
    expect(await count('residence_registrations')).toBe(before);
    expect(await rows(sql`select jurisdiction_code from persons where id = ${rowid(person.id)}`)).toEqual([{ jurisdiction_code: '620103001001' }]);
  });
});

describe('finding 1: a veto’s credit code resolves only in or above the veto’s jurisdiction', () => {
  it('a unit of 620103 vetoed under the credit code of a 620102 company puts no record on that company', async () => {
    const body = '91620102MA72XC02';
    const code = `${body}1${creditCodeCheckCharacter(`${body}1`)}`;
    data(
      await s.gql(
        `mutation($c: CreditCode!) { r: registerCreditSubject(creditCode: $c, name: "城关区某公司", kind: enterprise, jurisdictionCode: "620102") { __typename ... on DomainError { code } } }`,
        { c: code },
        { token: admin },
      ),
      'r',
    );
    const veto = (jurisdictionCode: string, assessmentId: string): DomainEvents['unitVetoed'] => ({
      assessmentId,
      unitId: assessmentId,
      unitName: '冒名单位',
      creditCode: code,
      jurisdictionCode,
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      ruleSetVersion: 1,
      eventIds: [],
      explanation: 'test',
    });
    const ctx = await s.ctxAs('assessor', '620103');
    await runMutation(ctx, { operation: 'testVeto' }, (tx) => tx.emit('unitVetoed', veto('620103001', '00000000-0000-4000-8000-00000000a001')));
    const records = () => rows(sql`select count(*)::int as n from credit_records r join credit_subjects s on s.id = r.subject_id where s.credit_code = ${code}`);
    expect(await records()).toEqual([{ n: 0 }]);
    // The control: the same veto inside the company's district does reach it.
    const own = await s.ctxAs('assessor', '620102');
    await runMutation(own, { operation: 'testVeto' }, (tx) => tx.emit('unitVetoed', veto('620102001', '00000000-0000-4000-8000-00000000a002')));
    expect(await records()).toEqual([{ n: 1 }]);
  });
});

describe('finding 2: roles and permissions are own properties of a fixed set', () => {
  it.each([[['constructor']], [['__proto__']], [['toString']], [['hasOwnProperty']], [['district_officer', 'constructor']]])('roles %j are refused with 401', async (roles) => {
    const r = await s.gql('{ me { id roles } }', {}, { token: await forge({ roles }) });
    expect(r.status).toBe(401);
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  it.each([[['__proto__']], [['constructor']], [['superuser:everything']], [[{}]]])('extra permissions %j are refused with 401', async (permissions) => {
    const r = await s.gql('{ me { id } }', {}, { token: await forge({ roles: ['grid_worker'], jurisdiction: '620102001001', permissions }) });
    expect(r.status).toBe(401);
  });
  it('a known role and a known extra permission still work (the control)', async () => {
    const r = await s.gql('{ me { roles permissions } }', {}, { token: await forge({ roles: ['grid_worker'], jurisdiction: '620102001001', permissions: ['credit:read'] }) });
    expect(r.errors).toBeUndefined();
    expect(r.data.me.permissions).toContain('credit:read');
  });
});

describe('finding 3: token lifetime and revocation', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it('refuses an iat in the future, an exp far beyond the maximum age, a token older than the maximum age, and a token without iat', async () => {
    const future = await forge({ roles: ['city_admin'] }, { iat: now() + 3600, exp: now() + 7200 });
    const year3000 = await forge({ roles: ['city_admin'] }, { exp: Math.floor(Date.UTC(3000, 0, 1) / 1000) });
    const old = await forge({ roles: ['city_admin'] }, { iat: now() - 13 * 3600, exp: now() + 3600 });
    const noIat = await new SignJWT({ roles: ['city_admin'], jurisdiction: '620100' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(s.config.auth.issuer)
      .setAudience(s.config.auth.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(s.config.auth.devSecret!));
    for (const token of [future, year3000, old, noIat]) {
      const r = await s.gql('{ me { id } }', {}, { token });
      expect(r.status).toBe(401);
      expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    // Within the clock skew an iat slightly ahead is fine.
    const r = await s.gql('{ me { id } }', {}, { token: await forge({ roles: ['city_admin'] }, { iat: now() + 20 }) });
    expect(r.errors).toBeUndefined();
  });

  const REVOKE = `mutation($jti: String, $sub: String, $reason: String!) { r: revokeToken(jti: $jti, sub: $sub, reason: $reason) {
    __typename ... on RevokeTokenSuccess { data { id jti sub revokedBy } } ... on DomainError { code field } } }`;
  const jtiOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti as string;

  it('revoking a jti cuts off that token on every API instance within seconds, cached or not; other tokens keep working', async () => {
    // A second API instance on the same database: its own token cache and revocation list.
    const second: App = createApp({ platform: s.platform, schema: buildSchema(modules) });
    const server: Server = await second.listen(0, '127.0.0.1');
    const url2 = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
    const ask = async (url: string, token: string) =>
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ me { id } }' }) })).status;
    try {
      const revocationsBefore = (await s.database.db.select().from(auditLog).where(sql`${auditLog.operation} = 'revokeToken'`)).length;
      const leaked = await s.token('district_officer', '620102', { sub: 'leaky-officer' });
      const other = await s.token('district_officer', '620102', { sub: 'leaky-officer' });
      expect(await ask(s.url, leaked)).toBe(200);
      expect(await ask(url2, leaked)).toBe(200); // now cached on both instances
      const done = data(await s.gql(REVOKE, { jti: jtiOf(leaked), reason: 'token leaked in a ticket' }, { token: admin }), 'r');
      expect(done).toMatchObject({ jti: jtiOf(leaked), sub: null, revokedBy: 'city-admin' });
      await new Promise((r) => setTimeout(r, 500));
      expect(await ask(s.url, leaked)).toBe(401);
      expect(await ask(url2, leaked)).toBe(401);
      expect(await ask(url2, other)).toBe(200);
      const audit = (await s.database.db.select().from(auditLog).where(sql`${auditLog.operation} = 'revokeToken'`).orderBy(auditLog.seq)).slice(revocationsBefore);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId: 'city-admin', entityType: 'TokenRevocation' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('revoking a subject cuts off every token it was issued so far; a token issued afterwards works', async () => {
    const t1 = await s.token('grid_worker', '620102001001', { sub: 'lost-phone-worker' });
    expect((await s.gql('{ me { id } }', {}, { token: t1 })).status).toBe(200);
    data(await s.gql(REVOKE, { sub: 'lost-phone-worker', reason: 'phone lost' }, { token: admin }), 'r');
    await new Promise((r) => setTimeout(r, 1100)); // iat has one-second resolution
    expect((await s.gql('{ me { id } }', {}, { token: t1 })).status).toBe(401);
    const t2 = await s.token('grid_worker', '620102001001', { sub: 'lost-phone-worker' });
    expect((await s.gql('{ me { id } }', {}, { token: t2 })).status).toBe(200);
  });

  it('reloading the revocation list is not counted in the request that triggers it', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the list (refreshed every 200 ms here) is stale
    const first = await s.gql('{ me { id } }', {}, { token: admin });
    const second = await s.gql('{ me { id } }', {}, { token: admin });
    expect(first.extensions?.sqlStatements).toBe(second.extensions?.sqlStatements);
  });

  it('only the city administrator revokes; jti and sub are exclusive', async () => {
    const refused = await s.gql(REVOKE, { sub: 'city-admin', reason: 'x' }, { token: officer102 });
    expect(refused.errors?.[0].extensions?.code).toMatch(/FORBIDDEN/);
    expect(codeOf(await s.gql(REVOKE, { jti: 'a', sub: 'b', reason: 'x' }, { token: admin }), 'r')).toBe('CORE_INPUT_INVALID');
    expect(codeOf(await s.gql(REVOKE, { reason: 'x' }, { token: admin }), 'r')).toBe('CORE_INPUT_INVALID');
  });
});

describe('finding 4: subscriptions deliver only events the subscriber may read, in their jurisdiction', () => {
  it('a grid worker (no credit:read, no assessment:read) does not receive unitVetoed or blacklistEntryProposed of its own community', async () => {
    const q = `subscription($n: [DomainEventName!]!) { domainEvents(names: $n) { name jurisdictionCode } }`;
    const names = ['unitVetoed', 'blacklistEntryProposed', 'alertRecorded'];
    const worker = await s.subscribe(q, { n: names }, grid);
    const city = await s.subscribe(q, { n: names }, admin);
    const j = '620102001001';
    // Envelopes as the outbox relay delivers them: ids grow in commit order.
    let id = 1_000_000;
    const publish = (name: string, payload: Record<string, unknown>) => s.platform.pubsub.publish(EVENTS_TOPIC, { id: String(++id), name, payload, requestId: 'probe' });
    publish('unitVetoed', {
      assessmentId: 'a',
      unitId: 'u',
      unitName: 'n',
      creditCode: CODE,
      jurisdictionCode: j,
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      ruleSetVersion: 1,
      eventIds: [],
      explanation: '',
    });
    publish('blacklistEntryProposed', { entryId: 'e', subjectId: 's', creditCode: CODE, jurisdictionCode: j, reason: 'r' });
    publish('alertRecorded', { alertId: 'x', type: 'theft', occurredAt: new Date().toISOString(), jurisdictionCode: '620103001001', major: false });
    publish('alertRecorded', { alertId: 'y', type: 'theft', occurredAt: new Date().toISOString(), jurisdictionCode: j, major: false });
    try {
      expect((await worker.next()).data.domainEvents).toEqual({ name: 'alertRecorded', jurisdictionCode: j });
      // The city administrator (every read permission, the whole city) receives all four: the filter is not blind.
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) seen.push((await city.next()).data.domainEvents.name);
      expect(seen.sort()).toEqual(['alertRecorded', 'alertRecorded', 'blacklistEntryProposed', 'unitVetoed']);
      // And the worker got nothing else: the next event it sees is a later one in its community.
      publish('alertRecorded', { alertId: 'z', type: 'fraud', occurredAt: new Date().toISOString(), jurisdictionCode: j, major: false });
      expect((await worker.next()).data.domainEvents).toEqual({ name: 'alertRecorded', jurisdictionCode: j });
    } finally {
      worker.close();
      city.close();
    }
  });
});

describe('finding 5: phone numbers encrypted at rest, masked by default, revealed with permission and purpose', () => {
  const PHONE = '13912345678';
  let personId: string;
  const recordWithPhone = async (serial: number) => {
    const p = data(
      await s.gql(
        `mutation($id: ResidentIdNumber!, $phone: String) { r: recordPerson(name: "王电话", idNumber: $id, kind: registered, hukouPlaceCode: "620102", jurisdictionCode: "620102001001", phone: $phone) {
          __typename ... on RecordPersonSuccess { data { id phone } } ... on DomainError { code } } }`,
        { id: residentIdNumber('620102', '1990-03-07', serial), phone: PHONE },
        { token: grid },
      ),
      'r',
    );
    expect(p.phone).toBe('139****5678');
    return p.id as string;
  };
  beforeAll(async () => {
    personId = await recordWithPhone(611);
  });

  it('stores no plaintext phone and answers the masked form to every reader by default', async () => {
    const [row] = await rows(sql`select phone, phone_masked, phone_cipher from persons where id = ${rowid(personId)}`);
    expect(row.phone).toBeNull();
    expect(row.phone_masked).toBe('139****5678');
    expect(row.phone_cipher).toMatch(/^v2\.[0-9a-f]+\./);
    expect(JSON.stringify(row)).not.toContain(PHONE);
    for (const token of [admin, officer102, grid]) {
      const r = await s.gql(`query($id: ID!) { node(id: $id) { ... on Person { phone } } }`, { id: personId }, { token });
      expect(r.data.node.phone).toBe('139****5678');
    }
    // A reveal's entry (another test's, when it ran first) has no after image.
    const audits = await rows(sql`select coalesce(after::text, '') as a from audit_log where entity_id = ${rowid(personId)}`);
    for (const a of audits) expect(a.a).not.toContain(PHONE);
  });

  it('reveals the number to a holder of population:identity.reveal who states a purpose, and audits it; refuses others', async () => {
    const q = `query($id: ID!, $p: String) { node(id: $id) { ... on Person { phone(purpose: $p) } } }`;
    const ok = await s.gql(q, { id: personId, p: '案件回访联系' }, { token: admin });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.node.phone).toBe(PHONE);
    const audit = await rows(sql`select purpose, operation from audit_log where entity_id = ${rowid(personId)} and operation = 'revealPhoneNumber'`);
    expect(audit).toEqual([{ purpose: '案件回访联系', operation: 'revealPhoneNumber' }]);
    const refused = await s.gql(q, { id: personId, p: '想联系一下本人' }, { token: grid });
    expect(refused.errors?.[0].extensions?.code).toMatch(/FORBIDDEN/);
  });

  it('migrate encrypts phones left in clear by earlier versions', async () => {
    // A person of its own: the other tests read the shared one's number.
    const personId = await recordWithPhone(613);
    await s.database.db.execute(sql`update persons set phone = '13800001111', phone_masked = null, phone_cipher = null where id = ${rowid(personId)}`);
    await migrate(s.database, migrationsFolder(), modules);
    const [row] = await rows(sql`select phone, phone_masked, phone_cipher from persons where id = ${rowid(personId)}`);
    expect(row).toMatchObject({ phone: null, phone_masked: '138****1111' });
    const r = await s.gql(`query($id: ID!) { node(id: $id) { ... on Person { phone(purpose: "核对号码迁移") } } }`, { id: personId }, { token: admin });
    expect(r.data.node.phone).toBe('13800001111');
  });
});

describe('finding 6: bad text and bad ids get coded errors, not INTERNAL_SERVER_ERROR', () => {
  const DWELLING = `mutation($a: String!) { r: recordDwelling(address: $a, jurisdictionCode: "620102001001", rooms: 1, capacity: 2) { __typename ... on DomainError { code } } }`;
  it.each([
    ['a NUL byte in a variable', 'x\u0000y'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', '\udc00'],
  ])('%s is CORE_INPUT_INVALID and writes nothing', async (_what, address) => {
    const before = await count('dwellings');
    const r = await s.gql(DWELLING, { a: address }, { token: grid });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['CORE_INPUT_INVALID']);
    expect(await count('dwellings')).toBe(before);
  });
  it('a NUL escape inside a query literal is refused too, every time the same document comes (the check is remembered per document)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await s.gql(`{ persons(filter: { name: "a\\u0000b" }) { edges { node { id } } } }`, {}, { token: grid });
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['CORE_INPUT_INVALID']);
    }
  });

  const TIER = `mutation($p: ID!) { r: setTenantTier(personId: $p, tier: key, reason: "复核", version: 1) { __typename ... on DomainError { code } } }`;
  it.each([
    ['a malformed uuid inside a well-formed global id', gid('Person', 'abc')],
    ['a Dwelling id as personId', gid('Dwelling', '00000000-0000-4000-8000-000000000001')],
    ['not base64 at all', '%%%'],
    ['a global id with SQL in it', gid('Person', "1' or '1'='1")],
  ])('%s is CORE_ID_MALFORMED', async (_what, id) => {
    expect(codeOf(await s.gql(TIER, { p: id }, { token: grid }), 'r')).toBe('CORE_ID_MALFORMED');
  });
  it('node(id:) with a malformed row id is coded too', async () => {
    const r = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: gid('Dwelling', 'abc') }, { token: grid });
    expect(r.errors?.[0].extensions?.code).toBe('CORE_ID_MALFORMED');
  });
  it('ids of the wrong type in patrol, assessment and credit are CORE_ID_MALFORMED', async () => {
    const dwelling = gid('Dwelling', '00000000-0000-4000-8000-000000000001');
    expect(codeOf(await s.gql(`mutation($id: ID!) { r: issueYellowCard(unitId: $id, reason: "x") { __typename ... on DomainError { code } } }`, { id: dwelling }, { token: assessor }), 'r')).toBe(
      'CORE_ID_MALFORMED',
    );
    expect(
      codeOf(
        await s.gql(
          `mutation($id: ID!) { r: decideCreditListProposal(entryId: $id, approve: true, reason: "x") { __typename ... on DomainError { code } } }`,
          { id: dwelling },
          { token: await s.token('credit_officer') },
        ),
        'r',
      ),
    ).toBe('CORE_ID_MALFORMED');
  });
});

describe('finding 7: invalid input is refused with a code and writes nothing', () => {
  it('openInvestigation refuses an eventId that is not a major event in scope', async () => {
    // A unit of its own: which units exist depends on which tests ran before.
    const batch = data(
      await s.gql(
        `mutation { r: createCreationBatch(projectName: "责任倒查测试", seq: 1, name: "第一批", jurisdictionCode: "620100", leadUnit: "市卫健委", participatingUnits: [], targetDate: "2026-12-31") {
          __typename ... on CreateCreationBatchSuccess { data { id } } ... on DomainError { code } } }`,
        {},
        { token: admin },
      ),
      'r',
    );
    const unit = data(
      await s.gql(
        `mutation($b: ID!) { r: registerSafeUnit(batchId: $b, category: hospital, name: "倒查测试医院", jurisdictionCode: "620102001001", registeredOn: "2024-01-01") {
          __typename ... on RegisterSafeUnitSuccess { data { id } } ... on DomainError { code } } }`,
        { b: batch.id },
        { token: admin },
      ),
      'r',
    ).id as string;
    const before = await count('responsibility_investigations');
    const q = `mutation($u: ID!, $e: ID) { r: openInvestigation(unitId: $u, subject: "责任倒查", eventId: $e) { __typename ... on DomainError { code field } } }`;
    expect(codeOf(await s.gql(q, { u: unit, e: 'anything' }, { token: admin }), 'r')).toBe('CORE_ID_MALFORMED');
    expect(codeOf(await s.gql(q, { u: unit, e: '00000000-0000-4000-8000-000000000009' }, { token: admin }), 'r')).toBe('CORE_NOT_FOUND');
    expect(await count('responsibility_investigations')).toBe(before);
  });

  it('recordDwelling (and recordPerson) refuse a well-formed division code that does not exist', async () => {
    const before = await count('dwellings');
    const r = await s.gql(
      `mutation { r: recordDwelling(address: "不存在的小区1号", jurisdictionCode: "620102999999", rooms: 1, capacity: 2) { __typename ... on DomainError { code field } } }`,
      {},
      { token: officer102 },
    );
    expect(codeOf(r, 'r')).toBe('CORE_JURISDICTION_UNKNOWN');
    expect(await count('dwellings')).toBe(before);
    const p = await s.gql(
      `mutation($id: ResidentIdNumber!) { r: recordPerson(name: "李无址", idNumber: $id, kind: registered, hukouPlaceCode: "620102", jurisdictionCode: "620102999999") { __typename ... on DomainError { code } } }`,
      { id: residentIdNumber('620102', '1991-01-01', 17) },
      { token: officer102 },
    );
    expect(codeOf(p, 'r')).toBe('CORE_JURISDICTION_UNKNOWN');
  });

  it('evaluateJurisdiction refuses a division code that does not exist', async () => {
    const before = await count('jurisdiction_evaluations');
    const r = await s.gql(
      `mutation { r: evaluateJurisdiction(jurisdictionCode: "620102999", periodStart: "2025-01-01", periodEnd: "2025-12-31", safeCreation: 90, governance: 90, stability: 90) { __typename ... on DomainError { code field } } }`,
      {},
      { token: admin },
    );
    expect(codeOf(r, 'r')).toBe('CORE_JURISDICTION_UNKNOWN');
    expect(await count('jurisdiction_evaluations')).toBe(before);
  });

  it('createCreationBatch refuses seq -1; publishAssessmentStandard refuses maxPoints 1e308', async () => {
    const before = await count('creation_batches');
    const b = await s.gql(
      `mutation { r: createCreationBatch(projectName: "x", seq: -1, name: "x", jurisdictionCode: "620100", leadUnit: "x", participatingUnits: [], targetDate: "2026-12-31") { __typename ... on DomainError { code field } } }`,
      {},
      { token: admin },
    );
    expect(codeOf(b, 'r')).toBe('CORE_INPUT_INVALID');
    expect(await count('creation_batches')).toBe(before);
    const st = await s.gql(
      `mutation { r: publishAssessmentStandard(category: campus, title: "x", passMark: 60, effectiveFrom: "2026-01-01", items: [{ code: "S1", name: "x", maxPoints: 1e308, deductions: [] }]) { __typename ... on DomainError { code field } } }`,
      {},
      { token: admin },
    );
    expect(codeOf(st, 'r')).toBe('CORE_INPUT_INVALID');
  });

  it('first: -1 is a coded error, not an empty page', async () => {
    for (const q of ['{ dwellings(first: -1) { edges { node { id } } } }', '{ alerts(first: -1) { edges { node { id } } } }', '{ jurisdictions(last: -5) { edges { node { code } } } }']) {
      const r = await s.gql(q, {}, { token: admin });
      expect(
        r.errors?.map((e) => e.extensions?.code),
        q,
      ).toEqual(['CORE_INPUT_INVALID']);
    }
  });

  it('configureJointDuty refuses more points than the domain maximum', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => gid('Checkpoint', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    const r = await s.gql(
      `mutation($p: [ID!]!) { r: configureJointDuty(jurisdictionCode: "620102", threshold: 2, alertTypes: [robbery], pointIds: $p) { __typename ... on DomainError { code field } } }`,
      { p: ids },
      { token: officer102 },
    );
    expect(codeOf(r, 'r')).toBe('PATROL_TOO_MANY_POINTS');
  });
});

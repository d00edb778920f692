import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '@safecity/api';
import { decodeGlobalId, encodeGlobalId } from '@safecity/core';
import { repoRoot, startTestServer, type TestServer } from '@safecity/core/testing';
import { createSafeCityClient, trustedDocuments, type SafeCityClient } from '../src/index.js';

/**
 * Every portal operation through @safecity/client, over real HTTP with real (development) JWTs,
 * against a server that accepts registered operations only (the production setting), compared
 * with what the seed wrote (read back with SQL).
 */
let s: TestServer;
const client = (role: Parameters<TestServer['token']>[0], jurisdiction?: string): SafeCityClient => createSafeCityClient({ url: s.url, token: () => s.token(role, jurisdiction) });

beforeAll(async () => {
  s = await startTestServer({ modules, env: { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_MANIFEST: join(repoRoot(), 'packages/client/src/generated/operations.json') }, seeded: true });
});
afterAll(() => s?.close());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const r = await s.database.db.execute(query);
  return ((r as { rows?: unknown[] }).rows ?? (r as unknown as unknown[])) as T[];
}
const uuidOf = (globalId: string) => decodeGlobalId(globalId).id;
/** Today in Lanzhou (the server's calendar day). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

/** GB 11643's check character (ISO 7064 MOD 11-2) appended to 17 digits. */
function residentId(body17: string): string {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body17 + '10X98765432'[[...body17].reduce((sum, c, i) => sum + Number(c) * W[i], 0) % 11];
}
/** GB 32100-2015's check character appended to the first 17 characters of a unified social credit code. */
function creditCode(first17: string): string {
  const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const c = 31 - ([...first17].reduce((sum, ch, i) => sum + CHARS.indexOf(ch) * W[i], 0) % 31);
  return first17 + CHARS[c === 31 ? 0 : c];
}

describe('population portal', () => {
  it('the dwellings page: each dwelling with its current tenants and last visit, as stored', async () => {
    const r = await client('grid_worker').dwellingsPage({ first: 5 });
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([]);
    const edges = r.data!.dwellings!.edges;
    const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from dwellings where jurisdiction_code like '620102001001%'`);
    expect(n).toBeGreaterThan(5);
    expect(edges).toHaveLength(5);
    expect(r.data!.dwellings!.pageInfo.hasNextPage).toBe(true);
    for (const { node } of edges) {
      const id = uuidOf(node.id);
      const [d] = await rows<{ address: string; dwelling_class: string; capacity: number; listed_on: string; last_visited_on: string | null; revisit_due_on: string }>(
        sql`select address, dwelling_class, capacity, listed_on::text, last_visited_on::text, revisit_due_on::text from dwellings where id = ${id}`,
      );
      expect({
        address: node.address,
        dwellingClass: node.dwellingClass,
        capacity: node.capacity,
        listedOn: node.listedOn,
        lastVisitedOn: node.lastVisitedOn,
        revisitDueOn: node.revisitDueOn,
      }).toEqual({
        address: d.address,
        dwellingClass: d.dwelling_class,
        capacity: d.capacity,
        listedOn: d.listed_on,
        lastVisitedOn: d.last_visited_on,
        revisitDueOn: d.revisit_due_on,
      });
      expect(node.address).toMatch(/^甘肃省兰州市城关区/);
      const tenants = await rows<{ id: string; registered_on: string; name: string }>(
        sql`select r.id, r.registered_on::text, p.name from residence_registrations r join persons p on p.id = r.person_id where r.dwelling_id = ${id} and r.ended_on is null order by r.registered_on, r.id`,
      );
      const got = node.currentTenants
        .map((t) => ({ id: uuidOf(t.id), registered_on: t.registeredOn, name: t.person!.name }))
        .sort((a, b) => a.registered_on.localeCompare(b.registered_on) || a.id.localeCompare(b.id));
      expect(got).toEqual(tenants);
      const [visit] = await rows<{ id: string; visited_on: string; matched: boolean; visitor_id: string }>(
        sql`select id, visited_on::text, matched, visitor_id from revisits where dwelling_id = ${id} order by visited_at desc limit 1`,
      );
      expect(node.lastVisit ? { id: uuidOf(node.lastVisit.id), visited_on: node.lastVisit.visitedOn, matched: node.lastVisit.matched, visitor_id: node.lastVisit.visitorId } : undefined).toEqual(
        visit,
      );
    }
  });

  it('overdue revisits: the dwellings and tenants past their revisit date, most overdue first', async () => {
    const asOf = today();
    const r = await client('grid_worker').overdueRevisits({ first: 100, asOf });
    expect(r.errors).toEqual([]);
    const dwellings = await rows<{ address: string; revisit_due_on: string }>(
      sql`select address, revisit_due_on::text from dwellings where jurisdiction_code like '620102001001%' and revisit_due_on < ${asOf} order by revisit_due_on, id`,
    );
    expect(dwellings.length).toBeGreaterThan(0);
    expect(r.data!.overdueDwellings!.edges.map((e) => [e.node.address, e.node.revisitDueOn, e.node.daysOverdue])).toEqual(
      dwellings.map((d) => [d.address, d.revisit_due_on, daysBetween(d.revisit_due_on, asOf)]),
    );
    const tenants = await rows<{ name: string; revisit_due_on: string }>(
      sql`select name, revisit_due_on::text from persons where jurisdiction_code like '620102001001%' and revisit_due_on < ${asOf} order by revisit_due_on, id`,
    );
    expect(tenants.length).toBeGreaterThan(0);
    expect(r.data!.overdueTenants!.edges.map((e) => [e.node.name, e.node.revisitDueOn, e.node.daysOverdue])).toEqual(
      tenants.map((t) => [t.name, t.revisit_due_on, daysBetween(t.revisit_due_on, asOf)]),
    );
  });

  it('a registration round: a person, their registration at a dwelling, a revisit; then the dwellings page shows them', async () => {
    const c = client('grid_worker');
    const page = await c.dwellingsPage({ first: 1 });
    const dwellingId = page.data!.dwellings!.edges[0].node.id;
    const person = await c.recordPerson({
      jurisdictionCode: '620102001001',
      hukouPlaceCode: '620421',
      idNumber: residentId('62042119900307002'),
      name: '客户端测试',
      kind: 'floating',
      inflowDate: '2026-01-05',
      inflowReason: 'work',
    });
    expect(person.errors).toEqual([]);
    const p = person.data!.recordPerson!;
    if (p.__typename !== 'RecordPersonSuccess') throw new Error(`recordPerson: ${JSON.stringify(p)}`);
    expect({ name: p.data.name, birthDate: p.data.birthDate, gender: p.data.gender, kind: p.data.kind, version: p.data.version }).toEqual({
      name: '客户端测试',
      birthDate: '1990-03-07',
      gender: 'female',
      kind: 'floating',
      version: 1,
    });

    const reg = await c.registerResidence({ personId: p.data.id, dwellingId, registeredOn: '2026-01-06' });
    const rr = reg.data!.registerResidence!;
    if (rr.__typename !== 'RegisterResidenceSuccess') throw new Error(`registerResidence: ${JSON.stringify(rr)}`);
    expect({ active: rr.data.active, registeredOn: rr.data.registeredOn, person: rr.data.person!.id, dwelling: rr.data.dwelling!.id }).toEqual({
      active: true,
      registeredOn: '2026-01-06',
      person: p.data.id,
      dwelling: dwellingId,
    });

    // A second active registration for the same person is a DomainError in the payload, with its code.
    const again = await c.registerResidence({ personId: p.data.id, dwellingId, registeredOn: '2026-01-07' });
    expect(again.status).toBe(200);
    const ar = again.data!.registerResidence!;
    expect(ar.__typename).toBe('DomainError');
    if (ar.__typename === 'DomainError') expect(ar.code).toBe('POPULATION_ALREADY_REGISTERED');

    const visitedAt = new Date().toISOString();
    const visit = await c.recordRevisit({ dwellingId, visitedAt, matched: true, tenantsSeen: [p.data.id], notes: '客户端回访' });
    const v = visit.data!.recordRevisit!;
    if (v.__typename !== 'RecordRevisitSuccess') throw new Error(`recordRevisit: ${JSON.stringify(v)}`);
    expect({ matched: v.data.matched, notes: v.data.notes, visitedOn: v.data.visitedOn, lastVisitedOn: v.data.dwelling!.lastVisitedOn }).toEqual({
      matched: true,
      notes: '客户端回访',
      visitedOn: today(),
      lastVisitedOn: today(),
    });

    const after = (await c.dwellingsPage({ first: 1 })).data!.dwellings!.edges[0].node;
    expect(after.currentTenants.map((t) => t.person!.name)).toContain('客户端测试');
    expect(after.lastVisit!.id).toBe(v.data.id);
  });

  it('a bad scalar in the variables: refused with its code, nothing written', async () => {
    const [{ n: before }] = await rows<{ n: number }>(sql`select count(*)::int as n from persons`);
    const r = await client('grid_worker').recordPerson({
      jurisdictionCode: '620102001001',
      hukouPlaceCode: '620421',
      idNumber: `${residentId('62042119900307003').slice(0, 17)}${residentId('62042119900307003').endsWith('1') ? '2' : '1'}`,
      name: '坏号码',
      kind: 'floating',
    });
    // The status is the server's GraphQL-over-HTTP choice for a variable error (no data); the client keeps the code either way.
    expect(r.data).toBeNull();
    expect(r.errors.map((e) => e.code)).toEqual(['CORE_RESIDENT_ID_INVALID']);
    const [{ n: afterCount }] = await rows<{ n: number }>(sql`select count(*)::int as n from persons`);
    expect(afterCount).toBe(before);
  });
});

describe('patrol portal', () => {
  it("alerts with the joint-duty activation they triggered and its points' report", async () => {
    const r = await client('district_officer').alertsWithActivations({ first: 2, alertFilter: { types: ['robbery', 'snatching'] }, activationFilter: { jurisdictionCode: '620102' } });
    expect(r.errors).toEqual([]);
    expect(r.data!.alerts!.edges.map((e) => [e.node.type, e.node.place, e.node.major, e.node.responseSeconds])).toEqual([
      ['robbery', '南关十字地下通道', true, 360],
      ['snatching', '张掖路步行街', false, 240],
    ]);
    const [activation] = r.data!.jointDutyActivations!.edges.map((e) => e.node);
    expect({ threshold: activation.threshold, alertTypes: activation.alertTypes, jurisdictionCode: activation.jurisdictionCode, day: activation.day }).toEqual({
      threshold: 2,
      alertTypes: ['robbery', 'snatching'],
      jurisdictionCode: '620102',
      day: addDays(today(), -1),
    });
    expect(activation.triggeringAlerts.map((a) => a.id).sort()).toEqual(r.data!.alerts!.edges.map((e) => e.node.id).sort());
    expect(activation.report.find((p) => p.point.name === '东方红广场临时执勤点')).toMatchObject({ status: 'on_time', minutesAfterActivation: 5 });
  });
});

describe('assessment portal', () => {
  it("a unit's history with its veto and the assessment's explanation", async () => {
    const [unit] = await rows<{ id: string }>(sql`select id from safe_units where name = '张掖路市场'`);
    const r = await client('assessor').unitHistory({ unitId: encodeGlobalId('SafeUnit', unit.id), onDate: '2025-06-30' });
    expect(r.errors).toEqual([]);
    const stored = await rows<{ kind: string; summary: string; valid_on: string }>(sql`select kind, summary, valid_on::text from unit_history where unit_id = ${unit.id} order by seq`);
    expect(r.data!.unitHistory!.edges.map(({ node: h }) => ({ kind: h.kind, summary: h.summary, valid_on: h.validOn }))).toEqual(stored);
    expect(r.data!.unitHistory!.edges.map(({ node: h }) => h.kind)).toContain('vetoed');
    expect(r.data!.unitStanding).toMatchObject({ onDate: '2025-06-30', known: true, vetoed: true, passed: false });
    expect(r.data!.unitStanding!.lastAssessment!.firedRules.map((f) => f.eventKinds)).toEqual([['major_safety_accident']]);
  });

  it('veto proposals: none seeded in the jurisdiction', async () => {
    const r = await client('assessor').vetoProposals({ first: 5 });
    expect(r.errors).toEqual([]);
    expect(r.data!.vetoProposals).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('credit portal', () => {
  it('a standing check for one code, and a bulk check answering every code with its status', async () => {
    const [subject] = await rows<{ credit_code: string; name: string }>(sql`select credit_code, name from credit_subjects order by credit_code limit 1`);
    const c = client('department_service');
    const one = await c.creditStanding({ code: subject.credit_code });
    expect(one.errors).toEqual([]);
    expect({ creditCode: one.data!.creditStanding!.creditCode, name: one.data!.creditStanding!.name, known: one.data!.creditStanding!.known }).toEqual({
      creditCode: subject.credit_code,
      name: subject.name,
      known: true,
    });

    const unknownValid = creditCode('91620100MA0000000');
    const bulk = await c.creditStandings({ codes: [subject.credit_code, 'not-a-code', unknownValid] });
    expect(bulk.status).toBe(200);
    expect(bulk.errors).toEqual([]);
    expect(bulk.data!.creditStandings!.map((x) => [x.code, x.status, x.standing?.name ?? null])).toEqual([
      [subject.credit_code, 'OK', subject.name],
      ['not-a-code', 'MALFORMED', null],
      [unknownValid, 'NOT_FOUND', null],
    ]);
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS=only)', () => {
  it('the client sends registered operations by hash, not by text', async () => {
    const bodies: string[] = [];
    const spy = createSafeCityClient({ url: s.url, token: await s.token('grid_worker'), fetch: (url, init) => (bodies.push(String(init?.body)), fetch(url, init)) });
    expect((await spy.dwellingsPage({ first: 1 })).errors).toEqual([]);
    const sent = JSON.parse(bodies[0]) as { query?: string; extensions: { persistedQuery: { version: number; sha256Hash: string } } };
    expect(sent.query).toBeUndefined();
    expect(sent.extensions.persistedQuery.version).toBe(1);
    expect(trustedDocuments[sent.extensions.persistedQuery.sha256Hash]).toMatch(/^query DwellingsPage\(/);
  });

  it('an operation that is not registered is refused with TRUSTED_DOCUMENT_REQUIRED (400), nothing ran', async () => {
    const r = await client('city_admin').execute(parse('query Mine { me { id } }'));
    expect(r.status).toBe(400);
    expect(r.data).toBeNull();
    expect(r.errors.map((e) => e.code)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    const raw = await s.gql('{ me { id } }', undefined, { token: await s.token('city_admin') });
    expect([raw.status, raw.errors?.map((e) => e.extensions?.code)]).toEqual([400, ['TRUSTED_DOCUMENT_REQUIRED']]);
  });

  it('a hash that is in no manifest is refused with TRUSTED_DOCUMENT_UNKNOWN (404)', async () => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await s.token('city_admin')}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }),
    });
    const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect([res.status, body.data, body.errors.map((e) => e.extensions.code)]).toEqual([404, undefined, ['TRUSTED_DOCUMENT_UNKNOWN']]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { dwellingAt, failed, floatingPerson, ok, registerKeyed, RESULT, rows } from './helpers.js';

/**
 * The write path reads no idempotency key before the work (one round trip less on every write):
 * a retry does the work, finds its key stored, rolls back and answers with the first result.
 * These are the cases that must still hold, through the real server.
 */
const GRID = '620102001001001';
const REGISTER_KEYED = registerKeyed('id registeredOn overCapacity');

let s: TestServer;
let token: string;
let seq = 0;

const person = () => floatingPerson(s, token, GRID, 100 + seq++);
const dwelling = (capacity = 3) => dwellingAt(s, token, GRID, `甘肃省兰州市城关区静宁路${seq++}号`, capacity);
async function registrationsOf(personGid: string) {
  const id = Buffer.from(personGid, 'base64url').toString().split(':')[1];
  const [r] = await rows<{ n: number; audits: number }>(
    s,
    sql`select (select count(*)::int from residence_registrations where person_id = ${id}) as n,
               (select count(*)::int from audit_log where operation = 'registerResidence' and after->>'personId' = ${id}) as audits`,
  );
  return { n: Number(r.n), audits: Number(r.audits) };
}

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  token = await s.token('grid_worker', '620102001001');
});
afterAll(() => s?.close());

describe('registerResidence with an idempotency key', () => {
  it('a retry answers the first result and writes nothing twice, though the rules would now refuse it', async () => {
    const [p, d] = [await person(), await dwelling()];
    const first = ok(await s.gql(REGISTER_KEYED, { p, d, on: '2025-02-01', k: 'reg-retry-1' }, { token }));
    const again = ok(await s.gql(REGISTER_KEYED, { p, d, on: '2025-02-01', k: 'reg-retry-1' }, { token }));
    expect(again).toEqual(first);
    expect(await registrationsOf(p)).toEqual({ n: 1, audits: 1 });
  });

  it('the same key for a different request is refused with a coded error and writes nothing', async () => {
    const [p, d, other] = [await person(), await dwelling(), await dwelling()];
    ok(await s.gql(REGISTER_KEYED, { p, d, on: '2025-02-01', k: 'reg-reuse-1' }, { token }));
    expect(failed(await s.gql(REGISTER_KEYED, { p, d: other, on: '2025-02-01', k: 'reg-reuse-1' }, { token }))).toMatchObject({ code: 'CORE_IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await registrationsOf(p)).toEqual({ n: 1, audits: 1 });
  });

  // The work succeeds and only the write tail finds the key taken: on a server the COMMIT went out
  // behind that tail without waiting for it, and must have rolled the registration back.
  it('a key reused for another person is refused and that person is not registered', async () => {
    const [p1, p2, d] = [await person(), await person(), await dwelling()];
    ok(await s.gql(REGISTER_KEYED, { p: p1, d, on: '2025-02-01', k: 'reg-reuse-2' }, { token }));
    expect(failed(await s.gql(REGISTER_KEYED, { p: p2, d, on: '2025-02-01', k: 'reg-reuse-2' }, { token }))).toMatchObject({ code: 'CORE_IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await registrationsOf(p2)).toEqual({ n: 0, audits: 0 });
    expect(await registrationsOf(p1)).toEqual({ n: 1, audits: 1 });
  });

  it('five concurrent requests with one key: one registration, five equal answers', async () => {
    const [p, d] = [await person(), await dwelling()];
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.gql(REGISTER_KEYED, { p, d, on: '2025-02-01', k: 'reg-race-1' }, { token })));
    const ids = answers.map((a) => ok(a).id);
    expect(new Set(ids).size).toBe(1);
    expect(await registrationsOf(p)).toEqual({ n: 1, audits: 1 });
  });

  it('without a key a second registration is refused, and the capacity flag counts the active tenants', async () => {
    const d = await dwelling(1);
    const [p1, p2] = [await person(), await person()];
    expect(ok(await s.gql(REGISTER_KEYED, { p: p1, d, on: '2025-02-01' }, { token })).overCapacity).toBe(false);
    expect(ok(await s.gql(REGISTER_KEYED, { p: p2, d, on: '2025-02-02' }, { token })).overCapacity).toBe(true);
    expect(failed(await s.gql(REGISTER_KEYED, { p: p1, d, on: '2025-02-03' }, { token }))).toMatchObject({ code: 'POPULATION_ALREADY_REGISTERED', field: 'input.personId' });
    expect(await registrationsOf(p1)).toEqual({ n: 1, audits: 1 });
  });
});

/**
 * What a registration answers is what it stored and audited; a refused one leaves nothing behind;
 * and the capacity flag is exact under concurrency (the dwelling is locked before its tenants
 * are counted). These hold whatever the write path's round trips (see docs/request-path.md).
 */
describe('registerResidence: the stored row, a refusal, the capacity flag under concurrency', () => {
  const rawId = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1]!;
  const REGISTER_WHOLE = `mutation($p: ID!, $d: ID!, $on: Date!) {
    r: registerResidence(personId: $p, dwellingId: $d, registeredOn: $on) {
      ${RESULT('RegisterResidenceSuccess', 'id registeredOn overCapacity jurisdictionCode createdBy')}
    }
  }`;

  it('the answer, the stored row and the audit entry are the same row', async () => {
    const [p, d] = [await person(), await dwelling(1)];
    const answer = ok(await s.gql(REGISTER_WHOLE, { p, d, on: '2025-03-01' }, { token }));
    const [stored] = await rows<Record<string, unknown>>(
      s,
      sql`select r.id, r.person_id, r.dwelling_id, r.jurisdiction_code, r.registered_on::text as registered_on, r.over_capacity, r.source, r.created_by,
                 to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at, a.after
            from residence_registrations r join audit_log a on a.entity_id = r.id::text and a.operation = 'registerResidence'
           where r.person_id = ${rawId(p)}`,
    );
    expect(stored).toBeDefined();
    expect(rawId(answer.id)).toBe(stored!.id);
    expect({ registeredOn: answer.registeredOn, overCapacity: answer.overCapacity, jurisdictionCode: answer.jurisdictionCode, createdBy: answer.createdBy }).toEqual({
      registeredOn: stored!.registered_on,
      overCapacity: stored!.over_capacity,
      jurisdictionCode: stored!.jurisdiction_code,
      createdBy: stored!.created_by,
    });
    expect(stored!.after).toMatchObject({
      id: stored!.id,
      personId: stored!.person_id,
      dwellingId: stored!.dwelling_id,
      jurisdictionCode: stored!.jurisdiction_code,
      registeredOn: stored!.registered_on,
      overCapacity: stored!.over_capacity,
      source: stored!.source,
      createdBy: stored!.created_by,
      createdAt: stored!.created_at,
    });
  });

  it('a refused insert (the person is registered) writes no row, no audit entry and no event', async () => {
    const [p, d1, d2] = [await person(), await dwelling(), await dwelling()];
    ok(await s.gql(REGISTER_WHOLE, { p, d: d1, on: '2025-03-01' }, { token }));
    expect(failed(await s.gql(REGISTER_WHOLE, { p, d: d2, on: '2025-03-02' }, { token }))).toMatchObject({ code: 'POPULATION_ALREADY_REGISTERED', field: 'input.personId' });
    const [r] = await rows<{ regs: number; audits: number; events: number }>(
      s,
      sql`select (select count(*)::int from residence_registrations where person_id = ${rawId(p)}) as regs,
                 (select count(*)::int from audit_log where operation = 'registerResidence' and after->>'personId' = ${rawId(p)}) as audits,
                 (select count(*)::int from event_outbox where name = 'residenceRegistered' and payload->>'personId' = ${rawId(p)}) as events`,
    );
    expect({ regs: Number(r!.regs), audits: Number(r!.audits), events: Number(r!.events) }).toEqual({ regs: 1, audits: 1, events: 1 });
  });

  // Six requests at once into a dwelling for two: each counts the tenants after it holds the
  // dwelling's lock, so exactly two are within capacity whatever the interleaving (without the
  // lock all six counted none: checked).
  it('concurrent registrations into one dwelling: exactly its capacity are within it, the rest flagged', async () => {
    const d = await dwelling(2);
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await person());
    const answers = await Promise.all(people.map((p) => s.gql(REGISTER_WHOLE, { p, d, on: '2025-03-01' }, { token })));
    const flags = answers.map((a) => ok(a).overCapacity as boolean);
    expect(flags.filter((f) => !f)).toHaveLength(2);
    const stored = await rows<{ over_capacity: boolean; n: number }>(
      s,
      sql`select over_capacity, count(*)::int as n from residence_registrations where dwelling_id = ${rawId(d)} and ended_on is null group by 1 order by 1`,
    );
    expect(stored.map((r) => [r.over_capacity, Number(r.n)])).toEqual([
      [false, 2],
      [true, 4],
    ]);
  });
});

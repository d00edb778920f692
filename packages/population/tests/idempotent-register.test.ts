import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { residentIdNumber } from '../src/seed.js';
import { failed, ok, RECORD_DWELLING, RECORD_PERSON, RESULT, rows } from './helpers.js';

/**
 * The write path reads no idempotency key before the work (one round trip less on every write):
 * a retry does the work, finds its key stored, rolls back and answers with the first result.
 * These are the cases that must still hold, through the real server.
 */
const GRID = '620102001001001';
const REGISTER_KEYED = `mutation($p: ID!, $d: ID!, $on: Date!, $k: IdempotencyKey) {
  r: registerResidence(personId: $p, dwellingId: $d, registeredOn: $on, idempotencyKey: $k) {
    ${RESULT('RegisterResidenceSuccess', 'id registeredOn overCapacity')}
  }
}`;

let s: TestServer;
let token: string;
let seq = 0;

async function person() {
  return ok(
    await s.gql(
      RECORD_PERSON,
      { name: '李四', idNumber: residentIdNumber('410102', `1985-03-0${(seq % 9) + 1}`, 100 + seq++), kind: 'floating', inflowReason: 'work', inflowDate: '2024-12-01', hukou: '410102', j: GRID },
      { token },
    ),
  ).id as string;
}
async function dwelling(capacity = 3) {
  return ok(await s.gql(RECORD_DWELLING, { address: `甘肃省兰州市城关区静宁路${seq++}号`, j: GRID, rooms: 2, capacity }, { token })).id as string;
}
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';
import { dwellingAt, failed, floatingPerson, ok, registerKeyed, RECORD_DWELLING, rows } from './helpers.js';

/**
 * Concurrent registerResidence requests commit in groups (core groupCommitted): whatever rides
 * with whom, every request must get the answer it gets alone, write exactly what it writes alone
 * (its row, its audit entry under its own actor and request, its event, its idempotency record)
 * and nothing when refused. On PGlite and on the PostgreSQL server.
 */
const GRID = '620102001001001';
const OTHER_DISTRICT = '620103001001';
const REGISTER_KEYED = registerKeyed('id registeredOn overCapacity person { id } dwelling { id }');

let s: TestServer;
let tokenA: string;
let tokenB: string;
let seq = 0;

const person = () => floatingPerson(s, tokenA, GRID, 300 + seq++, '王五');
const dwelling = (capacity: number) => dwellingAt(s, tokenA, GRID, `甘肃省兰州市城关区天水路${seq++}号`, capacity);
const rawId = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1]!;

beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  tokenA = await s.token('grid_worker', '620102001001', { sub: 'grid-worker-a' });
  tokenB = await s.token('grid_worker', '620102001001', { sub: 'grid-worker-b' });
});
afterAll(() => s?.close());

interface Asked {
  p: string;
  d: string;
  on: string;
  token: string;
  k?: string;
}

/**
 * Sends the first request, holds its group (a transaction of the test locks `home`, the first
 * request's dwelling, and on PGlite holds its one connection) until the others have arrived, so
 * that they queue and go as one group; returns the answers in order.
 */
async function asOneGroup(home: string, asked: Asked[]) {
  const release = await holdDwelling(home);
  const first = send(asked[0]!);
  await sleep(300);
  const rest = asked.slice(1).map(send);
  await sleep(500);
  await release();
  return Promise.all([first, ...rest]);
}

const send = (a: Asked) => s.gql(REGISTER_KEYED, { p: a.p, d: a.d, on: a.on, k: a.k ?? null }, { token: a.token });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Locks a dwelling in a transaction of the test (on PGlite: holds its one connection) until the returned function is called. */
async function holdDwelling(id: string): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const held = new Promise<void>((r) => (holding = r));
  const holder = s.database.db.transaction(async (tx) => {
    await tx.execute(sql`select id from dwellings where id = ${rawId(id)} for update`);
    holding();
    await released;
  });
  await held;
  return async () => {
    release();
    await holder;
  };
}

describe('registerResidence in groups', () => {
  it('every member answers and writes as it would alone: accepted, refused, repeated and replayed ones mixed', async () => {
    const home = await dwelling(2);
    const elsewhere = await s.gql(RECORD_DWELLING, { address: '甘肃省兰州市七里河区西津路1号', j: OTHER_DISTRICT, rooms: 2, capacity: 2 }, { token: await s.token('district_officer', '620103') });
    const foreign = ok(elsewhere).id as string;
    const [p1, p2, p3, p4, p5, p6, p7, p8] = [await person(), await person(), await person(), await person(), await person(), await person(), await person(), await person()];
    // Before: p6 registered, and p8 registered under a key its retry below uses.
    ok(await s.gql(REGISTER_KEYED, { p: p6, d: await dwelling(4), on: '2025-01-10' }, { token: tokenA }));
    const earlier = ok(await s.gql(REGISTER_KEYED, { p: p8, d: await dwelling(4), on: '2025-01-11', k: 'group-earlier' }, { token: tokenA }));
    const nobody = Buffer.from('Person:00000000-0000-4000-8000-0000000000aa').toString('base64url');
    const asked = [
      { p: p1, d: home, on: '2025-02-01', token: tokenA },
      { p: p2, d: home, on: '2025-02-01', token: tokenB },
      { p: p3, d: home, on: '2025-02-02', token: tokenA },
      { p: p1, d: home, on: '2025-02-03', token: tokenB }, // p1 twice: one of the two is refused
      { p: p4, d: foreign, on: '2025-02-01', token: tokenA }, // another district's dwelling
      { p: p5, d: home, on: '2099-01-01', token: tokenA }, // a date in the future
      { p: p6, d: home, on: '2025-02-01', token: tokenB }, // already registered
      { p: p7, d: home, on: '2025-02-04', token: tokenA, k: 'group-same' },
      { p: p7, d: home, on: '2025-02-04', token: tokenA, k: 'group-same' }, // the same request twice: one row, the same answer
      { p: p8, d: (earlier.dwelling as { id: string }).id, on: '2025-01-11', token: tokenA, k: 'group-earlier' }, // a retry of a stored key
      { p: nobody, d: home, on: '2025-02-01', token: tokenB },
    ];
    const answers = await asOneGroup(home, asked);
    const outcome = answers.map((r) => (r.data?.r?.__typename === 'RegisterResidenceSuccess' ? 'ok' : failed(r).code));
    expect(outcome.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect([outcome[0], outcome[3]].sort()).toEqual(['ok', 'POPULATION_ALREADY_REGISTERED'].sort());
    expect(outcome.slice(4)).toEqual(['CORE_NOT_FOUND', 'POPULATION_REGISTRATION_DATE_IN_FUTURE', 'POPULATION_ALREADY_REGISTERED', 'ok', 'ok', 'ok', 'CORE_NOT_FOUND']);
    expect(ok(answers[8]!)).toEqual(ok(answers[7]!));
    expect(ok(answers[9]!)).toEqual(earlier);
    // The requests did ride together: the registrations of p2, p3 and p7 were written by one transaction.
    const xmins = await rows<{ x: string }>(s, sql`select distinct xmin::text as x from residence_registrations where person_id::text in (${sql.join([p2, p3, p7].map(rawId), sql`, `)})`);
    expect(xmins).toHaveLength(1);

    // What was written: one open registration for each accepted person, none for the refused.
    const regs = await rows<{ person_id: string; n: number; flagged: number }>(
      s,
      sql`select person_id::text, count(*)::int as n, count(*) filter (where over_capacity)::int as flagged from residence_registrations
           where person_id::text in (${sql.join([p1, p2, p3, p4, p5, p6, p7, p8].map(rawId), sql`, `)}) group by person_id`,
    );
    const n = Object.fromEntries(regs.map((r) => [r.person_id, Number(r.n)]));
    expect([p1, p2, p3, p4, p5, p6, p7, p8].map((p) => n[rawId(p)] ?? 0)).toEqual([1, 1, 1, 0, 0, 1, 1, 1]);
    // The home holds two: of p1, p2, p3 and p7 (four tenants), exactly the two that came last are flagged.
    const flagged = regs.filter((r) => [p1, p2, p3, p7].map(rawId).includes(r.person_id)).reduce((a, r) => a + Number(r.flagged), 0);
    expect(flagged).toBe(2);

    // One audit entry and one event per registration written here, each under its own actor and request.
    const written = answers.flatMap((r, i) =>
      r.data?.r?.__typename === 'RegisterResidenceSuccess' && i !== 8 && i !== 9
        ? [{ id: ok(r).id as string, request: r.extensions?.requestId as string, actor: asked[i]!.token === tokenA ? 'grid-worker-a' : 'grid-worker-b' }]
        : [],
    );
    expect(written).toHaveLength(4);
    for (const w of written) {
      const id = rawId(w.id);
      const audits = await rows<{ actor_id: string; request_id: string }>(s, sql`select actor_id, request_id from audit_log where operation = 'registerResidence' and entity_id = ${id}`);
      expect(audits).toEqual([{ actor_id: w.actor, request_id: w.request }]);
      const events = await rows<{ request_id: string }>(s, sql`select request_id from event_outbox where name = 'residenceRegistered' and payload->>'registrationId' = ${id}`);
      expect(events).toEqual([{ request_id: w.request }]);
    }
    // The refused wrote no audit entry: entries of this operation = registrations written by it.
    const [{ entries }] = await rows<{ entries: number }>(
      s,
      sql`select count(*)::int as entries from audit_log where operation = 'registerResidence' and after->>'personId' in (${sql.join([p1, p2, p3, p4, p5, p7].map(rawId), sql`, `)})`,
    );
    expect(Number(entries)).toBe(4);
    const keys = await rows<{ key: string }>(s, sql`select key from idempotency_keys where key like 'group-%' order by key`);
    expect(keys.map((k) => k.key)).toEqual(['group-earlier', 'group-same']);
  });

  it('a group whose write tail finds a key stored before rolls back whole; each member then answers as alone', async () => {
    const [pa, pb, pc, pd, home] = [await person(), await person(), await person(), await person(), await dwelling(4)];
    ok(await s.gql(REGISTER_KEYED, { p: pa, d: home, on: '2025-03-01', k: 'group-reused' }, { token: tokenA }));
    // pc's request reuses pa's key for another registration: the rules pass, the tail refuses it.
    const [first, reused, fresh] = await asOneGroup(home, [
      { p: pb, d: home, on: '2025-03-02', token: tokenB },
      { p: pc, d: home, on: '2025-03-01', token: tokenA, k: 'group-reused' },
      { p: pd, d: home, on: '2025-03-02', token: tokenB, k: 'group-fresh' },
    ]);
    expect(ok(first!).registeredOn).toBe('2025-03-02');
    expect(failed(reused!).code).toBe('CORE_IDEMPOTENCY_KEY_REUSED');
    expect(ok(fresh!).registeredOn).toBe('2025-03-02');
    const n = await rows<{ person_id: string }>(s, sql`select person_id::text from residence_registrations where person_id::text in (${sql.join([pb, pc, pd].map(rawId), sql`, `)})`);
    expect(n.map((r) => r.person_id).sort()).toEqual([pb, pd].map(rawId).sort());
    const keys = await rows<{ actor_id: string; key: string }>(s, sql`select actor_id, key from idempotency_keys where key in ('group-reused', 'group-fresh') order by key`);
    expect(keys).toEqual([
      { actor_id: 'grid-worker-b', key: 'group-fresh' },
      { actor_id: 'grid-worker-a', key: 'group-reused' },
    ]);
  });

  // PGlite has one connection: a held transaction holds up every statement, whatever the district.
  it.skipIf(!process.env.TEST_DATABASE_URL)('a group waiting on a lock holds up its own district, not another', async () => {
    const [p, home] = [await person(), await dwelling(4)];
    const officer = await s.token('district_officer', '620103');
    const there = await dwellingAt(s, officer, OTHER_DISTRICT, '甘肃省兰州市七里河区西津路9号', 2);
    const tenant = await floatingPerson(s, officer, OTHER_DISTRICT, 900, '赵六');
    const release = await holdDwelling(home);
    const held = send({ p, d: home, on: '2025-04-01', token: tokenA });
    await sleep(300);
    // 620103's registration goes while 620102's group waits for the home's lock.
    const elsewhere = await Promise.race([send({ p: tenant, d: there, on: '2025-04-01', token: officer }), sleep(5000).then(() => 'held up' as const)]);
    await release();
    expect(elsewhere === 'held up' ? elsewhere : ok(elsewhere).registeredOn).toBe('2025-04-01');
    expect(ok(await held).registeredOn).toBe('2025-04-01');
  });
});

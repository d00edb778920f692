import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, startTestServer, type SEEDED_USERS, type TestServer } from '@safecity/core/testing';
import { requestSlot, sql } from '@safecity/core';
import { modules } from '../src/modules.js';

/**
 * A finished request must be garbage for the young-generation GC. An entry of a long-lived
 * WeakMap keyed by an object of the request (its Request, context, signal, database handle) is
 * not: V8's scavenger keeps the value of an old table's entry alive whatever its key, so each
 * such entry promoted the whole request to the old generation (15 KB a one-statement read, the
 * old generation growing ~20 MB/s under load, its mark-compacts in the open-model tail). Values
 * of a request live on its objects (`requestSlot`, and the patched `@pothos/core` context cache).
 *
 * Checked here by counting the WeakMap entries created while the server answers warm requests of
 * every kind of read path (a resolver, a planned row, a planned page with relations and loaders,
 * a planned standing check, a mutation): there must be none. The HTTP client in this process
 * (undici) is left out.
 */
let s: TestServer;
const created: string[] = [];
let counting = false;
const realSet = WeakMap.prototype.set;

beforeAll(async () => {
  s = await startTestServer({ modules, seeded: true });
  WeakMap.prototype.set = function (this: WeakMap<object, unknown>, key: object, value: unknown) {
    if (counting && !this.has(key)) {
      const stack = new Error().stack ?? '';
      if (!/undici/.test(stack)) created.push(stack.split('\n').slice(2, 6).join('\n'));
    }
    return realSet.call(this, key, value);
  } as typeof realSet;
}, 300_000);
afterAll(async () => {
  WeakMap.prototype.set = realSet;
  await s?.close();
});

/** The WeakMap entries created while `run` ran (after it ran once to warm every cache). */
async function entriesCreatedBy(run: () => Promise<unknown>): Promise<string[]> {
  await run();
  created.length = 0;
  counting = true;
  try {
    for (let i = 0; i < 3; i++) await run();
  } finally {
    counting = false;
  }
  return [...created];
}

describe('a request leaves nothing keyed by its objects in a WeakMap', () => {
  const reads: [string, string, Record<string, unknown>, keyof typeof SEEDED_USERS][] = [
    ['a resolver', '{ me { id roles } }', {}, 'district_officer'],
    ['a planned row', 'query($c: DivisionCode!) { jurisdiction(code: $c) { code name } }', { c: '620102' }, 'district_officer'],
    [
      'a planned page with relations and loaders',
      `query($j: DivisionCode!) { dwellings(first: 5, filter: { jurisdictionCode: $j }) { edges { node { address
         currentTenants { registeredOn person { name idNumber tier } } lastVisit { visitedOn matched } } } } }`,
      { j: '620102' },
      'district_officer',
    ],
  ];
  it.each(reads)('%s', async (_name, query, variables, role) => {
    const token = await s.token(role);
    const answer = await s.gql(query, variables, { token });
    expect(answer.errors).toBeUndefined();
    expect(await entriesCreatedBy(() => s.gql(query, variables, { token }))).toEqual([]);
  });

  it('a planned standing check', async () => {
    const [subject] = await rows<{ code: string }>(s, sql`select credit_code as code from credit_subjects order by credit_code limit 1`);
    const token = await s.token('department_service');
    const query = 'query($c: [String!]!) { creditStandings(codes: $c) { code status standing { standing activeEntries { listType } } } }';
    const answer = await s.gql(query, { c: [subject!.code, 'bad'] }, { token });
    expect(answer.data.creditStandings[0].status).toBe('OK');
    expect(await entriesCreatedBy(() => s.gql(query, { c: [subject!.code, 'bad'] }, { token }))).toEqual([]);
  });

  it('a mutation', async () => {
    const token = await s.token('city_admin');
    let n = 0;
    const run = async () => {
      const r = await s.gql('mutation($n: String!) { createPatrolTeam(name: $n, jurisdictionCode: "620102001", level: community) { __typename } }', { n: `retention ${n++}` }, { token });
      expect(r.errors).toBeUndefined();
      expect(r.data.createPatrolTeam.__typename).toBe('CreatePatrolTeamSuccess');
    };
    expect(await entriesCreatedBy(run)).toEqual([]);
  });

  it('the count sees an entry keyed by a request object (the check can fail)', async () => {
    const slotless = new WeakMap<object, number>();
    const found = await entriesCreatedBy(async () => slotless.set({}, 1));
    expect(found).toHaveLength(3);
    // The same value in a request slot creates no entry.
    const slot = requestSlot<object, number>('probe');
    expect(await entriesCreatedBy(async () => slot.set({}, 1))).toEqual([]);
  });
});

describe('requestSlot', () => {
  it.each([
    ['an extensible object', () => ({})],
    ['a frozen object (kept in a WeakMap instead)', () => Object.freeze({})],
  ])('keeps, replaces and forgets a value on %s', (_name, make) => {
    const slot = requestSlot<object, string>('test');
    const other = requestSlot<object, string>('other');
    const key = make();
    expect(slot.get(key)).toBeUndefined();
    expect(slot.has(key)).toBe(false);
    slot.set(key, 'a');
    expect(slot.get(key)).toBe('a');
    expect(slot.has(key)).toBe(true);
    expect(other.get(key)).toBeUndefined();
    slot.set(key, 'b');
    expect(slot.get(key)).toBe('b');
    slot.delete(key);
    expect(slot.get(key)).toBeUndefined();
    expect(slot.has(key)).toBe(false);
    // Invisible to the object's own enumeration and JSON.
    expect(Object.keys(key)).toEqual([]);
    expect(JSON.stringify(key)).toBe('{}');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { verifyAuditChain } from '@safecity/core';
import { SEEDED_USERS, startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '../src/index.js';
import { dataKeyRing, decryptPhone, decryptResidentId, encryptResidentId, hashResidentId, isUnderCurrentKey, residentIdHashes } from '../src/identity.js';
import { residentIdNumber } from '../src/seed.js';
import { rotateDataKey, rowsNotUnderCurrentKey } from '../src/service/data-key.js';
import { failed, ok, RECORD_PERSON, RESULT, rows } from './helpers.js';

const OLD = 'rotation-test-old-key-0123456789abcdef';
const NEW = 'rotation-test-new-key-fedcba9876543210';
const GRID = '620102001001001';
const SEARCH = `query($n: ResidentIdNumber!) { persons(first: 5, filter: { idNumber: $n }) { edges { node { id } } } }`;

function useKeys(current: string, previous?: string) {
  process.env.SAFECITY_DATA_KEY = current;
  if (previous) process.env.SAFECITY_DATA_KEY_PREVIOUS = previous;
  else delete process.env.SAFECITY_DATA_KEY_PREVIOUS;
}

describe('the key ring (pure)', () => {
  afterAll(() => useKeys(''));
  it('a ciphertext names its key; the previous key still decrypts; an unknown key is refused', () => {
    useKeys(OLD);
    const id = residentIdNumber('410102', '1985-03-04', 17);
    const c = encryptResidentId(id);
    const oldKid = dataKeyRing().current.id;
    expect(c.startsWith(`v2.${oldKid}.`)).toBe(true);
    expect(c).not.toContain(OLD);
    const oldHash = hashResidentId(id);
    useKeys(NEW, OLD);
    expect(decryptResidentId(c)).toBe(id);
    expect(residentIdHashes(id)).toEqual([hashResidentId(id), oldHash]);
    expect(hashResidentId(id)).not.toBe(oldHash);
    useKeys(NEW);
    expect(() => decryptResidentId(c)).toThrow(/neither/);
    expect(residentIdHashes(id)).toEqual([hashResidentId(id)]);
  });
});

describe('rotating SAFECITY_DATA_KEY while the API serves', () => {
  let s: TestServer;
  let gw: string;
  const numbers = Array.from({ length: 5 }, (_, i) => residentIdNumber('410102', `198${i}-01-0${i + 1}`, 100 + i));
  // A sixth person with a phone: phones are re-encrypted by the same rotation.
  const withPhone = residentIdNumber('410102', '1979-05-05', 155);
  const PHONE = '13912345670';
  const found = async (n: string) => (await s.gql(SEARCH, { n }, { token: gw })).data.persons.edges.length;
  beforeAll(async () => {
    useKeys(OLD);
    s = await startTestServer({ modules: [populationModule] });
    gw = await s.token('grid_worker');
    for (const [i, n] of numbers.entries()) {
      ok(await s.gql(RECORD_PERSON, { name: `轮换${i}`, idNumber: n, kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '410102', j: GRID }, { token: gw }));
    }
    ok(
      await s.gql(
        `mutation($n: ResidentIdNumber!, $p: String) { r: recordPerson(name: "轮换电话", idNumber: $n, kind: floating, inflowReason: work, inflowDate: "2024-11-20", hukouPlaceCode: "410102", jurisdictionCode: "${GRID}", phone: $p) { ${RESULT('RecordPersonSuccess', 'id')} } }`,
        { n: withPhone, p: PHONE },
        { token: gw },
      ),
    );
  });
  afterAll(async () => {
    useKeys('');
    await s?.close();
  });

  it('searches by number before, during and after; resumes; audits; leaves every row under the new key', async () => {
    for (const n of numbers) expect(await found(n)).toBe(1);
    // Step 2 of the runbook: the new key writes, the old one is still accepted.
    useKeys(NEW, OLD);
    for (const n of numbers) expect(await found(n)).toBe(1);
    // The number is on file under the old hash: a second record is refused, not duplicated.
    const dup = await s.gql(RECORD_PERSON, { name: '重复', idNumber: numbers[0], kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '410102', j: GRID }, { token: gw });
    expect(failed(dup).code).toBe('POPULATION_PERSON_EXISTS');

    const admin = await s.ctxAs('city_admin');
    // An interrupted run: one batch of two.
    const first = await rotateDataKey(admin, { batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ finished: false, rowsRotated: 2, batches: 1 });
    expect(await rowsNotUnderCurrentKey(admin)).toBe(4);
    for (const n of numbers) expect(await found(n)).toBe(1);
    // A person recorded during the rotation is written under the new key.
    const late = residentIdNumber('410102', '1990-09-09', 321);
    ok(await s.gql(RECORD_PERSON, { name: '轮换中', idNumber: late, kind: 'floating', inflowReason: 'work', inflowDate: '2024-11-20', hukou: '410102', j: GRID }, { token: gw }));
    // Resumed: picks up after the cursor, finishes.
    const rest = await rotateDataKey(admin, { batchSize: 2 });
    expect(rest).toMatchObject({ finished: true, rowsFailed: 0 });
    expect(rest.rowsRotated).toBe(6);
    expect(await rowsNotUnderCurrentKey(admin)).toBe(0);
    // A rerun after the end changes nothing.
    expect(await rotateDataKey(admin, { batchSize: 2 })).toMatchObject({ finished: true, rowsRotated: 6 });

    // Step 4: the old key is gone; everything is found and decrypts under the new one alone.
    useKeys(NEW);
    for (const n of [...numbers, withPhone, late]) expect(await found(n)).toBe(1);
    const stored = await rows<{ id_number_cipher: string; id_number_hash: string; phone_cipher: string | null }>(s, sql`select id_number_cipher, id_number_hash, phone_cipher from persons`);
    expect(stored.map((r) => decryptResidentId(r.id_number_cipher)).sort()).toEqual([...numbers, withPhone, late].sort());
    expect(new Set(stored.map((r) => r.id_number_hash))).toEqual(new Set([...numbers, withPhone, late].map(hashResidentId)));
    const phones = stored.flatMap((r) => (r.phone_cipher ? [r.phone_cipher] : []));
    expect(phones).toHaveLength(1);
    expect(isUnderCurrentKey(phones[0]!)).toBe(true);
    expect(decryptPhone(phones[0]!)).toBe(PHONE);

    // Audited per batch, with counts and key ids only.
    const audits = await rows<{ after: unknown; actor_id: string }>(s, sql`select after, actor_id from audit_log where operation = 'rotateDataKey' order by seq`);
    expect(audits.length).toBeGreaterThanOrEqual(4);
    expect(new Set(audits.map((a) => a.actor_id))).toEqual(new Set([SEEDED_USERS.city_admin.sub]));
    const text = JSON.stringify(audits);
    for (const n of numbers) expect(text).not.toContain(n.slice(6, 14));
    expect(text).not.toContain(NEW);
    expect((await verifyAuditChain(s.database.db)).ok).toBe(true);
  });
});

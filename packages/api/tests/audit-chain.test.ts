import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditLog, hashEntry, sql, verifyAuditChain, type Db } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import type { Database } from '@safecity/core';

/**
 * The audit chain in its two forms: entries written before `body_hash` existed (hash over the
 * content) and entries linked in the database by `safecity_write_tail` (hash over the body hash).
 * A log mixing both verifies; each way of tampering is found at the entry it touched.
 */
let database: Database;
const actor = { id: 'tester', roles: ['city_admin'] };

class Undo extends Error {}

/** Tampers around the trigger inside a transaction, verifies there, and rolls everything back. */
async function verifyTampered(statement: string) {
  let seen: Awaited<ReturnType<typeof verifyAuditChain>> | null = null;
  await database.db
    .transaction(async (txAny) => {
      const tx = txAny as unknown as Db;
      await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await tx.execute(sql.raw(statement));
      await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
      seen = await verifyAuditChain(tx);
      throw new Undo();
    })
    .catch((e) => {
      if (!(e instanceof Undo)) throw e;
    });
  return seen!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db as unknown as Db;
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(auditLog)) as { n: number }[];
  expect(Number(n)).toBe(0);
  // Two entries of the first form, as the old writer made them.
  let prevHash = '0'.repeat(64);
  for (const name of ['甲', '乙']) {
    const row = {
      id: randomUUID(),
      at: new Date('2026-01-05T02:00:00.000Z'),
      actorId: 'old-writer',
      actorRoles: ['city_admin'],
      operation: 'oldWrite',
      entityType: 'Thing',
      entityId: name,
      jurisdictionCode: '620102',
      before: null,
      after: { name },
      purpose: null,
      requestId: 'r-old',
      prevHash,
    };
    const hash = hashEntry(row);
    await db.insert(auditLog).values({ ...row, hash });
    prevHash = hash;
  }
  // Then three of the linked form, in two transactions.
  await db.transaction(async (tx) =>
    appendAudit(tx as unknown as Db, actor, 'r-1', 'newWrite', [
      { entityType: 'Thing', entityId: '丙', jurisdictionCode: '620102', after: { name: '丙' } },
      { entityType: 'Thing', entityId: '丁', jurisdictionCode: null, after: null },
    ]),
  );
  await db.transaction(async (tx) =>
    appendAudit(tx as unknown as Db, actor, 'r-2', 'newWrite', [{ entityType: 'Thing', entityId: '戊', jurisdictionCode: '620103', before: { name: '丙' }, after: { name: '戊', roles: ['a', 'b'] } }]),
  );
}, 120_000);
afterAll(() => database?.close());

describe('audit chain in both forms', () => {
  it('verifies a log mixing the two forms, and links the new entries to the old head', async () => {
    expect(await verifyAuditChain(database.db, 2)).toEqual({ ok: true, checked: 5, firstBrokenSeq: null, reason: null });
    const rows = await database.db.select({ seq: auditLog.seq, bodyHash: auditLog.bodyHash, prevHash: auditLog.prevHash, hash: auditLog.hash }).from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.bodyHash === null)).toEqual([true, true, false, false, false]);
    expect(rows.slice(1).map((r, i) => r.prevHash === rows[i].hash)).toEqual([true, true, true, true]);
  });

  // Each case alters the log around the append-only trigger and names the entry found broken.
  it.each([
    ['content of a linked entry', `update audit_log set after = '{"name":"篡改"}' where seq = 3`, 3, /altered/],
    ['body hash of a linked entry, recomputed for altered content', `update audit_log set after = '{"name":"篡改"}', body_hash = encode(sha256('x'), 'hex') where seq = 4`, 4, /altered/],
    ['a linked entry turned into the first form', `update audit_log set body_hash = null where seq = 5`, 5, /altered/],
    ['content of an old entry', `update audit_log set entity_id = '篡改' where seq = 2`, 2, /altered/],
    ['an entry removed', `delete from audit_log where seq = 3`, 4, /removed or inserted/],
  ])('finds %s', async (_name, statement, seq, reason) => {
    const v = await verifyTampered(statement);
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: seq });
    expect(v.reason).toMatch(reason);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, appendAuditRows, auditChainOf, auditLog, auditObjectSql, sql, verifyAuditChain, type Db } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import type { Database } from '@safecity/core';

/**
 * The bulk append (appendAuditRows): entries built, hashed and linked in the database from rows,
 * as an import writes them. What it hashes must be what verifyAuditChain recomputes from the
 * stored row (canonicalJson of the jsonb read back), whatever the values hold: quotes, escapes,
 * control characters, CJK, nulls, numbers, booleans.
 */
let database: Database;
const actor = { id: 'importer "x"', roles: ['city_admin', 'grid_worker'] };
const GENESIS = '0'.repeat(64);

const NASTY = ['plain', 'quote " and \\ backslash', 'line\nbreak\ttab\r', 'ctl \u0001\u001f\u007f', '七里河区 😀', '', null] as const;

/** Rows of a temporary table: what a caller's source selects from. */
async function stageThings(tx: Db) {
  await tx.execute(sql`create temp table things (n int, code text, label text, size int, open boolean) on commit drop`);
  await tx.execute(sql`insert into things select i, case i % 3 when 0 then '620103001001' when 1 then '620102' else null end,
                         (${JSON.stringify(NASTY)}::jsonb ->> (i % ${NASTY.length})), i * 7 - 20, i % 2 = 0
                         from generate_series(0, 13) i`);
}
const thing = auditObjectSql([
  ['label', sql`t.label`],
  ['size', sql`t.size`],
  ['open', sql`t.open`],
  ['code', sql`t.code`],
  ['nothing', sql`null::text`],
]);
const source = sql`select t.n as ord, 'Thing' as entity_type, 'bulk-' || t.n as entity_id, t.code as jurisdiction_code, ${thing.json} as after, ${thing.canonical} as after_canonical from things t`;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe('an object built in SQL for an audit entry', () => {
  it.each([['idNumber'], ['residentId'], ['phone'], ['mobile'], ['idNumberHash'], ['idNumberCipher'], ['phoneCipher']])('refuses the personal or secret key %s', (key) => {
    expect(() => auditObjectSql([[key, sql`'x'`]])).toThrow(/personal identifier/);
  });
  it.each([['idNumberMasked'], ['phoneMasked'], ['name']])('accepts %s', (key) => {
    expect(() => auditObjectSql([[key, sql`'x'`]])).not.toThrow();
  });
});

describe('appendAuditRows', () => {
  it('appends one entry per row, in order, each linked in its own chain, and the chain verifies', async () => {
    await database.db.transaction(async (txAny) => {
      const tx = txAny as unknown as Db;
      await appendAudit(tx, actor, 'r-before', 'oneByOne', [{ entityType: 'Thing', entityId: 'first', jurisdictionCode: '620102', after: { a: 1 } }]);
      await stageThings(tx);
      expect(await appendAuditRows(tx, actor, 'r-bulk', 'bulkWrite', source, ['620103001001', '620102', null])).toBe(14);
      await appendAudit(tx, actor, 'r-after', 'oneByOne', [{ entityType: 'Thing', entityId: 'last', jurisdictionCode: '620103', after: { b: 'x' } }]);
    });
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.entityId)).toEqual(['first', ...Array.from({ length: 14 }, (_, i) => `bulk-${i}`), 'last']);
    const bulk = rows.filter((r) => r.entityId.startsWith('bulk-'));
    expect(bulk.map((r) => r.chain)).toEqual(bulk.map((r) => auditChainOf(r.jurisdictionCode)));
    expect(bulk[2]).toMatchObject({ actorId: actor.id, actorRoles: actor.roles, operation: 'bulkWrite', requestId: 'r-bulk', before: null, purpose: null });
    expect(bulk.map((r) => (r.after as { label: string | null }).label)).toEqual(Array.from({ length: 14 }, (_, i) => NASTY[i % NASTY.length]));
    expect(bulk[3].after).toEqual({ label: NASTY[3], size: 1, open: false, code: '620103001001', nothing: null });
    expect(bulk[2].after).toMatchObject({ code: null });
    const heads = new Map<string, string>();
    for (const r of rows) {
      expect(r.prevHash).toBe(heads.get(r.chain!) ?? GENESIS);
      heads.set(r.chain!, r.hash);
    }
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 16, firstBrokenSeq: null, reason: null });
  });

  it('refuses a row whose jurisdiction was not given (its chain is unknown), and writes nothing', async () => {
    const before = await database.db.select({ seq: auditLog.seq }).from(auditLog);
    const failure = await database.db
      .transaction(async (txAny) => {
        const tx = txAny as unknown as Db;
        await stageThings(tx);
        await appendAuditRows(tx, actor, 'r-bad', 'bulkWrite', source, ['620102', null]);
      })
      .then(
        () => null,
        (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`,
      );
    expect(failure).toMatch(/without a chain/);
    expect(await database.db.select({ seq: auditLog.seq }).from(auditLog)).toHaveLength(before.length);
  });

  it('an altered bulk entry is found at its seq', async () => {
    const [victim] = await database.db.select().from(auditLog).where(sql`entity_id = 'bulk-5'`);
    let seen: Awaited<ReturnType<typeof verifyAuditChain>> | null = null;
    await database.db
      .transaction(async (txAny) => {
        const tx = txAny as unknown as Db;
        await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
        await tx.execute(sql`update audit_log set after = jsonb_set(after, '{size}', '999') where entity_id = 'bulk-5'`);
        seen = await verifyAuditChain(tx);
        throw new Error('undo');
      })
      .catch(() => undefined);
    expect(seen).toMatchObject({ ok: false, firstBrokenSeq: victim.seq, reason: expect.stringMatching(/altered/) });
  });
});

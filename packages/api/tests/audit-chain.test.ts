import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorAuditChains,
  anchorNeeded,
  appendAudit,
  auditChainOf,
  auditLaneChain,
  auditLog,
  bodyHash,
  chainNewestSql,
  hashEntry,
  linkHash,
  rowsOf,
  sql,
  verifyAuditChain,
  type Db,
} from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import type { Database } from '@safecity/core';

/**
 * The audit chains: entries written before chains existed (the legacy chain: first-form entries
 * hashing their content, then entries linked by body hash), and since then one chain per district
 * plus the city chain, whose anchors record every chain's head. Every chain verifies; each way
 * of tampering is found at the entry it touched, and a district's removed tail at the anchor
 * that named it.
 */
let database: Database;
const actor = { id: 'tester', roles: ['city_admin'] };
const GENESIS = '0'.repeat(64);

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

const write = (requestId: string, entries: Parameters<typeof appendAudit>[4]) => database.db.transaction(async (tx) => appendAudit(tx as unknown as Db, actor, requestId, 'newWrite', entries));

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db as unknown as Db;
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(auditLog)) as { n: number }[];
  expect(Number(n)).toBe(0);
  // The legacy chain (chain null): two entries of the first form, as the oldest writer made them,
  // then one linked by its body hash, as the writer before chains made it.
  let prevHash = GENESIS;
  for (const name of ['甲', '乙', '丙']) {
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
    };
    if (name === '丙') {
      const body = bodyHash(row);
      const hash = linkHash(prevHash, body);
      await db.insert(auditLog).values({ ...row, prevHash, bodyHash: body, hash });
      prevHash = hash;
    } else {
      const hash = hashEntry({ ...row, prevHash });
      await db.insert(auditLog).values({ ...row, prevHash, hash });
      prevHash = hash;
    }
  }
  // Since chains: seq 4 (620102) and 5 (city) in one transaction, 6 (620103), 7 (620102, a community's code).
  await write('r-1', [
    { entityType: 'Thing', entityId: '丁', jurisdictionCode: '620102', after: { name: '丁' } },
    { entityType: 'Thing', entityId: '戊', jurisdictionCode: null, after: null },
  ]);
  await write('r-2', [{ entityType: 'Thing', entityId: '己', jurisdictionCode: '620103', before: { name: '丙' }, after: { name: '己', roles: ['a', 'b'] } }]);
  await write('r-3', [{ entityType: 'Thing', entityId: '庚', jurisdictionCode: '620102001001', after: { name: '庚' } }]);
  // Seq 8: the anchor (city chain); seq 9: a 620103 entry after it.
  expect(await anchorAuditChains(db, 'r-anchor')).toMatchObject({ legacy: { seq: 3 }, '620102': { seq: 7 }, '620103': { seq: 6 } });
  await write('r-4', [{ entityType: 'Thing', entityId: '辛', jurisdictionCode: '620103', after: { name: '辛' } }]);
}, 120_000);
afterAll(() => database?.close());

describe('the chain of an entry', () => {
  it.each([
    ['620102', '620102'],
    ['620102001001', '620102'],
    ['620102001001001', '620102'],
    [null, 'city'],
    [undefined, 'city'],
    ['', 'city'],
  ])('%s is in chain %s', (code, chain) => {
    expect(auditChainOf(code)).toBe(chain);
  });

  it('agrees with safecity_chain_of in the database', async () => {
    const res = await database.db.execute(sql`select safecity_chain_of('620102001001') as a, safecity_chain_of(null) as b`);
    const row = ((res as unknown as { rows?: unknown[] }).rows ?? (res as unknown as unknown[]))[0];
    expect(row).toEqual({ a: auditChainOf('620102001001'), b: auditChainOf(null) });
  });

  // The write tail names a lane for every lane it tries: these must be inlined by the planner
  // (an expression of the caller), not run as SQL functions of their own on each call.
  it.each([
    ['safecity_lane_chain', sql`safecity_lane_chain('620102', k)`],
    ['safecity_chain_of', sql`safecity_chain_of('620102' || k::text)`],
  ])('%s is inlined where it is called', async (name, call) => {
    const res = await database.db.execute(sql`explain (verbose, costs off) select ${call} from generate_series(0, 2) k`);
    const plan = ((res as unknown as { rows?: Record<string, string>[] }).rows ?? (res as unknown as Record<string, string>[])).map((r) => Object.values(r)[0]).join('\n');
    expect(plan).toMatch(/CASE/);
    expect(plan).not.toMatch(new RegExp(name));
  });

  it.each([
    [0, '620102'],
    [3, '620102.3'],
  ])('lane %i of 620102 is named %s in the database as in auditLaneChain', async (lane, named) => {
    const res = await database.db.execute(sql`select safecity_lane_chain('620102', ${lane}::int) as n`);
    const row = ((res as unknown as { rows?: unknown[] }).rows ?? (res as unknown as unknown[]))[0];
    expect(row).toEqual({ n: named });
    expect(auditLaneChain('620102', lane)).toBe(named);
  });
});

describe('when an anchor is needed', () => {
  const h = (seq: number) => ({ seq, hash: String(seq) });
  it.each([
    ['no chain yet', {}, null, false],
    ['only the city chain (anchors themselves)', { city: h(5) }, null, false],
    ['a district chain and no anchor yet', { '620102': h(4) }, null, true],
    ['nothing moved since the last anchor', { '620102': h(4), city: h(9) }, { '620102': h(4) }, false],
    ['a district chain moved', { '620102': h(7) }, { '620102': h(4) }, true],
    ['a new district chain', { '620102': h(4), '620103': h(6) }, { '620102': h(4) }, true],
  ])('%s', (_name, now, last, needed) => {
    expect(anchorNeeded(now, last)).toBe(needed);
  });

  it('writes no anchor when no chain moved since the last one', async () => {
    let heads: unknown = 'not run';
    await database.db
      .transaction(async (tx) => {
        await appendAudit(tx as unknown as Db, actor, 'r-x', 'newWrite', [{ entityType: 'Thing', entityId: 'x', jurisdictionCode: '620103' }]);
        expect(await anchorAuditChains(tx as unknown as Db, 'r-anchor-2')).not.toBeNull();
        heads = await anchorAuditChains(tx as unknown as Db, 'r-anchor-3');
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect(heads).toBeNull();
  });
});

describe('audit chains', () => {
  it('verifies every chain and the anchor; each new entry links to the previous one of its own chain', async () => {
    expect(await verifyAuditChain(database.db, 2)).toEqual({ ok: true, checked: 9, firstBrokenSeq: null, reason: null });
    const rows = await database.db.select({ seq: auditLog.seq, chain: auditLog.chain, prevHash: auditLog.prevHash, hash: auditLog.hash }).from(auditLog).orderBy(auditLog.seq);
    expect(rows.map((r) => r.chain)).toEqual([null, null, null, '620102', 'city', '620103', '620102', 'city', '620103']);
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    const prevOf = { 2: 1, 3: 2, 7: 4, 8: 5, 9: 6 } as Record<number, number>;
    for (const r of rows) expect(r.prevHash).toBe(prevOf[r.seq] ? bySeq.get(prevOf[r.seq])!.hash : GENESIS);
  });

  // Each case alters the log around the append-only trigger and names the entry found broken.
  it.each([
    ['content of a district entry', `update audit_log set after = '{"name":"篡改"}' where seq = 4`, 4, /altered/],
    ['body hash of a district entry, recomputed for altered content', `update audit_log set after = '{"name":"篡改"}', body_hash = encode(sha256('x'), 'hex') where seq = 6`, 6, /altered/],
    ['a district entry turned into the first form', `update audit_log set body_hash = null where seq = 7`, 7, /altered/],
    ['content of a legacy entry of the first form', `update audit_log set entity_id = '篡改' where seq = 2`, 2, /altered/],
    ['a legacy entry removed', `delete from audit_log where seq = 2`, 3, /removed or inserted/],
    ['an entry removed from the middle of a district chain', `delete from audit_log where seq = 4`, 7, /chain 620102 is broken/],
    ['an entry moved to another chain', `update audit_log set chain = '620102' where seq = 6`, 6, /chain 620102 is broken/],
    ['the anchored tail of a district chain removed', `delete from audit_log where seq = 7`, 8, /removed \(a truncated tail\)/],
    ['the anchored tail of the legacy chain removed', `delete from audit_log where seq = 3`, 8, /removed \(a truncated tail\)/],
    ['the heads an anchor recorded, rewritten', `update audit_log set after = jsonb_set(after, '{heads,620102,seq}', '4') where seq = 8`, 8, /anchor 8 names entry 4 of chain 620102/],
  ])('finds %s', async (_name, statement, seq, reason) => {
    const v = await verifyTampered(statement);
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: seq });
    expect(v.reason).toMatch(reason);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });
});

describe('one write of many entries across chains', () => {
  // In a transaction rolled back at the end: the other tests read the nine entries above as the
  // whole log (a tail removed is a tail only while nothing follows it).
  it('stores them in their order, each linked to the previous entry of its own chain', async () => {
    const codes = ['620103', '620102', null, '620103001001', '620102', '620103', null, '620102001001'];
    let checked = false;
    await database.db
      .transaction(async (txAny) => {
        const tx = txAny as unknown as Db;
        await appendAudit(
          tx,
          actor,
          'r-many',
          'newWrite',
          codes.map((c, i) => ({ entityType: 'Thing', entityId: `many-${i}`, jurisdictionCode: c, after: { i } })),
        );
        const rows = await tx.select({ seq: auditLog.seq, entityId: auditLog.entityId, chain: auditLog.chain, prevHash: auditLog.prevHash, hash: auditLog.hash }).from(auditLog).orderBy(auditLog.seq);
        const mine = rows.filter((r) => r.entityId.startsWith('many-'));
        expect(mine.map((r) => r.entityId)).toEqual(codes.map((_c, i) => `many-${i}`));
        expect(mine.map((r) => r.chain)).toEqual(codes.map((c) => auditChainOf(c)));
        const heads = new Map<string, string>();
        for (const r of rows) {
          if (r.entityId.startsWith('many-')) expect(r.prevHash).toBe(heads.get(r.chain!) ?? GENESIS);
          if (r.chain) heads.set(r.chain, r.hash);
        }
        expect(await verifyAuditChain(tx)).toMatchObject({ ok: true, checked: 9 + codes.length });
        checked = true;
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect(checked).toBe(true);
  });
});

describe('the newest entry of a chain', () => {
  it('is found through the (chain, seq) index in a plan made for any chain, not by walking the log back from its end, when a rare lane sits beside a district lane holding most of the log', async () => {
    // After a bulk import into a district's first lane and an ANALYZE, the write tail's head
    // lookup on a lane of a few entries took the primary key backwards and filtered: the whole log.
    const own = await createTestDatabase();
    try {
      await own.db.transaction(async (txAny) => {
        const tx = txAny as unknown as Db;
        // Lane 7's 20 entries first, then 20,000 of lane 0: the backward walk would pass them all.
        await tx.execute(sql`insert into audit_log (id, at, actor_id, actor_roles, operation, entity_type, entity_id, request_id, prev_hash, hash, chain)
          select gen_random_uuid(), now(), 'bulk', '{city_admin}', 'bulkWrite', 'Thing', n::text, 'r-bulk', '', md5(n::text), case when n <= 20 then '620102.7' else '620102' end
            from generate_series(1, 20020) n`);
        await tx.execute(sql`analyze audit_log`);
        await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
        await tx.execute(sql.raw(`prepare chain_newest(text) as ${chainNewestSql('$1', 'a.seq, a.hash')}`));
        try {
          const plan = JSON.stringify(rowsOf(await tx.execute(sql`explain (format json) execute chain_newest('620102.7')`)));
          expect(plan).toContain('audit_log_chain_idx');
          expect(plan).not.toContain('audit_log_pkey');
          expect(rowsOf<{ hash: string }>(await tx.execute(sql`execute chain_newest('620102.7')`))[0]?.hash).toBe(createHash('md5').update('20').digest('hex'));
          expect(rowsOf<{ hash: string }>(await tx.execute(sql`execute chain_newest('620102')`))[0]?.hash).toBe(createHash('md5').update('20020').digest('hex'));
        } finally {
          await tx.execute(sql`deallocate chain_newest`);
        }
      });
    } finally {
      await own.close();
    }
  }, 120_000);
});

import { createHash, randomUUID } from 'node:crypto';
import { and, asc, gt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
// Masking lives in masking.ts: one policy for answers, audit entries and logs.
import { maskPersonal } from './masking.js';
import { rowsAsSelect } from './sql-helpers.js';
import { auditLog } from './tables.js';

export interface AuditInput {
  operation?: string;
  entityType: string;
  entityId: string;
  jurisdictionCode?: string | null;
  before?: unknown;
  after?: unknown;
  purpose?: string | null;
}

export interface AuditActor {
  id: string;
  roles: string[];
}

const GENESIS = '0'.repeat(64);
/** Serializes appends to the chain; held only for the end of the writing transaction. */
const AUDIT_LOCK_KEY = 727_001;

/** Canonical JSON: sorted keys, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface Row {
  id: string;
  at: Date;
  actorId: string;
  actorRoles: string[];
  operation: string;
  entityType: string;
  entityId: string;
  jurisdictionCode: string | null;
  before: unknown;
  after: unknown;
  purpose: string | null;
  requestId: string;
  prevHash: string;
}

export function hashEntry(row: Row): string {
  const body = canonicalJson({
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorRoles: row.actorRoles,
    operation: row.operation,
    entityType: row.entityType,
    entityId: row.entityId,
    jurisdictionCode: row.jurisdictionCode,
    before: row.before,
    after: row.after,
    purpose: row.purpose,
    requestId: row.requestId,
  });
  return createHash('sha256').update(row.prevHash).update('\n').update(body).digest('hex');
}

/**
 * Appends entries to the chain inside the caller's transaction (3 statements whatever the count).
 * Must run in a transaction: the advisory lock is released at commit or rollback.
 */
export async function appendAudit(tx: Db, actor: AuditActor, requestId: string, defaultOperation: string, entries: AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(sql`${auditLog.seq} desc`).limit(1);
  let prevHash = last[0]?.hash ?? GENESIS;
  // Millisecond precision: what PostgreSQL stores is what we hash.
  const at = new Date(Math.floor(Date.now()));
  const rows = entries.map((e) => {
    const row: Row = {
      id: randomUUID(),
      at,
      actorId: actor.id,
      actorRoles: actor.roles,
      operation: e.operation ?? defaultOperation,
      entityType: e.entityType,
      entityId: e.entityId,
      jurisdictionCode: e.jurisdictionCode ?? null,
      before: normalizeJson(maskPersonal(e.before ?? null)),
      after: normalizeJson(maskPersonal(e.after ?? null)),
      purpose: e.purpose ?? null,
      requestId,
      prevHash,
    };
    const hash = hashEntry(row);
    prevHash = hash;
    return { ...row, hash };
  });
  await tx.insert(auditLog).select(rowsAsSelect(auditLog, rows));
}

function normalizeJson(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not hold. */
  firstBrokenSeq: number | null;
  reason: string | null;
}

/** Recomputes the chain in pages; an altered, inserted or removed entry breaks it. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerification> {
  let prevHash = GENESIS;
  let checked = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(and(gt(auditLog.seq, afterSeq))).orderBy(asc(auditLog.seq)).limit(pageSize);
    for (const r of page) {
      if (r.prevHash !== prevHash) return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'link to the previous entry is broken (an entry was removed or inserted)' };
      const expected = hashEntry({ ...r, actorRoles: r.actorRoles ?? [], before: r.before, after: r.after });
      if (expected !== r.hash) return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'entry content does not match its hash (altered)' };
      prevHash = r.hash;
      checked++;
    }
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1].seq;
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

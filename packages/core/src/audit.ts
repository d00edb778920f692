import { createHash, randomUUID } from 'node:crypto';
import { and, asc, gt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
// Masking lives in masking.ts: one policy for answers, audit entries and logs.
import { maskPersonal } from './masking.js';
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
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
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

type Body = Omit<Row, 'prevHash'>;

function canonicalBody(row: Body): string {
  return canonicalJson({
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
}

/** The chain's first form (entries without `body_hash`): sha256(prevHash || '\n' || canonical(entry)). */
export function hashEntry(row: Row): string {
  return createHash('sha256').update(row.prevHash).update('\n').update(canonicalBody(row)).digest('hex');
}

/** What the writer hashes: the entry's content alone, so the database can link it to the chain. */
export function bodyHash(row: Body): string {
  return createHash('sha256').update(canonicalBody(row)).digest('hex');
}

/** The link, as `safecity_write_tail` computes it in SQL: sha256(prevHash || '\n' || bodyHash). */
export function linkHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** An audit entry ready for `safecity_write_tail` (column names as keys). */
export interface AuditRecord {
  id: string;
  at: string;
  actor_id: string;
  actor_roles: string[];
  operation: string;
  entity_type: string;
  entity_id: string;
  jurisdiction_code: string | null;
  before: unknown;
  after: unknown;
  purpose: string | null;
  request_id: string;
  body_hash: string;
}

/** Masks personal identifiers and hashes each entry's content; the chain link is made in the database. */
export function auditRecords(actor: AuditActor, requestId: string, defaultOperation: string, entries: AuditInput[]): AuditRecord[] {
  // Millisecond precision: what PostgreSQL stores is what we hash.
  const at = new Date(Math.floor(Date.now()));
  return entries.map((e) => {
    const body: Body = {
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
    };
    return {
      id: body.id,
      at: at.toISOString(),
      actor_id: body.actorId,
      actor_roles: body.actorRoles,
      operation: body.operation,
      entity_type: body.entityType,
      entity_id: body.entityId,
      jurisdiction_code: body.jurisdictionCode,
      before: body.before,
      after: body.after,
      purpose: body.purpose,
      request_id: requestId,
      body_hash: bodyHash(body),
    };
  });
}

/** An outbox row for `safecity_write_tail`. */
export interface OutboxRecord {
  name: string;
  payload: unknown;
  request_id: string;
  jurisdiction_code: string | null;
}

/** The idempotency record of a mutation, for `safecity_write_tail`. */
export interface IdempotencyRecord {
  actor_id: string;
  key: string;
  operation: string;
  request_hash: string;
  result: unknown;
}

function rowsOf(res: unknown): Record<string, unknown>[] {
  return Array.isArray(res) ? (res as Record<string, unknown>[]) : ((res as { rows?: Record<string, unknown>[] }).rows ?? []);
}

/**
 * The end of every writing transaction in one statement (one round trip): the chain lock, the
 * audit entries linked to the chain's head, the outbox rows, and the idempotency record.
 * The lock is taken in this last statement before COMMIT, so it is held for one round trip
 * instead of four. Returns false when the idempotency key was already stored (a concurrent
 * request with the same key won): the caller rolls back and answers with the first result.
 */
export async function writeTail(tx: Db, tail: { audit?: AuditRecord[]; events?: OutboxRecord[]; idempotency?: IdempotencyRecord | null }): Promise<boolean> {
  const audit = tail.audit ?? [];
  const events = tail.events ?? [];
  if (audit.length === 0 && events.length === 0 && !tail.idempotency) return true;
  const res = await tx.execute(
    sql`select safecity_write_tail(${JSON.stringify(audit)}::jsonb, ${JSON.stringify(events)}::jsonb, ${tail.idempotency ? JSON.stringify(tail.idempotency) : null}::jsonb) as stored`,
  );
  return rowsOf(res)[0]?.stored === true;
}

/**
 * Appends entries to the chain inside the caller's transaction (one statement whatever the count).
 * Must run in a transaction: the advisory lock is released at commit or rollback.
 */
export async function appendAudit(tx: Db, actor: AuditActor, requestId: string, defaultOperation: string, entries: AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  await writeTail(tx, { audit: auditRecords(actor, requestId, defaultOperation, entries) });
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
    const page = await db
      .select()
      .from(auditLog)
      .where(and(gt(auditLog.seq, afterSeq)))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const r of page) {
      if (r.prevHash !== prevHash) return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'link to the previous entry is broken (an entry was removed or inserted)' };
      const row = { ...r, actorRoles: r.actorRoles ?? [], before: r.before, after: r.after };
      // Entries written since body_hash exists are linked by it; older ones hash their content directly.
      const intact = r.bodyHash === null ? hashEntry(row) === r.hash : bodyHash(row) === r.bodyHash && linkHash(r.prevHash, r.bodyHash) === r.hash;
      if (!intact) return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'entry content does not match its hash (altered)' };
      prevHash = r.hash;
      checked++;
    }
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1].seq;
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

/**
 * The write tail (see `writeTail`). One lock for the city's chain and the outbox's order (727001,
 * as before): event ids must follow commit order for subscribers, and the chain has one head.
 * Each statement of a volatile plpgsql function takes a new snapshot, so the head read after
 * the lock is the committed one.
 */
export const WRITE_TAIL_SQL = `create or replace function safecity_write_tail(p_audit jsonb, p_events jsonb, p_idem jsonb) returns boolean language plpgsql as $$
declare
  head text;
  prev text;
  hashes text[] := '{}';
  bh text;
  stored int := 1;
begin
  if jsonb_array_length(p_audit) > 0 or jsonb_array_length(p_events) > 0 then
    perform pg_advisory_xact_lock(${AUDIT_LOCK_KEY});
  end if;
  if jsonb_array_length(p_audit) > 0 then
    select a.hash into head from audit_log a order by a.seq desc limit 1;
    head := coalesce(head, '${GENESIS}');
    prev := head;
    for bh in select t.x->>'body_hash' from jsonb_array_elements(p_audit) with ordinality as t(x, n) order by t.n loop
      prev := encode(sha256(convert_to(prev || E'\\n' || bh, 'UTF8')), 'hex');
      hashes := hashes || prev;
    end loop;
    insert into audit_log (id, at, actor_id, actor_roles, operation, entity_type, entity_id, jurisdiction_code, before, after, purpose, request_id, prev_hash, body_hash, hash)
    select r.id, r.at, r.actor_id, r.actor_roles, r.operation, r.entity_type, r.entity_id, r.jurisdiction_code, r.before, r.after, r.purpose, r.request_id,
           coalesce(hashes[t.n - 1], head), r.body_hash, hashes[t.n]
      from jsonb_array_elements(p_audit) with ordinality as t(x, n),
           jsonb_to_record(t.x) as r(id uuid, at timestamptz, actor_id text, actor_roles text[], operation text, entity_type text, entity_id text,
                                     jurisdiction_code text, before jsonb, after jsonb, purpose text, request_id text, body_hash text)
     order by t.n;
  end if;
  if jsonb_array_length(p_events) > 0 then
    insert into event_outbox (name, payload, request_id, jurisdiction_code)
    select t.x->>'name', t.x->'payload', t.x->>'request_id', t.x->>'jurisdiction_code'
      from jsonb_array_elements(p_events) with ordinality as t(x, n)
     order by t.n;
  end if;
  if p_idem is not null then
    insert into idempotency_keys (actor_id, key, operation, request_hash, result)
    values (p_idem->>'actor_id', p_idem->>'key', p_idem->>'operation', p_idem->>'request_hash', nullif(p_idem->'result', 'null'::jsonb))
    on conflict do nothing;
    get diagnostics stored = row_count;
  end if;
  return stored > 0;
end $$`;

import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db.js';
import { batchIdSql } from './batch-ids.js';
import { executeFixed } from './statement.js';
import { rowsOf } from './sql-helpers.js';
// Masking lives in masking.ts: one policy for answers, audit entries and logs.
import { maskPersonal, personalKindOf, SECRET_KEYS } from './masking.js';
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
/** The SQLSTATE the write tail raises when its idempotency key was stored before (a retry, or a concurrent twin that won). */
export const IDEMPOTENCY_KEY_TAKEN = 'SCI01';
/**
 * The first key of a chain's advisory lock (the second is hashtext(chain)): it serializes appends
 * to one chain and the outbox ids of its events, held only for the end of the writing transaction.
 */
const AUDIT_LOCK_KEY = 727_001;

/** The chain of entries and events without a jurisdiction, and of the anchors. */
export const CITY_CHAIN = 'city';
/** How `verifyAuditChain` names the chain of entries written before chains existed (chain null). */
export const LEGACY_CHAIN = 'legacy';
/** The entity type of an anchor entry: the heads of every chain, recorded in the city chain. */
export const ANCHOR_ENTITY = 'AuditAnchor';

/**
 * The chain an entry or an event belongs to: its district (the code's first 6 digits), so that
 * writers of different districts do not wait for each other; `city` without a code. Keep in step
 * with `safecity_chain_of` in writeTailSql; the lane within the chain is chosen there (auditLaneChain).
 */
export function auditChainOf(jurisdictionCode: string | null | undefined): string {
  return jurisdictionCode && /^\d{6}/.test(jurisdictionCode) ? jurisdictionCode.slice(0, 6) : CITY_CHAIN;
}

/**
 * How many lanes a district chain has (AUDIT_CHAIN_LANES, default 16). A writing transaction
 * appends to the first lane of its district that no other transaction holds (lane 0 when nobody
 * else is writing there), so concurrent writers of one district do not queue on one lock; each lane
 * is a chain of its own (links, head, anchor). The city chain (anchors, entries without a
 * jurisdiction) keeps one lane. 1 restores one chain per district.
 */
export function auditChainLanes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AUDIT_CHAIN_LANES || 16);
  return Number.isInteger(n) && n >= 1 && n <= 1024 ? n : 16;
}

/**
 * The name of lane `lane` of a chain: lane 0 is the chain's own name (what one chain per district
 * wrote before lanes existed), lane k > 0 is `<chain>.<k>`. Keep in step with `safecity_lane_chain`.
 */
export function auditLaneChain(chain: string, lane: number): string {
  return lane === 0 ? chain : `${chain}.${lane}`;
}

/**
 * The newest entry of one chain (`columns` of it; `chain` an SQL expression; `also`, a further
 * condition on the entry). Written as a range
 * (x <= chain <= x) ordered by (chain, seq), not `chain = x order by seq desc`: with an
 * equality the planner may take the primary key backwards and filter for the chain, which is
 * cheap for a chain holding most of the log and a scan of all of it for a rare one; a plan made
 * for any chain (a plpgsql statement, a lateral) estimates every chain at the average. After a
 * 600k-row import into one district's first lane and an ANALYZE, the write tail's head lookup on a
 * lane of a few hundred entries ran into the 10 s statement timeout. Ordered by (chain, seq), only
 * the (chain, seq) index gives the order.
 */
export function chainNewestSql(chain: string, columns: string, also = ''): string {
  return `select ${columns} from audit_log a where a.chain >= ${chain} and a.chain <= ${chain}${also ? ` and ${also}` : ''} order by a.chain desc, a.seq desc limit 1`;
}

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

/**
 * The end of every writing transaction in one statement (one round trip): the locks of the
 * chains it appends to (districts, or city), the audit entries linked to their chains' heads, the
 * outbox rows, and the idempotency record. The locks are taken in this last statement before
 * COMMIT, so they are held for one round trip instead of four. Fails with SQLSTATE
 * IDEMPOTENCY_KEY_TAKEN when the idempotency key was already stored (a concurrent request with
 * the same key won): the transaction is then aborted and the caller answers with the first result.
 * Prepared (executeFixed): the text never changes.
 */
export async function writeTail(tx: Db, tail: { audit?: AuditRecord[]; events?: OutboxRecord[]; idempotency?: IdempotencyRecord | IdempotencyRecord[] | null }): Promise<void> {
  const audit = tail.audit ?? [];
  const events = tail.events ?? [];
  // Several records: the requests of a group commit (group-commit.ts); any key stored before fails them all.
  const idem = Array.isArray(tail.idempotency) && tail.idempotency.length === 0 ? null : tail.idempotency;
  if (audit.length === 0 && events.length === 0 && !idem) return;
  await executeFixed(tx, sql`select safecity_write_tail(${JSON.stringify(audit)}::jsonb, ${JSON.stringify(events)}::jsonb, ${idem ? JSON.stringify(idem) : null}::jsonb) as stored`);
}

/**
 * Appends entries to the chain inside the caller's transaction (one statement whatever the count).
 * Must run in a transaction: the advisory lock is released at commit or rollback.
 */
export async function appendAudit(tx: Db, actor: AuditActor, requestId: string, defaultOperation: string, entries: AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  await writeTail(tx, { audit: auditRecords(actor, requestId, defaultOperation, entries) });
}

/**
 * One field of an audit entry built in SQL: its key and an expression of type text, integer,
 * boolean or null (what jsonb and canonicalJson agree on; a date or an instant is passed as text).
 */
export type AuditSqlField = readonly [key: string, value: SQL];

/** The JSON text of one SQL value, as canonicalJson writes it: to_json escapes strings as JSON.stringify does. */
const jsonTextSql = (value: SQL) => sql`coalesce(to_json(${value})::text, 'null')`;

/**
 * An object built in SQL twice from the same fields: as jsonb (what is stored) and as its
 * canonical text (what is hashed), keys in canonicalJson's order, so that verifyAuditChain's
 * canonicalJson of the stored jsonb is the hashed text. Personal identifiers and secrets are
 * refused here, since maskPersonal cannot see values built in SQL: mask them before (the
 * `…Masked` columns) or leave them out.
 */
export function auditObjectSql(fields: readonly AuditSqlField[]): { json: SQL; canonical: SQL } {
  for (const [k] of fields) {
    if (SECRET_KEYS.test(k) || personalKindOf(k)) throw new Error(`audit field ${k} holds a personal identifier: give its masked form instead`);
  }
  // The stored jsonb is the canonical text parsed: the same value as building it field by field,
  // at half the cost (bulk appends build 20k of them a statement).
  const canonical = canonicalObjectSql(fields.map(([k, v]) => [k, jsonTextSql(v)] as const));
  return { json: sql`(${canonical})::jsonb`, canonical };
}

/** The canonical text of an object from the canonical texts of its values (keys sorted as canonicalJson sorts them). */
function canonicalObjectSql(parts: readonly (readonly [key: string, canonical: SQL])[]): SQL {
  if (parts.length === 0) return sql`'{}'::text`;
  const sorted = [...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sql`(${sql.join(
    sorted.map(([k, v], i) => sql`${`${i ? ',' : '{'}${JSON.stringify(k)}:`}::text || ${v}`),
    sql` || `,
  )} || '}')`;
}

/**
 * Appends one audit entry per row of `source` in the caller's transaction, built, hashed and
 * linked in the database (a bulk write: the entries never travel to the application). `source`
 * selects `ord` (the entries' order), `entity_type`, `entity_id`, `jurisdiction_code`, `after`
 * (jsonb) and `after_canonical` (its canonical text): see auditObjectSql. `jurisdictionCodes`
 * are the codes the rows can have (an entry with another code is refused: its chain is unknown).
 * Each entry goes to the chain auditChainOf gives its jurisdiction; the chains' locks are taken in chain order (as
 * `safecity_write_tail` does) and held to COMMIT. Returns the number of entries appended.
 */
export async function appendAuditRows(tx: Db, actor: AuditActor, requestId: string, operation: string, source: SQL, jurisdictionCodes: readonly (string | null)[]): Promise<number> {
  // The chains come from auditChainOf, applied to the (few) jurisdictions the rows can have.
  if (jurisdictionCodes.length === 0) return 0;
  // Looked up per entry in one jsonb object (a null code under ''; codes are never empty): a join
  // on `is not distinct from` cannot hash, and compared every entry with every code (20k entries ×
  // 723 codes, 1.6 s of a 10k-row import chunk at city size).
  const chains = JSON.stringify(Object.fromEntries([...new Set(jurisdictionCodes)].map((c) => [c ?? '', auditChainOf(c)])));
  // Millisecond precision: what PostgreSQL stores is what we hash (as auditRecords).
  const at = new Date(Math.floor(Date.now())).toISOString();
  // The entry's canonical body (canonicalBody's keys and values), built from the row.
  const body = canonicalObjectSql([
    ['id', jsonTextSql(sql`e.id::text`)],
    ['at', jsonTextSql(sql`${at}::text`)],
    ['actorId', jsonTextSql(sql`${actor.id}::text`)],
    ['actorRoles', sql`${canonicalJson(actor.roles)}::text`],
    ['operation', jsonTextSql(sql`${operation}::text`)],
    ['entityType', jsonTextSql(sql`e.entity_type::text`)],
    ['entityId', jsonTextSql(sql`e.entity_id::text`)],
    ['jurisdictionCode', jsonTextSql(sql`e.jurisdiction_code::text`)],
    ['before', sql`'null'::text`],
    ['after', sql`e.after_canonical`],
    ['purpose', sql`'null'::text`],
    ['requestId', jsonTextSql(sql`${requestId}::text`)],
  ]);
  // The entries' ids are numbered in order under one random prefix (batchIds: side by side in the
  // id and entity indexes). One sort by `ord` feeds every array (an ordered aggregate each would sort the entries, `after`
  // included, once per array); the arrays stay aligned whatever the order, as one aggregation pass
  // appends each entry to all of them.
  const res = await tx.execute(sql`
    select safecity_append_audit_rows(${at}::timestamptz, ${actor.id}::text, ${`{${actor.roles.map((r) => JSON.stringify(r)).join(',')}}`}::text[], ${operation}::text, ${requestId}::text,
             coalesce(array_agg(e.id), '{}'), coalesce(array_agg(e.entity_type), '{}'), coalesce(array_agg(e.entity_id), '{}'),
             coalesce(array_agg(e.jurisdiction_code), '{}'), coalesce(array_agg(${chains}::jsonb ->> coalesce(e.jurisdiction_code, '')), '{}'), coalesce(array_agg(e.after), '{}'),
             coalesce(array_agg(encode(sha256(convert_to(${body}, 'UTF8')), 'hex')), '{}')) as n
      from (select s.*, ${batchIdSql(sql`row_number() over (order by s.ord) - 1`)} as id from (${source}) s order by s.ord) e`);
  return Number(rowsOf(res)[0]?.n ?? 0);
}

/**
 * Takes the locks of chains in chain order (as the write tail does), held to COMMIT: what a bulk
 * write of outbox rows needs before its ids are drawn (see `appendOutboxRows`).
 */
export async function lockAuditChains(tx: Db, chains: readonly string[]): Promise<void> {
  const sorted = [...new Set(chains)].sort();
  if (sorted.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY}, hashtext(c)) from jsonb_array_elements_text(${JSON.stringify(sorted)}::jsonb) with ordinality as t(c, n) order by n`);
}

function normalizeJson(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not hold (for a missing anchored entry: the anchor). */
  firstBrokenSeq: number | null;
  reason: string | null;
}

interface AnchorClaim {
  anchorSeq: number;
  chain: string;
  hash: string;
}

/** What an anchor records of one chain: its head when the anchor was written. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Recomputes every chain in one pass in seq order (each entry links to the previous entry of its
 * own chain); an altered, inserted or removed entry breaks its chain. Anchors say which entry
 * headed each chain when they were written: an anchored entry missing (a removed tail) or
 * different is found too. Entries after the last anchor are covered by their links only.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerification> {
  const claims = new Map<number, AnchorClaim[]>();
  const anchors = await db
    .select({ seq: auditLog.seq, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, ANCHOR_ENTITY), eq(auditLog.chain, CITY_CHAIN)))
    .orderBy(asc(auditLog.seq));
  for (const a of anchors) {
    const heads = ((a.after as { heads?: Record<string, ChainHead> } | null)?.heads ?? {}) as Record<string, ChainHead>;
    for (const [chain, head] of Object.entries(heads)) {
      const list = claims.get(head.seq) ?? [];
      list.push({ anchorSeq: a.seq, chain, hash: head.hash });
      claims.set(head.seq, list);
    }
  }
  const heads = new Map<string, string>();
  let checked = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(pageSize);
    for (const r of page) {
      const chain = r.chain ?? LEGACY_CHAIN;
      if (r.prevHash !== (heads.get(chain) ?? GENESIS))
        return { ok: false, checked, firstBrokenSeq: r.seq, reason: `link to the previous entry of chain ${chain} is broken (an entry was removed or inserted)` };
      const row = { ...r, actorRoles: r.actorRoles ?? [], before: r.before, after: r.after };
      // Entries written since body_hash exists are linked by it; older ones hash their content directly.
      const intact = r.bodyHash === null ? hashEntry(row) === r.hash : bodyHash(row) === r.bodyHash && linkHash(r.prevHash, r.bodyHash) === r.hash;
      if (!intact) return { ok: false, checked, firstBrokenSeq: r.seq, reason: 'entry content does not match its hash (altered)' };
      for (const c of claims.get(r.seq) ?? []) {
        if (c.chain !== chain || c.hash !== r.hash)
          return { ok: false, checked, firstBrokenSeq: c.anchorSeq, reason: `anchor ${c.anchorSeq} names entry ${r.seq} of chain ${c.chain}, which is not there as anchored` };
      }
      claims.delete(r.seq);
      heads.set(chain, r.hash);
      checked++;
    }
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1].seq;
  }
  // An anchored entry never met: the chain's tail (or the entry) was removed.
  const missing = [...claims.entries()].flatMap(([seq, cs]) => cs.map((c) => ({ seq, ...c }))).sort((a, b) => a.anchorSeq - b.anchorSeq)[0];
  if (missing)
    return { ok: false, checked, firstBrokenSeq: missing.anchorSeq, reason: `anchor ${missing.anchorSeq} names entry ${missing.seq} of chain ${missing.chain}, which was removed (a truncated tail)` };
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

/**
 * The head of every chain now (a skip scan over the (chain, seq) index: one probe per chain, not
 * a read of the log). The legacy chain (entries without a chain) is included under its name.
 */
export async function chainHeads(db: Db): Promise<Record<string, ChainHead>> {
  const rows = rowsOf(
    await db.execute(sql`with recursive c(chain) as (
        (select chain from audit_log where chain is not null order by chain limit 1)
        union all
        select (select a.chain from audit_log a where a.chain > c.chain order by a.chain limit 1) from c where c.chain is not null)
      select c.chain, h.seq, h.hash from c cross join lateral (${sql.raw(chainNewestSql('c.chain', 'a.seq, a.hash'))}) h where c.chain is not null
      union all
      select ${LEGACY_CHAIN}, seq, hash from (select seq, hash from audit_log where chain is null order by seq desc limit 1) l`),
  );
  const out: Record<string, ChainHead> = {};
  for (const r of rows) out[String(r.chain)] = { seq: Number(r.seq), hash: String(r.hash) };
  return out;
}

/** Whether an anchor is needed: some chain (other than the anchors' own) moved since the last one. */
export function anchorNeeded(now: Record<string, ChainHead>, last: Record<string, ChainHead> | null): boolean {
  const moved = Object.entries(now).filter(([c]) => c !== CITY_CHAIN);
  if (moved.length === 0) return false;
  return !last || moved.some(([c, h]) => last[c]?.seq !== h.seq);
}

/**
 * Writes an anchor in the city chain: the heads of the other chains, so that removing the tail of
 * a district chain up to an anchored entry is found by `verifyAuditChain`. Does nothing when no
 * chain moved since the last anchor. Returns the anchored heads (null when nothing was written).
 */
export async function anchorAuditChains(db: Db, requestId: string): Promise<Record<string, ChainHead> | null> {
  const now = await chainHeads(db);
  // The city chain's newest anchor (its chain and entity type are constants of this module).
  const [last] = rowsOf<{ after: unknown }>(await db.execute(sql.raw(chainNewestSql(`'${CITY_CHAIN}'`, 'a.after', `a.entity_type = '${ANCHOR_ENTITY}'`))));
  const lastHeads = (last?.after as { heads?: Record<string, ChainHead> } | undefined)?.heads ?? null;
  if (!anchorNeeded(now, lastHeads)) return null;
  const heads = Object.fromEntries(Object.entries(now).filter(([c]) => c !== CITY_CHAIN));
  await db.transaction(async (tx) => {
    await writeTail(tx as unknown as Db, {
      audit: auditRecords({ id: 'system', roles: ['system'] }, requestId, 'anchorAuditChains', [{ entityType: ANCHOR_ENTITY, entityId: requestId, jurisdictionCode: null, after: { heads } }]),
    });
  });
  return heads;
}

/**
 * The write tail (see `writeTail`). For each chain touched (its district, or city), in chain order,
 * one lane is locked until COMMIT: the first lane of the district that no other transaction holds
 * (a try-lock each, which never waits), or, when every lane is taken, the lane of the backend's pid
 * (waited for). The lock orders the lane's appends and its events' outbox ids (a later id of a lane
 * never commits first, which is what the relay and subscribers rely on, per chain: the event's
 * `chain` column names the lane). Waits happen in chain order only, holding only locks of earlier
 * chains, so two tails never wait on each other in a cycle. Each statement of a volatile plpgsql
 * function takes a new snapshot, so a head read after its lock is the committed one.
 */
export function writeTailSql(lanes = auditChainLanes()): string[] {
  return [
    `create or replace function safecity_chain_of(code text) returns text language sql immutable as $$
     select case when code ~ '^[0-9]{6}' then left(code, 6) else '${CITY_CHAIN}' end $$`,
    // lane::text, not `|| lane`: text || integer is a stable operator, and PostgreSQL does not
    // inline an immutable SQL function whose body is not immutable: the tail then ran this
    // function as a query of its own for every lane it tried.
    `create or replace function safecity_lane_chain(chain text, lane int) returns text language sql immutable as $$
     select case when lane = 0 then chain else chain || '.' || lane::text end $$`,
    `create or replace function safecity_write_tail(p_audit jsonb, p_events jsonb, p_idem jsonb) returns boolean language plpgsql as $$
declare
  ch text;
  lane text;
  taken jsonb := '{}';
  heads jsonb := '{}';
  prev text;
  h text;
  bodies text[];
  chains text[];
  prevs text[] := '{}';
  links text[] := '{}';
  stored int := 1;
begin
  for ch in select distinct safecity_chain_of(t.x->>'jurisdiction_code') as c
              from (select x from jsonb_array_elements(p_audit) x union all select x from jsonb_array_elements(p_events) x) t
             order by 1 loop
    lane := null;
    if ch <> '${CITY_CHAIN}' then
      for k in 0 .. ${lanes - 1} loop
        if pg_try_advisory_xact_lock(${AUDIT_LOCK_KEY}, hashtext(safecity_lane_chain(ch, k))) then
          lane := safecity_lane_chain(ch, k);
          exit;
        end if;
      end loop;
    end if;
    if lane is null then
      lane := safecity_lane_chain(ch, case when ch = '${CITY_CHAIN}' then 0 else pg_backend_pid() % ${lanes} end);
      perform pg_advisory_xact_lock(${AUDIT_LOCK_KEY}, hashtext(lane));
    end if;
    taken := taken || jsonb_build_object(ch, lane);
  end loop;
  -- The links are made in a loop over the body hashes alone (each entry's prev is the previous
  -- entry's hash in its lane); the entries are then inserted in one statement, in their order.
  select coalesce(array_agg(t.x->>'body_hash' order by t.n), '{}'), coalesce(array_agg(taken->>safecity_chain_of(t.x->>'jurisdiction_code') order by t.n), '{}')
    into bodies, chains
    from jsonb_array_elements(p_audit) with ordinality as t(x, n);
  for i in 1 .. coalesce(array_length(bodies, 1), 0) loop
    prev := heads->>chains[i];
    if prev is null then
      ${chainNewestSql('chains[i]', 'a.hash into prev')};
      prev := coalesce(prev, '${GENESIS}');
    end if;
    h := encode(sha256(convert_to(prev || E'\\n' || bodies[i], 'UTF8')), 'hex');
    prevs[i] := prev;
    links[i] := h;
    heads := heads || jsonb_build_object(chains[i], h);
  end loop;
  if array_length(bodies, 1) > 0 then
    insert into audit_log (id, at, actor_id, actor_roles, operation, entity_type, entity_id, jurisdiction_code, before, after, purpose, request_id, prev_hash, body_hash, hash, chain)
    select e.id, e.at, e.actor_id, e.actor_roles, e.operation, e.entity_type, e.entity_id, e.jurisdiction_code, e.before, e.after, e.purpose, e.request_id,
           l.prev, e.body_hash, l.link, l.chain
      -- Joined by position, not subscripted: an element of a text[] is found by walking it.
      from jsonb_array_elements(p_audit) with ordinality as t(x, n)
      join unnest(prevs, links, chains) with ordinality as l(prev, link, chain, n) on l.n = t.n,
           jsonb_to_record(t.x) as e(id uuid, at timestamptz, actor_id text, actor_roles text[], operation text, entity_type text, entity_id text,
                                     jurisdiction_code text, before jsonb, after jsonb, purpose text, request_id text, body_hash text)
     order by t.n;
  end if;
  if jsonb_array_length(p_events) > 0 then
    insert into event_outbox (name, payload, request_id, jurisdiction_code, chain)
    select t.x->>'name', t.x->'payload', t.x->>'request_id', t.x->>'jurisdiction_code', taken->>safecity_chain_of(t.x->>'jurisdiction_code')
      from jsonb_array_elements(p_events) with ordinality as t(x, n)
     order by t.n;
  end if;
  if jsonb_typeof(p_idem) = 'object' then
    insert into idempotency_keys (actor_id, key, operation, request_hash, result)
    values (p_idem->>'actor_id', p_idem->>'key', p_idem->>'operation', p_idem->>'request_hash', nullif(p_idem->'result', 'null'::jsonb))
    on conflict do nothing;
    get diagnostics stored = row_count;
    -- The key was stored before: an error, not a false, so that a COMMIT sent right behind this
    -- statement (pipelined, see runMutation) finds the transaction aborted and rolls it back.
    if stored = 0 then
      raise exception 'idempotency key % already stored', p_idem->>'key' using errcode = '${IDEMPOTENCY_KEY_TAKEN}';
    end if;
  elsif jsonb_typeof(p_idem) = 'array' then
    -- A group commit's records: one key stored before (or twice in the group) fails the group.
    insert into idempotency_keys (actor_id, key, operation, request_hash, result)
    select i->>'actor_id', i->>'key', i->>'operation', i->>'request_hash', nullif(i->'result', 'null'::jsonb)
      from jsonb_array_elements(p_idem) i
    on conflict do nothing;
    get diagnostics stored = row_count;
    if stored < jsonb_array_length(p_idem) then
      raise exception 'an idempotency key of the group was already stored' using errcode = '${IDEMPOTENCY_KEY_TAKEN}';
    end if;
  end if;
  return true;
end $$`,
  ];
}

/**
 * The bulk append of `appendAuditRows`: the chains' locks in chain order (as the write tail), each
 * entry linked to the previous one of its chain, and all inserted in one statement, in order.
 */
export const AUDIT_ROWS_SQL = [
  `create or replace function safecity_append_audit_rows(p_at timestamptz, p_actor_id text, p_roles text[], p_operation text, p_request_id text,
     p_ids uuid[], p_types text[], p_entities text[], p_codes text[], p_chains text[], p_afters jsonb[], p_bodies text[]) returns int language plpgsql as $$
declare
  ch text;
  heads jsonb := '{}';
  prev text;
  h text;
  prevs text[] := '{}';
  links text[] := '{}';
begin
  if array_position(p_chains, null) is not null then
    raise exception 'audit entry without a chain (its jurisdiction code was not given)';
  end if;
  for ch in select distinct c from unnest(p_chains) c order by 1 loop
    perform pg_advisory_xact_lock(${AUDIT_LOCK_KEY}, hashtext(ch));
  end loop;
  for i in 1 .. coalesce(array_length(p_bodies, 1), 0) loop
    prev := heads->>p_chains[i];
    if prev is null then
      ${chainNewestSql('p_chains[i]', 'a.hash into prev')};
      prev := coalesce(prev, '${GENESIS}');
    end if;
    h := encode(sha256(convert_to(prev || E'\\n' || p_bodies[i], 'UTF8')), 'hex');
    prevs[i] := prev;
    links[i] := h;
    heads := heads || jsonb_build_object(p_chains[i], h);
  end loop;
  insert into audit_log (id, at, actor_id, actor_roles, operation, entity_type, entity_id, jurisdiction_code, before, after, purpose, request_id, prev_hash, body_hash, hash, chain)
  select e.id, p_at, p_actor_id, p_roles, p_operation, e.entity_type, e.entity_id, e.code, null, e.after, null, p_request_id, e.prev, e.body, e.link, e.chain
    from unnest(p_ids, p_types, p_entities, p_codes, p_afters, p_bodies, prevs, links, p_chains) with ordinality as e(id, entity_type, entity_id, code, after, body, prev, link, chain, n)
   order by e.n;
  return coalesce(array_length(p_bodies, 1), 0);
end $$`,
];

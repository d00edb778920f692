import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { oneOf } from './integrity.js';
import { LEVELS } from './jurisdiction.js';

/** The jurisdiction tree (属地). `code` is a division code; see jurisdiction.ts for the path rule. */
export const jurisdictions = pgTable(
  'jurisdictions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level', { enum: LEVELS }).notNull(),
    parentCode: text('parent_code').references((): AnyPgColumn => jurisdictions.code),
    depth: integer('depth').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [jurisdictionIndex('jurisdictions_code_prefix_idx', t.code), index('jurisdictions_parent_idx').on(t.parentCode, t.code), oneOf('jurisdictions_level_check', t.level, LEVELS)],
);

/**
 * A `jurisdiction_code` column referencing `jurisdictions(code)`: no row can sit in a division
 * code that does not exist. Every module's tables use it (core is a dependency of every module).
 */
export const jurisdictionCode = (name = 'jurisdiction_code') => text(name).references(() => jurisdictions.code);

/**
 * The index a subtree read uses: the division code under the pattern operators, which the scope's
 * range conditions bound (withinSql, the row-security policy). With `id`, for a table listed in
 * (jurisdiction, id) pages: the page is read in the index's order and stops (keysetOrder).
 */
export function jurisdictionIndex(name: string, code: AnyPgColumn, id?: AnyPgColumn) {
  return id ? index(name).using('btree', sql`${code} text_pattern_ops`, id) : index(name).using('btree', sql`${code} text_pattern_ops`);
}

/**
 * Append-only audit log, chained by hash: hash = sha256(prevHash || canonical(entry)).
 * A trigger (installed by migrate) refuses UPDATE and DELETE; verifyAuditChain detects
 * anything that got past it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorId: text('actor_id').notNull(),
    actorRoles: text('actor_roles').array().notNull(),
    operation: text('operation').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    jurisdictionCode: jurisdictionCode(),
    before: jsonb('before'),
    after: jsonb('after'),
    purpose: text('purpose'),
    requestId: text('request_id').notNull(),
    prevHash: text('prev_hash').notNull(),
    /**
     * sha256(canonical(entry)), computed by the writer; then hash = sha256(prevHash || '\n' || bodyHash),
     * computed in the database under the chain lock (one statement, see audit.ts). Null on entries
     * written before it existed, whose hash is sha256(prevHash || '\n' || canonical(entry)).
     */
    bodyHash: text('body_hash'),
    hash: text('hash').notNull(),
    /**
     * The chain the entry is linked in: its district (the jurisdiction code's first 6 digits), or
     * `city` for entries without one (anchors included), so writers of different districts do not
     * wait on one lock. Null on entries written before chains existed: the one legacy chain.
     */
    chain: text('chain'),
  },
  (t) => [
    index('audit_log_chain_idx').on(t.chain, t.seq),
    index('audit_log_entity_idx').on(t.entityType, t.entityId, t.seq),
    index('audit_log_actor_idx').on(t.actorId, t.seq),
    index('audit_log_at_idx').on(t.at),
    jurisdictionIndex('audit_log_jurisdiction_idx', t.jurisdictionCode),
  ],
);

/** A retried idempotency key returns the first result and writes nothing twice. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    requestHash: text('request_hash').notNull(),
    result: jsonb('result'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

/**
 * Revoked tokens: by `jti` (one token) or by `sub` (every token of the subject issued up to
 * `revoked_at`). Rows are never deleted; a row older than the maximum token age no longer
 * matters because every token it could match has expired, so the API loads only recent rows.
 */
export const tokenRevocations = pgTable(
  'token_revocations',
  {
    id: uuid('id').primaryKey(),
    jti: text('jti'),
    sub: text('sub'),
    reason: text('reason').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedBy: text('revoked_by').notNull(),
  },
  (t) => [index('token_revocations_at_idx').on(t.revokedAt), index('token_revocations_jti_idx').on(t.jti), index('token_revocations_sub_idx').on(t.sub)],
);

/**
 * The transactional outbox: every domain event is written here in the transaction of the change
 * that raised it, then relayed after commit (in process or to Redis) until delivered. `id` is
 * taken under the lock of an audit-chain lane held until commit, so id order is commit order within a lane.
 * Published rows are kept (marked `published_at`); nothing is deleted.
 */
export const eventOutbox = pgTable(
  'event_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    requestId: text('request_id').notNull(),
    jurisdictionCode: jurisdictionCode(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    /**
     * The audit-chain lane whose lock the id was taken under (e.g. `620102` or `620102.3`, see
     * audit.ts): ids grow in commit order within it, so subscribers de-duplicate per lane. Null on
     * rows written before lanes existed: their chain is auditChainOf(jurisdiction_code).
     */
    chain: text('chain'),
  },
  (t) => [index('event_outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} is null`)],
);

/**
 * Who relays the outbox (one row): a lease renewed by the relay's every pass in the same statement
 * that reads the next events, so that one instance relays at a time without holding a transaction
 * (and its BEGIN and COMMIT) around each pass. A relay that stops releases it; one that dies loses
 * it when `lease_until` passes.
 */
export const outboxRelayLease = pgTable('outbox_relay_lease', {
  id: integer('id').primaryKey(),
  holder: text('holder').notNull(),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }).notNull(),
});

export const coreTables = { jurisdictions, auditLog, idempotencyKeys, tokenRevocations, eventOutbox, outboxRelayLease };

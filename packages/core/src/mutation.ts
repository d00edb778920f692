import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { appendAudit, auditRecords, canonicalJson, IDEMPOTENCY_KEY_TAKEN, writeTail, type AuditInput } from './audit.js';
import { requireActor, type Ctx, type TxCtx } from './context.js';
import type { Db } from './db.js';
import { inScopedTransaction, widenedForSystem } from './data/row-security.js';
import { CoreErrors } from './errors.js';
import { hasSqlState, isRetryableConflict, WRITE_ATTEMPTS } from './faults.js';
import type { DomainEvents, EmittedEvent, EventName } from './events.js';
import { outboxRecords } from './outbox.js';
import { idempotencyKeys } from './tables.js';

export interface MutationOptions {
  /** The operation name recorded in the audit log (the GraphQL mutation name). */
  operation: string;
  /** A retried key returns the first result and writes nothing twice. */
  idempotencyKey?: string | null;
  /** The input, hashed to detect reuse of a key for a different request. */
  input?: unknown;
  /** Run as this actor (seeds and sweeps run as `system`). */
  system?: boolean;
}

/**
 * The one way to write: a transaction holding the writes, their audit entries and the
 * subscribers of the events they emit, and the events themselves in the outbox. After commit
 * the outbox relay delivers them to GraphQL subscriptions (in process or Redis) until delivered.
 * Anything thrown rolls everything back, events included.
 */
export async function runMutation<T>(ctx: Ctx, opts: MutationOptions, fn: (tx: TxCtx) => Promise<T>): Promise<T> {
  // Called from a subscriber or another service inside a transaction: join it.
  if (isTx(ctx)) return fn(ctx);
  const actor = opts.system ? { id: 'system', roles: ['system'] } : requireActor(ctx);
  const requestHash = opts.idempotencyKey ? requestHashOf(opts.operation, opts.input) : '';
  let emitted: EmittedEvent[] = [];
  let result: T;
  try {
    // Inside a scoped read (an access record on a read) the write joins the request's transaction.
    const scoped = inScopedTransaction(ctx);
    // On a server, a transaction of its own sends its COMMIT right behind the write tail, without
    // waiting for the tail's answer (one round trip instead of two): a tail that fails (its
    // idempotency key taken, a deadlock) has aborted the transaction, so that COMMIT rolls it
    // back, and the tail's error is thrown once the transaction has ended. Inside a request's
    // transaction (a savepoint) and on PGlite (no pipeline) the tail is awaited in place.
    const pipelined = !scoped && ctx.platform.database.kind === 'postgres';
    const attempt = async () => {
      const done = await (scoped ? ctx.db : ctx.platform.database.db).transaction(async (db) => {
        const txDb = db as unknown as Db;
        if (scoped && opts.system) return widenedForSystem(ctx, txDb, () => body(txDb, false));
        return body(txDb, pipelined);
      });
      await done.tail;
      return done;
    };
    // A deadlock or serialization failure aborted the whole transaction (nothing was written):
    // run it again. Not inside a request's transaction: that one is aborted with it.
    for (let n = 1; ; n++) {
      try {
        const done = await attempt();
        result = done.value;
        emitted = done.events;
        break;
      } catch (e) {
        if (scoped || n >= WRITE_ATTEMPTS || !isRetryableConflict(e)) throw e;
        ctx.platform.log.warn({ operation: opts.operation, attempt: n, problem: 'write-conflict' }, 'write transaction aborted by a deadlock or serialization failure; running it again');
      }
    }
  } catch (e) {
    if (!opts.idempotencyKey) throw e;
    // No read of the key before the work (a round trip on every write): a retry does the work,
    // finds its key taken, rolls back and answers with the first result. A retry whose rules now
    // refuse (already registered…) lands here too, and is answered with the first result as well.
    const prior = await findKey(ctx.platform.database.db, actor.id, opts.idempotencyKey);
    if (!prior) {
      if (hasSqlState(e, IDEMPOTENCY_KEY_TAKEN)) throw new Error('idempotency key conflict without a stored key');
      throw e;
    }
    return replay<T>(prior, opts.operation, requestHash);
  }
  if (emitted.length) ctx.platform.outbox?.kick();
  return result;

  /** The work and the write tail; `tail` is the tail still under way when `deferTail` (see `pipelined`). */
  async function body(txDb: Db, deferTail: boolean): Promise<{ value: T; events: EmittedEvent[]; tail?: Promise<void> }> {
    const { tx, audits, events } = transactionContext(ctx, txDb);
    const value = await fn(tx);
    // One statement: audit entries, outbox rows and the idempotency record, under the locks of
    // their districts' chains taken last, so they are held only until the COMMIT that follows.
    // The result is stored as the JSON the tail's parameter is written as (instants as ISO text).
    // The key was stored before (a retry, or a concurrent request that won): the tail fails with
    // IDEMPOTENCY_KEY_TAKEN, ours is rolled back, and the first result answers (see the catch above).
    const tail = writeTail(txDb, {
      audit: auditRecords({ id: actor.id, roles: [...actor.roles] }, ctx.requestId, opts.operation, audits),
      events: outboxRecords(events),
      idempotency: opts.idempotencyKey ? { actor_id: actor.id, key: opts.idempotencyKey, operation: opts.operation, request_hash: requestHash, result: value ?? null } : null,
    });
    if (!deferTail) await tail;
    // Awaited by attempt() once the transaction has ended; if that ended in an error of its own
    // (COMMIT failed, the connection was lost), that error is the one thrown.
    else tail.catch(() => {});
    // Not a thenable: the transaction's callback resolves at once and the driver sends COMMIT.
    return { value, events, tail: deferTail ? tail : undefined };
  }
}

/**
 * The context of one request's work inside a write transaction: the transaction as its database,
 * and the audit entries and events it makes, collected for the write tail. Subscribers of an
 * event run at once, in the same transaction.
 */
export function transactionContext(ctx: Ctx, txDb: Db): { tx: TxCtx; audits: AuditInput[]; events: EmittedEvent[] } {
  const audits: AuditInput[] = [];
  const events: EmittedEvent[] = [];
  const tx: TxCtx = {
    ...ctx,
    db: txDb,
    loaders: new Map(), // loaders must not serve rows read before this transaction's writes
    audit: (entry) => void audits.push(entry),
    emitted: events,
    async emit<N extends EventName>(name: N, payload: DomainEvents[N]) {
      events.push({ name, payload, requestId: ctx.requestId });
      for (const s of ctx.platform.subscribers.get(name) ?? []) {
        await s.handle(tx, payload);
      }
    },
  };
  return { tx, audits, events };
}

/** What an idempotency key is stored with: a retry with the same key and another request is refused (IDEMPOTENCY_KEY_REUSED). */
export function requestHashOf(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update(canonicalJson(input ?? null))
    .digest('hex');
}

export function isTx(ctx: Ctx): ctx is TxCtx {
  return typeof (ctx as Partial<TxCtx>).emit === 'function';
}

async function findKey(db: Db, actorId: string, key: string) {
  const rows = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return rows[0] ?? null;
}

function replay<T>(prior: { operation: string; requestHash: string; result: unknown }, operation: string, requestHash: string): T {
  if (prior.operation !== operation || prior.requestHash !== requestHash) {
    throw CoreErrors.error('IDEMPOTENCY_KEY_REUSED', undefined, { field: 'idempotencyKey' });
  }
  return fromJson(prior.result) as T;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** Instants come back as Dates so resolvers see the same shapes as on the first call. */
function fromJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (_k, val) => (typeof val === 'string' && ISO_INSTANT.test(val) ? new Date(val) : val));
}

/** Records an audit entry outside a mutation (e.g. revealing personal data on a read). */
export async function recordAccess(ctx: Ctx, entry: AuditInput & { operation: string }): Promise<void> {
  const actor = requireActor(ctx);
  // ctx.db: inside a scoped read transaction this nests (a savepoint) instead of waiting for it.
  await ctx.db.transaction(async (db) => {
    await appendAudit(db as unknown as Db, { id: actor.id, roles: [...actor.roles] }, ctx.requestId, entry.operation, [entry]);
  });
}

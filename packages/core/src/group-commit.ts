import { AsyncResource } from 'node:async_hooks';
import { auditChainOf, auditRecords, writeTail, type AuditRecord, type IdempotencyRecord, type OutboxRecord } from './audit.js';
import { requireActor, type Ctx, type TxCtx } from './context.js';
import type { Db } from './db.js';
import { inScopedTransaction } from './data/row-security.js';
import { isTx, requestHashOf, runMutation, transactionContext } from './mutation.js';
import { outboxRecords } from './outbox.js';

/**
 * Group commit (issue #13, M1): the requests of one write operation that arrive while a
 * transaction of that operation is under way wait for it to end, and then ride one transaction
 * together: one statement for their rules' reads and locks, one for their rows, one write tail
 * for all their audit entries, events and idempotency records, one COMMIT. A request that arrives
 * when none is under way goes at once (a group of one): nothing waits on an idle server.
 *
 * Each request keeps what runMutation guarantees it. Its rows, its audit entries (with its own
 * actor and request id), its events and its idempotency record are written in the group's
 * transaction, so they commit together or not at all; the group's order is the order of a
 * serial execution (the work counts each member's predecessors in the group, as it would have
 * counted their committed rows). What the group's work cannot decide for a member (a refusal, a
 * rule it does not know how to apply to several at once) it answers ALONE, writing nothing for
 * that member, which then runs on its own through runMutation after the group has committed: its
 * refusal is the one the single path gives, from the registers as they are then. And when
 * anything fails the group (a conflict, a deadlock, an idempotency key stored before), its
 * transaction rolls back whole and every member runs on its own, with runMutation's retries and
 * idempotent replay.
 */

/** What the group's work answers for a member it leaves to the single path (it wrote nothing for it). */
export const ALONE: unique symbol = Symbol('safecity.alone');
export type GroupAnswer<T> = T | typeof ALONE;

export interface GroupMember<I> {
  /** The member's own context in the group's transaction: its audit entries and events are its own. */
  tx: TxCtx;
  input: I;
}

export interface GroupCommitOptions<I, T> {
  /** The operation recorded in the audit log and with idempotency keys (the GraphQL mutation name). */
  operation: string;
  /** The work of several requests in one transaction (`db`), one answer per member in order. */
  group: (db: Db, members: GroupMember<I>[]) => Promise<GroupAnswer<T>[]>;
  /** The same work for one request, inside runMutation (the single path). */
  alone: (tx: TxCtx, input: I) => Promise<T>;
  /** Members of one transaction at most (default 64). */
  maxGroup?: number;
}

interface Waiting<I, T> {
  ctx: Ctx;
  input: I;
  idempotencyKey: string | null;
  /** The request's async context (statement counting, logging): a group runs in its first member's. */
  scope: AsyncResource;
  resolve(value: T): void;
  reject(e: unknown): void;
}

interface Queue<I, T> {
  waiting: Waiting<I, T>[];
  running: boolean;
}

/**
 * The operation as a function of a request: `(ctx, input, idempotencyKey) => result`, grouped as
 * described above. Called inside another write (a subscriber) or a request's scoped transaction,
 * it joins that transaction as runMutation does.
 */
export function groupCommitted<I, T>(opts: GroupCommitOptions<I, T>): (ctx: Ctx, input: I, idempotencyKey?: string | null) => Promise<T> {
  const max = opts.maxGroup ?? 64;
  // A queue per database (a process may serve several: tests do) and per district of the caller
  // (its audit chain): a group that waits on a lock (a dwelling another transaction holds) holds up
  // the next group of its district in this process, not the city's.
  const queues = new WeakMap<object, Map<string, Queue<I, T>>>();
  const alone = (w: Pick<Waiting<I, T>, 'ctx' | 'input' | 'idempotencyKey'>) =>
    runMutation(w.ctx, { operation: opts.operation, idempotencyKey: w.idempotencyKey, input: w.input }, (tx) => opts.alone(tx, w.input));

  return (ctx, input, idempotencyKey = null) => {
    // Joined to a transaction under way, or without an actor (refused by runMutation): alone.
    if (isTx(ctx) || inScopedTransaction(ctx) || !ctx.actor) return alone({ ctx, input, idempotencyKey });
    const database = ctx.platform.database;
    let byDistrict = queues.get(database);
    if (!byDistrict) queues.set(database, (byDistrict = new Map()));
    const district = auditChainOf(ctx.actor.jurisdictionCode);
    let queue = byDistrict.get(district);
    if (!queue) byDistrict.set(district, (queue = { waiting: [], running: false }));
    const q = queue;
    return new Promise<T>((resolve, reject) => {
      q.waiting.push({ ctx, input, idempotencyKey, scope: new AsyncResource('safecity.groupCommit'), resolve, reject });
      if (!q.running) void drain(q);
    });
  };

  async function drain(q: Queue<I, T>): Promise<void> {
    q.running = true;
    try {
      while (q.waiting.length) {
        const members = q.waiting.splice(0, max);
        const first = members[0]!;
        try {
          await first.scope.runInAsyncScope(() => commitGroup(members));
        } catch (e) {
          // commitGroup answers every member itself; this is for a defect of its own, so that no
          // request is left waiting (a member already answered ignores it).
          for (const m of members) m.reject(e);
        }
      }
    } finally {
      q.running = false;
    }
  }

  /** Never throws: every member is answered, by the group or by the single path. */
  async function commitGroup(members: Waiting<I, T>[]): Promise<void> {
    let answers: GroupAnswer<T>[];
    let kick = false;
    try {
      const ctx = members[0]!.ctx;
      // As runMutation: on a server COMMIT goes right behind the write tail (one round trip); a
      // tail that failed aborted the transaction, that COMMIT rolls it back, and its error is
      // thrown once the transaction has ended. PGlite has no pipeline: the tail is awaited in place.
      const pipelined = ctx.platform.database.kind === 'postgres';
      const done = await ctx.platform.database.db.transaction(async (txDb) => {
        const db = txDb as unknown as Db;
        const contexts = members.map((m) => transactionContext(m.ctx, db));
        const out = await opts.group(
          db,
          members.map((m, i) => ({ tx: contexts[i]!.tx, input: m.input })),
        );
        if (out.length !== members.length) throw new Error(`${opts.operation}: the group's work answered ${out.length} of ${members.length} members`);
        const audit: AuditRecord[] = [];
        const events: OutboxRecord[] = [];
        const idempotency: IdempotencyRecord[] = [];
        out.forEach((answer, i) => {
          if (answer === ALONE) return;
          const m = members[i]!;
          const actor = requireActor(m.ctx);
          audit.push(...auditRecords({ id: actor.id, roles: [...actor.roles] }, m.ctx.requestId, opts.operation, contexts[i]!.audits));
          events.push(...outboxRecords(contexts[i]!.events));
          if (m.idempotencyKey) {
            idempotency.push({ actor_id: actor.id, key: m.idempotencyKey, operation: opts.operation, request_hash: requestHashOf(opts.operation, m.input), result: answer ?? null });
          }
        });
        kick = events.length > 0;
        const tail = writeTail(db, { audit, events, idempotency });
        if (!pipelined) await tail;
        else tail.catch(() => {});
        // Not a thenable: the callback resolves at once and the driver sends COMMIT.
        return { out, tail };
      });
      await done.tail;
      answers = done.out;
    } catch (e) {
      // The group rolled back whole: every member on its own (its refusal, retries and replay are
      // runMutation's). Not an error of any request yet, so logged at debug.
      members[0]!.ctx.platform.log.debug({ operation: opts.operation, members: members.length, problem: String((e as Error)?.message ?? e) }, 'group commit rolled back; its members run one by one');
      for (const m of members) runAlone(m);
      return;
    }
    if (kick) members[0]!.ctx.platform.outbox?.kick();
    answers.forEach((answer, i) => {
      const m = members[i]!;
      if (answer === ALONE) runAlone(m);
      else m.resolve(answer);
    });
  }

  /** A member on the single path, in its own request's async context; answered when that ends. */
  function runAlone(m: Waiting<I, T>) {
    m.scope.runInAsyncScope(() => alone(m)).then(m.resolve, m.reject);
  }
}

import { randomUUID } from 'node:crypto';
import { gte } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { requirePermission, type Ctx } from './context.js';
import { statementCounter, type Db } from './db.js';
import { CoreErrors } from './errors.js';
import { runMutation } from './mutation.js';
import { tokenRevocations } from './tables.js';

export type RevocationRow = typeof tokenRevocations.$inferSelect;

/** What a token is checked by: its id, its subject and when it was issued (seconds). */
export interface TokenIdentity {
  jti?: string | null;
  sub: string;
  iat: number;
}

/** Pure rule: a token is revoked by a row naming its `jti`, or its `sub` at or after its issue time. */
export function isTokenRevoked(t: TokenIdentity, byJti: ReadonlySet<string>, bySub: ReadonlyMap<string, number>): boolean {
  if (t.jti && byJti.has(t.jti)) return true;
  const subRevokedAt = bySub.get(t.sub);
  return subRevokedAt !== undefined && t.iat * 1000 <= subRevokedAt;
}

export interface RevocationList {
  /** Whether the token is revoked, by the list at most `refreshMs` old. */
  isRevoked(t: TokenIdentity): Promise<boolean>;
  /** The same without waiting: undefined when the list is due a reload (the caller then awaits `isRevoked`). */
  isRevokedNow(t: TokenIdentity): boolean | undefined;
  /** Reloads now (after a revocation made by this instance). */
  refresh(): Promise<void>;
}

/**
 * Each API instance keeps the recent revocations in memory and reloads them from the database
 * every `revocationRefreshMs` (a request that finds the list stale waits for the reload), so a
 * revocation made anywhere takes effect on every instance within that time, while verified
 * tokens stay cached. Rows older than the maximum token age are not loaded: every token they could
 * match has expired. If the database cannot be read, the last list stays in force and the failure
 * is logged (retried at most once a second).
 */
export function createRevocationList(db: Db, auth: Pick<Config['auth'], 'maxTokenAgeSeconds' | 'clockSkewSeconds' | 'revocationRefreshMs'>, log?: Logger): RevocationList {
  let byJti = new Set<string>();
  let bySub = new Map<string, number>();
  let loadedAt = 0;
  let failedAt = 0;
  let loading: Promise<void> | null = null;

  const load = async () => {
    const since = new Date(Date.now() - (auth.maxTokenAgeSeconds + auth.clockSkewSeconds) * 1000);
    const rows = await db.select({ jti: tokenRevocations.jti, sub: tokenRevocations.sub, revokedAt: tokenRevocations.revokedAt }).from(tokenRevocations).where(gte(tokenRevocations.revokedAt, since));
    const jtis = new Set<string>();
    const subs = new Map<string, number>();
    for (const r of rows) {
      if (r.jti) jtis.add(r.jti);
      if (r.sub) subs.set(r.sub, Math.max(subs.get(r.sub) ?? 0, r.revokedAt.getTime()));
    }
    byJti = jtis;
    bySub = subs;
    loadedAt = Date.now();
  };
  const refresh = () =>
    // Outside the request's statement counter: the reload is the platform's, not the request's
    // (a page's reported statement count must not depend on when the list was last reloaded).
    (loading ??= statementCounter
      .exit(load)
      .catch((err) => {
        failedAt = Date.now();
        log?.warn({ err: { message: (err as Error).message } }, 'token revocations: reload failed; the last list stays in force');
      })
      .finally(() => {
        loading = null;
      }));

  const due = () => {
    const now = Date.now();
    return now - loadedAt >= auth.revocationRefreshMs && now - failedAt >= 1000;
  };
  return {
    async isRevoked(t) {
      if (due()) await refresh();
      return isTokenRevoked(t, byJti, bySub);
    },
    isRevokedNow: (t) => (due() ? undefined : isTokenRevoked(t, byJti, bySub)),
    refresh,
  };
}

export interface RevokeTokenInput {
  jti?: string | null;
  sub?: string | null;
  reason: string;
}

/**
 * Revokes one token (by `jti`) or every token of a subject issued until now (by `sub`). Audited;
 * effective on every API instance within the revocation refresh interval.
 */
export async function revokeToken(ctx: Ctx, input: RevokeTokenInput, idempotencyKey?: string | null): Promise<RevocationRow> {
  requirePermission(ctx, 'auth:token.revoke');
  const jti = input.jti?.trim() || null;
  const sub = input.sub?.trim() || null;
  if (!jti === !sub) throw CoreErrors.error('INPUT_INVALID', 'Give either jti or sub.', { field: jti ? 'sub' : 'jti' });
  const reason = input.reason.trim();
  if (!reason) throw CoreErrors.error('INPUT_INVALID', 'A reason is required.', { field: 'reason' });
  return runMutation(ctx, { operation: 'revokeToken', idempotencyKey, input: { jti, sub, reason } }, async (tx) => {
    const [row] = await tx.db.insert(tokenRevocations).values({ id: randomUUID(), jti, sub, reason, revokedAt: tx.now(), revokedBy: tx.actor!.id }).returning();
    tx.audit({ entityType: 'TokenRevocation', entityId: row.id, after: row });
    return row;
  });
}

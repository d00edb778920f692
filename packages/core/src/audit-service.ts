import { eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { inScope, requireActor, type Ctx } from './context.js';
import { scopePrefix, withinSql } from './jurisdiction.js';
import { paginate, selectPage, type ConnectionArgs } from './pagination.js';
import { auditLog } from './tables.js';

export interface AuditFilter {
  entityType?: string | null;
  entityId?: string | null;
  actorId?: string | null;
  operation?: string | null;
  jurisdictionCode?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The audit log inside the caller's jurisdiction, newest first. */
export function listAuditLog(ctx: Ctx, f: AuditFilter, args: ConnectionArgs) {
  const actor = requireActor(ctx);
  // Entries without a jurisdiction (system-wide) are visible to city-level scopes only.
  const scope = scopePrefix(actor.jurisdictionCode).length <= 4 ? sql`(${inScope(ctx, auditLog.jurisdictionCode)} or ${auditLog.jurisdictionCode} is null)` : inScope(ctx, auditLog.jurisdictionCode);
  const conds: (SQL | undefined)[] = [
    scope,
    f.entityType ? eq(auditLog.entityType, f.entityType) : undefined,
    f.entityId ? eq(auditLog.entityId, f.entityId) : undefined,
    f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
    f.operation ? eq(auditLog.operation, f.operation) : undefined,
    f.jurisdictionCode ? withinSql(auditLog.jurisdictionCode, f.jurisdictionCode) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lte(auditLog.at, f.to) : undefined,
  ];
  return paginate<typeof auditLog.$inferSelect>(ctx, {
    args,
    direction: 'desc',
    keys: [{ column: auditLog.seq, of: (r) => r.seq }],
    fetch: selectPage(ctx.db, auditLog, conds),
  });
}

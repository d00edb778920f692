import { anyOf, containsPattern } from './sql-helpers.js';
import { and, eq, like, sql } from 'drizzle-orm';
import { assertInScope, assertVersion, inScope, indexBy, isInScope, loader, type Ctx } from './context.js';
import { CoreErrors, notFound } from './errors.js';
import { levelOf, parentCode, type JurisdictionLevel } from './jurisdiction.js';
import { runMutation } from './mutation.js';
import { paginate, type ConnectionArgs } from './pagination.js';
import { jurisdictions } from './tables.js';

export type JurisdictionRow = typeof jurisdictions.$inferSelect;

/** Batch-loads jurisdictions in the caller's subtree; others are NOT_FOUND. */
export function jurisdictionLoader(ctx: Ctx) {
  return loader<string, JurisdictionRow>(ctx, 'core.jurisdiction', async (codes) => {
    const rows = await ctx.db
      .select()
      .from(jurisdictions)
      .where(and(anyOf(jurisdictions.code, [...codes]), inScope(ctx, jurisdictions.code)));
    return indexBy(codes, rows, (r) => r.code).map((r) => r ?? notFound('jurisdiction'));
  });
}

export async function getJurisdiction(ctx: Ctx, code: string): Promise<JurisdictionRow> {
  return jurisdictionLoader(ctx).load(code);
}

/** The parent, or null where it lies above the caller's scope. */
export async function getParent(ctx: Ctx, j: JurisdictionRow): Promise<JurisdictionRow | null> {
  if (!j.parentCode || !isInScope(ctx, j.parentCode)) return null;
  return jurisdictionLoader(ctx).load(j.parentCode);
}

/** Ancestors inside the caller's scope, root first. */
export async function getAncestors(ctx: Ctx, j: JurisdictionRow): Promise<JurisdictionRow[]> {
  const codes: string[] = [];
  for (let c = j.parentCode; c && levelOf(c) !== 'province'; c = parentCode(c)) if (isInScope(ctx, c)) codes.unshift(c);
  const rows = await jurisdictionLoader(ctx).loadMany(codes);
  return rows.filter((r): r is JurisdictionRow => !(r instanceof Error));
}

export async function listJurisdictions(ctx: Ctx, filter: { parentCode?: string | null; level?: JurisdictionLevel | null; nameContains?: string | null }, args: ConnectionArgs) {
  return paginate<JurisdictionRow>(ctx, {
    args,
    keys: [{ column: jurisdictions.code, of: (r) => r.code }],
    fetch: (cursor, orderBy, limit) =>
      ctx.db
        .select()
        .from(jurisdictions)
        .where(
          and(
            inScope(ctx, jurisdictions.code),
            filter.parentCode ? eq(jurisdictions.parentCode, filter.parentCode) : undefined,
            filter.level ? eq(jurisdictions.level, filter.level) : undefined,
            filter.nameContains ? like(jurisdictions.name, containsPattern(filter.nameContains)) : undefined,
            cursor,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit),
  });
}

/** Grids are drawn locally: a community adds one, numbered after its last. */
export async function createGrid(ctx: Ctx, input: { communityCode: string; name: string }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'createGrid', idempotencyKey, input }, async (tx) => {
    const [community] = await tx.db
      .select()
      .from(jurisdictions)
      .where(and(eq(jurisdictions.code, input.communityCode), inScope(tx, jurisdictions.code)));
    if (!community) throw notFound('community');
    if (community.level !== 'community') throw CoreErrors.error('INPUT_INVALID', 'Grids belong to a community or village.', { field: 'communityCode' });
    const [{ last }] = await tx.db
      .select({ last: sql<string | null>`max(${jurisdictions.code})` })
      .from(jurisdictions)
      .where(eq(jurisdictions.parentCode, community.code));
    const n = last ? Number(last.slice(12)) + 1 : 1;
    if (n > 999) throw CoreErrors.error('INPUT_INVALID', 'A community has at most 999 grids.', { field: 'communityCode' });
    const [row] = await tx.db
      .insert(jurisdictions)
      .values({ code: `${community.code}${String(n).padStart(3, '0')}`, name: input.name, level: 'grid', parentCode: community.code, depth: community.depth + 1 })
      .returning();
    tx.audit({ entityType: 'Jurisdiction', entityId: row.code, jurisdictionCode: row.code, after: row });
    return row;
  });
}

export async function renameJurisdiction(ctx: Ctx, input: { code: string; name: string; version: number }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'renameJurisdiction', idempotencyKey, input }, async (tx) => {
    const [before] = await tx.db.select().from(jurisdictions).where(eq(jurisdictions.code, input.code)).for('update');
    assertInScope(tx, before?.code, 'jurisdiction');
    assertVersion(before.version, input.version, 'jurisdiction');
    const [after] = await tx.db
      .update(jurisdictions)
      .set({ name: input.name, version: before.version + 1, updatedAt: tx.now() })
      .where(and(eq(jurisdictions.code, input.code), eq(jurisdictions.version, input.version)))
      .returning();
    tx.audit({ entityType: 'Jurisdiction', entityId: after.code, jurisdictionCode: after.code, before, after });
    return after;
  });
}

/**
 * The one check every service makes before writing a record into a division code: the caller may
 * write there (the code lies in their subtree, else CORE_JURISDICTION_OUT_OF_SCOPE). Existence is
 * the database's: every jurisdiction column references jurisdictions(code). The one indexed lookup
 * here only turns a well-formed but unknown code into the client's coded CORE_JURISDICTION_UNKNOWN
 * (with its field) instead of a foreign-key violation.
 */
export async function requireWritableJurisdiction(ctx: Ctx, code: string, field = 'jurisdictionCode'): Promise<void> {
  if (!isInScope(ctx, code)) throw CoreErrors.error('JURISDICTION_OUT_OF_SCOPE', `Jurisdiction ${code} is outside your jurisdiction.`, { field });
  const [row] = await ctx.db.select({ code: jurisdictions.code }).from(jurisdictions).where(eq(jurisdictions.code, code));
  if (!row) throw CoreErrors.error('JURISDICTION_UNKNOWN', `No jurisdiction ${code}.`, { field });
}

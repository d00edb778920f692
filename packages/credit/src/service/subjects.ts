import { eq, like } from 'drizzle-orm';
import {
  anyOf,
  requireWritableJurisdiction,
  indexBy,
  isWithin,
  loader,
  notFound,
  relationPage,
  runMutation,
  scopedRead,
  type ConnectionArgs,
  type Ctx,
  type TxCtx,
  isUuid,
  chinaDateOf,
  containsPattern,
} from '@safecity/core';
import { CreditErrors } from '../errors.js';
import { subjectReads } from '../reads.js';
import type { SubjectKind } from '../rules.js';
import { creditSubjects, type RecordRow, type SubjectRow } from '../tables.js';

export const today = (ctx: Ctx) => chinaDateOf(ctx.now());

export function subjectLoader(ctx: Ctx) {
  return loader<string, SubjectRow>(ctx, 'credit.subject', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await scopedRead(ctx, subjectReads, { where: [anyOf(creditSubjects.id, valid)] }) : [];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('credit subject'));
  });
}

/** Subjects by credit code inside the caller's scope; null when none. */
export function subjectByCodeLoader(ctx: Ctx) {
  return loader<string, SubjectRow | null>(ctx, 'credit.subjectByCode', async (codes) => {
    const rows = await scopedRead(ctx, subjectReads, { where: [anyOf(creditSubjects.creditCode, [...codes])] });
    return indexBy(codes, rows, (r) => r.creditCode);
  });
}

export async function getSubjectByCode(ctx: Ctx, code: string): Promise<SubjectRow> {
  const s = await subjectByCodeLoader(ctx).load(code);
  if (!s) throw CreditErrors.error('SUBJECT_UNKNOWN', undefined, { field: 'creditCode' });
  return s;
}

/** A page of the credit records of each subject, newest date first (one statement per page of subjects). */
export function recordPagesBySubject(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<RecordRow>(ctx, 'credit.recordsBySubject', subjectReads.relations!.records!, args, 'records');
}

export async function listSubjects(ctx: Ctx, filter: { jurisdictionCode?: string | null; nameContains?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, subjectReads, {
    within: filter.jurisdictionCode,
    where: [filter.nameContains ? like(creditSubjects.name, containsPattern(filter.nameContains)) : undefined],
    page: { args, keys: ['creditCode'] },
  });
}

export interface RegisterSubjectInput {
  creditCode: string;
  name: string;
  kind: SubjectKind;
  jurisdictionCode: string;
  onFileSince?: string | null;
}

export async function registerCreditSubject(ctx: Ctx, input: RegisterSubjectInput, idempotencyKey?: string | null): Promise<SubjectRow> {
  return runMutation(ctx, { operation: 'registerCreditSubject', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const [row] = await tx.db
      .insert(creditSubjects)
      .values({ ...input, onFileSince: input.onFileSince ?? today(tx), createdAt: tx.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw CreditErrors.error('SUBJECT_EXISTS', undefined, { field: 'creditCode' });
    tx.audit({ entityType: 'CreditSubject', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/**
 * The subject of an event's unit, created (with the event's name and jurisdiction) if missing.
 * An existing subject is used only if it lies in or above the event's jurisdiction: a credit code
 * resolves inside the emitter's scope like an id would, so a unit registered in one district under
 * another district's company code cannot put records on that company. Null otherwise.
 */
export async function ensureSubject(tx: TxCtx, s: { creditCode: string; name: string; jurisdictionCode: string }): Promise<SubjectRow | null> {
  const [created] = await tx.db
    .insert(creditSubjects)
    .values({ creditCode: s.creditCode, name: s.name, kind: 'enterprise', jurisdictionCode: s.jurisdictionCode, onFileSince: today(tx), createdAt: tx.now() })
    .onConflictDoNothing()
    .returning();
  if (created) {
    tx.audit({ entityType: 'CreditSubject', entityId: created.id, jurisdictionCode: created.jurisdictionCode, after: created });
    return created;
  }
  const [existing] = await tx.db.select().from(creditSubjects).where(eq(creditSubjects.creditCode, s.creditCode));
  if (!existing || !(isWithin(s.jurisdictionCode, existing.jurisdictionCode) || isWithin(existing.jurisdictionCode, s.jurisdictionCode))) {
    tx.log.warn({ jurisdictionCode: s.jurisdictionCode }, 'credit: an event names a credit code on file outside its jurisdiction; no record made');
    return null;
  }
  return existing;
}

/** Name and code of published subjects, for anonymous readers (no jurisdiction scope: the lists are public). */
export function publishedSubjectLoader(ctx: Ctx) {
  return loader<string, { name: string; creditCode: string }>(ctx, 'credit.publishedSubject', async (ids) => {
    const rows = await ctx.db
      .select({ id: creditSubjects.id, name: creditSubjects.name, creditCode: creditSubjects.creditCode })
      .from(creditSubjects)
      .where(anyOf(creditSubjects.id, [...ids]));
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('credit subject'));
  });
}

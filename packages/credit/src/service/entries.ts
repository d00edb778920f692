import { and, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  lockInScope,
  anyOf,
  indexBy,
  loader,
  notFound,
  relationPage,
  runMutation,
  scopedRead,
  type ConnectionArgs,
  type Page,
  type ScopedReadOptions,
  type Ctx,
  type Db,
  type TxCtx,
  isUuid,
} from '@safecity/core';
import { CreditErrors } from '../errors.js';
import { entryReads, subjectEntries } from '../reads.js';
import { entryStatus, isSelfDecision, type EntryStatus, type ListType, type Proposal, type ReasonCategory } from '../rules.js';
import { creditListDecisions, creditListEntries, type DecisionRow, type EntryRow, type SubjectRow } from '../tables.js';
import { getSubjectByCode, today } from './subjects.js';

/** An entry as read on a day: its status is derived, never stored. */
export type EntryView = EntryRow & { status: EntryStatus; asOf: string };

const verdict = alias(creditListDecisions, 'credit_verdict');
const lift = alias(creditListDecisions, 'credit_lift');

/** SQL mirror of rules.entryStatus over the joins of `selectEntries` (for filtering). */
export function entryStatusSql(asOf: string): SQL<EntryStatus> {
  const day = sql`${asOf}::date`;
  return sql<EntryStatus>`(case
    when ${verdict.id} is null then 'pending'
    when ${verdict.action} = 'reject' then 'rejected'
    when ${lift.id} is not null then 'lifted'
    when ${creditListEntries.endDate} is not null and ${creditListEntries.endDate} <= ${day} then 'expired'
    when ${creditListEntries.startDate} > ${day} then 'pending'
    else 'active' end)`;
}

/** Entries with the decisions that count on `asOf` (at most one verdict and one lift each, by unique indexes). */
function selectEntries(db: Db, asOf: string) {
  const day = sql`${asOf}::date`;
  return db
    .select({ entry: creditListEntries, verdictAction: verdict.action, verdictDate: verdict.effectiveDate, liftedOn: lift.effectiveDate })
    .from(creditListEntries)
    .leftJoin(verdict, and(eq(verdict.entryId, creditListEntries.id), anyOf(verdict.action, ['approve', 'reject']), lte(verdict.effectiveDate, day)))
    .leftJoin(lift, and(eq(lift.entryId, creditListEntries.id), eq(lift.action, 'lift'), lte(lift.effectiveDate, day)));
}

type JoinedRow = { entry: EntryRow; verdictAction: string | null; verdictDate: string | null; liftedOn: string | null };
function toView(r: JoinedRow, asOf: string): EntryView {
  const status = entryStatus(
    {
      startDate: r.entry.startDate,
      endDate: r.entry.endDate,
      verdict: r.verdictAction ? { action: r.verdictAction as 'approve' | 'reject', effectiveDate: r.verdictDate! } : null,
      liftedOn: r.liftedOn,
    },
    asOf,
  );
  return { ...r.entry, status, asOf };
}

/** The status of one entry from its decision rows (write paths, after locking the entry). */
export function statusFromDecisions(e: EntryRow, decisions: DecisionRow[], asOf: string): EntryStatus {
  const v = decisions.find((d) => d.action === 'approve' || d.action === 'reject');
  const l = decisions.find((d) => d.action === 'lift');
  return entryStatus(
    { startDate: e.startDate, endDate: e.endDate, verdict: v ? { action: v.action as 'approve' | 'reject', effectiveDate: v.effectiveDate } : null, liftedOn: l?.effectiveDate ?? null },
    asOf,
  );
}

export function entryLoader(ctx: Ctx, asOf = today(ctx)) {
  return loader<string, EntryView>(ctx, `credit.entry:${asOf}`, async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await scopedRead(ctx, entryReads, { where: [anyOf(creditListEntries.id, valid)], from: (where) => selectEntries(ctx.db, asOf).where(where) }) : [];
    return indexBy(
      ids,
      rows.map((r) => toView(r, asOf)),
      (r) => r.id,
    ).map((r) => r ?? notFound('credit list entry'));
  });
}

/**
 * A page of the entries of each subject, newest start first, inside the caller's jurisdiction:
 * one statement for the pages of every subject asked for, one for the entries' decisions on `asOf`.
 */
export async function entryPageOfSubject(ctx: Ctx, subjectId: string, args: ConnectionArgs, asOf = today(ctx)): Promise<Page<EntryView>> {
  const page = await relationPage<EntryRow>(ctx, 'credit.entriesBySubject', subjectEntries, args, 'listEntries').load(subjectId);
  const views = await entryLoader(ctx, asOf).loadMany(page.edges.map((e) => e.node.id));
  // Every entry of the page is in scope and exists (just read): a failed load is an error to raise.
  return { ...page, edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: unwrap(views[i]) })) };
}

function unwrap<T>(v: T | Error | undefined): T {
  if (v instanceof Error || v === undefined) throw v ?? new Error('entry missing');
  return v;
}

/** A page of the decisions on each entry, oldest first; a decision is in scope when its entry is. */
export function decisionPagesOfEntry(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<DecisionRow>(ctx, 'credit.decisionsByEntry', entryReads.relations!.decisions!, args, 'decisions');
}

export interface EntryFilter {
  listType?: ListType | null;
  status?: EntryStatus | null;
  jurisdictionCode?: string | null;
  creditCode?: string | null;
  asOf?: string | null;
}

/** Entries in the caller's jurisdiction, newest start first; status filtered in SQL. */
export async function listEntries(ctx: Ctx, f: EntryFilter, args: ConnectionArgs) {
  const asOf = f.asOf ?? today(ctx);
  let subject: SubjectRow | null = null;
  if (f.creditCode) subject = await getSubjectByCode(ctx, f.creditCode);
  return pageOfEntries(ctx, asOf, args, {
    within: f.jurisdictionCode,
    where: [
      f.listType ? eq(creditListEntries.listType, f.listType) : undefined,
      f.status ? eq(entryStatusSql(asOf), f.status) : undefined,
      subject ? eq(creditListEntries.subjectId, subject.id) : undefined,
    ],
  });
}

/** The published list (公示): active entries of one list, city-wide, readable by anyone. */
export async function publishedEntries(ctx: Ctx, f: { listType: ListType; jurisdictionCode?: string | null }, args: ConnectionArgs) {
  const asOf = today(ctx);
  return pageOfEntries(ctx, asOf, args, {
    audience: 'public',
    within: f.jurisdictionCode,
    where: [eq(creditListEntries.listType, f.listType), eq(entryStatusSql(asOf), 'active')],
  });
}

function pageOfEntries(ctx: Ctx, asOf: string, args: ConnectionArgs, o: Pick<ScopedReadOptions<typeof creditListEntries, EntryView>, 'audience' | 'within' | 'where'>) {
  return scopedRead(ctx, entryReads, {
    ...o,
    page: { args, direction: 'desc', keys: ['startDate', 'id'] },
    from: async (where, orderBy, limit) => {
      const rows = await selectEntries(ctx.db, asOf)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit!);
      return rows.map((r) => toView(r, asOf));
    },
  });
}

/** Is there a pending or active entry of this list for the subject (today)? */
async function openEntryExists(tx: TxCtx, subjectId: string, listType: ListType): Promise<boolean> {
  const asOf = today(tx);
  const rows = await selectEntries(tx.db, asOf)
    .where(and(eq(creditListEntries.subjectId, subjectId), eq(creditListEntries.listType, listType), inArray(entryStatusSql(asOf), ['pending', 'active'])))
    .limit(1);
  return rows.length > 0;
}

/**
 * Files a proposal inside the caller's transaction. Rule proposals skip a subject that
 * already has an open entry on the list (returns null); manual ones are refused.
 */
export async function fileProposal(
  tx: TxCtx,
  subject: SubjectRow,
  p: Proposal,
  o: { authority: string; internalNote?: string | null; basisRecordId?: string | null; manual?: boolean },
): Promise<EntryRow | null> {
  if (await openEntryExists(tx, subject.id, p.listType)) {
    if (o.manual) throw CreditErrors.error('ENTRY_OPEN_EXISTS', undefined, { field: 'listType' });
    return null;
  }
  const [entry] = await tx.db
    .insert(creditListEntries)
    .values({
      subjectId: subject.id,
      jurisdictionCode: subject.jurisdictionCode,
      listType: p.listType,
      reasonCategory: p.reasonCategory,
      reason: p.reason,
      internalNote: o.internalNote ?? null,
      authority: o.authority,
      startDate: p.startDate,
      endDate: p.endDate,
      proposalRule: p.proposalRule,
      ruleVersion: p.ruleVersion,
      basisRecordId: o.basisRecordId ?? null,
      proposedBy: tx.actor?.id ?? 'system',
      proposedAt: tx.now(),
    })
    .returning();
  tx.audit({ entityType: 'CreditListEntry', entityId: entry.id, jurisdictionCode: entry.jurisdictionCode, after: entry });
  if (entry.listType === 'black') {
    await tx.emit('blacklistEntryProposed', { entryId: entry.id, subjectId: subject.id, creditCode: subject.creditCode, jurisdictionCode: entry.jurisdictionCode, reason: entry.reason });
  }
  return entry;
}

export interface ProposeInput {
  creditCode: string;
  listType: ListType;
  reasonCategory: ReasonCategory;
  reason: string;
  internalNote?: string | null;
  authority: string;
  startDate: string;
  endDate?: string | null;
}

/** A credit officer's own proposal (by decision rather than by rule). */
export async function proposeListEntry(ctx: Ctx, input: ProposeInput, idempotencyKey?: string | null): Promise<EntryView> {
  return runMutation(ctx, { operation: 'proposeListEntry', idempotencyKey, input }, async (tx) => {
    if (input.endDate && input.endDate <= input.startDate) throw CreditErrors.error('DATES_INVALID', undefined, { field: 'endDate' });
    const subject = await getSubjectByCode(tx, input.creditCode);
    const entry = await fileProposal(
      tx,
      subject,
      { listType: input.listType, reasonCategory: input.reasonCategory, reason: input.reason, startDate: input.startDate, endDate: input.endDate ?? null, proposalRule: 'manual', ruleVersion: '-' },
      { authority: input.authority, internalNote: input.internalNote, manual: true },
    );
    return { ...entry!, status: 'pending' as const, asOf: today(tx) };
  });
}

/** Locks an entry in the caller's scope for a decision and reads its decisions. */
export async function lockEntry(tx: TxCtx, entryId: string): Promise<{ entry: EntryRow; decisions: DecisionRow[] }> {
  const entry = await lockInScope(tx, entryReads, entryId, 'credit list entry');
  const decisions = await tx.db.select().from(creditListDecisions).where(eq(creditListDecisions.entryId, entryId));
  return { entry, decisions };
}

/** A credit officer approves or rejects a proposal; never their own. */
export async function decideListProposal(ctx: Ctx, input: { entryId: string; approve: boolean; reason: string }, idempotencyKey?: string | null): Promise<EntryView> {
  return runMutation(ctx, { operation: 'decideListProposal', idempotencyKey, input }, async (tx) => {
    const { entry, decisions } = await lockEntry(tx, input.entryId);
    if (decisions.some((d) => d.action === 'approve' || d.action === 'reject')) throw CreditErrors.error('ALREADY_DECIDED', undefined, { field: 'entryId' });
    if (isSelfDecision(entry.proposedBy, tx.actor!.id)) throw CreditErrors.error('SELF_DECISION_FORBIDDEN', undefined, { field: 'entryId' });
    const [d] = await tx.db
      .insert(creditListDecisions)
      .values({ entryId: entry.id, action: input.approve ? 'approve' : 'reject', reason: input.reason, effectiveDate: today(tx), decidedBy: tx.actor!.id, decidedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'CreditListEntry', entityId: entry.id, jurisdictionCode: entry.jurisdictionCode, before: { decisions }, after: { decision: d } });
    return { ...entry, status: statusFromDecisions(entry, [...decisions, d], today(tx)), asOf: today(tx) };
  });
}

import { and, eq } from 'drizzle-orm';
import { anyOf, groupBy, inScope, runMutation, type Ctx, type TxCtx } from '@safecity/core';
import { blacklistProposalForRecord, recordValidUntil, redListProposal, ruleSetOn, type Polarity, type RecordKind, type Severity } from '../rules.js';
import { creditRecords, creditSubjects, type RecordRow, type SubjectRow } from '../tables.js';

const RED_AUTHORITY = '市社会信用体系建设领导小组办公室';
import { fileProposal } from './entries.js';
import { getSubjectByCode, today } from './subjects.js';

export interface RecordInput {
  polarity: Polarity;
  kind: RecordKind;
  sourceDepartment: string;
  date: string;
  severity?: Severity | null;
  summary: string;
  evidenceRef?: string | null;
  validUntil?: string | null;
}

/**
 * Writes a record inside the caller's transaction. `sourceRef` makes records from events
 * idempotent (a redelivered event writes nothing): null is returned for a duplicate.
 */
export async function addRecord(tx: TxCtx, subject: SubjectRow, r: RecordInput, sourceRef?: string): Promise<RecordRow | null> {
  const severity = r.polarity === 'negative' ? (r.severity ?? 'general') : null;
  const rules = ruleSetOn(r.date);
  const [row] = await tx.db
    .insert(creditRecords)
    .values({
      subjectId: subject.id,
      jurisdictionCode: subject.jurisdictionCode,
      polarity: r.polarity,
      kind: r.kind,
      sourceDepartment: r.sourceDepartment,
      date: r.date,
      severity,
      summary: r.summary,
      evidenceRef: r.evidenceRef ?? null,
      validFrom: r.date,
      validUntil: r.validUntil ?? recordValidUntil({ date: r.date, polarity: r.polarity, severity }, rules),
      sourceRef: sourceRef ?? null,
      recordedBy: tx.actor?.id ?? 'system',
      recordedAt: tx.now(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  tx.audit({ entityType: 'CreditRecord', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
  return row;
}

/** The proposal rules a new record triggers: black on a severe negative one, red on a positive one after a clean period. */
export async function applyRecordRules(tx: TxCtx, subject: SubjectRow, record: RecordRow): Promise<void> {
  const day = today(tx);
  const black = blacklistProposalForRecord({ polarity: record.polarity as Polarity, severity: record.severity as Severity | null, kind: record.kind as RecordKind, summary: record.summary }, day);
  if (black) {
    await fileProposal(tx, subject, black, { authority: record.sourceDepartment, basisRecordId: record.id, internalNote: `由记录 ${record.id} 按规则提出` });
    return;
  }
  if (record.polarity !== 'positive') return;
  const records = await tx.db
    .select({ polarity: creditRecords.polarity, date: creditRecords.date })
    .from(creditRecords)
    .where(and(eq(creditRecords.subjectId, subject.id)));
  const red = redListProposal({ onFileSince: subject.onFileSince, records: records as { polarity: Polarity; date: string }[] }, day);
  if (red.proposal) await fileProposal(tx, subject, red.proposal, { authority: RED_AUTHORITY, basisRecordId: record.id });
}

export async function recordCreditRecord(ctx: Ctx, input: RecordInput & { creditCode: string }, idempotencyKey?: string | null): Promise<RecordRow> {
  return runMutation(ctx, { operation: 'recordCreditRecord', idempotencyKey, input }, async (tx) => {
    const { creditCode, ...r } = input;
    const subject = await getSubjectByCode(tx, creditCode);
    const record = (await addRecord(tx, subject, r))!;
    await applyRecordRules(tx, subject, record);
    return record;
  });
}

/**
 * Proposes red-list entries for every subject in the caller's jurisdiction that satisfies the
 * red-list rule today (the clean period can elapse without any new record). Returns how many.
 */
export async function proposeEligibleRedListEntries(ctx: Ctx, idempotencyKey?: string | null): Promise<number> {
  return runMutation(ctx, { operation: 'proposeEligibleRedListEntries', idempotencyKey }, async (tx) => {
    const day = today(tx);
    const subjects = await tx.db.select().from(creditSubjects).where(inScope(tx, creditSubjects.jurisdictionCode));
    let proposed = 0;
    for (let i = 0; i < subjects.length; i += 500) {
      const batch = subjects.slice(i, i + 500);
      const records = await tx.db
        .select({ subjectId: creditRecords.subjectId, polarity: creditRecords.polarity, date: creditRecords.date })
        .from(creditRecords)
        .where(
          anyOf(
            creditRecords.subjectId,
            batch.map((s) => s.id),
          ),
        );
      const bySubject = groupBy(
        batch.map((s) => s.id),
        records,
        (r) => r.subjectId,
      );
      for (const [k, s] of batch.entries()) {
        const red = redListProposal({ onFileSince: s.onFileSince, records: bySubject[k] as { polarity: Polarity; date: string }[] }, day);
        if (red.proposal && (await fileProposal(tx, s, red.proposal, { authority: RED_AUTHORITY }))) proposed++;
      }
    }
    tx.audit({ entityType: 'CreditRedListSweep', entityId: day, jurisdictionCode: tx.actor?.jurisdictionCode ?? null, after: { subjects: subjects.length, proposed } });
    return proposed;
  });
}

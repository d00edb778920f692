import { isValidCreditCode, on, type DomainEvents, type TxCtx } from '@safecity/core';
import { blacklistProposalForVeto } from '../rules.js';
import { fileProposal } from './entries.js';
import { addRecord, applyRecordRules } from './records.js';
import { ensureSubject, today } from './subjects.js';

const ASSESSMENT_OFFICE = '平安建设考核办公室';

/** A veto (一票否决) of a unit with a credit code: a severe negative record and a black-list proposal, in the veto's transaction. */
export async function recordVeto(tx: TxCtx, p: DomainEvents['unitVetoed']): Promise<void> {
  if (!p.creditCode || !isValidCreditCode(p.creditCode)) return;
  const subject = await ensureSubject(tx, { creditCode: p.creditCode, name: p.unitName, jurisdictionCode: p.jurisdictionCode });
  if (!subject) return;
  const day = today(tx);
  const record = await addRecord(
    tx,
    subject,
    {
      polarity: 'negative',
      kind: 'safe_unit_veto',
      severity: 'severe',
      sourceDepartment: ASSESSMENT_OFFICE,
      date: day,
      summary: `平安创建考核一票否决（${p.periodStart} 至 ${p.periodEnd}）`,
      evidenceRef: `assessment:${p.assessmentId}; events: ${p.eventIds.join(', ')}; rule set v${p.ruleSetVersion}`,
    },
    `unitVetoed:${p.assessmentId}`,
  );
  if (!record) return; // redelivered event
  await fileProposal(tx, subject, blacklistProposalForVeto(p, day), { authority: ASSESSMENT_OFFICE, basisRecordId: record.id, internalNote: p.explanation });
}

/** A passed assessment of a unit with a credit code: a positive record (and a red-list proposal if the rule holds). */
export async function recordPass(tx: TxCtx, p: DomainEvents['unitAssessed']): Promise<void> {
  if (!p.passed || !p.creditCode || !isValidCreditCode(p.creditCode)) return;
  const subject = await ensureSubject(tx, { creditCode: p.creditCode, name: p.unitName, jurisdictionCode: p.jurisdictionCode });
  if (!subject) return;
  const record = await addRecord(
    tx,
    subject,
    {
      polarity: 'positive',
      kind: 'safe_unit_pass',
      sourceDepartment: ASSESSMENT_OFFICE,
      date: today(tx),
      summary: `平安单位考核通过（${p.periodStart} 至 ${p.periodEnd}，总分 ${p.total}${p.grade ? `，${p.grade}` : ''}）`,
      evidenceRef: `assessment:${p.assessmentId}`,
    },
    `unitAssessed:${p.assessmentId}`,
  );
  if (record) await applyRecordRules(tx, subject, record);
}

export const creditSubscribers = [on('unitVetoed', 'credit.recordVeto', recordVeto), on('unitAssessed', 'credit.recordPass', recordPass)];

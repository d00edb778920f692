import { and, gte, lte, sql } from 'drizzle-orm';
import { anyOf, CoreErrors, notFound, runMutation, type Ctx, isUuid } from '@safecity/core';
import { AssessmentErrors } from '../errors.js';
import type { Category } from '../rules/categories.js';
import { governedRetroactively, isSelfApproval } from '../rules/rule-set-governance.js';
import { decideVeto } from '../rules/veto.js';
import { majorEvents, safeUnits, unitAssessments, unitHistory, vetoRuleSetDecisions } from '../tables.js';
import { toFact, type AssessmentRow } from './assessments.js';
import { actorId, today } from './common.js';
import { ruleSetTimeline, type RuleSetView } from './setup.js';

export interface RetroactiveEffect {
  assessmentId: string;
  unitId: string;
  periodStart: string;
  periodEnd: string;
  decidedUnderVersion: number;
  decidedPassed: boolean;
  wouldPass: boolean;
  wouldVeto: boolean;
  differs: boolean;
}

/**
 * A second officer approves or rejects a retroactive rule set (maker-checker). An approved set
 * governs new assessments of its days; decided assessments keep the version they were decided
 * under, and each one the set now governs gets a fact in its unit's history saying whether the
 * set would have decided it differently. A bounded number of statements however many it touches.
 */
export async function decideRuleSet(ctx: Ctx, input: { ruleSetId: string; approve: boolean; reason: string }, idempotencyKey?: string | null): Promise<RuleSetView & { effects: RetroactiveEffect[] }> {
  const reason = input.reason?.trim();
  if (!reason) throw CoreErrors.error('INPUT_INVALID', 'A decision on a rule set needs a reason.', { field: 'reason' });
  return runMutation(ctx, { operation: 'decideVetoRuleSet', idempotencyKey, input }, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('veto_rule_sets'))`);
    if (!isUuid(input.ruleSetId)) throw notFound('veto rule set');
    const timeline = await ruleSetTimeline(tx);
    const target = timeline.find((s) => s.id === input.ruleSetId);
    if (!target) throw notFound('veto rule set');
    if (!target.row.retroactive || target.row.decision) throw AssessmentErrors.error('RULE_SET_NOT_PENDING', undefined, { field: 'ruleSetId' });
    if (isSelfApproval(target.row.publishedBy, actorId(tx))) throw AssessmentErrors.error('RULE_SET_SELF_APPROVAL', undefined, { field: 'ruleSetId' });

    const effects: RetroactiveEffect[] = [];
    if (input.approve) {
      const after = timeline.map((s) => (s.id === target.id ? { ...s, inForce: true } : s));
      const rows = await tx.db.select().from(unitAssessments).where(gte(unitAssessments.periodEnd, target.effectiveFrom));
      const latest = new Map<string, AssessmentRow>();
      for (const r of rows) if ((latest.get(r.chainId)?.version ?? 0) < r.version) latest.set(r.chainId, r);
      const governed = [...latest.values()].filter((a) => governedRetroactively(a, target, after)).sort((a, b) => a.periodEnd.localeCompare(b.periodEnd) || a.id.localeCompare(b.id));
      if (governed.length) {
        const units = new Map(
          (
            await tx.db
              .select()
              .from(safeUnits)
              .where(anyOf(safeUnits.id, [...new Set(governed.map((a) => a.unitId))]))
          ).map((u) => [u.id, u]),
        );
        const from = governed.reduce((m, a) => (a.periodStart < m ? a.periodStart : m), governed[0].periodStart);
        const to = governed.reduce((m, a) => (a.periodEnd > m ? a.periodEnd : m), governed[0].periodEnd);
        const events = (
          await tx.db
            .select()
            .from(majorEvents)
            .where(and(gte(majorEvents.occurredOn, from), lte(majorEvents.occurredOn, to)))
        ).map(toFact);
        for (const a of governed) {
          const unit = units.get(a.unitId)!;
          const veto = decideVeto({ version: target.version, rules: target.row.rules }, events, { start: a.periodStart, end: a.periodEnd }, { ...unit, category: unit.category as Category });
          const wouldPass = a.scorePassed && !veto.vetoed;
          effects.push({
            assessmentId: a.id,
            unitId: a.unitId,
            periodStart: a.periodStart,
            periodEnd: a.periodEnd,
            decidedUnderVersion: a.ruleSetVersion,
            decidedPassed: a.passed,
            wouldPass,
            wouldVeto: veto.vetoed,
            differs: wouldPass !== a.passed || veto.vetoed !== a.vetoed,
          });
        }
        const at = tx.now();
        await tx.db.insert(unitHistory).values(
          effects.map((e) => {
            const unit = units.get(e.unitId)!;
            const verdict = (passed: boolean) => (passed ? 'passed' : 'failed');
            return {
              unitId: e.unitId,
              jurisdictionCode: unit.jurisdictionCode,
              kind: 'retroactive_rule_set' as const,
              validOn: e.periodEnd,
              recordedAt: at,
              actorId: actorId(tx),
              refId: e.assessmentId,
              summary:
                `Veto rule set v${target.version}, retroactive from ${target.effectiveFrom} (${target.row.retroactiveReason}), approved on ${today(tx)}, now governs ${e.periodStart}..${e.periodEnd}. ` +
                `The assessment keeps rule set v${e.decidedUnderVersion} (${verdict(e.decidedPassed)}); under v${target.version} it would have ${verdict(e.wouldPass)}${e.differs ? ' — a different outcome' : ''}.`,
              data: { ruleSetId: target.id, ruleSetVersion: target.version, ...e },
            };
          }),
        );
      }
    }
    const [decision] = await tx.db
      .insert(vetoRuleSetDecisions)
      .values({ ruleSetId: target.id, action: input.approve ? 'approve' : 'reject', reason, affectedAssessments: effects.length, decidedBy: actorId(tx), decidedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'VetoRuleSet', entityId: target.id, jurisdictionCode: null, before: { decision: null }, after: { decision, effects } });
    return { ...target.row, decision, effects };
  });
}

import type { IsoDate } from './dates.js';
import { gradeAfter, type Grade, type GradePolicy } from './grade.js';

/**
 * A unit's history is a list of facts, each with the day it is valid from (valid time) and
 * the instant it was recorded (transaction time). "What was the standing on D, as recorded
 * on K" reads only facts valid by D and recorded before the end of K: bitemporal, so a later
 * correction never rewrites what an auditor saw earlier.
 */
export const FACT_KINDS = [
  'registered',
  'assessed',
  'corrected',
  'vetoed',
  'yellow_card',
  'plaque_awarded',
  'plaque_revoked',
  'grade_changed',
  'rectification_ordered',
  'rectification_completed',
  'batch_moved',
  'major_event',
  'investigation',
  'retroactive_rule_set',
  'veto_proposed',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export interface HistoryFact {
  id: string;
  /** Recording order (ties of valid day and instant). */
  seq?: number;
  kind: FactKind;
  validOn: IsoDate;
  recordedAt: Date;
  refId: string | null;
  data: Record<string, unknown>;
}

export interface AssessmentFactData {
  chainId: string;
  version: number;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  total: number;
  passed: boolean;
  vetoed: boolean;
}

export interface Standing {
  known: boolean;
  batchId: string | null;
  lastAssessment: (AssessmentFactData & { assessmentId: string }) | null;
  grade: Grade | null;
  holdsPlaque: boolean;
  plaqueId: string | null;
  /** The plaque's valid-time start: the end of the period it was earned for. */
  plaqueHeldSince: IsoDate | null;
  yellowCards: number;
  overdueMoves: number;
}

/** Facts in timeline order: valid day, then recording instant. */
export function timelineOrder(a: HistoryFact, b: HistoryFact): number {
  return a.validOn.localeCompare(b.validOn) || a.recordedAt.getTime() - b.recordedAt.getTime() || (a.seq ?? 0) - (b.seq ?? 0) || a.id.localeCompare(b.id);
}

/** The latest recorded version of every assessment, oldest period first. */
export function currentAssessments(facts: HistoryFact[]): (AssessmentFactData & { assessmentId: string })[] {
  const byChain = new Map<string, AssessmentFactData & { assessmentId: string }>();
  for (const f of facts) {
    if (f.kind !== 'assessed' && f.kind !== 'corrected') continue;
    const d = f.data as unknown as AssessmentFactData;
    const prev = byChain.get(d.chainId);
    if (!prev || d.version > prev.version) byChain.set(d.chainId, { ...d, assessmentId: f.refId! });
  }
  return [...byChain.values()].sort((a, b) => a.periodEnd.localeCompare(b.periodEnd));
}

export function standingOn(facts: HistoryFact[], onDate: IsoDate, recordedBefore: Date, policy?: GradePolicy): Standing {
  const seen = facts.filter((f) => f.validOn <= onDate && f.recordedAt < recordedBefore).sort(timelineOrder);
  const assessments = currentAssessments(seen);
  let batchId: string | null = null;
  let plaqueId: string | null = null;
  let plaqueHeldSince: IsoDate | null = null;
  let yellowCards = 0;
  let overdueMoves = 0;
  for (const f of seen) {
    if (f.kind === 'registered') batchId = (f.data.batchId as string | null) ?? null;
    if (f.kind === 'batch_moved') {
      batchId = f.data.toBatchId as string;
      overdueMoves++;
    }
    if (f.kind === 'plaque_awarded') [plaqueId, plaqueHeldSince] = [f.refId, f.validOn];
    if (f.kind === 'plaque_revoked' && f.refId === plaqueId) [plaqueId, plaqueHeldSince] = [null, null];
    if (f.kind === 'yellow_card') yellowCards++;
  }
  return {
    known: seen.some((f) => f.kind === 'registered'),
    batchId,
    lastAssessment: assessments[assessments.length - 1] ?? null,
    grade: gradeAfter(assessments, policy).grade,
    holdsPlaque: plaqueId !== null,
    plaqueId,
    plaqueHeldSince,
    yellowCards,
    overdueMoves,
  };
}

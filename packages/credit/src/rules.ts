/**
 * Pure credit rules: list-entry status, proposal rules, repair checks and
 * standing. No db, no ctx: an auditor can reconstruct every outcome from these and the facts.
 * (Credit codes and China-day arithmetic are core's.)
 */
import { addDays, addYears } from '@safecity/core';

// ---- vocabulary ----

export const LIST_TYPES = ['red', 'black'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export const ENTRY_STATUSES = ['pending', 'active', 'expired', 'lifted', 'rejected'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const POLARITIES = ['positive', 'negative'] as const;
export type Polarity = (typeof POLARITIES)[number];
export const SEVERITIES = ['minor', 'general', 'serious', 'severe'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const RECORD_KINDS = ['safe_unit_veto', 'safe_unit_pass', 'administrative_penalty', 'violation', 'commendation', 'tax_credit_a', 'other'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const REASON_CATEGORIES = ['safe_unit_veto', 'severe_violation', 'administrative_penalty', 'good_conduct', 'safe_unit_honour', 'other'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];
export const SUBJECT_KINDS = ['enterprise', 'public_institution', 'social_organization', 'other'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const REPAIR_CONDITIONS = ['rectification_completed', 'penalty_fulfilled', 'credit_commitment_signed', 'credit_training_completed', 'reassessment_passed'] as const;
export type RepairCondition = (typeof REPAIR_CONDITIONS)[number];

// ---- versioned rule sets ----

export interface CreditRuleSet {
  version: string;
  /** In force for proposals made on or after this day. */
  effectiveFrom: string;
  /** Black-list term in years per reason category (null: permanent). */
  blackTermYears: Partial<Record<ReasonCategory, number | null>> & { default: number | null };
  /** Red list: N years on file without a negative record, with at least one positive one. */
  redCleanYears: number;
  redTermYears: number;
  /** A black-list entry may be repaired after it has been in force this many days… */
  repairMinDays: number;
  /** …and with these conditions shown as met. */
  repairConditions: Partial<Record<ReasonCategory, RepairCondition[]>> & { default: RepairCondition[] };
  /** Validity of a record in years by polarity/severity. */
  recordValidityYears: Record<Severity | 'positive', number>;
}

export const CREDIT_RULE_SETS: readonly CreditRuleSet[] = [
  {
    version: '2024.1',
    effectiveFrom: '2000-01-01',
    blackTermYears: { default: 3, safe_unit_veto: 3, severe_violation: 3, administrative_penalty: 1 },
    redCleanYears: 3,
    redTermYears: 2,
    repairMinDays: 180,
    repairConditions: {
      default: ['rectification_completed', 'penalty_fulfilled', 'credit_commitment_signed'],
      safe_unit_veto: ['rectification_completed', 'credit_commitment_signed', 'reassessment_passed'],
    },
    recordValidityYears: { minor: 1, general: 2, serious: 3, severe: 5, positive: 3 },
  },
];

/** The rule set in force on a day (the latest one effective on or before it). */
export function ruleSetOn(day: string, sets: readonly CreditRuleSet[] = CREDIT_RULE_SETS): CreditRuleSet {
  const inForce = sets.filter((s) => s.effectiveFrom <= day).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  if (!inForce[0]) throw new Error(`no credit rule set in force on ${day}`);
  return inForce[0];
}

/** The day a record stops counting, from its date, polarity and severity. */
export function recordValidUntil(rec: { date: string; polarity: Polarity; severity: Severity | null }, rules: CreditRuleSet): string {
  const years = rec.polarity === 'positive' ? rules.recordValidityYears.positive : rules.recordValidityYears[rec.severity ?? 'general'];
  return addYears(rec.date, years);
}

// ---- list-entry status ----

export interface EntryFacts {
  startDate: string;
  endDate: string | null;
  /** The verdict on the proposal and the day it took effect, if any. */
  verdict: { action: 'approve' | 'reject'; effectiveDate: string } | null;
  /** The day a repair lifted the entry, if any. */
  liftedOn: string | null;
}

/**
 * The status of an entry on a day, derived from its dates and decisions (mirrored by
 * `entryStatusSql` in the service). Decisions count from their effective day; an entry is
 * expired from its end date on; an approved entry not yet started is still pending.
 */
export function entryStatus(e: EntryFacts, asOf: string): EntryStatus {
  const verdict = e.verdict && e.verdict.effectiveDate <= asOf ? e.verdict.action : null;
  if (!verdict) return 'pending';
  if (verdict === 'reject') return 'rejected';
  if (e.liftedOn && e.liftedOn <= asOf) return 'lifted';
  if (e.endDate && e.endDate <= asOf) return 'expired';
  if (e.startDate > asOf) return 'pending';
  return 'active';
}

export interface Proposal {
  listType: ListType;
  reasonCategory: ReasonCategory;
  reason: string;
  startDate: string;
  endDate: string | null;
  proposalRule: string;
  ruleVersion: string;
}

function blackEndDate(category: ReasonCategory, start: string, rules: CreditRuleSet): string | null {
  const years = category in rules.blackTermYears ? rules.blackTermYears[category] : rules.blackTermYears.default;
  return years == null ? null : addYears(start, years);
}

/** A safe-unit veto (一票否决) of a unit with a credit code proposes a black-list entry. */
export function blacklistProposalForVeto(v: { unitName: string; periodStart: string; periodEnd: string; explanation: string }, today: string, rules: CreditRuleSet = ruleSetOn(today)): Proposal {
  return {
    listType: 'black',
    reasonCategory: 'safe_unit_veto',
    reason: `平安创建考核一票否决（${v.periodStart} 至 ${v.periodEnd}）`,
    startDate: today,
    endDate: blackEndDate('safe_unit_veto', today, rules),
    proposalRule: 'safe_unit_veto',
    ruleVersion: rules.version,
  };
}

/** A severe negative record proposes a black-list entry; anything milder proposes nothing. */
export function blacklistProposalForRecord(
  r: { polarity: Polarity; severity: Severity | null; kind: RecordKind; summary: string },
  today: string,
  rules: CreditRuleSet = ruleSetOn(today),
): Proposal | null {
  if (r.polarity !== 'negative' || r.severity !== 'severe') return null;
  const category: ReasonCategory = r.kind === 'safe_unit_veto' ? 'safe_unit_veto' : r.kind === 'administrative_penalty' ? 'administrative_penalty' : 'severe_violation';
  return {
    listType: 'black',
    reasonCategory: category,
    reason: r.summary,
    startDate: today,
    endDate: blackEndDate(category, today, rules),
    proposalRule: 'severe_negative_record',
    ruleVersion: rules.version,
  };
}

/**
 * Red list (红名单): on file for N years, no negative record in the last N years, and at least
 * one positive record in them. Returns the proposal, or why not.
 */
export function redListProposal(
  s: { onFileSince: string; records: { polarity: Polarity; date: string }[] },
  today: string,
  rules: CreditRuleSet = ruleSetOn(today),
): { proposal: Proposal; why?: undefined } | { proposal: null; why: 'too_recent' | 'negative_record' | 'no_positive_record' } {
  const windowStart = addYears(today, -rules.redCleanYears);
  if (s.onFileSince > windowStart) return { proposal: null, why: 'too_recent' };
  const inWindow = s.records.filter((r) => r.date > windowStart && r.date <= today);
  if (inWindow.some((r) => r.polarity === 'negative')) return { proposal: null, why: 'negative_record' };
  if (!inWindow.some((r) => r.polarity === 'positive')) return { proposal: null, why: 'no_positive_record' };
  return {
    proposal: {
      listType: 'red',
      reasonCategory: 'good_conduct',
      reason: `连续${rules.redCleanYears}年无失信记录且有守信表彰`,
      startDate: today,
      endDate: addYears(today, rules.redTermYears),
      proposalRule: 'red_clean_record',
      ruleVersion: rules.version,
    },
  };
}

// ---- credit repair (信用修复) ----

export type RepairRefusal = { code: 'REPAIR_NOT_ALLOWED' | 'REPAIR_TOO_EARLY' | 'REPAIR_CONDITIONS_UNMET'; message: string; missing?: RepairCondition[] };

/** Can an entry be repaired today with these conditions shown? Null when it can. */
export function repairRefusal(
  e: { listType: ListType; status: EntryStatus; startDate: string; reasonCategory: ReasonCategory },
  shown: RepairCondition[],
  today: string,
  rules: CreditRuleSet = ruleSetOn(today),
): RepairRefusal | null {
  if (e.listType !== 'black' || e.status !== 'active') {
    return { code: 'REPAIR_NOT_ALLOWED', message: `Only an active black-list entry can be repaired (this one is ${e.listType}, ${e.status}).` };
  }
  const earliest = addDays(e.startDate, rules.repairMinDays);
  if (today < earliest) return { code: 'REPAIR_TOO_EARLY', message: `Repair is possible from ${earliest} (${rules.repairMinDays} days in force).` };
  const required = rules.repairConditions[e.reasonCategory] ?? rules.repairConditions.default;
  const missing = required.filter((c) => !shown.includes(c));
  if (missing.length) return { code: 'REPAIR_CONDITIONS_UNMET', message: `Conditions not shown: ${missing.join(', ')}.`, missing };
  return null;
}

// ---- standing and joint measures (联合奖惩) ----

export interface Measure {
  code: string;
  kind: 'reward' | 'punishment';
  description: string;
}

/** The joint reward and punishment measures that apply per list type (data, not code). */
export const JOINT_MEASURES: Record<ListType, Measure[]> = {
  black: [
    { code: 'restrict_public_procurement', kind: 'punishment', description: '限制参与政府采购、工程招投标' },
    { code: 'restrict_subsidies', kind: 'punishment', description: '限制申请财政补贴和政策支持' },
    { code: 'strict_approval_review', kind: 'punishment', description: '行政审批从严审核，不适用告知承诺制' },
    { code: 'increased_inspection', kind: 'punishment', description: '列为重点监管对象，提高抽查比例和频次' },
    { code: 'restrict_honours', kind: 'punishment', description: '不得参评文明单位、平安单位等荣誉' },
  ],
  red: [
    { code: 'green_channel', kind: 'reward', description: '行政审批绿色通道、容缺受理' },
    { code: 'reduced_inspection', kind: 'reward', description: '降低日常检查频次' },
    { code: 'priority_support', kind: 'reward', description: '财政资金和政策支持同等条件下优先' },
    { code: 'credit_loan_preference', kind: 'reward', description: '信用贷款优惠（非信贷信用体系）' },
  ],
};

export type Standing = 'black' | 'red' | 'clear' | 'unknown';

/** A subject's standing from its active entries: black outranks red, and voids red rewards. */
export function standingOf(known: boolean, active: { listType: ListType }[]): { standing: Standing; measures: Measure[] } {
  if (!known) return { standing: 'unknown', measures: [] };
  if (active.some((e) => e.listType === 'black')) return { standing: 'black', measures: JOINT_MEASURES.black };
  if (active.some((e) => e.listType === 'red')) return { standing: 'red', measures: JOINT_MEASURES.red };
  return { standing: 'clear', measures: [] };
}

/** The proposer of an entry (or requester of a repair) may not decide it. */
export function isSelfDecision(proposedBy: string, deciderId: string): boolean {
  return proposedBy === deciderId;
}

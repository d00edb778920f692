import type { DisputeKind, RiskLevel } from './vocabulary.js';

export type IsoDate = string;

/**
 * Mediation time limits count calendar days (the local mediation rules state them so), unlike
 * assessment's working-day deadlines; the China-time day arithmetic is core's one copy.
 */
import { addDays as addCalendarDays, daysBetween } from '@safecity/core';

export { addCalendarDays, daysBetween };

/**
 * Days a level has to settle a dispute, by risk: people's mediation is to conclude within
 * a month as a rule (人民调解工作若干规定 §37); the graver the risk, the shorter the leash.
 */
export const DAYS_BY_RISK: Record<RiskLevel, number> = { low: 30, medium: 15, high: 7, major: 3 };

/** Kinds with a tighter cap: unpaid wages hurt every day they wait (欠薪"两节"前清零). */
export const KIND_CAP_DAYS: Partial<Record<DisputeKind, number>> = { labour_wages: 10 };

/** A dispute that could become a mass incident gets at most this many days at any level. */
export const MASS_INCIDENT_RISK_CAP_DAYS = 3;

export function mediationDays(d: { kind: DisputeKind; riskLevel: RiskLevel; massIncidentRisk: boolean }): number {
  let days = DAYS_BY_RISK[d.riskLevel];
  const cap = KIND_CAP_DAYS[d.kind];
  if (cap != null) days = Math.min(days, cap);
  if (d.massIncidentRisk) days = Math.min(days, MASS_INCIDENT_RISK_CAP_DAYS);
  return days;
}

/** The deadline of the current level, counted from the day the level took the dispute. */
export function mediationDeadline(d: { kind: DisputeKind; riskLevel: RiskLevel; massIncidentRisk: boolean }, from: IsoDate): IsoDate {
  return addCalendarDays(from, mediationDays(d));
}

/** Overdue on `asOf`: the deadline has passed (a step on the deadline day is in time). */
export const isOverdue = (deadline: IsoDate, asOf: IsoDate) => asOf > deadline;

/** Follow-up visits (跟踪回访) after an agreement: sooner for graver disputes. */
export const FOLLOW_UP_DAYS: Record<RiskLevel, number> = { low: 30, medium: 15, high: 7, major: 7 };
/** After a visit that found the agreement not holding, look again in this many days. */
export const UNSTABLE_REVISIT_DAYS = 7;

export function followUpDue(resolvedOn: IsoDate, riskLevel: RiskLevel): IsoDate {
  return addCalendarDays(resolvedOn, FOLLOW_UP_DAYS[riskLevel]);
}

/** The next follow-up after a visit: none once the agreement holds, else a week later. */
export function nextFollowUpAfterVisit(visitedOn: IsoDate, holding: boolean): IsoDate | null {
  return holding ? null : addCalendarDays(visitedOn, UNSTABLE_REVISIT_DAYS);
}

import { addDays, type IsoDate } from './dates.js';
import { addWorkingDays, type HolidayCalendar } from './working-days.js';

/** Yellow-card (黄牌警告) policy, part of a rule set version. */
export interface YellowCardPolicy {
  /** Rectification limit in working days (public holidays skipped, make-up days counted). */
  rectificationWorkingDays: number;
  /** A card within this many days after an earlier card at the same unit is a repeat. */
  repeatWindowDays: number;
  /** What a repeat escalates to. */
  repeatEscalatesTo: 'red_card' | 'veto_review' | 'none';
}

export const DEFAULT_YELLOW_CARD_POLICY: YellowCardPolicy = { rectificationWorkingDays: 15, repeatWindowDays: 365, repeatEscalatesTo: 'red_card' };

export interface YellowCardDecision {
  rectificationDeadline: IsoDate;
  repeatOf: string | null;
  escalation: 'red_card' | 'veto_review' | null;
  explanation: string;
}

/** The deadline (on the official calendar) and the escalation of a new card, given the unit's earlier cards. */
export function decideYellowCard(calendar: HolidayCalendar, policy: YellowCardPolicy, issuedOn: IsoDate, earlier: { id: string; issuedOn: IsoDate }[], ruleSetVersion: number): YellowCardDecision {
  const rectificationDeadline = addWorkingDays(calendar, issuedOn, policy.rectificationWorkingDays);
  const windowStart = addDays(issuedOn, -policy.repeatWindowDays);
  const prior = earlier.filter((c) => c.issuedOn >= windowStart && c.issuedOn <= issuedOn).sort((a, b) => b.issuedOn.localeCompare(a.issuedOn))[0];
  const escalation = prior && policy.repeatEscalatesTo !== 'none' ? policy.repeatEscalatesTo : null;
  const limit = `rectify within ${policy.rectificationWorkingDays} working days, by ${rectificationDeadline}`;
  const explanation = prior
    ? `Repeat yellow card within ${policy.repeatWindowDays} days of card ${prior.id} (${prior.issuedOn}); rule set version ${ruleSetVersion} escalates a repeat to ${policy.repeatEscalatesTo}; ${limit}.`
    : `First yellow card within ${policy.repeatWindowDays} days under rule set version ${ruleSetVersion}; ${limit}.`;
  return { rectificationDeadline, repeatOf: prior?.id ?? null, escalation, explanation };
}

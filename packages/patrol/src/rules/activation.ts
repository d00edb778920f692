import { isWithin, scopePrefix } from '@safecity/core';

/** Alert types (警情类别). 两抢 = robbery and snatching. */
export const ALERT_TYPES = ['robbery', 'snatching', 'theft', 'burglary', 'fraud', 'assault', 'homicide', 'fight', 'traffic', 'public_order', 'other'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export const CRIMINAL_TYPES: readonly AlertType[] = ['robbery', 'snatching', 'theft', 'burglary', 'fraud', 'assault', 'homicide'];

export interface ActivationRule {
  /** The jurisdiction whose alerts are counted together (default: the alert's district). */
  jurisdictionCode: string;
  threshold: number;
  types: readonly AlertType[];
  deadlineMinutes: number;
  /** Configured points; empty = every temporary duty point of the jurisdiction. */
  pointIds: readonly string[];
}

/** Seed 001 (Shantou): the 2nd robbery/snatching alert of a day; points staffed within 10 minutes. */
/**
 * The most temporary duty points one jurisdiction's joint-duty rule may call out: every point gets
 * a check-in row per activation, and a district has a few dozen such points, not thousands.
 */
export const MAX_JOINT_DUTY_POINTS = 100;

export const DEFAULT_ACTIVATION = { threshold: 2, types: ['robbery', 'snatching'] as readonly AlertType[], deadlineMinutes: 10 };

/** Counting unit when nothing is configured: the district (county) the alert lies in. */
export function defaultRuleJurisdiction(alertJurisdiction: string): string {
  return alertJurisdiction.length >= 6 ? alertJurisdiction.slice(0, 6) : alertJurisdiction;
}

/** The most specific configured rule whose jurisdiction contains the alert's, or the default. */
export function pickRule(alertJurisdiction: string, configured: readonly ActivationRule[]): ActivationRule {
  const containing = configured.filter((r) => isWithin(alertJurisdiction, r.jurisdictionCode)).sort((a, b) => scopePrefix(b.jurisdictionCode).length - scopePrefix(a.jurisdictionCode).length);
  return containing[0] ?? { jurisdictionCode: defaultRuleJurisdiction(alertJurisdiction), ...DEFAULT_ACTIVATION, pointIds: [] };
}

export interface ActivationDecision {
  activate: boolean;
  /** The qualifying alerts of the day in time order, up to the threshold: they caused it. */
  triggeringAlertIds: string[];
  reason: string;
}

/**
 * An activation is due when the qualifying alerts of one calendar day reach the
 * threshold and none exists yet for that jurisdiction and day.
 */
export function decideActivation(input: { threshold: number; qualifying: readonly { id: string; occurredAt: Date }[]; alreadyActivated: boolean }): ActivationDecision {
  const sorted = [...input.qualifying].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  if (input.alreadyActivated) return { activate: false, triggeringAlertIds: [], reason: 'already activated for this jurisdiction and day' };
  if (sorted.length < input.threshold) return { activate: false, triggeringAlertIds: [], reason: `${sorted.length} of ${input.threshold} qualifying alerts` };
  return { activate: true, triggeringAlertIds: sorted.slice(0, input.threshold).map((a) => a.id), reason: `${sorted.length} qualifying alerts reach the threshold of ${input.threshold}` };
}

export type CheckInStatus = 'on_time' | 'late' | 'missing' | 'pending';

export interface PointReport {
  pointId: string;
  status: CheckInStatus;
  arrivedAt: Date | null;
  /** Minutes from activation to arrival (null when nobody arrived). */
  minutesAfterActivation: number | null;
}

/**
 * Each point's staffing against the deadline: arriving exactly at the deadline is on
 * time, later is late (> 10 minutes by default); no arrival is missing once the
 * deadline has passed and pending before.
 */
export function checkInReport(activation: { activatedAt: Date; deadline: Date }, pointIds: readonly string[], checkIns: readonly { pointId: string; arrivedAt: Date }[], now: Date): PointReport[] {
  const first = new Map<string, Date>();
  for (const c of checkIns) {
    const prev = first.get(c.pointId);
    if (!prev || c.arrivedAt < prev) first.set(c.pointId, c.arrivedAt);
  }
  return pointIds.map((pointId) => {
    const arrivedAt = first.get(pointId) ?? null;
    if (!arrivedAt) return { pointId, status: now > activation.deadline ? 'missing' : 'pending', arrivedAt: null, minutesAfterActivation: null };
    return {
      pointId,
      status: arrivedAt > activation.deadline ? 'late' : 'on_time',
      arrivedAt,
      minutesAfterActivation: Math.round(((arrivedAt.getTime() - activation.activatedAt.getTime()) / 60_000) * 10) / 10,
    };
  });
}

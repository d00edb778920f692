import { addDays, type IsoDate } from './dates.js';

/**
 * Governance of veto rule sets over time. A set reaching back before the day it is published
 * displaces the rules under which assessments of those days were (or could have been)
 * decided: it needs an explicit retroactive flag, a reason and a second officer's approval
 * (maker-checker), and is not in force until approved. A set that reaches back only over days
 * no set governed needs none of that: no assessment of those days can have been decided.
 */
export interface RuleSetOnTimeline {
  id: string;
  version: number;
  effectiveFrom: IsoDate;
  /** Not retroactive, or retroactive and approved. */
  inForce: boolean;
}

/** The set in force on a day: the in-force set effective latest by then (the higher version on a tie). */
export function ruleSetInForceOn<S extends RuleSetOnTimeline>(sets: S[], day: IsoDate): S | null {
  let best: S | null = null;
  for (const s of sets) {
    if (!s.inForce || s.effectiveFrom > day) continue;
    if (!best || s.effectiveFrom > best.effectiveFrom || (s.effectiveFrom === best.effectiveFrom && s.version > best.version)) best = s;
  }
  return best;
}

/**
 * The days a new set would govern retroactively: from its effective day (or the first day any
 * set governed, if later) to the day before publication; null when it governs no such day.
 */
export function retroactiveWindow(effectiveFrom: IsoDate, publishedOn: IsoDate, existing: RuleSetOnTimeline[]): { from: IsoDate; to: IsoDate } | null {
  if (effectiveFrom >= publishedOn) return null;
  const earliest = existing.filter((s) => s.inForce && s.effectiveFrom < publishedOn).reduce<IsoDate | null>((m, s) => (m === null || s.effectiveFrom < m ? s.effectiveFrom : m), null);
  if (earliest === null) return null;
  return { from: effectiveFrom > earliest ? effectiveFrom : earliest, to: addDays(publishedOn, -1) };
}

export type RuleSetStatus = 'in_force' | 'pending_approval' | 'rejected';

export function ruleSetStatus(set: { retroactive: boolean }, verdict: 'approve' | 'reject' | null): RuleSetStatus {
  if (!set.retroactive || verdict === 'approve') return 'in_force';
  return verdict === 'reject' ? 'rejected' : 'pending_approval';
}

/** The publisher of a retroactive set may not approve it. */
export const isSelfApproval = (publishedBy: string, deciderId: string) => publishedBy === deciderId;

/**
 * Whether an approved retroactive set now governs a decided assessment: its period end is on or
 * after the set's effective day, the set is the one in force on it, and it was decided under another.
 */
export function governedRetroactively(a: { periodEnd: IsoDate; ruleSetId: string }, set: RuleSetOnTimeline, all: RuleSetOnTimeline[]): boolean {
  if (a.periodEnd < set.effectiveFrom || a.ruleSetId === set.id) return false;
  return ruleSetInForceOn(all, a.periodEnd)?.id === set.id;
}

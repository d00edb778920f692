import type { MajorEventKind } from '@safecity/core';
import { isWithin } from '@safecity/core';
import { CATEGORIES, EVENT_KIND_LABELS, type Category } from './categories.js';
import { within, type IsoDate } from './dates.js';

/**
 * One-vote veto (一票否决) as data: a rule set version lists which event kinds, at the
 * unit itself or anywhere in its jurisdiction, fail a result whatever its score.
 */
export interface VetoRule {
  id: string;
  description: string;
  eventKinds: MajorEventKind[];
  /** 'unit': events at the unit; 'jurisdiction': events anywhere inside the unit's jurisdiction. */
  scope: 'unit' | 'jurisdiction';
  /** Only units of these categories (all when empty or absent). */
  categories?: Category[] | null;
  /** How many matching events it takes (default 1). */
  minEvents?: number | null;
}

export interface RuleSetSpec {
  version: number;
  rules: VetoRule[];
}

export interface MajorEventFact {
  id: string;
  kind: MajorEventKind;
  occurredOn: IsoDate;
  unitId: string | null;
  jurisdictionCode: string;
  description: string;
}

export interface UnitFacts {
  id: string;
  name: string;
  category: Category;
  jurisdictionCode: string;
}

export interface FiredRule {
  ruleId: string;
  /** The kinds of the events that fired the rule (not every kind the rule lists), in order of first occurrence. */
  eventKinds: MajorEventKind[];
  scope: 'unit' | 'jurisdiction';
  eventIds: string[];
}

export interface VetoDecision {
  vetoed: boolean;
  firedRules: FiredRule[];
  triggeringEvents: MajorEventFact[];
  explanation: string;
}

export function ruleSetProblems(rules: VetoRule[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) problems.push(`rule ${r.id} is listed twice`);
    ids.add(r.id);
    if (r.eventKinds.length === 0) problems.push(`rule ${r.id} names no event kind`);
    if (r.minEvents != null && (!Number.isInteger(r.minEvents) || r.minEvents < 1)) problems.push(`rule ${r.id}: minEvents is a positive integer`);
  }
  return problems;
}

function matches(rule: VetoRule, e: MajorEventFact, unit: UnitFacts): boolean {
  if (!rule.eventKinds.includes(e.kind)) return false;
  return rule.scope === 'unit' ? e.unitId === unit.id : e.unitId === unit.id || isWithin(e.jurisdictionCode, unit.jurisdictionCode);
}

const describeEvent = (e: MajorEventFact) => `${EVENT_KIND_LABELS[e.kind]} "${e.description}" on ${e.occurredOn} (event ${e.id})`;

/** The veto decision for one unit and period: a pure function of the rule set, the events and the period. */
export function decideVeto(ruleSet: RuleSetSpec, events: MajorEventFact[], period: { start: IsoDate; end: IsoDate }, unit: UnitFacts): VetoDecision {
  const inPeriod = events.filter((e) => within(e.occurredOn, period.start, period.end));
  const firedRules: FiredRule[] = [];
  const triggering = new Map<string, MajorEventFact>();
  const sentences: string[] = [];
  for (const rule of ruleSet.rules) {
    if (rule.categories?.length && !rule.categories.includes(unit.category)) continue;
    const hits = inPeriod.filter((e) => matches(rule, e, unit)).sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.id.localeCompare(b.id));
    if (hits.length === 0 || hits.length < (rule.minEvents ?? 1)) continue;
    firedRules.push({ ruleId: rule.id, eventKinds: [...new Set(hits.map((e) => e.kind))], scope: rule.scope, eventIds: hits.map((e) => e.id) });
    for (const e of hits) triggering.set(e.id, e);
    const where = rule.scope === 'unit' ? 'at the unit' : `within its jurisdiction ${unit.jurisdictionCode}`;
    sentences.push(`rule ${rule.id} (${rule.description}; ${where}) fired on ${hits.map(describeEvent).join(' and ')}`);
  }
  const label = `${unit.name} (${CATEGORIES[unit.category].label})`;
  const explanation = firedRules.length
    ? `One-vote veto of ${label} for ${period.start}..${period.end} under veto rule set version ${ruleSet.version}: ${sentences.join('; ')}.`
    : `No veto of ${label} for ${period.start}..${period.end} under veto rule set version ${ruleSet.version}: no rule matched the ${inPeriod.length} major event(s) recorded in the period.`;
  return { vetoed: firedRules.length > 0, firedRules, triggeringEvents: [...triggering.values()], explanation };
}

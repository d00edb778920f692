import { shanghaiWeekHour } from './time.js';

export const HOURS_PER_WEEK = 168;

export interface PlanSlot {
  /** 0 = Monday … 6 = Sunday (Shanghai time). */
  weekday: number;
  hour: number;
  /** The incidents that fell in this hour of the week: the explanation of its weight. */
  incidentIds: string[];
  weight: number;
  /** Exact proportional share before rounding. */
  quota: number;
  hours: number;
}

export interface ShiftPlan {
  availableHours: number;
  basis: 'incidents' | 'uniform';
  totalIncidents: number;
  slots: PlanSlot[];
}

/**
 * Distributes a block's available patrol hours over the 168 hours of a week in proportion
 * to the incidents that fell in each hour of the week (区块化巡防, seed 003). Whole hours by
 * largest remainder: each slot gets the floor of its quota, and the hours left go one each
 * to the largest fractional parts (ties: larger weight, then earlier in the week), so the
 * allocations sum exactly to the available hours. Without incidents the hours are spread
 * evenly. Only slots with a weight or an allocation are listed.
 */
export function weeklyShiftPlan(input: { availableHours: number; incidents: readonly { id: string; occurredAt: Date }[] }): ShiftPlan {
  const available = Math.max(0, Math.floor(input.availableHours));
  const slots: PlanSlot[] = Array.from({ length: HOURS_PER_WEEK }, (_, i) => ({ weekday: Math.floor(i / 24), hour: i % 24, incidentIds: [], weight: 0, quota: 0, hours: 0 }));
  for (const inc of input.incidents) {
    const { weekday, hour } = shanghaiWeekHour(inc.occurredAt);
    const s = slots[weekday * 24 + hour];
    s.incidentIds.push(inc.id);
    s.weight++;
  }
  const basis = input.incidents.length > 0 ? 'incidents' : 'uniform';
  const weights = slots.map((s) => (basis === 'incidents' ? s.weight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  slots.forEach((s, i) => {
    s.quota = (available * weights[i]) / total;
    s.hours = Math.floor(s.quota);
  });
  let left = available - slots.reduce((a, s) => a + s.hours, 0);
  const order = slots.map((s, i) => ({ i, frac: s.quota - s.hours, w: weights[i] })).sort((a, b) => b.frac - a.frac || b.w - a.w || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    slots[o.i].hours++;
    left--;
  }
  return { availableHours: available, basis, totalIncidents: input.incidents.length, slots: slots.filter((s) => s.weight > 0 || s.hours > 0) };
}

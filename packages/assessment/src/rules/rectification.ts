import type { IsoDate } from './dates.js';

/** Status of a rectification order (限期整改) on a day: the one rule the sweep and every read share. */
export type RectificationStatus = 'open' | 'completed' | 'completed_late' | 'overdue';

export function rectificationStatus(order: { deadline: IsoDate; completedOn: IsoDate | null }, today: IsoDate): RectificationStatus {
  if (order.completedOn) return order.completedOn <= order.deadline ? 'completed' : 'completed_late';
  return today > order.deadline ? 'overdue' : 'open';
}

/** An order incomplete after its deadline moves the unit into the next creation batch. */
export function movesToNextBatch(order: { deadline: IsoDate; completedOn: IsoDate | null }, today: IsoDate): boolean {
  return rectificationStatus(order, today) === 'overdue';
}

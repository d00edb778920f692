import { daysFrom, shanghaiTime } from './time.js';

/** The three 8-hour shifts of a checkpoint day (Shanghai time): together they cover 24 h. */
export const SHIFTS = [
  { key: 'night', startHour: 0 },
  { key: 'day', startHour: 8 },
  { key: 'evening', startHour: 16 },
] as const;
export type ShiftKey = (typeof SHIFTS)[number]['key'];
export const SHIFT_HOURS = 8;

export interface RosterEntry {
  date: string;
  shift: ShiftKey;
  teamId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface RosterInput {
  checkpointId: string;
  /** Exactly three teams, in rotation order. */
  teamIds: readonly string[];
  from: string;
  to: string;
  /** Shifts the rotation: offset k starts the first day as day 0 + k would. */
  startOffset?: number;
}

/** The shift windows of one Shanghai day. */
export function shiftsOf(date: string): { shift: ShiftKey; startsAt: Date; endsAt: Date }[] {
  return SHIFTS.map((s) => ({ shift: s.key, startsAt: shanghaiTime(date, s.startHour), endsAt: shanghaiTime(date, s.startHour + SHIFT_HOURS) }));
}

/**
 * Three teams rotating around the clock (三班轮转): every day each team works one of the three
 * shifts, and each team moves one shift earlier the next day (evening → day → night →
 * evening). That direction never puts a team on two shifts back to back: the shortest rest
 * is 8 hours. Team of (day d, shift s) = teams[(s + d + offset) mod 3].
 */
export function generateRoster(input: RosterInput): RosterEntry[] {
  if (input.teamIds.length !== 3) throw new RangeError('a three-shift roster needs exactly three teams');
  if (input.to < input.from) return [];
  const offset = input.startOffset ?? 0;
  const out: RosterEntry[] = [];
  daysFrom(input.from, input.to).forEach((date, d) => {
    shiftsOf(date).forEach((w, s) => {
      out.push({ date, shift: w.shift, teamId: input.teamIds[(((s + d + offset) % 3) + 3) % 3], startsAt: w.startsAt, endsAt: w.endsAt });
    });
  });
  return out;
}

import { coveredMs } from './coverage.js';
import type { Interval } from './time.js';

/** The four tasks of a shift (三班四运转): 设卡, 站哨, 巡查, 值班备勤. */
export const TASKS = ['checkpoint_control', 'sentry', 'patrol', 'standby'] as const;
export type Task = (typeof TASKS)[number];

/**
 * Minimum minutes per shift (seed 001): checkpoint control ≥ 2 h, sentry ≥ 6 h,
 * patrol ≥ 4 h; standby has no minimum but must be recorded. Minutes of a task are the
 * union over the team's members (two people on sentry at once count once).
 */
export const TASK_MINIMUM_MINUTES: Record<Task, number> = { checkpoint_control: 120, sentry: 360, patrol: 240, standby: 0 };

export interface TaskCompliance {
  task: Task;
  minutes: number;
  requiredMinutes: number;
  /** Standby: recorded at all; the others: at least the minimum. */
  met: boolean;
}

export interface ShiftAssessment {
  tasks: TaskCompliance[];
  compliant: boolean;
}

export function assessShift(logs: readonly (Interval & { task: Task })[], shift: Interval): ShiftAssessment {
  const tasks = TASKS.map((task): TaskCompliance => {
    const ms = coveredMs(
      logs.filter((l) => l.task === task),
      shift,
    );
    const required = TASK_MINIMUM_MINUTES[task];
    return { task, minutes: Math.floor(ms / 60_000), requiredMinutes: required, met: task === 'standby' ? ms > 0 : ms >= required * 60_000 };
  });
  return { tasks, compliant: tasks.every((t) => t.met) };
}

/**
 * Graded management with promotion and demotion (等级化管理、动态升降级, seed 004):
 * a unit's grade follows from its period results in order, a pure fold.
 */
export const GRADES = ['C', 'B', 'A'] as const;
export type Grade = (typeof GRADES)[number];

export interface GradePolicy {
  /** Consecutive passes at or above promoteMinScore needed to go up one grade. */
  promoteAfter: number;
  promoteMinScore: number;
}

export const DEFAULT_GRADE_POLICY: GradePolicy = { promoteAfter: 2, promoteMinScore: 90 };

export interface PeriodResult {
  passed: boolean;
  vetoed: boolean;
  total: number;
}

export interface GradeState {
  grade: Grade | null;
  /** Consecutive high passes since the last grade change. */
  streak: number;
}

/** One period's step: a veto withdraws the grade, a fail demotes one, high passes in a row promote one. */
export function gradeStep(state: GradeState, r: PeriodResult, policy: GradePolicy = DEFAULT_GRADE_POLICY): GradeState {
  if (r.vetoed) return { grade: null, streak: 0 };
  if (!r.passed) {
    const i = state.grade ? GRADES.indexOf(state.grade) : -1;
    return { grade: i > 0 ? GRADES[i - 1] : null, streak: 0 };
  }
  if (!state.grade) return { grade: 'C', streak: 0 };
  if (r.total < policy.promoteMinScore) return { grade: state.grade, streak: 0 };
  const streak = state.streak + 1;
  const i = GRADES.indexOf(state.grade);
  if (streak >= policy.promoteAfter && i < GRADES.length - 1) return { grade: GRADES[i + 1], streak: 0 };
  return { grade: state.grade, streak };
}

/** The grade after a sequence of period results (oldest first). */
export function gradeAfter(results: PeriodResult[], policy: GradePolicy = DEFAULT_GRADE_POLICY): GradeState {
  return results.reduce<GradeState>((s, r) => gradeStep(s, r, policy), { grade: null, streak: 0 });
}

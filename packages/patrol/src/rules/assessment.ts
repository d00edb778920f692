/** Weights of a patrol member's assessment (seed 003): block incident rate, discipline, community feedback. */
export const MEMBER_ASSESSMENT_WEIGHTS = { incidents: 0.4, discipline: 0.3, feedback: 0.3 } as const;

export interface MemberAssessmentInput {
  /** Incidents in the member's block in the period and in the previous period of equal length. */
  blockIncidents: number;
  blockIncidentsPrevious: number;
  /** Sum of the deduction points of the member's discipline records in the period. */
  disciplineDeductions: number;
  /** Community feedback ratings (1-5) in the period. */
  feedbackRatings: readonly number[];
  weights?: { incidents: number; discipline: number; feedback: number };
}

export interface MemberAssessment {
  incidentScore: number;
  disciplineScore: number;
  /** Null without feedback: its weight is then shared by the other two. */
  feedbackScore: number | null;
  total: number;
  explanation: string;
}

const clamp = (x: number) => Math.min(100, Math.max(0, x));
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Scores 0-100 each: incidents 50 when the block's incidents stay level, +50 for every
 * 100% fewer, −50 for every 100% more (relative to last period, at least 1);
 * discipline 100 minus deductions; feedback (average − 1) / 4 × 100. Total = weighted mean.
 */
export function assessMember(input: MemberAssessmentInput): MemberAssessment {
  const w = input.weights ?? MEMBER_ASSESSMENT_WEIGHTS;
  const base = Math.max(input.blockIncidentsPrevious, 1);
  const incidentScore = round1(clamp(50 + (50 * (input.blockIncidentsPrevious - input.blockIncidents)) / base));
  const disciplineScore = round1(clamp(100 - input.disciplineDeductions));
  const avg = input.feedbackRatings.length ? input.feedbackRatings.reduce((a, b) => a + b, 0) / input.feedbackRatings.length : null;
  const feedbackScore = avg == null ? null : round1(clamp(((avg - 1) / 4) * 100));
  const parts: [number, number][] = [[incidentScore, w.incidents], [disciplineScore, w.discipline], ...(feedbackScore == null ? [] : ([[feedbackScore, w.feedback]] as [number, number][]))];
  const wsum = parts.reduce((a, [, x]) => a + x, 0);
  const total = round1(parts.reduce((a, [s, x]) => a + s * x, 0) / wsum);
  const explanation =
    `incidents ${input.blockIncidents} vs ${input.blockIncidentsPrevious} → ${incidentScore} (×${w.incidents}); ` +
    `deductions ${input.disciplineDeductions} → ${disciplineScore} (×${w.discipline}); ` +
    (feedbackScore == null ? 'no feedback (weight shared)' : `feedback avg ${round1(avg!)} → ${feedbackScore} (×${w.feedback})`);
  return { incidentScore, disciplineScore, feedbackScore, total, explanation };
}

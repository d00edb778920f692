/** Three assessments in one (三考合一): safe-creation, governance and stability scores combined with configured weights. */
export interface EvaluationWeights {
  safeCreation: number;
  governance: number;
  stability: number;
}

export const DEFAULT_WEIGHTS: EvaluationWeights = { safeCreation: 0.4, governance: 0.3, stability: 0.3 };

export function weightsProblems(w: EvaluationWeights): string[] {
  const problems: string[] = [];
  for (const k of ['safeCreation', 'governance', 'stability'] as const) if (!(w[k] >= 0 && w[k] <= 1)) problems.push(`weight ${k} lies between 0 and 1`);
  if (Math.abs(w.safeCreation + w.governance + w.stability - 1) > 1e-9) problems.push('the weights add up to 1');
  return problems;
}

export function threeInOne(scores: EvaluationWeights, weights: EvaluationWeights): number {
  const total = scores.safeCreation * weights.safeCreation + scores.governance * weights.governance + scores.stability * weights.stability;
  return Math.round(total * 100) / 100;
}

import { and, asc, lt } from 'drizzle-orm';
import { anyOf, inScope, runMutation, type Ctx } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { OPEN_STATUSES } from '../rules/vocabulary.js';
import { disputes } from '../tables.js';
import { today } from './common.js';
import { escalate } from './disputes.js';

/** One sweep handles at most this many disputes; a larger backlog takes further runs (each reports what is left). */
export const SWEEP_BATCH = 500;

export interface SweepResult {
  asOf: string;
  escalated: number;
  closedFailed: number;
  remaining: number;
}

/**
 * The escalation sweep (跟踪督办): every open dispute whose level's deadline passed before
 * `asOf` moves one level up, in one transaction with its steps and audit entries. Reads never
 * escalate; this runs from the CLI (`disputes:escalate`, as the system, city-wide) or as a
 * mutation by a manager (inside their jurisdiction, recorded as them). Running it twice on a
 * day changes nothing the second time: the next level's clock starts on the sweep day.
 */
export async function escalateOverdueDisputes(ctx: Ctx, input: { asOf?: string | null } = {}): Promise<SweepResult> {
  const system = !ctx.actor;
  const asOf = input.asOf ?? today(ctx);
  if (asOf > today(ctx)) throw DisputesErrors.error('DATE_IN_FUTURE', undefined, { field: 'asOf' });
  return runMutation(ctx, { operation: 'escalateOverdueDisputes', system, input: { asOf } }, async (tx) => {
    const due = await tx.db
      .select()
      .from(disputes)
      .where(and(anyOf(disputes.status, OPEN_STATUSES), lt(disputes.deadline, asOf), system ? undefined : inScope(tx, disputes.jurisdictionCode)))
      .orderBy(asc(disputes.deadline), asc(disputes.id))
      .limit(SWEEP_BATCH + 1)
      .for('update', { skipLocked: true });
    let escalated = 0;
    let closedFailed = 0;
    for (const d of due.slice(0, SWEEP_BATCH)) {
      const after = await escalate(tx, d, asOf, `the ${d.level} level's deadline ${d.deadline} passed`);
      if (after.status === 'failed') closedFailed++;
      else escalated++;
    }
    return { asOf, escalated, closedFailed, remaining: Math.max(0, due.length - SWEEP_BATCH) };
  });
}

import { eq, sql } from 'drizzle-orm';
import { anyOf, requireWritableJurisdiction, loader, runMutation, scopedRead, type ConnectionArgs, type Ctx } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { disputeReads, roundReads } from '../reads.js';
import { periodRange } from '../rules/rates.js';
import { disputes, screeningRounds, type RoundRow } from '../tables.js';
import { actorId, today } from './common.js';

/** Records a screening round (排查) of a jurisdiction for a period; disputes it found are registered with its id. */
export async function recordScreeningRound(
  ctx: Ctx,
  input: { jurisdictionCode: string; period: string; startedOn: string; endedOn: string; focus: string; hazardsFound?: number | null; notes?: string | null },
  idempotencyKey?: string | null,
): Promise<RoundRow> {
  return runMutation(ctx, { operation: 'recordScreeningRound', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    if (!periodRange(input.period)) throw DisputesErrors.error('PERIOD_INVALID', undefined, { field: 'period' });
    if (input.endedOn < input.startedOn || input.endedOn > today(tx)) throw DisputesErrors.error('SCREENING_ROUND_DATES', undefined, { field: 'endedOn' });
    const [row] = await tx.db
      .insert(screeningRounds)
      .values({ ...input, hazardsFound: input.hazardsFound ?? 0, notes: input.notes ?? null, conductedBy: actorId(tx), recordedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'ScreeningRound', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

export function listScreeningRounds(ctx: Ctx, f: { jurisdictionCode?: string | null; period?: string | null }, args: ConnectionArgs) {
  return scopedRead(ctx, roundReads, {
    within: f.jurisdictionCode,
    where: [f.period ? eq(screeningRounds.period, f.period) : undefined],
    page: { args, direction: 'desc', keys: ['startedOn', 'id'] },
  });
}

export interface RoundFindings {
  disputes: number;
  resolved: number;
  massIncidentRisk: number;
}

/** What each round found: counts of the disputes registered with it, one statement per page of rounds. */
export function roundFindingsLoader(ctx: Ctx) {
  return loader<string, RoundFindings>(ctx, 'disputes.roundFindings', async (ids) => {
    const rows = await scopedRead(ctx, disputeReads, {
      where: [anyOf(disputes.screeningRoundId, [...ids])],
      from: (where) =>
        ctx.db
          .select({
            roundId: disputes.screeningRoundId,
            disputes: sql<number>`count(*)::int`,
            resolved: sql<number>`(count(*) filter (where ${disputes.status} = 'resolved'))::int`,
            massIncidentRisk: sql<number>`(count(*) filter (where ${disputes.massIncidentRisk}))::int`,
          })
          .from(disputes)
          .where(where)
          .groupBy(disputes.screeningRoundId),
    });
    const m = new Map(rows.map((r) => [r.roundId, r]));
    return ids.map((id) => {
      const r = m.get(id);
      return { disputes: Number(r?.disputes ?? 0), resolved: Number(r?.resolved ?? 0), massIncidentRisk: Number(r?.massIncidentRisk ?? 0) };
    });
  });
}

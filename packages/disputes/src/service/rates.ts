import { sql } from 'drizzle-orm';
import { assertInScope, levelOf, scopePrefix, type Ctx, rowsOf } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { periodRange, resolutionRate, type Rate } from '../rules/rates.js';
import { today } from './common.js';

export interface JurisdictionDisputeRates {
  jurisdictionCode: string;
  name: string;
  screened: number;
  resolved: number;
  resolution: Rate;
  overdue: number;
  escalated: number;
  failed: number;
  massIncidents: number;
  massIncidentRisk: number;
}

const CHILD_LENGTH: Record<string, number | null> = { province: 4, city: 6, district: 9, subdistrict: 12, community: 15, grid: null };

/**
 * Screened, resolved, resolution rate, overdue, escalated, failed and mass incidents of a
 * jurisdiction and each of its children for a period, in ONE SQL statement: the disputes
 * registered in the period under the node are grouped by the child's code prefix, GROUPING
 * SETS adds the node's total, and the jurisdiction names come from the same statement.
 *
 * - screened (排查): disputes registered in the period;
 * - resolved (化解): of those, settled by an agreement by the period's end;
 * - overdue: of those, still open on min(period end, today) and past their level's deadline
 *   (the deadline is the current one: an earlier level's deadline is in the steps, not here);
 * - escalated: of those, escalated at least once; failed / mass incidents: closed so.
 */
export async function disputeRates(ctx: Ctx, input: { jurisdictionCode: string; period: string }) {
  assertInScope(ctx, input.jurisdictionCode, 'jurisdiction');
  const range = periodRange(input.period);
  if (!range) throw DisputesErrors.error('PERIOD_INVALID', undefined, { field: 'period' });
  const { start, end } = range;
  const now = today(ctx);
  const asOf = end < now ? end : now;
  const root = `${scopePrefix(input.jurisdictionCode)}%`;
  const len = CHILD_LENGTH[levelOf(input.jurisdictionCode)] ?? input.jurisdictionCode.length;
  const result = await ctx.db.execute(sql`
    with facts as (
      select left(d.jurisdiction_code, ${len}::int) as k,
             count(*) as screened,
             count(*) filter (where d.resolved_on <= ${end}) as resolved,
             count(*) filter (where d.deadline < ${asOf}
                                and (d.resolved_on is null or d.resolved_on > ${asOf})
                                and (d.closed_on is null or d.closed_on > ${asOf})) as overdue,
             count(*) filter (where d.escalations > 0) as escalated,
             count(*) filter (where d.status = 'failed') as failed,
             count(*) filter (where d.mass_incident_on is not null) as mass_incidents,
             count(*) filter (where d.mass_incident_risk) as at_risk
        from disputes d
       where d.jurisdiction_code like ${root} and d.registered_on between ${start} and ${end}
       group by 1
    ), totals as (
      select k, grouping(k) as is_total, sum(screened) as screened, sum(resolved) as resolved, sum(overdue) as overdue,
             sum(escalated) as escalated, sum(failed) as failed, sum(mass_incidents) as mass_incidents, sum(at_risk) as at_risk
        from facts group by grouping sets ((k), ())
    ), nodes as (
      select j.code, j.name, j.code = ${input.jurisdictionCode} as is_total
        from jurisdictions j
       where j.code = ${input.jurisdictionCode} or j.parent_code = ${input.jurisdictionCode}
    )
    select n.code, n.name, n.is_total,
           coalesce(t.screened, 0)::int as screened, coalesce(t.resolved, 0)::int as resolved, coalesce(t.overdue, 0)::int as overdue,
           coalesce(t.escalated, 0)::int as escalated, coalesce(t.failed, 0)::int as failed,
           coalesce(t.mass_incidents, 0)::int as mass_incidents, coalesce(t.at_risk, 0)::int as at_risk
      from nodes n
      left join totals t on (n.is_total and t.is_total = 1) or (not n.is_total and t.is_total = 0 and t.k = n.code)
     order by n.is_total desc, n.code
  `);
  const rows = rowsOf<Record<string, unknown>>(result);
  const build = (r: Record<string, unknown>): JurisdictionDisputeRates => {
    const n = (key: string) => Number(r[key] ?? 0);
    return {
      jurisdictionCode: String(r.code),
      name: String(r.name),
      screened: n('screened'),
      resolved: n('resolved'),
      resolution: resolutionRate(n('resolved'), n('screened')),
      overdue: n('overdue'),
      escalated: n('escalated'),
      failed: n('failed'),
      massIncidents: n('mass_incidents'),
      massIncidentRisk: n('at_risk'),
    };
  };
  const totalRow = rows.find((r) => r.is_total === true || r.is_total === 't');
  if (!totalRow) throw DisputesErrors.error('PERIOD_INVALID', 'No such jurisdiction.', { field: 'jurisdictionCode' });
  return {
    period: input.period,
    start,
    end,
    asOf,
    total: build(totalRow),
    children: rows.filter((r) => r !== totalRow).map(build),
  };
}

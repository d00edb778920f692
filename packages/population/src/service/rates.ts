import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { assertInScope, requireWritableJurisdiction, jurisdictions, scopedRead, levelOf, requireActor, runMutation, scopePrefix, type Ctx, rowsOf } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { periodRange, rateBucketKeys, rate, RATE_TARGETS, type Rate } from '../rules.js';
import { divisionReads } from '../reads.js';
import { floatingPopulationEstimates, populationRateFactDeltas, populationRateFactGeneration } from '../tables.js';
import { FIVE_ONES_COMPLETE_SQL, RATE_ANCESTORS_FUNCTION, RATE_FACT_MEASURES } from './rate-facts.js';

/** Records the estimated floating population of a community for a period (a later value supersedes, history kept). */
export async function recordFloatingPopulationEstimate(ctx: Ctx, input: { jurisdictionCode: string; period: string; estimate: number; source?: string | null }, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'recordFloatingPopulationEstimate', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    if (levelOf(input.jurisdictionCode) !== 'community') throw PopulationErrors.error('ESTIMATE_LEVEL', undefined, { field: 'input.jurisdictionCode' });
    if (!periodRange(input.period)) throw PopulationErrors.error('PERIOD_INVALID', undefined, { field: 'input.period' });
    const superseded = await tx.db
      .update(floatingPopulationEstimates)
      .set({ supersededAt: tx.now() })
      .where(
        and(eq(floatingPopulationEstimates.jurisdictionCode, input.jurisdictionCode), eq(floatingPopulationEstimates.period, input.period), sql`${floatingPopulationEstimates.supersededAt} is null`),
      )
      .returning();
    const [row] = await tx.db
      .insert(floatingPopulationEstimates)
      .values({ jurisdictionCode: input.jurisdictionCode, period: input.period, estimate: input.estimate, source: input.source ?? null, recordedBy: requireActor(tx).id, recordedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'FloatingPopulationEstimate', entityId: `${input.jurisdictionCode}:${input.period}`, jurisdictionCode: input.jurisdictionCode, before: superseded[0] ?? null, after: row });
    return row;
  });
}

export interface JurisdictionRates {
  jurisdictionCode: string;
  name: string;
  registration: Rate;
  consistency: Rate;
  deregistration: Rate;
  filing: Rate;
  fiveOnes: Rate;
}

const CHILD_LENGTH: Record<string, number | null> = { province: 4, city: 6, district: 9, subdistrict: 12, community: 15, grid: null };

/**
 * The four rates (and the five-ones share) of a jurisdiction and of each of its children for a
 * period, summed from the fact buckets (service/rate-facts.ts): the buckets hold each subtree's
 * figures, so the answer reads the node's row and its children's rows per bucket key (a city-year:
 * ~15 districts × the year keys before it and its months, not every grid's), plus the deltas
 * under the node the fold job has not moved yet, rolled up the same way. The node's own row is its
 * total; facts attached to the node itself count for the node only, as its own row minus its
 * children's rows (keyed by the node's code, which matches no child).
 *
 * - registration: floating persons with a registration open at the period's end / the estimates
 *   recorded for the communities of the subtree for that period.
 * - consistency: visits in the period whose people matched the register / visits in the period.
 * - deregistration: of the known departures of the period (registrations deregistered or moved out
 *   in it, or found gone on a visit in it), those deregistered or moved out by the period's end.
 * - filing: dwellings listed by the period's end that were filed by then / those dwellings.
 * - fiveOnes: urban-village buildings whose latest check by the end is complete / such buildings.
 *
 * `populationRatesFromBaseTables` computes the same from the registers themselves: the definition
 * the buckets are tested against.
 */
export async function populationRates(ctx: Ctx, input: { jurisdictionCode: string; period: string }): Promise<PopulationRates> {
  return ratesFrom(ctx, input, bucketFacts, { cached: true });
}

const bucketFacts: FactsSql = ({ node, root, period }) => {
  const keys = rateBucketKeys(period);
  if (!keys) throw PopulationErrors.error('PERIOD_INVALID', undefined, { field: 'period' });
  const months = sql.join(
    keys.stockMonths.map((m) => sql`${m}`),
    sql`, `,
  );
  const atEnd = (p: string) => sql`((length(${sql.raw(p)}) = 4 and ${sql.raw(p)} < ${keys.stockYearsBefore}) or ${sql.raw(p)} in (${months}))`;
  const wanted = (p: string) => sql`(${atEnd(p)} or ${sql.raw(p)} = ${keys.flow})`;
  const s = (col: string) => sql`sum(case when ${atEnd('f.period')} then s.sign * ${sql.identifier(col)} else 0 end)`;
  const p = (col: string) => sql`sum(case when f.period = ${keys.flow} then s.sign * ${sql.identifier(col)} else 0 end)`;
  const measures = sql.raw(RATE_FACT_MEASURES.join(', '));
  const deltaMeasures = sql.raw(RATE_FACT_MEASURES.map((m) => `d.${m}`).join(', '));
  return sql`
      select s.k, ${s('registered')} as reg_n, 0 as est, ${p('visits_matched')} as vm, ${p('visits')} as vn,
             ${p('departures_settled')} as dm, ${p('departures')} as dn, ${s('dwellings_filed')} as fm, ${s('dwellings_listed')} as fn,
             ${s('buildings_complete')} as cm, ${s('buildings')} as cn
        from (select b.jurisdiction_code as code, b.period, ${measures}
                from population_rate_facts b
               where (b.jurisdiction_code = ${node} or b.parent_code = ${node}) and ${wanted('b.period')}
              union all
              select a.code, d.period, ${deltaMeasures}
                from population_rate_fact_deltas d cross join lateral ${sql.raw(RATE_ANCESTORS_FUNCTION)}(d.jurisdiction_code) a
               where d.jurisdiction_code like ${root} and (a.code = ${node} or a.parent_code = ${node}) and ${wanted('d.period')}) f
        -- a child's row counts for the child, and is taken off the node's own remainder
        cross join lateral (select f.code as k, 1 as sign union all select ${node}::text, -1 where f.code <> ${node}) s
       group by s.k`;
};

type PopulationRates = { period: string; start: string; end: string; total: JurisdictionRates; children: JurisdictionRates[] };
type FactsSql = (q: { node: string; root: string; k: (col: string) => SQL; period: string; start: string; end: string }) => SQL;

/** The rates computed from the registers themselves (the definition; slow at city size): the buckets' test oracle. */
export async function populationRatesFromBaseTables(ctx: Ctx, input: { jurisdictionCode: string; period: string }): Promise<PopulationRates> {
  return ratesFrom(ctx, input, ({ root, k, start, end }) => {
    const endExclusive = sql`(${end}::date + 1)::timestamptz`;
    return sql`
      select ${k('r.jurisdiction_code')} as k, count(*) as reg_n, 0 as est, 0 as vm, 0 as vn, 0 as dm, 0 as dn, 0 as fm, 0 as fn, 0 as cm, 0 as cn
        from residence_registrations r join persons p on p.id = r.person_id and p.kind = 'floating'
       where r.jurisdiction_code like ${root} and r.registered_on <= ${end} and (r.ended_on is null or r.ended_on > ${end})
       group by 1
      union all
      select ${k('v.jurisdiction_code')}, 0, 0, count(*) filter (where v.matched), count(*), 0, 0, 0, 0, 0, 0
        from revisits v
       where v.jurisdiction_code like ${root} and v.visited_on between ${start} and ${end}
       group by 1
      union all
      select ${k('r.jurisdiction_code')}, 0, 0, 0, 0,
             count(*) filter (where r.end_kind in ('deregistered', 'moved_out') and r.ended_on <= ${end}), count(*), 0, 0, 0, 0
        from residence_registrations r
       where r.jurisdiction_code like ${root}
         -- the period's departures come from two date indexes, not from a probe per registration
         and r.id in (select d.id from residence_registrations d where d.end_kind = 'deregistered' and d.ended_on between ${start} and ${end}
                      union
                      -- a move registered by the receiving side deregisters the old registration too
                      select m.id from residence_registrations m where m.end_kind = 'moved_out' and m.ended_on between ${start} and ${end}
                      union
                      select t.registration_id from revisit_tenants t where t.outcome = 'departed' and t.visited_on between ${start} and ${end})
       group by 1
      union all
      select ${k('d.jurisdiction_code')}, 0, 0, 0, 0, 0, 0,
             count(*) filter (where d.filing_status = 'filed' and d.filed_on <= ${end}), count(*), 0, 0
        from dwellings d
       where d.jurisdiction_code like ${root} and d.listed_on <= ${end}
       group by 1
      union all
      select ${k('d.jurisdiction_code')}, 0, 0, 0, 0, 0, 0, 0, 0,
             count(*) filter (where ${sql.raw(FIVE_ONES_COMPLETE_SQL)}), count(*)
        from dwellings d
        left join lateral (select * from five_ones_checks c where c.dwelling_id = d.id and c.checked_at < ${endExclusive} order by c.checked_at desc limit 1) c on true
       where d.jurisdiction_code like ${root} and d.urban_village_building and d.listed_on <= ${end}
       group by 1`;
  });
}

/**
 * Answers of the bucket rates, per database, by jurisdiction, period and the version they were
 * summed at (`ratesVersion`): a command centre's dashboards ask the same city-year again and again,
 * and between two writes in the subtree the sums cannot differ. Bounded, least recently used first out.
 */
const RATES_CACHE_ENTRIES = 512;
const ratesCache = new WeakMap<object, Map<string, Record<string, unknown>[]>>();

/**
 * What the bucket rates of `root` are summed from, named in one statement: the generation (raised
 * in the transaction that moves deltas into the buckets, and by every write of the estimates) and
 * the deltas under the root (a count that only grows between two folds). The pair moves on every
 * committed change the answer depends on and never returns to an earlier value (a count is not
 * fooled by two writers committing out of order, as a largest id would be), so an answer summed
 * after reading a version is at least as new as that version. Read-only requests only: a
 * transaction's own uncommitted deltas would be counted.
 */
async function ratesVersion(ctx: Ctx, root: string): Promise<string> {
  const [v] = rowsOf<{ g: unknown; d: unknown }>(
    await ctx.db.execute(sql`select (select generation from ${populationRateFactGeneration} where id = 1) as g,
      (select count(*) from ${populationRateFactDeltas} where jurisdiction_code like ${root}) as d`),
  );
  return `${v?.g ?? 0}:${v?.d}`;
}

function cachedRates(ctx: Ctx): Map<string, Record<string, unknown>[]> {
  const key = ctx.platform.database as object;
  let m = ratesCache.get(key);
  if (!m) ratesCache.set(key, (m = new Map()));
  return m;
}

/** Runs a facts SQL (rows of k and the ten sums, per child prefix) with the estimates, and shapes the answer. */
async function ratesFrom(ctx: Ctx, input: { jurisdictionCode: string; period: string }, factsSql: FactsSql, o: { cached?: boolean } = {}): Promise<PopulationRates> {
  assertInScope(ctx, input.jurisdictionCode, 'jurisdiction');
  const range = periodRange(input.period);
  if (!range) throw PopulationErrors.error('PERIOD_INVALID', undefined, { field: 'period' });
  const { start, end } = range;
  const root = `${scopePrefix(input.jurisdictionCode)}%`;
  // The version is read before the sums: the sums are then at least as new as the key they are kept under.
  const cacheKey = o.cached ? `${input.jurisdictionCode}|${input.period}|${await ratesVersion(ctx, root)}` : null;
  const cache = cacheKey ? cachedRates(ctx) : null;
  let rows = cacheKey ? cache!.get(cacheKey) : undefined;
  if (rows) {
    cache!.delete(cacheKey!);
    cache!.set(cacheKey!, rows);
  } else {
    rows = await summedFacts(ctx, input, factsSql, { root, start, end });
    if (cacheKey) {
      cache!.set(cacheKey, rows);
      if (cache!.size > RATES_CACHE_ENTRIES) cache!.delete(cache!.keys().next().value!);
    }
  }
  return shapeRates(ctx, input, { start, end }, rows);
}

async function summedFacts(
  ctx: Ctx,
  input: { jurisdictionCode: string; period: string },
  factsSql: FactsSql,
  { root, start, end }: { root: string; start: string; end: string },
): Promise<Record<string, unknown>[]> {
  const len = CHILD_LENGTH[levelOf(input.jurisdictionCode)] ?? input.jurisdictionCode.length;
  const k = (col: string) => sql.raw(`left(${col}, ${Number(len)})`);
  const result = await ctx.db.execute(sql`
    with facts as (
      ${factsSql({ node: input.jurisdictionCode, root, k, period: input.period, start, end })}
      union all
      select ${k('e.jurisdiction_code')}, 0, sum(e.estimate), 0, 0, 0, 0, 0, 0, 0, 0
        from floating_population_estimates e
       where e.jurisdiction_code like ${root} and e.period = ${input.period} and e.superseded_at is null
       group by 1
    )
    select k, grouping(k) as is_total,
           sum(reg_n)::int as reg_n, sum(est)::int as est, sum(vm)::int as vm, sum(vn)::int as vn, sum(dm)::int as dm,
           sum(dn)::int as dn, sum(fm)::int as fm, sum(fn)::int as fn, sum(cm)::int as cm, sum(cn)::int as cn
      from facts group by grouping sets ((k), ())
  `);
  return rowsOf<Record<string, unknown>>(result);
}

/** The answer: the node's total and each child in the caller's scope, named, from the summed rows. */
async function shapeRates(ctx: Ctx, input: { jurisdictionCode: string; period: string }, { start, end }: { start: string; end: string }, rows: Record<string, unknown>[]): Promise<PopulationRates> {
  // The node and its children's names in one round trip (a dashboard's every answer pays it).
  // The node itself is in the caller's scope (asserted above), so the scope keeps it and filters the children.
  const named = await scopedRead(ctx, divisionReads, {
    where: [or(eq(jurisdictions.code, input.jurisdictionCode), eq(jurisdictions.parentCode, input.jurisdictionCode))],
    orderBy: [asc(jurisdictions.code)],
    from: (where, orderBy) =>
      ctx.db
        .select({ code: jurisdictions.code, name: jurisdictions.name })
        .from(jurisdictions)
        .where(where)
        .orderBy(...orderBy),
  });
  const self = named.find((j) => j.code === input.jurisdictionCode);
  const children = named.filter((j) => j.code !== input.jurisdictionCode);
  const byKey = new Map(rows.filter((r) => Number(r.is_total) === 0).map((r) => [String(r.k), r]));
  const total = rows.find((r) => Number(r.is_total) === 1);
  const build = (code: string, name: string, r: Record<string, unknown> | undefined): JurisdictionRates => {
    const n = (key: string) => Number(r?.[key] ?? 0);
    return {
      jurisdictionCode: code,
      name,
      registration: rate(n('reg_n'), n('est'), RATE_TARGETS.registration),
      consistency: rate(n('vm'), n('vn'), RATE_TARGETS.consistency),
      deregistration: rate(n('dm'), n('dn'), RATE_TARGETS.deregistration),
      filing: rate(n('fm'), n('fn'), RATE_TARGETS.filing),
      fiveOnes: rate(n('cm'), n('cn'), RATE_TARGETS.fiveOnes),
    };
  };
  return {
    period: input.period,
    start,
    end,
    total: build(input.jurisdictionCode, self?.name ?? input.jurisdictionCode, total),
    children: children.map((c) => build(c.code, c.name, byKey.get(c.code))),
  };
}

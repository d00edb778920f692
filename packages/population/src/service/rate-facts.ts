import { getTableName, sql } from 'drizzle-orm';
import { requirePermission, rowsOf, runMutation, type Ctx } from '@safecity/core';
import { FIVE_ONES_ITEMS } from '../rules.js';
import { dwellings, fiveOnesChecks, floatingPopulationEstimates, persons, populationRateFacts, residenceRegistrations, revisits, revisitTenants } from '../tables.js';

/**
 * The rates' fact buckets (tables `population_rate_facts` and `population_rate_fact_deltas`, see
 * tables.ts), kept by statement-level triggers: whatever writes a fact (a service, the CSV import,
 * a move, a seed, a COPY) pays one set-based INSERT of delta rows per statement over its
 * transition tables, in the same transaction. Each table's contribution to the buckets is written
 * once here as SQL over a row set; a trigger adds the contribution of the rows after the statement
 * and subtracts that of the rows before it, and the rebuild adds the contribution of every row.
 * The fold job moves deltas into per-subtree buckets (every ancestor of a fact's jurisdiction), so
 * buckets + deltas rolled up always equal f(current rows), folded or not.
 */

/** Bucket key formats (to_char): every supported period ends on a month end, so buckets are exact. */
const YEAR = `'YYYY'`;
const QUARTER = `'YYYY-"Q"Q'`;
const MONTH = `'YYYY-MM'`;

export const RATE_FACT_MEASURES = ['registered', 'visits', 'visits_matched', 'departures', 'departures_settled', 'dwellings_listed', 'dwellings_filed', 'buildings', 'buildings_complete'] as const;
type Measure = (typeof RATE_FACT_MEASURES)[number];

const ENDED_AS_DEPARTURE = `('deregistered', 'moved_out')`;

/** A select of (jurisdiction_code, period, every measure) from `from`, measures not named being 0. */
function facts(code: string, period: string, measures: Partial<Record<Measure, string>>, from: string): string {
  return `select ${code} as jurisdiction_code, ${period} as period, ${RATE_FACT_MEASURES.map((m) => `${measures[m] ?? '0'} as ${m}`).join(', ')} ${from}`;
}

/** fiveOnesComplete in SQL over a check aliased `c`: built from the same list of items as the rule. */
export const FIVE_ONES_COMPLETE_SQL = FIVE_ONES_ITEMS.map((item) => `c.${fiveOnesChecks[item].name}`).join(' and ');

/**
 * Open registrations of floating persons, a stock: +1 at the month (and year) of registered_on,
 * -1 at the later of registered_on and ended_on, since a registration is open at a month end E
 * exactly when registered_on <= E and not ended_on <= E.
 */
function registeredFacts(regs: string, people: string, sign: number): string {
  return facts(
    'r.jurisdiction_code',
    'k.period',
    { registered: `${sign} * k.n` },
    `from ${regs} r join ${people} p on p.id = r.person_id and p.kind = 'floating'
     cross join lateral (values (to_char(r.registered_on, ${YEAR}), 1), (to_char(r.registered_on, ${MONTH}), 1),
       (to_char(greatest(r.registered_on, r.ended_on), ${YEAR}), case when r.ended_on is null then 0 else -1 end),
       (to_char(greatest(r.registered_on, r.ended_on), ${MONTH}), case when r.ended_on is null then 0 else -1 end)) k(period, n)
     where k.n <> 0`,
  );
}

/**
 * Visits and matched visits, counted at each period key (year, quarter, month) of visited_on; summed
 * per month first, so a statement of many visits (a COPY) expands months, not rows.
 */
function visitFacts(visitRows: string, sign: number): string {
  return facts(
    'v.jurisdiction_code',
    'k.period',
    { visits: `${sign} * v.n`, visits_matched: `${sign} * v.matched` },
    `from (select jurisdiction_code, to_char(visited_on, ${MONTH}) as month, count(*) as n, count(*) filter (where matched) as matched
             from ${visitRows} x group by 1, 2) v
     cross join lateral (values (left(v.month, 4)), (left(v.month, 4) || '-Q' || ((substr(v.month, 6, 2)::int + 2) / 3)), (v.month)) k(period)`,
  );
}

/**
 * Known departures: a registration counts once in each period key holding one of its departure
 * signals (ended as deregistered or moved out, or a visit that found the tenant gone); settled when
 * it ended as a departure by the period's end, i.e. the key of ended_on at that grain is <= the key.
 */
function departureFacts(regs: string, tenants: string, sign: number): string {
  return facts(
    'r.jurisdiction_code',
    'g.period',
    {
      departures: `${sign}`,
      departures_settled: `${sign} * case when r.end_kind in ${ENDED_AS_DEPARTURE} and to_char(r.ended_on, g.fmt) <= g.period then 1 else 0 end`,
    },
    `from (select distinct s.registration_id, f.fmt, to_char(s.signal_on, f.fmt) as period
             from (select x.id as registration_id, x.ended_on as signal_on from ${regs} x where x.end_kind in ${ENDED_AS_DEPARTURE}
                   union all
                   select t.registration_id, t.visited_on from ${tenants} t where t.outcome = 'departed' and t.registration_id in (select y.id from ${regs} y)) s
             cross join (values (${YEAR}), (${QUARTER}), (${MONTH})) f(fmt)) g
     join ${regs} r on r.id = g.registration_id`,
  );
}

/** Dwellings listed (and urban-village buildings) by listed_on; filed ones by the later of listed_on and filed_on: stocks. */
function dwellingFacts(dwellingRows: string, sign: number): string {
  return facts(
    'd.jurisdiction_code',
    'k.period',
    { dwellings_listed: `${sign} * k.listed`, buildings: `${sign} * k.listed * d.urban_village_building::int`, dwellings_filed: `${sign} * k.filed` },
    `from ${dwellingRows} d cross join lateral (values (to_char(d.listed_on, ${YEAR}), 1, 0), (to_char(d.listed_on, ${MONTH}), 1, 0),
       (to_char(greatest(d.listed_on, d.filed_on), ${YEAR}), 0, 1), (to_char(greatest(d.listed_on, d.filed_on), ${MONTH}), 0, 1)) k(period, listed, filed)
     where k.listed = 1 or (d.filing_status = 'filed' and d.filed_on is not null)`,
  );
}

/**
 * Urban-village buildings whose latest five-ones check by a month's end is complete (and listed by
 * then): a stock whose value can flip at the listing month and at each month with checks. The
 * value at each such month is computed, and its changes are the deltas.
 */
function completeBuildingFacts(dwellingRows: string, checks: string, sign: number): string {
  return `select jurisdiction_code, period, ${RATE_FACT_MEASURES.map((m) => (m === 'buildings_complete' ? `${sign} * delta as ${m}` : `0 as ${m}`)).join(', ')} from (
    with b as (select d.id, d.jurisdiction_code, to_char(d.listed_on, ${MONTH}) as listed from ${dwellingRows} d where d.urban_village_building),
    last_in_month as (
      select distinct on (c.dwelling_id, to_char(c.checked_at, ${MONTH})) c.dwelling_id, to_char(c.checked_at, ${MONTH}) as m, (${FIVE_ONES_COMPLETE_SQL}) as complete
        from ${checks} c where c.dwelling_id in (select id from b)
       order by c.dwelling_id, to_char(c.checked_at, ${MONTH}), c.checked_at desc, c.id desc),
    points as (
      select b.id, b.jurisdiction_code, b.listed, l.m, l.complete from b join last_in_month l on l.dwelling_id = b.id
      union
      select b.id, b.jurisdiction_code, b.listed, b.listed,
             (select l.complete from last_in_month l where l.dwelling_id = b.id and l.m <= b.listed order by l.m desc limit 1) from b),
    valued as (select id, jurisdiction_code, m, case when m >= listed and coalesce(complete, false) then 1 else 0 end as v from points),
    deltas as (select id, jurisdiction_code, m, v - lag(v, 1, 0) over (partition by id order by m) as delta from valued)
    select jurisdiction_code, k.period, delta from deltas cross join lateral (values (left(m, 4)), (m)) k(period) where delta <> 0
  ) q`;
}

const MEASURE_SUMS = RATE_FACT_MEASURES.map((m) => `sum(${m})::int`);
const ANY_NONZERO = MEASURE_SUMS.map((s) => `${s} <> 0`).join(' or ');

/**
 * A trigger's write: the summed contributions appended as delta rows at the facts' own
 * jurisdictions. A plain INSERT into a table no other writer updates: concurrent writers into one
 * grid and month share no row, so none waits for another's COMMIT (an upsert into a shared bucket
 * row did, and serialized registerResidence per grid and month).
 */
function appendDeltas(parts: string[]): string {
  return `insert into population_rate_fact_deltas (jurisdiction_code, period, ${RATE_FACT_MEASURES.join(', ')})
    select jurisdiction_code, period, ${MEASURE_SUMS.join(', ')} from (${parts.join('\n union all ')}) x
     group by jurisdiction_code, period having ${ANY_NONZERO}`;
}

/** The SQL function giving a code, each of its ancestors and each one's parent: the mirror of core's parentCode. */
export const RATE_ANCESTORS_FUNCTION = 'population_rate_ancestors';

function ancestorsFunctionSql(): string {
  // A code's ancestors are prefixes: community 12, sub-district 9, district 6, city 4 + '00',
  // province 2 + '0000' (a sub-district directly under a city has the city as its 6-digit prefix;
  // distinct drops the repeats, and prefixes longer than the code are the code itself).
  const parent = `case length(a) when 15 then left(a, 12) when 12 then left(a, 9) when 9 then left(a, 6)
      else case when right(a, 4) = '0000' then null when right(a, 2) = '00' then left(a, 2) || '0000' else left(a, 4) || '00' end end`;
  return `create or replace function ${RATE_ANCESTORS_FUNCTION}(leaf text) returns table(code text, parent_code text)
language sql immutable parallel safe as $$
  select a, ${parent} from (select distinct unnest(array[leaf, left(leaf, 12), left(leaf, 9), left(leaf, 6), left(leaf, 4) || '00', left(leaf, 2) || '0000']) as a) x
$$`;
}

/**
 * Facts (rows of jurisdiction_code, period and the measures, at the facts' own jurisdictions)
 * added into the subtree rows of each of their jurisdictions' ancestors, in key order (two folds
 * lock rows in the same order), dropping sums that are zero everywhere.
 */
function addToSubtrees(rows: string): string {
  return `insert into population_rate_facts as f (jurisdiction_code, parent_code, period, ${RATE_FACT_MEASURES.join(', ')})
    select a.code, a.parent_code, x.period, ${MEASURE_SUMS.join(', ')}
      from ${rows} x cross join lateral ${RATE_ANCESTORS_FUNCTION}(x.jurisdiction_code) a
     group by a.code, a.parent_code, x.period having ${ANY_NONZERO}
     order by a.code, x.period
    on conflict (jurisdiction_code, period) do update set ${RATE_FACT_MEASURES.map((m) => `${m} = f.${m} + excluded.${m}`).join(', ')}`;
}

const REGISTRATIONS = getTableName(residenceRegistrations);
const PERSONS = getTableName(persons);
const REVISITS = getTableName(revisits);
const TENANTS = getTableName(revisitTenants);
const DWELLINGS = getTableName(dwellings);
const CHECKS = getTableName(fiveOnesChecks);

/** Whether an UPDATE changed any of the listed columns of a row. */
function anyChanged(key: string[], columns: string[]): string {
  const on = key.map((k) => `n.${k} = o.${k}`).join(' and ');
  const tuple = (a: string) => `(${columns.map((c) => `${a}.${c}`).join(', ')})`;
  return `exists (select 1 from old_rows o join new_rows n on ${on} where ${tuple('o')} is distinct from ${tuple('n')})`;
}

/** The rows of an UPDATE whose listed columns changed, before (`o`) or after (`n`): other updates move no bucket. */
function changed(side: 'o' | 'n', key: string[], columns: string[]): string {
  const on = key.map((k) => `n.${k} = o.${k}`).join(' and ');
  const tuple = (a: string) => `(${columns.map((c) => `${a}.${c}`).join(', ')})`;
  return `(select ${side}.* from old_rows o join new_rows n on ${on} where ${tuple('o')} is distinct from ${tuple('n')})`;
}

interface FactTrigger {
  table: string;
  /** The statements (contributions) for each event, given the transition tables of that event. */
  insert?: string[];
  update?: string[];
  delete?: string[];
  /** A condition (over the transition tables) without which the statement moves no bucket. */
  guard?: { insert?: string; update?: string; delete?: string };
}

const REG_COLUMNS = ['person_id', 'jurisdiction_code', 'registered_on', 'ended_on', 'end_kind'];
const VISIT_COLUMNS = ['jurisdiction_code', 'visited_on', 'matched'];
const DWELLING_COLUMNS = ['jurisdiction_code', 'listed_on', 'filing_status', 'filed_on', 'urban_village_building'];
const regsOfTenants = (rel: string) => `(select * from ${REGISTRATIONS} where id in (select registration_id from ${rel}))`;
const tenantsWithout = (rel: string) => `(select * from ${TENANTS} t where not exists (select 1 from ${rel} z where z.revisit_id = t.revisit_id and z.person_id = t.person_id))`;
const dwellingsOfChecks = `(select * from ${DWELLINGS} where id in (select dwelling_id from new_rows))`;

const FACT_TRIGGERS: FactTrigger[] = [
  {
    table: REGISTRATIONS,
    insert: [registeredFacts('new_rows', PERSONS, 1), departureFacts('new_rows', TENANTS, 1)],
    update: [
      registeredFacts(changed('o', ['id'], REG_COLUMNS), PERSONS, -1),
      registeredFacts(changed('n', ['id'], REG_COLUMNS), PERSONS, 1),
      departureFacts(changed('o', ['id'], REG_COLUMNS), TENANTS, -1),
      departureFacts(changed('n', ['id'], REG_COLUMNS), TENANTS, 1),
    ],
    delete: [registeredFacts('old_rows', PERSONS, -1), departureFacts('old_rows', TENANTS, -1)],
    guard: { update: anyChanged(['id'], REG_COLUMNS) },
  },
  {
    // A person's kind decides whether their registrations count as floating.
    table: PERSONS,
    update: [registeredFacts(REGISTRATIONS, changed('o', ['id'], ['kind']), -1), registeredFacts(REGISTRATIONS, changed('n', ['id'], ['kind']), 1)],
    guard: { update: anyChanged(['id'], ['kind']) },
  },
  {
    table: REVISITS,
    insert: [visitFacts('new_rows', 1)],
    update: [visitFacts(changed('o', ['id'], VISIT_COLUMNS), -1), visitFacts(changed('n', ['id'], VISIT_COLUMNS), 1)],
    delete: [visitFacts('old_rows', -1)],
    guard: { update: anyChanged(['id'], VISIT_COLUMNS) },
  },
  {
    // Departed tenants change their registrations' departures: before = the rows without the new ones plus the old ones.
    table: TENANTS,
    insert: [departureFacts(regsOfTenants('new_rows'), tenantsWithout('new_rows'), -1), departureFacts(regsOfTenants('new_rows'), TENANTS, 1)],
    update: [
      departureFacts(
        `(select * from ${REGISTRATIONS} where id in (select registration_id from old_rows union select registration_id from new_rows))`,
        `(select * from ${tenantsWithout('new_rows')} w union all select * from old_rows)`,
        -1,
      ),
      departureFacts(`(select * from ${REGISTRATIONS} where id in (select registration_id from old_rows union select registration_id from new_rows))`, TENANTS, 1),
    ],
    delete: [departureFacts(regsOfTenants('old_rows'), `(select * from ${TENANTS} union all select * from old_rows)`, -1), departureFacts(regsOfTenants('old_rows'), TENANTS, 1)],
    guard: {
      insert: `exists (select 1 from new_rows where outcome = 'departed')`,
      update: `exists (select 1 from old_rows where outcome = 'departed') or exists (select 1 from new_rows where outcome = 'departed')`,
      delete: `exists (select 1 from old_rows where outcome = 'departed')`,
    },
  },
  {
    table: DWELLINGS,
    insert: [dwellingFacts('new_rows', 1), completeBuildingFacts('new_rows', CHECKS, 1)],
    update: [
      dwellingFacts(changed('o', ['id'], DWELLING_COLUMNS), -1),
      dwellingFacts(changed('n', ['id'], DWELLING_COLUMNS), 1),
      completeBuildingFacts(changed('o', ['id'], DWELLING_COLUMNS), CHECKS, -1),
      completeBuildingFacts(changed('n', ['id'], DWELLING_COLUMNS), CHECKS, 1),
    ],
    delete: [dwellingFacts('old_rows', -1), completeBuildingFacts('old_rows', CHECKS, -1)],
    guard: { update: anyChanged(['id'], DWELLING_COLUMNS) },
  },
  {
    // Append-only: a new check can change the latest check of its building from its month on.
    table: CHECKS,
    insert: [
      completeBuildingFacts(dwellingsOfChecks, `(select * from ${CHECKS} c0 where not exists (select 1 from new_rows z where z.id = c0.id))`, -1),
      completeBuildingFacts(dwellingsOfChecks, CHECKS, 1),
    ],
  },
];

const EVENTS = { insert: 'INSERT', update: 'UPDATE', delete: 'DELETE' } as const;
const REFERENCING = { insert: 'new table as new_rows', update: 'old table as old_rows new table as new_rows', delete: 'old table as old_rows' } as const;

/**
 * Post-migrate SQL: one trigger function per table (a branch per event) and a statement-level
 * trigger per event with its transition tables (PostgreSQL allows transition tables only on
 * single-event triggers). SECURITY DEFINER: a bucket sums facts across the registers whatever the
 * writer's row-security scope (a registration's person may live in another jurisdiction now).
 * Idempotent; the triggers are named `<table>_rate_facts_<event>` so an operator can find them.
 */
export function rateFactsSql(): string[] {
  const out: string[] = [];
  for (const t of FACT_TRIGGERS) {
    const events = (['insert', 'update', 'delete'] as const).filter((e) => t[e]);
    const branches = events.map((e) => {
      const guard = t.guard?.[e];
      const body = `${appendDeltas(t[e] ?? [])};`;
      return `if tg_op = '${EVENTS[e]}' then\n${guard ? `if ${guard} then ${body} end if;` : body}\nend if;`;
    });
    const fn = `population_rate_facts_${t.table}`;
    out.push(`create or replace function ${fn}() returns trigger language plpgsql security definer set search_path = public as $$
begin
${branches.join('\n')}
return null;
end $$`);
    for (const e of ['insert', 'update', 'delete'] as const) {
      out.push(`drop trigger if exists ${t.table}_rate_facts_${e} on ${t.table}`);
      if (t[e]) out.push(`create trigger ${t.table}_rate_facts_${e} after ${e} on ${t.table} referencing ${REFERENCING[e]} for each statement execute function ${fn}()`);
    }
  }
  out.push(
    // The estimates are read by the rates as they are (not through deltas): any write of them
    // raises the generation, so a kept answer (the rates cache) is not reused past it. Rare
    // writes (a figure per community and period), so one counter row costs them nothing.
    `create or replace function population_rate_estimates_changed() returns trigger language plpgsql security definer set search_path = public as $$
begin
${BUMP_GENERATION};
return null;
end $$`,
    `drop trigger if exists floating_population_estimates_generation on ${getTableName(floatingPopulationEstimates)}`,
    `create trigger floating_population_estimates_generation after insert or update or delete on ${getTableName(floatingPopulationEstimates)} for each statement execute function population_rate_estimates_changed()`,
    ancestorsFunctionSql(),
    foldFunctionSql(),
    rebuildFunctionSql(),
    // Buckets from before the subtree rows are leaf rows without a parent code (only a province
    // has none now): exactly deltas at their own jurisdictions, so they become deltas and are
    // folded, seconds at city size where a rebuild from the registers outlasts a statement timeout.
    `do $$ begin
       if exists (select 1 from population_rate_facts where parent_code is null and right(jurisdiction_code, 4) <> '0000') then
         with leaf as (delete from population_rate_facts where parent_code is null and right(jurisdiction_code, 4) <> '0000' returning *)
         insert into population_rate_fact_deltas (jurisdiction_code, period, ${RATE_FACT_MEASURES.join(', ')})
         select jurisdiction_code, period, ${RATE_FACT_MEASURES.join(', ')} from leaf;
         perform ${FOLD_RATE_FACTS_FUNCTION}();
       end if;
     end $$`,
    // A database that had registers before the buckets existed starts from a rebuild.
    `do $$ begin
       if not exists (select 1 from population_rate_facts) and not exists (select 1 from population_rate_fact_deltas)
          and (exists (select 1 from ${REGISTRATIONS}) or exists (select 1 from ${REVISITS}) or exists (select 1 from ${DWELLINGS})) then
         perform ${REBUILD_RATE_FACTS_FUNCTION}();
       end if;
     end $$`,
  );
  return out;
}

/** The function behind `population:rebuild-rate-facts` (and the benchmark's load). */
export const REBUILD_RATE_FACTS_FUNCTION = 'population_rebuild_rate_facts';

/**
 * Every bucket recomputed from the base tables, from the same contribution SQL as the triggers.
 * The bucket table is locked against concurrent trigger updates, emptied (the buckets are derived
 * data, rebuilt right here, so nothing is lost) and summed anew. SECURITY DEFINER: it sums every
 * jurisdiction whatever the caller's row-security scope. Returns the bucket count.
 */
function rebuildFunctionSql(): string {
  const all = addToSubtrees(
    `(${[registeredFacts(REGISTRATIONS, PERSONS, 1), visitFacts(REVISITS, 1), departureFacts(REGISTRATIONS, TENANTS, 1), dwellingFacts(DWELLINGS, 1), completeBuildingFacts(DWELLINGS, CHECKS, 1)].join(
      '\n union all ',
    )})`,
  );
  // Deltas first, then buckets: the order the fold takes them, so a rebuild and a fold never deadlock.
  return `create or replace function ${REBUILD_RATE_FACTS_FUNCTION}() returns integer language plpgsql security definer set search_path = public as $$
declare n integer;
begin
lock table population_rate_fact_deltas in exclusive mode;
lock table population_rate_facts in exclusive mode;
delete from population_rate_fact_deltas;
delete from population_rate_facts;
${all};
${BUMP_GENERATION};
select count(*) into n from population_rate_facts;
return n;
end $$`;
}

/**
 * Raises the buckets' generation (table `population_rate_fact_generation`, one row): run in the
 * transaction that moves deltas into the buckets, so a reader's (generation, visible deltas) pair
 * changes whenever what the rates are summed from changes (see `ratesVersion` in rates.ts).
 */
const BUMP_GENERATION = `insert into population_rate_fact_generation as g (id, generation) values (1, 1)
  on conflict (id) do update set generation = g.generation + 1`;

/** The function behind the fold job (`population.fold-rate-facts`). */
export const FOLD_RATE_FACTS_FUNCTION = 'population_fold_rate_facts';

/**
 * Moves the committed deltas into the subtree rows in one statement: `delete … returning` takes
 * exactly the rows it removes (a writer's uncommitted deltas stay for the next fold; a second fold
 * running at once waits on the deleted rows and then skips them), so every delta is counted once,
 * and a reader sees each delta either as a delta or in the buckets, never both. SECURITY DEFINER,
 * as the triggers. Returns the number of deltas folded.
 */
function foldFunctionSql(): string {
  return `create or replace function ${FOLD_RATE_FACTS_FUNCTION}() returns integer language plpgsql security definer set search_path = public as $$
declare n integer;
begin
with folded as (delete from population_rate_fact_deltas returning *),
     added as (${addToSubtrees('folded')} returning 1)
select count(*) into n from folded;
if n > 0 then
  ${BUMP_GENERATION};
end if;
return n;
end $$`;
}

/**
 * Folds the committed deltas into the subtree buckets (the job `population.fold-rate-facts`).
 * Not audited: the buckets are derived data the audited writes already account for, as the
 * triggers' own writes are, and an entry per fold would flood the chain with no fact in it.
 */
export async function foldRateFacts(ctx: Ctx): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await ctx.db.execute(sql`select ${sql.raw(FOLD_RATE_FACTS_FUNCTION)}() as n`));
  return Number(r?.n ?? 0);
}

/**
 * Recomputes the buckets from the base tables in one transaction (idempotent), audited as one
 * entry with the bucket count before and after.
 */
export async function rebuildRateFacts(ctx: Ctx): Promise<{ buckets: number; before: number }> {
  requirePermission(ctx, 'population:manage');
  return runMutation(ctx, { operation: 'rebuildRateFacts', input: {} }, async (tx) => {
    const [b] = rowsOf<{ n: number }>(await tx.db.execute(sql`select count(*)::int as n from ${populationRateFacts}`));
    const [r] = rowsOf<{ n: number }>(await tx.db.execute(sql`select ${sql.raw(REBUILD_RATE_FACTS_FUNCTION)}() as n`));
    const result = { buckets: Number(r.n), before: Number(b.n) };
    tx.audit({ entityType: 'PopulationRateFacts', entityId: 'all', jurisdictionCode: null, before: { buckets: result.before }, after: { buckets: result.buckets } });
    return result;
  });
}

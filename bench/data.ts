// The city-scale data generator: deterministic (seeded PRNG) rows for the module tables as
// they exist in the migrated database. Each table plan names the values it knows by column;
// columns it does not know get their database default, or (when NOT NULL without default) a
// type-derived filler, so the generator keeps loading while module tables evolve.
import { SingleBar, Presets } from 'cli-progress';
import type { Sql } from 'postgres';
import { copyRows, pgArray } from './lib/copy.js';
import { declaredForeignKeys, orderByForeignKeys, type ForeignKey } from './lib/fk.js';
import { rng, type Rng } from './lib/rng.js';
import { plans, type PlanContext } from './plans.js';

export interface Sizes {
  persons: number;
  dwellings: number;
  registrations: number;
  visits: number;
  alerts: number;
  units: number;
  assessmentYears: number;
  creditSubjects: number;
  /** Persons with no registration at all, for M1 (registerResidence): one per request of a load run. Not scaled. */
  freshPersons: number;
}

export const SIZES: Record<'small' | 'city', Sizes> = {
  small: { persons: 3000, dwellings: 900, registrations: 3600, visits: 15000, alerts: 3000, units: 70, assessmentYears: 5, creditSubjects: 500, freshPersons: 50_000 },
  city: { persons: 1_000_000, dwellings: 300_000, registrations: 1_200_000, visits: 5_000_000, alerts: 1_000_000, units: 700, assessmentYears: 5, creditSubjects: 50_000, freshPersons: 200_000 },
};

/** `--scale 0.1` multiplies the city sizes; `--persons 100000` etc. set one size. */
export function sizesFor(size: 'small' | 'city', argv: string[]): Sizes {
  const s: Sizes = { ...SIZES[size] };
  const i = argv.indexOf('--scale');
  if (i >= 0) {
    const k = Number(argv[i + 1]);
    for (const key of Object.keys(s) as (keyof Sizes)[]) if (key !== 'assessmentYears' && key !== 'freshPersons') s[key] = Math.max(1, Math.round(s[key] * k));
  }
  for (const key of Object.keys(s) as (keyof Sizes)[]) {
    const j = argv.indexOf(`--${key}`);
    if (j >= 0) s[key] = Number(argv[j + 1]);
  }
  return s;
}

interface Column {
  name: string;
  type: string;
  udt: string;
  nullable: boolean;
  hasDefault: boolean;
}

async function columnsOf(sql: Sql, table: string): Promise<Column[] | null> {
  const rows = await sql`
    select column_name, data_type, udt_name, is_nullable, column_default, is_identity, is_generated
    from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`;
  if (!rows.length) return null;
  return rows
    .filter((r) => r.is_generated !== 'ALWAYS')
    .map((r) => ({ name: r.column_name, type: r.data_type, udt: r.udt_name, nullable: r.is_nullable === 'YES', hasDefault: r.column_default !== null || r.is_identity === 'YES' }));
}

function filler(c: Column, i: number, r: Rng): unknown {
  switch (c.udt) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
      return c.name === 'version' ? 1 : 0;
    case 'bool':
      return false;
    case 'date':
      return '2024-01-01';
    case 'timestamptz':
    case 'timestamp':
      return '2024-01-01T00:00:00Z';
    case 'uuid':
      return `00000000-0000-4000-8000-${(i + r.int(0, 1e6) * 1e6).toString(16).padStart(12, '0').slice(-12)}`;
    case 'jsonb':
    case 'json':
      return '{}';
    default:
      if (c.udt.startsWith('_')) return '{}';
      return `${c.name}-${i}`;
  }
}

export interface Loaded {
  counts: Record<string, number>;
  generator: string;
  /** The COPY order (parents before children, from the drizzle tables' foreign keys). */
  order: string[];
  /**
   * Rows that a foreign key would reject: the declared ones (enforced by PostgreSQL, so 0 if
   * loading worked) and the planned ones not yet declared (every jurisdiction_code to
   * jurisdictions(code)), so the generator is known to fit them before they land.
   */
  orphans: Record<string, number>;
}

/** Generates and COPYs every planned table that exists; returns the row counts. */
export async function loadData(sql: Sql, sizes: Sizes, log: (m: string) => void): Promise<Loaded> {
  const ctx: PlanContext = { sizes, communities: [], grids: [], districts: [], memo: new Map() };
  ctx.communities = (await sql`select code from jurisdictions where level = 'community' order by code`).map((r) => r.code as string);
  ctx.grids = (await sql`select code from jurisdictions where level = 'grid' order by code`).map((r) => r.code as string);
  ctx.districts = (await sql`select code from jurisdictions where level = 'district' order by code`).map((r) => r.code as string);
  const counts: Record<string, number> = {};
  const active: { plan: (typeof plans)[number]; cols: Column[]; n: number }[] = [];
  for (const plan of plans) {
    const cols = await columnsOf(sql, plan.table);
    if (!cols) {
      log(`table ${plan.table} not in the schema: not generated`);
      continue;
    }
    active.push({ plan, cols, n: plan.count(sizes, ctx) });
  }
  const fks = declaredForeignKeys();
  const order = orderByForeignKeys(
    active.map((a) => a.plan.table),
    fks,
  );
  active.sort((a, b) => order.indexOf(a.plan.table) - order.indexOf(b.plan.table));
  const total = active.reduce((s, a) => s + a.n, 0);
  const bar = new SingleBar(
    { format: 'loading {table} |{bar}| {percentage}% {value}/{total} rows {eta_formatted}', etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 5000, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(total, 0, { table: '' });
  for (const { plan, cols, n } of active) {
    const r = rng(plan.seed);
    const first = plan.row(0, rng(plan.seed), ctx);
    const unknown = Object.keys(first).filter((k) => !cols.some((c) => c.name === k));
    if (unknown.length) log(`${plan.table}: columns no longer in the schema, ignored: ${unknown.join(', ')}`);
    const use = cols.filter((c) => c.name in first || (!c.nullable && !c.hasDefault));
    const filled = use.filter((c) => !(c.name in first)).map((c) => c.name);
    if (filled.length) log(`${plan.table}: required columns the generator does not know, filled by type: ${filled.join(', ')}`);
    const rows = function* () {
      for (let i = 0; i < n; i++) {
        const row = plan.row(i, r, ctx);
        yield use.map((c) => {
          const v = c.name in row ? row[c.name] : filler(c, i, r);
          return c.udt.startsWith('_') && Array.isArray(v) ? pgArray(v) : v;
        });
      }
    };
    bar.update({ table: plan.table });
    counts[plan.table] = await copyRows(
      sql,
      plan.table,
      use.map((c) => c.name),
      rows(),
      (k) => bar.increment(k),
    );
    await plan.after?.(sql, ctx);
  }
  bar.stop();
  return {
    counts,
    generator: 'bench/plans.ts (seeded mulberry32)',
    order,
    orphans: await orphanRows(
      sql,
      active.map((a) => a.plan.table),
      fks,
    ),
  };
}

async function orphanRows(sql: Sql, tables: string[], declared: ForeignKey[]): Promise<Record<string, number>> {
  const planned: ForeignKey[] = [];
  for (const t of tables) {
    const [r] = await sql`select count(*)::int as n from information_schema.columns where table_schema = 'public' and table_name = ${t} and column_name = 'jurisdiction_code'`;
    if (r.n && !declared.some((f) => f.table === t && f.columns.join() === 'jurisdiction_code'))
      planned.push({ table: t, columns: ['jurisdiction_code'], foreignTable: 'jurisdictions', foreignColumns: ['code'] });
  }
  const out: Record<string, number> = {};
  for (const f of [...declared.filter((x) => tables.includes(x.table)), ...planned]) {
    const on = f.columns.map((c, i) => `p."${f.foreignColumns[i]}" = c."${c}"`).join(' and ');
    const notNull = f.columns.map((c) => `c."${c}" is not null`).join(' and ');
    const [r] = await sql.unsafe(`select count(*)::int as n from "${f.table}" c where ${notNull} and not exists (select 1 from "${f.foreignTable}" p where ${on})`);
    out[`${f.table}(${f.columns.join(', ')}) → ${f.foreignTable}(${f.foreignColumns.join(', ')})`] = r.n as number;
  }
  return out;
}

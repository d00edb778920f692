// The benchmarked operations. Each one is written three times: as a query on our API (A), as
// the equivalent PostGraphile query on the same tables (B4 and B5 run the same text: B5 uses the V4 preset), and as one hand-written SQL
// statement (C). `norm*` map each answer to one comparable shape for the equality checks.
import type { Sql } from 'postgres';
import { creditCode, FRESH_PREFIX } from './plans.js';

/** Facts about the loaded data the operations pick their arguments from (see facts.ts). */
export interface Facts {
  subdistrict: string;
  communities: string[];
  q1Communities?: string[];
  creditSubjects?: number;
  [k: string]: unknown;
}

export type Vars = Record<string, unknown>;

export interface Operation {
  id: string;
  title: string;
  kind: 'read' | 'write';
  /** Nesting depth of the A query: the target is statements per request ≤ this. */
  nesting: number;
  /** A reason to skip (e.g. the module's schema is not there yet), else null. */
  skip?: (facts: Facts, schema: string) => string | null;
  /** Argument sets, used in rotation by the load generator. */
  variants: (facts: Facts) => Vars[];
  a: { query: string; role: string; jurisdiction: (f: Facts) => string; vars: (v: Vars) => Vars; norm: (data: any, v: Vars) => unknown };
  b?: { query: string; vars: (v: Vars) => Vars; norm: (data: any, v: Vars) => unknown };
  raw?: (sql: Sql, v: Vars) => Promise<unknown>;
  rawNorm?: (data: any, v: Vars) => unknown;
  /** Run on the bench database before the servers start (e.g. a SQL function B calls). */
  prepare?: (sql: Sql) => Promise<void>;
  /** What B does differently, for the report. */
  note?: string;
  /**
   * Writes: `reset` undoes what the operation wrote (run before every load run, so each run
   * starts from the same data), `count` is how many writes took (after a run: the requests
   * that did not are counted as errors, whatever the HTTP status said).
   */
  write?: { reset: (sql: Sql) => Promise<void>; count: (sql: Sql) => Promise<number> };
}

const byKey = <T>(xs: T[], k: (x: T) => string) => [...xs].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));

/** Q0: the jurisdiction tree (core only): a sub-district with its communities. Always available. */
const Q0: Operation = {
  id: 'Q0',
  title: 'a sub-district and its first 50 communities (core)',
  kind: 'read',
  nesting: 2,
  variants: (f) => [{ code: f.subdistrict }],
  a: {
    query: `query Q0($code: DivisionCode!) { jurisdiction(code: $code) { code name level children(first: 50) { edges { node { code name level } } } } }`,
    role: 'city_admin',
    jurisdiction: () => '620100',
    vars: (v) => v,
    norm: (d) => ({ code: d.jurisdiction.code, name: d.jurisdiction.name, level: d.jurisdiction.level, children: d.jurisdiction.children.edges.map((e: any) => e.node) }),
  },
  b: {
    query: `query Q0($code: String!) { jurisdictionByCode(code: $code) { code name level } allJurisdictions(condition: { parentCode: $code }, orderBy: CODE_ASC, first: 50) { nodes { code name level } } }`,
    vars: (v) => v,
    norm: (d) => ({ ...d.jurisdictionByCode, children: d.allJurisdictions.nodes }),
  },
  raw: async (sql, v) => {
    const [row] = await sql`
      select json_build_object('code', j.code, 'name', j.name, 'level', j.level, 'children',
        coalesce((select json_agg(json_build_object('code', c.code, 'name', c.name, 'level', c.level) order by c.code)
                  from (select * from jurisdictions c where c.parent_code = j.code order by c.code limit 50) c), '[]'::json)) as r
      from jurisdictions j where j.code = ${v.code as string}`;
    return row?.r ?? null;
  },
  rawNorm: (d) => d,
};

// ---------------------------------------------------------------- Q1: a page of dwellings of a community
type Tenant = { registeredOn: string; name: string | null; idNumber: string | null; tier: string | null };
const normDwelling = (d: { address: string; jurisdictionCode: string; dwellingClass: string; tenants: Tenant[]; lastVisit: { visitedOn: string; matched: boolean } | null }) => d;
const Q1: Operation = {
  id: 'Q1',
  title: 'a page of 50 dwellings of a community with current tenants and the last visit',
  kind: 'read',
  nesting: 3,
  skip: (f, schema) => (!/\n\s+dwellings\(/.test(schema) ? 'the population module has no dwellings query yet' : !f.q1Communities?.length ? 'no dwellings loaded' : null),
  variants: (f) => f.q1Communities!.map((j) => ({ j })),
  a: {
    query: `query Q1($j: DivisionCode!) { dwellings(first: 50, filter: { jurisdictionCode: $j }) { edges { node {
      address jurisdictionCode dwellingClass
      currentTenants { registeredOn person { name idNumber tier } }
      lastVisit { visitedOn matched } } } } }`,
    role: 'district_officer',
    jurisdiction: (f) => f.q1Communities![0].slice(0, 6),
    vars: (v) => v,
    norm: (d) =>
      d.dwellings.edges.map(({ node: n }: any) =>
        normDwelling({
          address: n.address,
          jurisdictionCode: n.jurisdictionCode,
          dwellingClass: n.dwellingClass,
          tenants: n.currentTenants.map((t: any) => ({ registeredOn: t.registeredOn, name: t.person?.name ?? null, idNumber: t.person?.idNumber ?? null, tier: t.person?.tier ?? null })),
          lastVisit: n.lastVisit,
        }),
      ),
  },
  b: {
    query: `query Q1($j: String!) { allDwellings(first: 50, orderBy: [JURISDICTION_CODE_ASC, ID_ASC], filter: { jurisdictionCode: { startsWith: $j } }) { nodes {
      address jurisdictionCode dwellingClass
      residenceRegistrationsByDwellingId(filter: { endedOn: { isNull: true } }, orderBy: [REGISTERED_ON_ASC, ID_ASC]) { nodes { registeredOn personByPersonId { name idNumberMasked tier } } }
      revisitsByDwellingId(first: 1, orderBy: [VISITED_AT_DESC, ID_DESC]) { nodes { visitedOn matched } } } } }`,
    vars: (v) => v,
    norm: (d) =>
      d.allDwellings.nodes.map((n: any) =>
        normDwelling({
          address: n.address,
          jurisdictionCode: n.jurisdictionCode,
          dwellingClass: n.dwellingClass,
          tenants: n.residenceRegistrationsByDwellingId.nodes.map((t: any) => ({
            registeredOn: t.registeredOn,
            name: t.personByPersonId?.name ?? null,
            idNumber: t.personByPersonId?.idNumberMasked ?? null,
            tier: t.personByPersonId?.tier ?? null,
          })),
          lastVisit: n.revisitsByDwellingId.nodes[0] ?? null,
        }),
      ),
  },
  raw: async (sql, v) => {
    const [row] = await sql`
      select coalesce(json_agg(json_build_object(
        'address', d.address, 'jurisdictionCode', d.jurisdiction_code, 'dwellingClass', d.dwelling_class,
        'tenants', coalesce((select json_agg(json_build_object('registeredOn', r.registered_on, 'name', p.name, 'idNumber', p.id_number_masked, 'tier', p.tier) order by r.registered_on, r.id)
                             from residence_registrations r left join persons p on p.id = r.person_id
                             where r.dwelling_id = d.id and r.ended_on is null), '[]'::json),
        'lastVisit', (select json_build_object('visitedOn', x.visited_on, 'matched', x.matched) from revisits x where x.dwelling_id = d.id order by x.visited_at desc, x.id desc limit 1)
      ) order by d.jurisdiction_code, d.id), '[]'::json) as r
      from (select * from dwellings where jurisdiction_code like ${`${v.j as string}%`} order by jurisdiction_code, id limit 50) d`;
    return row.r;
  },
  rawNorm: (d) => d,
};

// ---------------------------------------------------------------- Q3: credit standing (联合奖惩)
const AS_OF = '2024-06-30';
const hasField = (schema: string, field: string) => new RegExp(`\\n\\s+${field}\\(`).test(schema);
type Entry = { listType: string; startDate: string; endDate: string | null };
const sortEntries = (es: Entry[]) =>
  byKey(
    es.map((e) => ({ listType: e.listType, startDate: e.startDate, endDate: e.endDate })),
    (e) => `${e.startDate}|${e.listType}`,
  );
const standingOf = (known: boolean, es: Entry[]) => (!known ? 'unknown' : es.some((e) => e.listType === 'black') ? 'black' : es.some((e) => e.listType === 'red') ? 'red' : 'clear');
const normStanding = (s: any) => ({ creditCode: s.creditCode, known: s.known, name: s.name ?? null, standing: s.standing, activeEntries: sortEntries(s.activeEntries ?? []) });
/** PostGraphile gives the rows: the status rule (approved, not lifted, within dates on asOf) is applied here. */
function standingFromRows(code: string, subj: any, asOf: string) {
  if (!subj) return { creditCode: code, known: false, name: null, standing: 'unknown', activeEntries: [] };
  const active = (subj.creditListEntriesBySubjectId.nodes as any[]).filter((e) => {
    const ds = e.creditListDecisionsByEntryId.nodes as { action: string; effectiveDate: string }[];
    const verdict = ds.find((d) => (d.action === 'approve' || d.action === 'reject') && d.effectiveDate <= asOf);
    const lifted = ds.some((d) => d.action === 'lift' && d.effectiveDate <= asOf);
    return verdict?.action === 'approve' && !lifted && e.startDate <= asOf && (e.endDate === null || e.endDate > asOf);
  });
  return { creditCode: code, known: true, name: subj.name, standing: standingOf(true, active), activeEntries: sortEntries(active) };
}
const B_SUBJECT = `creditCode name creditListEntriesBySubjectId { nodes { listType startDate endDate creditListDecisionsByEntryId { nodes { action effectiveDate } } } }`;
const STANDING_SQL = (sql: Sql, codes: string[], asOf: string) => sql`
  with s as (select id, credit_code, name from credit_subjects where credit_code = any(${codes}::text[]) and jurisdiction_code like '6201%'),
  a as (
    select e.subject_id, e.list_type, e.start_date, e.end_date from credit_list_entries e join s on s.id = e.subject_id
    where e.start_date <= ${asOf}::date and (e.end_date is null or e.end_date > ${asOf}::date)
      and exists (select 1 from credit_list_decisions d where d.entry_id = e.id and d.action = 'approve' and d.effective_date <= ${asOf}::date)
      and not exists (select 1 from credit_list_decisions d where d.entry_id = e.id and d.action = 'lift' and d.effective_date <= ${asOf}::date))
  select coalesce(json_agg(json_build_object(
    'creditCode', c.code, 'known', s.id is not null, 'name', s.name,
    'standing', case when s.id is null then 'unknown'
                     when exists (select 1 from a where a.subject_id = s.id and a.list_type = 'black') then 'black'
                     when exists (select 1 from a where a.subject_id = s.id and a.list_type = 'red') then 'red' else 'clear' end,
    'activeEntries', coalesce((select json_agg(json_build_object('listType', a.list_type, 'startDate', a.start_date, 'endDate', a.end_date) order by a.start_date)
                               from a where a.subject_id = s.id), '[]'::json)) order by c.ord), '[]'::json) as r
  from unnest(${codes}::text[]) with ordinality c(code, ord) left join s on s.credit_code = c.code`;

const creditCodes = (f: Facts) => {
  const n = (f.creditSubjects as number) ?? 0;
  return [0, 3, 10, 13, 20, 23, 60, 63, 1, 2].filter((k) => k < n).map(creditCode);
};
const Q3a: Operation = {
  id: 'Q3a',
  title: 'credit standing check of one code',
  kind: 'read',
  nesting: 2,
  skip: (f, schema) => (!hasField(schema, 'creditStanding') ? 'the credit module has no creditStanding query yet' : !f.creditSubjects ? 'no credit subjects loaded' : null),
  variants: (f) => creditCodes(f).map((code) => ({ code, asOf: AS_OF })),
  a: {
    query: `query Q3a($code: CreditCode!, $asOf: Date) { creditStanding(code: $code, asOf: $asOf) { creditCode known name standing activeEntries { listType startDate endDate } } }`,
    role: 'department_service',
    jurisdiction: () => '620100',
    vars: (v) => v,
    norm: (d) => normStanding(d.creditStanding),
  },
  b: {
    query: `query Q3a($code: String!) { creditSubjectByCreditCode(creditCode: $code) { ${B_SUBJECT} } }`,
    vars: (v) => ({ code: v.code }),
    norm: (d, v) => standingFromRows(v.code as string, d.creditSubjectByCreditCode, v.asOf as string),
  },
  raw: async (sql, v) => (await STANDING_SQL(sql, [v.code as string], v.asOf as string))[0].r[0],
  rawNorm: (d) => normStanding(d),
};
const Q3b: Operation = {
  id: 'Q3b',
  title: 'credit standing check of 100 codes in one request',
  kind: 'read',
  nesting: 2,
  skip: (f, schema) => (!hasField(schema, 'creditStandings') ? 'the credit module has no creditStandings query yet' : !f.creditSubjects ? 'no credit subjects loaded' : null),
  variants: (f) => {
    const n = (f.creditSubjects as number) ?? 0;
    return [0, 1, 2].map((s) => ({ codes: Array.from({ length: 100 }, (_, i) => creditCode((s * 100 + i * 3) % Math.max(1, n))), asOf: AS_OF }));
  },
  a: {
    query: `query Q3b($codes: [String!]!, $asOf: Date) { creditStandings(codes: $codes, asOf: $asOf) { code status standing { creditCode known name standing activeEntries { listType startDate endDate } } } }`,
    role: 'department_service',
    jurisdiction: () => '620100',
    vars: (v) => v,
    norm: (d) => d.creditStandings.map((c: any) => normStanding(c.standing)),
  },
  b: {
    query: `query Q3b($codes: [String!]!) { allCreditSubjects(filter: { creditCode: { in: $codes } }) { nodes { ${B_SUBJECT} } } }`,
    vars: (v) => ({ codes: v.codes }),
    norm: (d, v) => {
      const by = new Map((d.allCreditSubjects.nodes as any[]).map((s) => [s.creditCode, s]));
      return (v.codes as string[]).map((c) => standingFromRows(c, by.get(c), v.asOf as string));
    },
  },
  raw: async (sql, v) => (await STANDING_SQL(sql, v.codes as string[], v.asOf as string))[0].r,
  rawNorm: (d) => d.map(normStanding),
};

// ---------------------------------------------------------------- Q2: a unit's assessment history with vetoes
// The auditor's question "how did this unit fare, year by year, and was it vetoed and why" is
// the unit with every version of every assessment (SafeUnit.assessments, newest period first).
// `unitHistory` (the timeline of unit_history facts) is not used: the generator loads the
// assessments, not a timeline, and unitHistory settles overdue rectifications (a write) first.
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
const parseJson = (x: unknown) => (typeof x === 'string' ? JSON.parse(x) : x);
const normFired = (rs: any) => ((parseJson(rs) ?? []) as any[]).map((r) => ({ ruleId: r.ruleId ?? null, scope: r.scope ?? null, eventIds: r.eventIds ?? [] }));
const normAssessment = (a: any) => ({
  periodStart: a.periodStart,
  periodEnd: a.periodEnd,
  version: a.version,
  total: a.total,
  passMark: a.passMark,
  scorePassed: a.scorePassed,
  vetoed: a.vetoed,
  passed: a.passed,
  grade: a.grade ?? null,
  explanation: a.explanation,
  firedRules: normFired(a.firedRules),
});
const normUnit = (u: any, as: any[]) => (u ? { name: u.name, category: u.category, jurisdictionCode: u.jurisdictionCode, assessments: as.map(normAssessment) } : null);
const Q2: Operation = {
  id: 'Q2',
  title: "a unit's assessment history with vetoes over 5 years",
  kind: 'read',
  nesting: 2,
  skip: (f, schema) =>
    !/\n\s+node\(/.test(schema) || !/type SafeUnit implements Node/.test(schema)
      ? 'the assessment module has no SafeUnit node yet'
      : !(f.q2Units as string[] | undefined)?.length
        ? 'no assessments loaded'
        : null,
  variants: (f) => (f.q2Units as string[]).map((id) => ({ id })),
  a: {
    query: `query Q2($id: ID!) { node(id: $id) { ... on SafeUnit { name category jurisdictionCode
      assessments(first: 100) { edges { node { periodStart periodEnd version total passMark scorePassed vetoed passed grade explanation firedRules { ruleId scope eventIds } } } } } } }`,
    role: 'auditor',
    jurisdiction: () => '620100',
    vars: (v) => ({ id: gid('SafeUnit', v.id as string) }),
    norm: (d) =>
      normUnit(
        d.node,
        (d.node?.assessments?.edges ?? []).map((e: any) => e.node),
      ),
  },
  b: {
    query: `query Q2($id: UUID!) { safeUnitById(id: $id) { name category jurisdictionCode
      unitAssessmentsByUnitId(first: 100, orderBy: [PERIOD_END_DESC, CHAIN_ID_DESC, VERSION_DESC]) { nodes { periodStart periodEnd version total passMark scorePassed vetoed passed grade explanation firedRules } } } }`,
    vars: (v) => ({ id: v.id }),
    norm: (d) => normUnit(d.safeUnitById, d.safeUnitById?.unitAssessmentsByUnitId.nodes ?? []),
  },
  raw: async (sql, v) => {
    const [row] = await sql`
      select json_build_object('name', u.name, 'category', u.category, 'jurisdictionCode', u.jurisdiction_code,
        'assessments', coalesce((select json_agg(json_build_object('periodStart', a.period_start, 'periodEnd', a.period_end, 'version', a.version,
            'total', a.total, 'passMark', a.pass_mark, 'scorePassed', a.score_passed, 'vetoed', a.vetoed, 'passed', a.passed, 'grade', a.grade,
            'explanation', a.explanation, 'firedRules', a.fired_rules) order by a.period_end desc, a.chain_id desc, a.version desc)
          from (select * from unit_assessments a where a.unit_id = u.id and a.jurisdiction_code like '6201%'
                order by a.period_end desc, a.chain_id desc, a.version desc limit 100) a), '[]'::json)) as r
      from safe_units u where u.id = ${v.id as string}::uuid and u.jurisdiction_code like '6201%'`;
    return row?.r ?? null;
  },
  rawNorm: (d) => normUnit(d, d?.assessments ?? []),
};

// ---------------------------------------------------------------- Q4: the city-wide rate roll-up
// The rates of packages/population/src/service/rates.ts (populationRates), written again as one
// SQL statement returning A's JSON: $1 a jurisdiction code, $2 a period (YYYY, YYYY-Qn, YYYY-MM).
// C runs it; B calls the same text as a SQL function created in the bench database only
// (PostGraphile has no GROUP BY without a plugin): B measures PostGraphile's overhead over it.
const RATE_TARGETS = { registration: 0.9, consistency: 0.85, deregistration: 0.8, filing: 1.0, fiveOnes: 1.0 };
const rateSql = (n: string, d: string, target: number) =>
  `json_build_object('numerator', ${n}, 'denominator', ${d}, 'value', case when ${d} > 0 then ${n}::float8 / ${d} end, 'target', ${target}::float8, 'met', case when ${d} > 0 then ${n}::bigint * 10000 >= ${Math.round(target * 10_000)}::bigint * ${d} end)`;
const ratesOf = (x: string) =>
  `'registration', ${rateSql(`${x}.reg_n`, `${x}.est`, RATE_TARGETS.registration)}, 'consistency', ${rateSql(`${x}.vm`, `${x}.vn`, RATE_TARGETS.consistency)},
   'deregistration', ${rateSql(`${x}.dm`, `${x}.dn`, RATE_TARGETS.deregistration)}, 'filing', ${rateSql(`${x}.fm`, `${x}.fn`, RATE_TARGETS.filing)},
   'fiveOnes', ${rateSql(`${x}.cm`, `${x}.cn`, RATE_TARGETS.fiveOnes)}`;
export const RATES_SQL = `
  with j as (select code, level, name from jurisdictions where code = $1::text),
  x as (
    select j.code, j.name,
           case j.level when 'province' then left(j.code, 2) when 'city' then left(j.code, 4) else j.code end || '%' as root,
           coalesce(case j.level when 'province' then 4 when 'city' then 6 when 'district' then 9 when 'subdistrict' then 12 when 'community' then 15 end, length(j.code)) as len,
           pr.s, (pr.s + pr.span - interval '1 day')::date as e
      from j, lateral (select
        case when $2::text ~ '^\\d{4}$' then ($2::text || '-01-01')::date
             when $2::text ~ '^\\d{4}-Q[1-4]$' then make_date(left($2::text, 4)::int, (right($2::text, 1)::int - 1) * 3 + 1, 1)
             when $2::text ~ '^\\d{4}-(0[1-9]|1[0-2])$' then ($2::text || '-01')::date end as s,
        case when $2::text ~ '^\\d{4}$' then interval '1 year' when $2::text ~ 'Q' then interval '3 months' else interval '1 month' end as span) pr),
  facts as (
    select left(r.jurisdiction_code, x.len) as k, count(*) as reg_n, 0 as est, 0 as vm, 0 as vn, 0 as dm, 0 as dn, 0 as fm, 0 as fn, 0 as cm, 0 as cn
      from x, residence_registrations r join persons p on p.id = r.person_id and p.kind = 'floating'
     where r.jurisdiction_code like x.root and r.registered_on <= x.e and (r.ended_on is null or r.ended_on > x.e) group by 1
    union all
    select left(e.jurisdiction_code, x.len), 0, sum(e.estimate), 0, 0, 0, 0, 0, 0, 0, 0
      from x, floating_population_estimates e where e.jurisdiction_code like x.root and e.period = $2::text and e.superseded_at is null group by 1
    union all
    select left(v.jurisdiction_code, x.len), 0, 0, count(*) filter (where v.matched), count(*), 0, 0, 0, 0, 0, 0
      from x, revisits v where v.jurisdiction_code like x.root and v.visited_on between x.s and x.e group by 1
    union all
    select left(r.jurisdiction_code, x.len), 0, 0, 0, 0, count(*) filter (where r.end_kind = 'deregistered' and r.ended_on <= x.e), count(*), 0, 0, 0, 0
      from x, residence_registrations r
     where r.jurisdiction_code like x.root
       and r.id in (select d.id from x xd, residence_registrations d where d.end_kind = 'deregistered' and d.ended_on between xd.s and xd.e
                    union
                    select t.registration_id from x xt, revisit_tenants t where t.outcome = 'departed' and t.visited_on between xt.s and xt.e)
     group by 1
    union all
    select left(d.jurisdiction_code, x.len), 0, 0, 0, 0, 0, 0, count(*) filter (where d.filing_status = 'filed' and d.filed_on <= x.e), count(*), 0, 0
      from x, dwellings d where d.jurisdiction_code like x.root and d.listed_on <= x.e group by 1
    union all
    select left(d.jurisdiction_code, x.len), 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) filter (where c.manager and c.electronic_lock and c.register_book and c.police_reminder_sign and c.responsibility_letter), count(*)
      from x, dwellings d
      left join lateral (select * from five_ones_checks c where c.dwelling_id = d.id and c.checked_at < ((select e from x) + 1)::timestamptz order by c.checked_at desc limit 1) c on true
     where d.jurisdiction_code like x.root and d.urban_village_building and d.listed_on <= x.e group by 1),
  sums as (
    select k, sum(reg_n)::int as reg_n, sum(est)::int as est, sum(vm)::int as vm, sum(vn)::int as vn, sum(dm)::int as dm,
           sum(dn)::int as dn, sum(fm)::int as fm, sum(fn)::int as fn, sum(cm)::int as cm, sum(cn)::int as cn
      from facts group by grouping sets ((k), ())),
  t as (select * from sums where k is null limit 1)
  select json_build_object('period', $2::text, 'start', x.s, 'end', x.e,
    'total', (select json_build_object('jurisdictionCode', x.code, 'name', x.name, ${ratesOf('t0')})
                from (select coalesce(t.reg_n, 0) reg_n, coalesce(t.est, 0) est, coalesce(t.vm, 0) vm, coalesce(t.vn, 0) vn, coalesce(t.dm, 0) dm, coalesce(t.dn, 0) dn,
                             coalesce(t.fm, 0) fm, coalesce(t.fn, 0) fn, coalesce(t.cm, 0) cm, coalesce(t.cn, 0) cn from (select 1) one left join t on true) t0),
    'children', coalesce((select json_agg(json_build_object('jurisdictionCode', c.code, 'name', c.name, ${ratesOf('s0')}) order by c.code)
                from jurisdictions c
                cross join lateral (select coalesce(s.reg_n, 0) reg_n, coalesce(s.est, 0) est, coalesce(s.vm, 0) vm, coalesce(s.vn, 0) vn, coalesce(s.dm, 0) dm, coalesce(s.dn, 0) dn,
                                           coalesce(s.fm, 0) fm, coalesce(s.fn, 0) fn, coalesce(s.cm, 0) cm, coalesce(s.cn, 0) cn
                                      from (select 1) one left join sums s on s.k = c.code) s0
               where c.parent_code = x.code), '[]'::json)) as r
  from x`;
const normRate = (r: any) => ({ numerator: r.numerator, denominator: r.denominator, value: r.value ?? null, target: r.target, met: r.met ?? null });
const normJurRates = (j: any) => ({
  jurisdictionCode: j.jurisdictionCode,
  name: j.name,
  registration: normRate(j.registration),
  consistency: normRate(j.consistency),
  deregistration: normRate(j.deregistration),
  filing: normRate(j.filing),
  fiveOnes: normRate(j.fiveOnes),
});
const normRates = (d: any) => (d ? { period: d.period, start: d.start, end: d.end, total: normJurRates(d.total), children: (d.children as any[]).map(normJurRates) } : null);
const RATE_FIELDS = 'numerator denominator value target met';
const JUR_RATES = `jurisdictionCode name registration { ${RATE_FIELDS} } consistency { ${RATE_FIELDS} } deregistration { ${RATE_FIELDS} } filing { ${RATE_FIELDS} } fiveOnes { ${RATE_FIELDS} }`;
const Q4: Operation = {
  id: 'Q4',
  title: 'a city-wide rate roll-up (populationRates of 620100 for a year)',
  kind: 'read',
  nesting: 3,
  skip: (f, schema) => (!hasField(schema, 'populationRates') ? 'the population module has no populationRates query yet' : !f.q1Communities?.length ? 'no population data loaded' : null),
  variants: () => ['2025', '2024', '2023-Q3', '2022'].map((period) => ({ code: '620100', period })),
  a: {
    query: `query Q4($code: DivisionCode!, $period: String!) { populationRates(jurisdictionCode: $code, period: $period) { period start end total { ${JUR_RATES} } children { ${JUR_RATES} } } }`,
    role: 'city_admin',
    jurisdiction: () => '620100',
    vars: (v) => v,
    norm: (d) => normRates(d.populationRates),
  },
  b: {
    query: `query Q4($code: String!, $period: String!) { benchPopulationRates(jurisdictionCode: $code, period: $period) }`,
    vars: (v) => v,
    norm: (d) => normRates(parseJson(d.benchPopulationRates)),
  },
  prepare: async (sql) => {
    await sql.unsafe(`create or replace function bench_population_rates(jurisdiction_code text, period text) returns json language sql stable as $fn$ ${RATES_SQL} $fn$`);
    await sql.unsafe(
      `comment on function bench_population_rates(text, text) is 'Bench only: the populationRates roll-up (packages/population/src/service/rates.ts) as one SQL function, for PostGraphile.'`,
    );
  },
  note: 'B calls a SQL function created in the bench database only (the same SQL text C runs): PostGraphile cannot GROUP BY without a plugin',
  raw: async (sql, v) => (await sql.unsafe(RATES_SQL, [v.code as string, v.period as string]))[0]?.r ?? null,
  rawNorm: (d) => normRates(d),
};

// ---------------------------------------------------------------- M1: registerResidence
// Every request registers a different fresh person (no registration; see freshPersonId in
// plans.ts): `__N9__`/`__N9B64__` put the request's number into the person's raw and global id.
// The dwellings rotate over 20 of the fresh persons' district. Each load run starts from the
// same data (`reset` deletes the fresh persons' registrations) and the registrations that
// took are counted afterwards: a request that did not register one is an error.
const FRESH_RANGE = [`${FRESH_PREFIX}0000000000`, `${FRESH_PREFIX}9999999999`] as const;
const M1_ON = '2026-06-01';
const M1: Operation = {
  id: 'M1',
  title: 'registerResidence (one fresh person per request)',
  kind: 'write',
  nesting: 1,
  skip: (f, schema) =>
    !/\n\s+registerResidence\(/.test(schema)
      ? 'the population module has no registerResidence mutation yet'
      : !(f.m1Dwellings as unknown[] | undefined)?.length
        ? 'no fresh persons or dwellings loaded'
        : null,
  variants: (f) =>
    (f.m1Dwellings as { id: string; jurisdictionCode: string }[]).map((d) => ({
      personId: `${FRESH_PREFIX}__N9__0`,
      personGid: `${Buffer.from(`Person:${FRESH_PREFIX}`, 'utf8').toString('base64url')}__N9B64__MA`,
      registrationId: `00000015-0000-4000-8000-00__N9__0`,
      dwellingId: d.id,
      dwellingGid: gid('Dwelling', d.id),
      jurisdictionCode: d.jurisdictionCode,
      registeredOn: M1_ON,
      key: 'bench-m1-__SEQ__',
    })),
  a: {
    query: `mutation M1($personId: ID!, $dwellingId: ID!, $registeredOn: Date!, $key: IdempotencyKey) {
      registerResidence(personId: $personId, dwellingId: $dwellingId, registeredOn: $registeredOn, idempotencyKey: $key) {
        __typename ... on RegisterResidenceSuccess { data { id registeredOn overCapacity } } ... on DomainError { code message } } }`,
    role: 'district_officer',
    jurisdiction: (f) => f.m1District as string,
    vars: (v) => ({ personId: v.personGid, dwellingId: v.dwellingGid, registeredOn: v.registeredOn, key: v.key }),
    norm: (d) => {
      const r = d.registerResidence;
      if (r?.__typename !== 'RegisterResidenceSuccess') throw new Error(`A M1: ${JSON.stringify(r)}`);
      return { registeredOn: r.data.registeredOn };
    },
  },
  b: {
    query: `mutation M1($input: CreateResidenceRegistrationInput!) { createResidenceRegistration(input: $input) { residenceRegistration { id registeredOn overCapacity } } }`,
    vars: (v) => ({
      input: {
        residenceRegistration: {
          id: v.registrationId,
          personId: v.personId,
          dwellingId: v.dwellingId,
          jurisdictionCode: v.jurisdictionCode,
          registeredOn: v.registeredOn,
          createdBy: 'bench-postgraphile',
        },
      },
    }),
    norm: (d) => {
      const r = d.createResidenceRegistration?.residenceRegistration;
      if (!r) throw new Error(`B M1: ${JSON.stringify(d)}`);
      return { registeredOn: r.registeredOn };
    },
  },
  note: "B is PostGraphile's generated createResidenceRegistration (a plain INSERT: none of the rules, no audit, no event); C is one INSERT ... SELECT ... RETURNING (person and dwelling must exist, over-capacity flag computed; no audit, no event)",
  raw: async (sql, v) => {
    const [row] = await sql`
      insert into residence_registrations (id, person_id, dwelling_id, jurisdiction_code, registered_on, over_capacity, created_by)
      select gen_random_uuid(), p.id, d.id, d.jurisdiction_code, ${v.registeredOn as string}::date,
             (select count(*) from residence_registrations x where x.dwelling_id = d.id and x.ended_on is null) + 1 > d.capacity, 'bench-raw'
        from persons p, dwellings d where p.id = ${v.personId as string}::uuid and d.id = ${v.dwellingId as string}::uuid
      returning id, registered_on::text as "registeredOn", over_capacity as "overCapacity"`;
    if (!row) throw new Error('no such person or dwelling');
    return row;
  },
  rawNorm: (d) => ({ registeredOn: d.registeredOn }),
  write: {
    reset: async (sql) => {
      await sql`delete from residence_registrations where person_id between ${FRESH_RANGE[0]}::uuid and ${FRESH_RANGE[1]}::uuid`;
      // The bench's cluster runs without autovacuum (as the shared server is tuned): the deleted
      // rows of earlier runs stay in the 20 dwellings' index until a vacuum, and every later
      // over-capacity count (A's and C's) visited them: 1.8 ms a registration against 0.5 ms on
      // a vacuumed table after a few runs, growing with each run. Each run starts clean instead.
      await sql`vacuum residence_registrations, persons`;
    },
    count: async (sql) => Number((await sql`select count(*)::int as n from residence_registrations where person_id between ${FRESH_RANGE[0]}::uuid and ${FRESH_RANGE[1]}::uuid`)[0].n),
  },
};

export const operations: Operation[] = [Q0, Q1, Q2, Q3a, Q3b, Q4, M1];

export { byKey };

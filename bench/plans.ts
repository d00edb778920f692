// Per-table generation plans, keyed by the column names of the module tables (see data.ts).
// Everything is a pure function of the row index and a seeded PRNG: the same sizes give the
// same city. Relationships are index arithmetic, so no table has to be held in memory.
import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import { uuidOf, type Rng } from './lib/rng.js';
import type { Sizes } from './data.js';

export interface PlanContext {
  sizes: Sizes;
  communities: string[];
  grids: string[];
  districts: string[];
  memo: Map<string, unknown>;
}

export interface Plan {
  table: string;
  seed: number;
  count: (s: Sizes, ctx: PlanContext) => number;
  /** Values by column name; a function of (i, the rng sequence, ctx). */
  row: (i: number, r: Rng, ctx: PlanContext) => Record<string, unknown>;
  after?: (sql: Sql, ctx: PlanContext) => Promise<void>;
}

// ---------------------------------------------------------------- ids (namespaces)
export const NS = {
  person: 0x10,
  dwelling: 0x11,
  registration: 0x12,
  revisit: 0x13,
  alert: 0x20,
  batch: 0x30,
  unit: 0x31,
  standard: 0x32,
  ruleSet: 0x33,
  assessment: 0x34,
  subject: 0x40,
  record: 0x41,
  listEntry: 0x42,
};
export const personId = (i: number) => uuidOf(NS.person, i);
export const dwellingId = (i: number) => uuidOf(NS.dwelling, i);
export const registrationId = (i: number) => uuidOf(NS.registration, i);
/**
 * Fresh persons (no registration), n = 1..freshPersons, for M1. The id's last 12 hex digits are
 * decimal: '00' + n in 9 digits + '0', so a load generator can put the per-request counter into
 * the raw id (`__N9__`) and, since `Person:<prefix>00` is 33 bytes, into the base64url global id
 * (`__N9B64__`, see lib/load.ts).
 */
export const FRESH_PREFIX = '00000014-0000-4000-8000-00';
export const freshPersonId = (n: number) => `${FRESH_PREFIX}${String(n).padStart(9, '0')}0`;

const TODAY = '2026-06-30';
const day0 = Date.UTC(2021, 6, 1);
const dayStr = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => dayStr(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000);

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅鹏飞志文斌宇浩凯晨辉俊峰燕丹颖玲琳婷雪倩慧欣怡佳悦子涵思雨梓轩宏';
const chineseName = (r: Rng) => r.pick([...SURNAMES]) + r.pick([...GIVEN]) + (r.chance(0.6) ? r.pick([...GIVEN]) : '');

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A GB 11643 resident id number with a valid check character; unique per i. */
export function residentId(area: string, birth: string, i: number): string {
  const seq = String(i % 1000).padStart(3, '0');
  const body = `${area}${birth.replaceAll('-', '')}${seq}`;
  const sum = [...body].reduce((s, ch, k) => s + Number(ch) * W[k], 0);
  return body + '10X98765432'[sum % 11];
}
const HUKOU = ['620102', '620103', '620104', '620105', '620121', '622901', '623001', '621102', '410102', '510104', '610113', '640104'];

// Dwellings sit in grids; only as many grids are used as give ~150 dwellings each, so that the
// small size still has full pages of 50 in a community.
function activeGrids(ctx: PlanContext): string[] {
  const k = Math.max(1, Math.min(ctx.grids.length, Math.ceil(ctx.sizes.dwellings / 150)));
  return ctx.grids.slice(0, k);
}
export const dwellingGrid = (d: number, ctx: PlanContext) => {
  const g = activeGrids(ctx);
  return g[d % g.length];
};

// Registrations: person p has registration p at dwelling p mod D; the first (R - P) persons also
// moved: registration p is closed ('changed') and registration P + p is open at another dwelling.
// Of those who did not move, every tenth is deregistered.
const movers = (s: Sizes) => Math.max(0, Math.min(s.persons, s.registrations - s.persons));
const firstDwelling = (p: number, s: Sizes) => p % s.dwellings;
const secondDwelling = (p: number, s: Sizes) => (p * 7 + 3) % s.dwellings;
const registeredOn = (p: number) => dayStr(day0 + (p % 1400) * 86_400_000);
export function currentDwelling(p: number, s: Sizes): number {
  return p < movers(s) ? secondDwelling(p, s) : firstDwelling(p, s);
}
export const deregistered = (p: number, s: Sizes) => p >= movers(s) && p % 10 === 9;

// Revisits: visit v is the k-th visit (k = floor(v / D)) of dwelling v mod D, every 20 days from day0.
const visitDay = (d: number, k: number) => dayStr(day0 + (k * 20 + (d % 17)) * 86_400_000);
export function lastVisitOf(d: number, s: Sizes): { k: number; on: string } | null {
  if (d >= s.visits) return null;
  const k = Math.floor((s.visits - 1 - d) / s.dwellings);
  return { k, on: visitDay(d, k) };
}
const CADENCE_DAYS: Record<string, number> = { key: 15, general: 91, trusted: 182 };
const dwellingClass = (d: number) => (d % 10 === 0 ? 'key' : d % 10 < 7 ? 'general' : 'trusted');

const population: Plan[] = [
  {
    table: 'dwellings',
    seed: 11,
    count: (s) => s.dwellings,
    row: (d, r, ctx) => {
      const grid = dwellingGrid(d, ctx);
      const last = lastVisitOf(d, ctx.sizes);
      const cls = dwellingClass(d);
      const listed = dayStr(day0 - (d % 900) * 86_400_000);
      const filed = d % 20 !== 0;
      return {
        id: dwellingId(d),
        address: `兰州市${grid}号网格 ${1 + (d % 97)}巷 ${d}号`,
        landlord_id: personId((d * 13) % ctx.sizes.persons),
        jurisdiction_code: grid,
        rooms: 1 + (d % 5),
        capacity: 2 + (d % 7),
        filing_number: filed ? `BA${String(d).padStart(8, '0')}` : null,
        filing_status: filed ? 'filed' : r.chance(0.5) ? 'pending' : 'unfiled',
        filed_on: filed ? listed : null,
        dwelling_class: cls,
        urban_village_building: d % 8 === 0,
        listed_on: listed,
        last_visited_on: last?.on ?? null,
        revisit_due_on: addDays(last?.on ?? listed, CADENCE_DAYS[cls]),
        version: 1,
      };
    },
  },
  {
    table: 'persons',
    seed: 10,
    count: (s) => s.persons + s.freshPersons,
    row: (p, r, ctx) => {
      const s = ctx.sizes;
      // Persons past s.persons are the fresh pool of M1: no registration; they live (by
      // jurisdiction) in the first grid, and their inflow date is before M1's registration date.
      const fresh = p >= s.persons;
      const birth = dayStr(Date.UTC(1960, 0, 1) + (p % 16000) * 86_400_000);
      const area = HUKOU[p % HUKOU.length];
      const idn = residentId(area, birth, p);
      const floating = !area.startsWith('6201');
      const tier = p % 20 === 0 ? 'key' : p % 20 < 6 ? 'attention' : 'stable';
      return {
        id: fresh ? freshPersonId(p - s.persons + 1) : personId(p),
        name: chineseName(r),
        id_number_hash: createHash('sha256').update(`bench:${idn}:${p}`).digest('hex'),
        id_number_masked: `${idn.slice(0, 4)}**********${idn.slice(14)}`,
        id_number_cipher: `bench:${Buffer.from(idn).toString('base64')}`,
        birth_date: birth,
        gender: Number(idn[16]) % 2 === 1 ? 'male' : 'female',
        kind: floating ? 'floating' : 'registered',
        inflow_reason: floating ? r.pick(['work', 'business', 'study', 'relatives', 'other']) : null,
        inflow_date: floating ? registeredOn(p) : null,
        hukou_place_code: area,
        // Phones are stored masked + encrypted (issue #11); a plaintext `phone` would be encrypted by A's migrate at start.
        ...benchPhone(r.chance(0.8) ? `1${r.pick(['38', '39', '58', '86', '77'])}${String(r.int(0, 99999999)).padStart(8, '0')}` : null),
        tier,
        jurisdiction_code: fresh ? dwellingGrid(0, ctx) : dwellingGrid(currentDwelling(p, s), ctx),
        last_visited_on: null,
        revisit_due_on: addDays(registeredOn(p), CADENCE_DAYS[tier === 'attention' ? 'general' : tier === 'stable' ? 'trusted' : 'key']),
        version: 1,
      };
    },
  },
  {
    table: 'residence_registrations',
    seed: 12,
    count: (s) => s.persons + movers(s),
    row: (i, _r, ctx) => {
      const s = ctx.sizes;
      const second = i >= s.persons;
      const p = second ? i - s.persons : i;
      const moved = !second && p < movers(s);
      const d = second ? secondDwelling(p, s) : firstDwelling(p, s);
      const from = second ? addDays(registeredOn(p), 200) : registeredOn(p);
      const dereg = !second && deregistered(p, s);
      return {
        id: registrationId(i),
        person_id: personId(p),
        dwelling_id: dwellingId(d),
        jurisdiction_code: dwellingGrid(d, ctx),
        registered_on: from,
        over_capacity: false,
        previous_registration_id: second ? registrationId(p) : null,
        ended_on: moved ? addDays(registeredOn(p), 200) : dereg ? addDays(registeredOn(p), 300) : null,
        end_kind: moved ? 'changed' : dereg ? 'deregistered' : null,
        end_reason: moved ? '变更居住地' : dereg ? '迁出' : null,
        source: 'import',
        import_key: null,
        created_by: 'bench',
      };
    },
  },
  {
    table: 'revisits',
    seed: 13,
    count: (s) => s.visits,
    row: (v, r, ctx) => {
      const s = ctx.sizes;
      const d = v % s.dwellings;
      const k = Math.floor(v / s.dwellings);
      const on = visitDay(d, k);
      return {
        id: uuidOf(NS.revisit, v),
        dwelling_id: dwellingId(d),
        jurisdiction_code: dwellingGrid(d, ctx),
        visitor_id: `grid-worker-${d % 50}`,
        visited_at: `${on}T0${1 + (d % 8)}:${String(d % 60).padStart(2, '0')}:00Z`,
        visited_on: on,
        matched: r.chance(0.88),
        notes: r.chance(0.1) ? '人户一致，已核对' : null,
      };
    },
  },
];

// The estimated floating population of every community for each year 2021-2025 (the registration rate's denominator).
export const ESTIMATE_YEARS = [2021, 2022, 2023, 2024, 2025];
population.push({
  table: 'floating_population_estimates',
  seed: 14,
  count: (_s, ctx) => ctx.communities.length * ESTIMATE_YEARS.length,
  row: (i, r, ctx) => ({
    jurisdiction_code: ctx.communities[Math.floor(i / ESTIMATE_YEARS.length)],
    period: String(ESTIMATE_YEARS[i % ESTIMATE_YEARS.length]),
    estimate: r.int(1, 40),
    source: 'bench',
    recorded_by: 'bench',
    recorded_at: '2021-01-05T00:00:00Z',
    superseded_at: null,
  }),
});

// ---------------------------------------------------------------- patrol
const ALERT_TYPES = ['robbery', 'snatching', 'theft', 'fraud', 'fight', 'other'];
const patrol: Plan[] = [
  {
    table: 'patrol_alerts',
    seed: 20,
    count: (s) => s.alerts,
    row: (a, r, ctx) => {
      const at = day0 + Math.floor((a / Math.max(1, ctx.sizes.alerts)) * 5 * 365 * 86_400_000) - 4 * 365 * 86_400_000;
      const j = ctx.communities[a % ctx.communities.length];
      return {
        id: uuidOf(NS.alert, a),
        type: r.pick(ALERT_TYPES),
        gb_code: null,
        occurred_at: new Date(at).toISOString(),
        day: dayStr(at + 8 * 3_600_000),
        place: `${j} 附近`,
        latitude: 36 + r.next(),
        longitude: 103.5 + r.next(),
        jurisdiction_code: j,
        major: a % 997 === 0,
        major_kind: a % 997 === 0 ? 'major_criminal_case' : null,
        description: '',
        dispatched_at: new Date(at + 60_000).toISOString(),
        arrived_at: new Date(at + 60_000 + r.int(60, 600) * 1000).toISOString(),
        recorded_by: 'bench',
      };
    },
  },
];

// ---------------------------------------------------------------- assessment
// The category keys of packages/assessment/src/rules/categories.ts (the SafeUnitCategory enum).
export const CATEGORIES = [
  'district_county',
  'scenic_spot',
  'town_subdistrict',
  'hospital',
  'road_section',
  'market',
  'campus',
  'financial_outlet',
  'enterprise',
  'residential_compound',
  'village_community',
];
export const unitId = (u: number) => uuidOf(NS.unit, u);
const assessment: Plan[] = [
  { table: 'creation_batches', seed: 30, count: () => 1, row: () => ({ id: uuidOf(NS.batch, 0), project_name: '平安细胞创建', seq: 1, jurisdiction_code: '620100', created_by: 'bench' }) },
  {
    table: 'assessment_standards',
    seed: 31,
    count: () => CATEGORIES.length,
    row: (c) => ({
      id: uuidOf(NS.standard, c),
      category: CATEGORIES[c],
      version: 1,
      title: `${CATEGORIES[c]} standard v1`,
      items: [
        { code: 'I1', title: '治安防范', maxScore: 50 },
        { code: 'I2', title: '矛盾化解', maxScore: 50 },
      ],
      pass_mark: 60,
      effective_from: '2020-01-01',
      published_by: 'bench',
      published_at: '2020-01-01T00:00:00Z',
    }),
  },
  {
    table: 'veto_rule_sets',
    seed: 32,
    count: () => 1,
    row: () => ({
      id: uuidOf(NS.ruleSet, 0),
      version: 1,
      effective_from: '2020-01-01',
      rules: [],
      yellow_card_policy: {},
      grade_policy: {},
      note: null,
      published_by: 'bench',
      published_at: '2020-01-01T00:00:00Z',
    }),
  },
  {
    table: 'safe_units',
    seed: 33,
    count: (s) => s.units,
    row: (u, _r, ctx) => ({
      id: unitId(u),
      name: `平安单位${u}`,
      category: CATEGORIES[u % CATEGORIES.length],
      jurisdiction_code: ctx.communities[(u * 3) % ctx.communities.length],
      credit_code: null,
      batch_id: uuidOf(NS.batch, 0),
      version: 1,
      created_by: 'bench',
    }),
  },
  {
    table: 'unit_assessments',
    seed: 34,
    count: (s) => s.units * s.assessmentYears,
    row: (i, r, ctx) => {
      const u = Math.floor(i / ctx.sizes.assessmentYears);
      const y = 2021 + (i % ctx.sizes.assessmentYears);
      const total = r.int(40, 100);
      const vetoed = (u + y) % 23 === 0;
      const ev = vetoed ? [uuidOf(NS.alert, u * 7 + y)] : [];
      return {
        id: uuidOf(NS.assessment, i),
        chain_id: uuidOf(NS.assessment, i),
        version: 1,
        unit_id: unitId(u),
        jurisdiction_code: ctx.communities[(u * 3) % ctx.communities.length],
        category: CATEGORIES[u % CATEGORIES.length],
        period_start: `${y}-01-01`,
        period_end: `${y}-12-31`,
        standard_id: uuidOf(NS.standard, u % CATEGORIES.length),
        standard_version: 1,
        rule_set_id: uuidOf(NS.ruleSet, 0),
        rule_set_version: 1,
        items: [
          { code: 'I1', score: Math.floor(total / 2) },
          { code: 'I2', score: total - Math.floor(total / 2) },
        ],
        total,
        pass_mark: 60,
        score_passed: total >= 60,
        vetoed,
        passed: total >= 60 && !vetoed,
        grade: total >= 90 ? 'A' : total >= 75 ? 'B' : total >= 60 ? 'C' : null,
        fired_rules: vetoed ? [{ ruleId: 'major_criminal_case', eventKinds: ['major_criminal_case'], scope: 'jurisdiction', eventIds: ev }] : [],
        triggering_event_ids: ev,
        explanation: vetoed ? '一票否决：重大刑事案件' : total >= 60 ? '达标' : '未达标',
        correction_reason: null,
        supersedes_id: null,
        assessed_by: 'bench',
        recorded_at: `${y + 1}-01-15T00:00:00Z`,
      };
    },
  },
];

// ---------------------------------------------------------------- credit
const CC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CCW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** A GB 32100 unified social credit code with a valid check character; unique per i. */
export function creditCode(i: number): string {
  // Registration authority 9, kind 1, area 620102, then a GB 11714 organization code (8 digits +
  // check). A check sum of 0 (mod 31) is refused by the validator we use (stdnum), so the next
  // of the 8 candidates of i is taken: still unique per i.
  for (let k = 8 * i; k < 8 * i + 8; k++) {
    const org = String(10_000_000 + k).slice(-8);
    const ow = [3, 7, 9, 10, 5, 8, 4, 2];
    const c9 = 11 - ([...org].reduce((s, ch, j) => s + Number(ch) * ow[j], 0) % 11);
    const body = `91620102${org}${c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9)}`;
    const sum = [...body].reduce((s, ch, j) => s + CC.indexOf(ch) * CCW[j], 0) % 31;
    if (sum !== 0) return body + CC[31 - sum];
  }
  throw new Error('unreachable');
}
export const subjectId = (i: number) => uuidOf(NS.subject, i);
const credit: Plan[] = [
  {
    table: 'credit_subjects',
    seed: 40,
    count: (s) => s.creditSubjects,
    row: (i, _r, ctx) => ({
      id: subjectId(i),
      credit_code: creditCode(i),
      name: `兰州平安企业${i}有限公司`,
      kind: 'enterprise',
      jurisdiction_code: ctx.districts[i % ctx.districts.length],
      on_file_since: dayStr(day0 - (i % 1000) * 86_400_000),
    }),
  },
  {
    table: 'credit_records',
    seed: 41,
    count: (s) => s.creditSubjects * 2,
    row: (i, r, ctx) => {
      const sub = i >> 1;
      const negative = i % 2 === 1 && sub % 5 === 0;
      const on = dayStr(day0 + (i % 1500) * 86_400_000);
      return {
        id: uuidOf(NS.record, i),
        subject_id: subjectId(sub),
        jurisdiction_code: ctx.districts[sub % ctx.districts.length],
        polarity: negative ? 'negative' : 'positive',
        kind: negative ? 'administrative_penalty' : 'commendation',
        source_department: negative ? '市场监管局' : '市平安办',
        date: on,
        severity: negative ? r.pick(['minor', 'general', 'serious', 'severe']) : null,
        summary: negative ? '行政处罚' : '表彰',
        evidence_ref: null,
        valid_from: on,
        valid_until: addDays(on, 3 * 365),
        source_ref: null,
        recorded_by: 'bench',
      };
    },
  },
  {
    table: 'credit_list_entries',
    seed: 42,
    count: (s) => Math.ceil(s.creditSubjects / 10),
    row: (i, _r, ctx) => {
      const sub = i * 10 + (i % 2 === 0 ? 0 : 3);
      const black = i % 2 === 0;
      const start = dayStr(day0 + (i % 1200) * 86_400_000);
      return {
        id: uuidOf(NS.listEntry, i),
        subject_id: subjectId(sub % ctx.sizes.creditSubjects),
        jurisdiction_code: ctx.districts[(sub % ctx.sizes.creditSubjects) % ctx.districts.length],
        list_type: black ? 'black' : 'red',
        reason_category: black ? 'serious_violation' : 'clean_record',
        reason: black ? '严重违法失信' : '守法诚信',
        internal_note: null,
        authority: '市信用办',
        start_date: start,
        end_date: addDays(start, 3 * 365),
        proposal_rule: 'manual',
        rule_version: '1',
        basis_record_id: null,
        proposed_by: 'bench',
      };
    },
  },
];

// Every entry is approved from its start; every sixth is lifted a year later.
const entries = (s: Sizes) => Math.ceil(s.creditSubjects / 10);
credit.push({
  table: 'credit_list_decisions',
  seed: 43,
  count: (s) => entries(s) + Math.ceil(entries(s) / 6),
  row: (i, _r, ctx) => {
    const n = entries(ctx.sizes);
    const lift = i >= n;
    const e = lift ? (i - n) * 6 : i;
    const start = dayStr(day0 + (e % 1200) * 86_400_000);
    return {
      id: uuidOf(NS.listEntry + 0x100, i),
      entry_id: uuidOf(NS.listEntry, e),
      repair_request_id: null,
      action: lift ? 'lift' : 'approve',
      reason: lift ? '信用修复' : '认定',
      effective_date: lift ? addDays(start, 365) : start,
      decided_by: 'bench-officer',
      decided_at: `${lift ? addDays(start, 365) : start}T02:00:00Z`,
    };
  },
});

export const plans: Plan[] = [...population, ...patrol, ...assessment, ...credit];
export { TODAY };

/** The stored forms of a bench phone, like the identity numbers above (a stand-in ciphertext: the bench never reveals). */
function benchPhone(phone: string | null) {
  return phone
    ? { phone: null, phone_masked: `${phone.slice(0, 3)}****${phone.slice(-4)}`, phone_cipher: `bench:${Buffer.from(phone).toString('base64')}` }
    : { phone: null, phone_masked: null, phone_cipher: null };
}

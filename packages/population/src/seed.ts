/**
 * Demo data and the city-scale generator. Both come from one deterministic generator: every
 * value is a pure function of (seed, stream, index), so any batch can be produced on its own,
 * reruns produce the same ids (the seed is idempotent through ON CONFLICT DO NOTHING), and the
 * benchmark gets 1M persons / 300k dwellings without holding them in memory.
 */
import { sql } from 'drizzle-orm';
import { devTokenClaims, type Ctx, type Db, addDays, daysBetween, chinaDateOf, rowsOf } from '@safecity/core';
import { protectPhone, protectResidentId } from './identity.js';
import { dwellingRevisitDue, tenantRevisitDue, type DwellingClass, type TenantTier } from './rules.js';

// ------------------------------------------------------------------ deterministic randomness

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}
/** Uniform in [0, 1) from (seed, stream, index): order-independent. */
function rnd(seed: number, stream: number, i: number): number {
  return mix32(mix32(mix32(seed ^ 0x9e3779b9) + stream) + i) / 4294967296;
}
const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length) % list.length];
function uuidOf(seed: number, stream: number, i: number): string {
  const h = [0, 1, 2, 3]
    .map((j) =>
      mix32(mix32(mix32(seed + 0x51ed27) + stream * 4 + j) + i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ------------------------------------------------------------------ realistic values

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮成志海东兴文博振'.split('');
const FEMALE = '芳娜敏静丽艳娟霞秀燕玲桂丹萍红玉兰英梅琳莉雪慧婷颖洁倩瑶佳晶璐欣怡悦琪蕾月'.split('');
/** Household-registration areas: Gansu counties and the provinces Lanzhou's migrants come from. */
const FLOATING_AREAS = [
  '620421',
  '620422',
  '621102',
  '621121',
  '622901',
  '622921',
  '620502',
  '620521',
  '620602',
  '621202',
  '630102',
  '632122',
  '640104',
  '410102',
  '610102',
  '510104',
  '500103',
  '130102',
  '340102',
  '420102',
];
const LOCAL_AREAS = ['620102', '620103', '620104', '620105'];
const STREETS: Record<string, string[]> = {
  '620102': ['庆阳路', '张掖路', '酒泉路', '武都路', '中山路', '白银路', '东岗西路', '雁滩路', '南昌路', '天水北路', '皋兰路', '五泉南路'],
  '620103': ['西津西路', '建兰路', '七里河北街', '西站东路', '南滨河中路', '敦煌路', '土门墩街', '秀川路', '硷沟沿', '晏家坪'],
};
const DISTRICT_NAMES: Record<string, string> = { '620102': '城关区', '620103': '七里河区', '620104': '西固区', '620105': '安宁区', '620111': '红古区' };
const INFLOW: [string, number][] = [
  ['work', 0.46],
  ['business', 0.2],
  ['study', 0.08],
  ['accompanying', 0.08],
  ['relatives', 0.06],
  ['marriage', 0.04],
  ['medical', 0.03],
  ['transfer', 0.02],
  ['farming', 0.02],
  ['other', 0.01],
];
const DEREG_REASONS = ['迁出本市', '返回原籍', '迁往外区', '工作调动离兰'];
const NOTES = ['人户一致，租住情况正常', '已核对身份证件', '提醒房东及时申报变更', '发现新增租客，已告知登记', '消防通道畅通，已宣传安全知识', null];

function weighted<T>(table: [T, number][], r: number): T {
  let acc = 0;
  for (const [v, w] of table) if (r < (acc += w)) return v;
  return table[table.length - 1][0];
}

/** A GB 11643 number with its ISO 7064 MOD 11-2 check character. */
export function residentIdNumber(area: string, birth: string, seq: number): string {
  const body = `${area}${birth.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * W[i], 0);
  return body + '10X98765432'[sum % 11];
}

// ------------------------------------------------------------------ the generator

export interface CityScaleOptions {
  persons: number;
  dwellings: number;
  seed?: number;
  /** Grid codes dwellings are spread over (round robin). Default: grids of 畅家巷 and 张家园 (620102001). */
  grids?: string[];
  /** The day the data is "as of" (visits and registrations lie before it). Default: today in Lanzhou. */
  asOf?: string;
  batchSize?: number;
}
export type CityScaleTable = 'persons' | 'dwellings' | 'residence_registrations' | 'revisits' | 'revisit_tenants' | 'dwelling_class_history' | 'person_tier_history';
/** Rows keyed by SQL column names of the population tables, ready for INSERT or COPY. */
export interface CityScaleBatch {
  table: CityScaleTable;
  rows: Record<string, string | number | boolean | null>[];
}

const S = { person: 1, dwelling: 2, reg: 3, visit: 4, visit2: 5, hist: 6, tierHist: 7 };

/**
 * Deterministic city-scale data (seeded): persons (20% local landlords, the rest floating tenants),
 * dwellings of each class with visits of every age, one registration per tenant (8% deregistered),
 * and revisits, yielded table by table in batches (dwellings and persons before what refers to them).
 */
export async function* generateCityScale(o: CityScaleOptions): AsyncGenerator<CityScaleBatch> {
  const seed = o.seed ?? 20240601;
  const P = o.persons;
  const D = Math.max(1, o.dwellings);
  const L = Math.min(D, Math.max(1, Math.floor(P * 0.2))); // landlords
  const grids = o.grids?.length ? o.grids : ['620102001001001', '620102001001002', '620102001001003', '620102001002001', '620102001002002', '620102001002003'];
  const asOf = o.asOf ?? chinaDateOf(new Date());
  const size = o.batchSize ?? 1000;
  const r = (stream: number, i: number, k = 0) => rnd(seed, stream * 16 + k, i);

  const dwelling = (d: number) => {
    const grid = grids[d % grids.length];
    const district = grid.slice(0, 6);
    const cls: DwellingClass = weighted<DwellingClass>(
      [
        ['key', 0.15],
        ['general', 0.6],
        ['trusted', 0.25],
      ],
      r(S.dwelling, d, 0),
    );
    const listedOn = addDays(asOf, -(60 + Math.floor(r(S.dwelling, d, 1) * 900)));
    const maxAge = { key: 25, general: 120, trusted: 230 }[cls];
    const never = r(S.dwelling, d, 2) < 0.06;
    let last: string | null = never ? null : addDays(asOf, -Math.floor(r(S.dwelling, d, 3) * maxAge));
    if (last && last < listedOn) last = listedOn;
    const streets = STREETS[district] ?? ['建设路', '和平路', '人民路', '解放路'];
    const rest = Math.floor(d / streets.length);
    const address = `甘肃省兰州市${DISTRICT_NAMES[district] ?? ''}${streets[d % streets.length]}${(rest % 200) + 1}号${(Math.floor(rest / 200) % 30) + 1}号楼${(Math.floor(rest / 6000) % 6) + 1}单元${Math.floor(rest / 36000) + 101}室`;
    const rooms = 1 + Math.floor(r(S.dwelling, d, 4) * 5);
    const capacity = rooms + 1 + Math.floor(r(S.dwelling, d, 5) * 3);
    const filed = r(S.dwelling, d, 6) < 0.92;
    return {
      id: uuidOf(seed, S.dwelling, d),
      address,
      landlord_id: uuidOf(seed, S.person, d % L),
      jurisdiction_code: grid,
      rooms,
      capacity,
      filing_number: filed ? `LZ${district}${String(d + 1).padStart(7, '0')}` : null,
      filing_status: filed ? 'filed' : r(S.dwelling, d, 7) < 0.5 ? 'pending' : 'unfiled',
      filed_on: filed ? addDays(listedOn, Math.floor(r(S.dwelling, d, 8) * 20)) : null,
      dwelling_class: cls,
      urban_village_building: r(S.dwelling, d, 9) < 0.1,
      listed_on: listedOn,
      last_visited_on: last,
      revisit_due_on: dwellingRevisitDue({ lastVisitedOn: last, listedOn, dwellingClass: cls }),
      version: 1,
    };
  };

  /** Tenant k (k >= L) lives at dwelling (k - L) % D. */
  const tenant = (k: number) => {
    const d = (k - L) % D;
    const dw = dwelling(d);
    const span = Math.max(0, daysBetween(dw.listed_on, asOf));
    const registeredOn = addDays(dw.listed_on, Math.floor(r(S.reg, k, 0) * span));
    const dereg = r(S.reg, k, 1) < 0.08;
    const endedOn = dereg ? addDays(registeredOn, Math.floor(r(S.reg, k, 2) * Math.max(0, daysBetween(registeredOn, asOf)))) : null;
    const seenOn = !dereg && dw.last_visited_on && dw.last_visited_on >= registeredOn ? dw.last_visited_on : null;
    const slot = Math.floor((k - L) / D);
    return { d, dw, registeredOn, endedOn, seenOn, overCapacity: slot + 1 > dw.capacity };
  };

  const person = (k: number) => {
    const landlord = k < L;
    const day = (k * 7919) % 18000; // a bijection on k mod 18000: ages spread over 1956-2005, numbers stay unique
    const seq = Math.floor(k / 18000) * 2 + (r(S.person, k, 0) < 0.5 ? 1 : 0);
    const birth = addDays('1956-01-01', day);
    const area = landlord ? pick(LOCAL_AREAS, r(S.person, k, 1)) : pick(FLOATING_AREAS, r(S.person, k, 1));
    const idNumber = residentIdNumber(area, birth, seq % 1000);
    const male = seq % 2 === 1;
    const given = male ? MALE : FEMALE;
    const name = pick(SURNAMES, r(S.person, k, 2)) + pick(given, r(S.person, k, 3)) + (r(S.person, k, 4) < 0.6 ? pick(given, r(S.person, k, 5)) : '');
    const tier: TenantTier = weighted<TenantTier>(
      [
        ['key', 0.05],
        ['attention', 0.2],
        ['stable', 0.75],
      ],
      r(S.person, k, 6),
    );
    const t = landlord ? null : tenant(k);
    const inflowDate = t ? addDays(t.registeredOn, -Math.floor(r(S.person, k, 7) * 60)) : null;
    const stored = protectResidentId(idNumber);
    return {
      id: uuidOf(seed, S.person, k),
      name,
      id_number_hash: stored.idNumberHash,
      id_number_masked: stored.idNumberMasked,
      id_number_cipher: stored.idNumberCipher,
      birth_date: birth,
      gender: male ? 'male' : 'female',
      kind: landlord ? 'registered' : 'floating',
      inflow_reason: t ? weighted(INFLOW, r(S.person, k, 8)) : null,
      inflow_date: inflowDate,
      hukou_place_code: area,
      ...phoneColumns(`1${pick(['3', '5', '7', '8', '9'], r(S.person, k, 9))}${String(Math.floor(r(S.person, k, 10) * 1e9)).padStart(9, '0')}`),
      tier,
      jurisdiction_code: landlord ? grids[k % grids.length] : t!.dw.jurisdiction_code,
      last_visited_on: t?.seenOn ?? null,
      revisit_due_on: t && !t.endedOn ? tenantRevisitDue({ lastVisitedOn: t.seenOn, registeredOn: t.registeredOn, tier }) : null,
      version: 1,
    };
  };

  async function* batches(table: CityScaleTable, n: number, row: (i: number) => CityScaleBatch['rows'][number] | CityScaleBatch['rows'] | null): AsyncGenerator<CityScaleBatch> {
    let rows: CityScaleBatch['rows'] = [];
    for (let i = 0; i < n; i++) {
      const out = row(i);
      if (Array.isArray(out)) rows.push(...out);
      else if (out) rows.push(out);
      if (rows.length >= size) {
        yield { table, rows };
        rows = [];
      }
    }
    if (rows.length) yield { table, rows };
  }

  yield* batches('persons', P, person);
  yield* batches('person_tier_history', P, (k) => {
    const p = person(k);
    return { id: uuidOf(seed, S.tierHist, k), person_id: p.id, tier: p.tier, set_by: 'seed', set_at: `${asOf}T00:00:00.000Z`, reason: 'initial', jurisdiction_code: p.jurisdiction_code };
  });
  yield* batches('dwellings', D, dwelling);
  yield* batches('dwelling_class_history', D, (d) => {
    const dw = dwelling(d);
    return {
      id: uuidOf(seed, S.hist, d),
      dwelling_id: dw.id,
      dwelling_class: dw.dwelling_class,
      set_by: 'seed',
      set_at: `${dw.listed_on}T02:00:00.000Z`,
      reason: 'initial',
      jurisdiction_code: dw.jurisdiction_code,
    };
  });
  yield* batches('residence_registrations', Math.max(0, P - L), (j) => {
    const k = j + L;
    const t = tenant(k);
    return {
      id: uuidOf(seed, S.reg, k),
      person_id: uuidOf(seed, S.person, k),
      dwelling_id: t.dw.id,
      jurisdiction_code: t.dw.jurisdiction_code,
      registered_on: t.registeredOn,
      over_capacity: t.overCapacity,
      previous_registration_id: null,
      ended_on: t.endedOn,
      end_kind: t.endedOn ? 'deregistered' : null,
      end_reason: t.endedOn ? pick(DEREG_REASONS, r(S.reg, k, 3)) : null,
      source: 'seed',
      import_key: null,
      created_by: 'seed',
    };
  });
  const visit = (d: number, which: 1 | 2) => {
    const dw = dwelling(d);
    if (!dw.last_visited_on) return null;
    const on = which === 1 ? dw.last_visited_on : addDays(dw.last_visited_on, -(15 + Math.floor(r(S.visit2, d, 0) * 90)));
    if (which === 2 && (on < dw.listed_on || r(S.visit2, d, 1) < 0.5)) return null;
    const stream = which === 1 ? S.visit : S.visit2;
    return {
      id: uuidOf(seed, stream, d),
      dwelling_id: dw.id,
      jurisdiction_code: dw.jurisdiction_code,
      visitor_id: visitorOf(dw.jurisdiction_code),
      visited_at: `${on}T0${Math.floor(r(stream, d, 2) * 8)}:30:00.000Z`, // 00:30-07:30 UTC = 08:30-15:30 in Lanzhou, same day
      visited_on: on,
      matched: r(stream, d, 3) < 0.9,
      notes: pick(NOTES, r(stream, d, 4)),
    };
  };
  yield* batches('revisits', D, (d) => [visit(d, 1), visit(d, 2)].filter((v): v is NonNullable<typeof v> => !!v));
  yield* batches('revisit_tenants', Math.max(0, P - L), (j) => {
    const t = tenant(j + L);
    if (!t.seenOn) return null;
    return {
      revisit_id: uuidOf(seed, S.visit, t.d),
      person_id: uuidOf(seed, S.person, j + L),
      registration_id: uuidOf(seed, S.reg, j + L),
      outcome: 'seen',
      jurisdiction_code: t.dw.jurisdiction_code,
      visited_on: t.seenOn,
    };
  });
}

/** The community's grid worker: the seeded one in 畅家巷, elsewhere the subject a `token grid_worker --jurisdiction <community>` carries. */
const visitorOf = (grid: string) => devTokenClaims('grid_worker', { jurisdiction: grid.slice(0, 12) }).sub;

/** INSERT ... ON CONFLICT DO NOTHING of generated rows (one statement per batch). */
export async function insertBatch(db: Db, batch: CityScaleBatch): Promise<void> {
  if (!batch.rows.length) return;
  const cols = Object.keys(batch.rows[0]);
  const values = sql.join(
    batch.rows.map(
      (row) =>
        sql`(${sql.join(
          cols.map((c) => sql`${row[c]}`),
          sql`, `,
        )})`,
    ),
    sql`, `,
  );
  await db.execute(sql`insert into ${sql.identifier(batch.table)} (${sql.raw(cols.map((c) => `"${c}"`).join(', '))}) values ${values} on conflict do nothing`);
}

/** The districts the demo persons and dwellings cover (the README says so; isolation is tried on them). */
export const DEMO_DISTRICTS = ['620102', '620103'] as const;

/**
 * The demo grids: every other grid of each demo district, at most `perDistrict` each, interleaved
 * (城关, 七里河, 城关, …) so the generator's round robin gives both districts the same share.
 * The first grid of 城关区 is 畅家巷's, where the seeded grid worker works.
 */
export function demoGrids(gridCodes: readonly string[], perDistrict = 15): string[] {
  const byDistrict = DEMO_DISTRICTS.map((d) =>
    gridCodes
      .filter((c) => c.startsWith(d))
      .sort()
      .filter((_, i) => i % 2 === 0)
      .slice(0, perDistrict),
  );
  const out: string[] = [];
  for (let i = 0; i < perDistrict; i++) for (const list of byDistrict) if (list[i]) out.push(list[i]);
  return out;
}

/**
 * The demo set: ~500 persons and 150 dwellings spread evenly over grids of 城关区 (620102) and
 * 七里河区 (620103), estimates for the current year and five-ones checks. Idempotent (fixed ids).
 */
export async function seedPopulation(ctx: Ctx): Promise<void> {
  const result = await ctx.db.execute(sql`select code from jurisdictions where level = 'grid' and (code like '620102%' or code like '620103%') order by code`);
  const rows = rowsOf<{ code: string }>(result);
  const grids = demoGrids(rows.map((r) => r.code));
  for await (const batch of generateCityScale({ persons: 500, dwellings: 150, seed: 620100, grids: grids.length ? grids : undefined, batchSize: 500 })) {
    await insertBatch(ctx.db, batch);
  }
  const year = chinaDateOf(new Date()).slice(0, 4);
  // Estimates a little above the registered count, so registration rates land around the 90% target.
  await ctx.db.execute(sql`
    insert into floating_population_estimates (jurisdiction_code, period, estimate, source, recorded_by, recorded_at)
    select left(r.jurisdiction_code, 12), ${year}, ceil(count(*) * (1.02 + (ascii(right(left(r.jurisdiction_code, 12), 1)) % 3) * 0.06))::int, '街道流动人口服务站估算', 'seed', now()
      from residence_registrations r join persons p on p.id = r.person_id and p.kind = 'floating'
     where r.ended_on is null and r.source = 'seed'
     group by 1
    on conflict do nothing`);
  await ctx.db.execute(sql`
    insert into five_ones_checks (dwelling_id, jurisdiction_code, manager, electronic_lock, register_book, police_reminder_sign, responsibility_letter, checked_by, checked_at)
    select d.id, d.jurisdiction_code, true, (ascii(right(d.id::text, 1)) % 4) <> 0, true, (ascii(right(d.id::text, 2)) % 5) <> 0, true, 'seed', now()
      from dwellings d
     where d.urban_village_building and not exists (select 1 from five_ones_checks c where c.dwelling_id = d.id)`);
}

/** Seeded phones are stored like real ones: masked and encrypted, never in clear. */
function phoneColumns(phone: string) {
  const p = protectPhone(phone);
  return { phone: null, phone_masked: p.phoneMasked, phone_cipher: p.phoneCipher };
}

import { eq } from 'drizzle-orm';
import type { Ctx } from '@safecity/core';
import { CATEGORIES, CATEGORY_KEYS, type Category } from './rules/categories.js';
import type { ItemScoreInput } from './rules/scoring.js';
import { assessUnit, correctAssessment } from './service/assessments.js';
import { recordMajorEvent } from './service/events.js';
import { configureEvaluationWeights, evaluateJurisdiction } from './service/history.js';
import { issueRectificationOrder, issueYellowCard, settleOverdueRectifications } from './service/rectification.js';
import { createCreationBatch, publishRuleSet, publishStandard, registerSafeUnit } from './service/setup.js';
import { creationBatches } from './tables.js';
import { creditCodeWithCheck } from '@safecity/core';

const PROJECT = '平安细胞创建（汕头模式）';

/** Where each category's two demo units sit in the seeded Lanzhou tree (城关区 620102, 七里河区 620103). */
const PLACES: Record<Category, [string, string]> = {
  district_county: ['620102', '620103'],
  scenic_spot: ['620102001', '620103001'],
  town_subdistrict: ['620102001', '620103001'],
  hospital: ['620102001001', '620103001'],
  road_section: ['620102001', '620103001'],
  market: ['620102001002', '620103001'],
  campus: ['620102001001', '620103001'],
  financial_outlet: ['620102001002', '620103001'],
  enterprise: ['620102001', '620103001'],
  residential_compound: ['620102001001', '620103001'],
  village_community: ['620102001002', '620103001'],
};

const NAMES: Record<Category, [string, string]> = {
  district_county: ['城关区', '七里河区'],
  scenic_spot: ['五泉山公园', '西津公园'],
  town_subdistrict: ['酒泉路街道', '西园街道'],
  hospital: ['兰州市第一人民医院', '七里河区人民医院'],
  road_section: ['庆阳路', '西津西路'],
  market: ['张掖路市场', '西站农贸市场'],
  campus: ['畅家巷小学', '七里河中学'],
  financial_outlet: ['工行酒泉路支行', '农行西站分理处'],
  enterprise: ['兰州恒达机械有限公司', '西园物流有限公司'],
  residential_compound: ['畅家巷小区', '西园新村'],
  village_community: ['张家园社区', '西园社区'],
};

/** Categories whose units are organisations with a unified social credit code. */
const WITH_CREDIT_CODE = new Set<Category>(['hospital', 'market', 'financial_outlet', 'enterprise', 'campus']);

const ITEMS = [
  { code: 'S1', name: '组织领导与责任落实', maxPoints: 20, deductions: [{ code: 'd1', description: '责任书未签订', points: 5 }], cap: 10 },
  {
    code: 'S2',
    name: '人防物防技防',
    maxPoints: 40,
    deductions: [
      { code: 'd2', description: '监控点位失效', points: 2 },
      { code: 'd3', description: '消防设施缺失', points: 4 },
    ],
  },
  { code: 'S3', name: '矛盾纠纷排查化解', maxPoints: 20, deductions: [{ code: 'd4', description: '台账不全', points: 2 }] },
  { code: 'S4', name: '宣传发动与群众满意度', maxPoints: 20, deductions: [{ code: 'd5', description: '群众知晓率低', points: 3 }] },
];

const scores = (lost: number): ItemScoreInput[] => [
  { itemCode: 'S1', points: 20 },
  { itemCode: 'S2', points: 40 - Math.min(lost, 30) },
  { itemCode: 'S3', points: 20 },
  { itemCode: 'S4', points: 20 },
];

/** Idempotent demo data: a Shantou-like first batch of all 11 categories with two years of results. */
export async function seedAssessment(base: Ctx): Promise<void> {
  const [existing] = await base.db.select({ id: creationBatches.id }).from(creationBatches).where(eq(creationBatches.projectName, PROJECT)).limit(1);
  if (existing) return;
  const actor = { id: 'seed-city-assessment-office', roles: ['city_admin' as const], jurisdictionCode: '620100', permissions: new Set<string>() };
  const at = (iso: string): Ctx => ({ ...base, actor, loaders: new Map(), now: () => new Date(iso) });

  const t0 = at('2024-01-02T01:00:00Z');
  for (const c of CATEGORY_KEYS) {
    await publishStandard(t0, { category: c, title: `${CATEGORIES[c].label}创建考评标准（2024版）`, items: ITEMS, passMark: 85, effectiveFrom: '2024-01-01' });
  }
  await publishRuleSet(t0, {
    effectiveFrom: '2024-01-01',
    note: '一票否决：单位发生重大刑事案件、重大安全事故、职务犯罪；镇街与县区辖区内发生重大群体性事件',
    rules: [
      { id: 'V1', description: '单位发生重大刑事案件或重大安全事故', eventKinds: ['major_criminal_case', 'major_safety_accident'], scope: 'unit' },
      { id: 'V2', description: '单位工作人员职务犯罪', eventKinds: ['staff_duty_crime'], scope: 'unit' },
      { id: 'V3', description: '辖区内发生重大群体性事件', eventKinds: ['major_mass_incident'], scope: 'jurisdiction', categories: ['district_county', 'town_subdistrict'] },
    ],
    yellowCardPolicy: { rectificationWorkingDays: 15, repeatWindowDays: 365, repeatEscalatesTo: 'red_card' },
  });
  await configureEvaluationWeights(t0, { safeCreation: 0.4, governance: 0.35, stability: 0.25, effectiveFrom: '2024-01-01' });
  const batch = await createCreationBatch(t0, {
    projectName: PROJECT,
    seq: 1,
    name: '第一批平安细胞（656个单位）',
    jurisdictionCode: '620100',
    leadUnit: '市委平安办',
    participatingUnits: ['市公安局', '市卫健局', '市教育局', '市市场监管局', '市应急管理局'],
    targetDate: '2025-12-31',
  });

  const units: Record<string, string> = {};
  let n = 0;
  for (const c of CATEGORY_KEYS) {
    for (const i of [0, 1] as const) {
      n++;
      const code = PLACES[c][i];
      const creditCode = WITH_CREDIT_CODE.has(c) && i === 0 ? creditCodeWithCheck(`91${code.slice(0, 6)}MA7${1000 + n}X${'ABCDEFGH'[n % 8]}`) : null;
      const u = await registerSafeUnit(t0, { name: NAMES[c][i], category: c, jurisdictionCode: code, creditCode, batchId: batch.id, registeredOn: '2024-01-01' });
      units[`${c}${i}`] = u.id;
    }
  }

  // Causing events, recorded when they happened.
  await recordMajorEvent(at('2024-08-02T03:00:00Z'), {
    kind: 'major_safety_accident',
    occurredAt: new Date('2024-08-01T06:30:00Z'),
    unitId: units.market0,
    description: '市场冷库氨气泄漏致3人受伤',
    place: '张掖路市场冷库',
  });
  const lost = (key: string) => (key.charCodeAt(0) + key.length * 3) % 9;

  // 2024: everyone assessed on 2025-01-15.
  const first: Record<string, { id: string }> = {};
  for (const key of Object.keys(units)) {
    first[key] = await assessUnit(at('2025-01-15T02:00:00Z'), { unitId: units[key], periodStart: '2024-01-01', periodEnd: '2024-12-31', items: scores(key === 'road_section1' ? 20 : lost(key)) });
  }
  // A corrected result: the first score missed a rectified item.
  await correctAssessment(at('2025-02-10T02:00:00Z'), { assessmentId: first.road_section1.id, version: 1, items: scores(4), reason: '复核：监控点位已于考评前修复，误扣分' });

  // A later major case at a campus that holds a plaque: the plaque is revoked (摘牌).
  await recordMajorEvent(at('2025-02-21T02:00:00Z'), {
    kind: 'major_criminal_case',
    occurredAt: new Date('2025-02-20T08:00:00Z'),
    unitId: units.campus0,
    description: '校门口持刀伤人案',
    place: '畅家巷小学校门',
  });
  await recordMajorEvent(at('2025-04-11T02:00:00Z'), {
    kind: 'major_criminal_case',
    occurredAt: new Date('2025-04-10T13:00:00Z'),
    unitId: units.enterprise0,
    description: '厂区重大盗窃案（涉案金额120万元）',
  });
  await recordMajorEvent(at('2025-09-10T02:00:00Z'), { kind: 'staff_duty_crime', occurredAt: new Date('2025-09-09T02:00:00Z'), unitId: units.financial_outlet0, description: '网点负责人挪用资金案' });
  await recordMajorEvent(at('2025-06-19T02:00:00Z'), {
    kind: 'major_mass_incident',
    occurredAt: new Date('2025-06-18T02:00:00Z'),
    jurisdictionCode: '620103001',
    description: '拖欠工程款引发聚集上访',
  });

  // 2025: assessed on 2026-01-15; the events above veto their units whatever the score.
  for (const key of Object.keys(units)) {
    await assessUnit(at('2026-01-15T02:00:00Z'), { unitId: units[key], periodStart: '2025-01-01', periodEnd: '2025-12-31', items: scores(lost(key) + 1) });
  }

  // A yellow card, and a rectification that ran out: the unit moves into the next batch.
  await issueYellowCard(at('2026-03-02T02:00:00Z'), { unitId: units.village_community0, reason: '网格巡查台账缺失', issuedOn: '2026-03-02' });
  await issueRectificationOrder(at('2026-03-02T02:00:00Z'), { unitId: units.residential_compound1, items: ['小区监控补装', '消防通道清障'], issuedOn: '2026-03-02', deadline: '2026-03-31' });
  await settleOverdueRectifications(at('2026-04-01T02:00:00Z'), { all: true });

  for (const [code, s] of [
    ['620102', [92, 88, 90]],
    ['620103', [85, 90, 78]],
  ] as const) {
    await evaluateJurisdiction(at('2026-01-20T02:00:00Z'), { jurisdictionCode: code, periodStart: '2025-01-01', periodEnd: '2025-12-31', safeCreation: s[0], governance: s[1], stability: s[2] });
  }
}

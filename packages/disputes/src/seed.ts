import { eq } from 'drizzle-orm';
import { addDays, type Ctx } from '@safecity/core';
import type { DisputeKind, DisputeSource, OrganisationKind, RiskLevel } from './rules/vocabulary.js';
import { recordMassIncident, recordMediationSession, registerDispute, routeDispute } from './service/disputes.js';
import { registerMediationOrganisation } from './service/organisations.js';
import { recordScreeningRound } from './service/screening.js';
import { mediationOrganisations } from './tables.js';

const ORGS: { key: string; name: string; kind: OrganisationKind; code: string; specialty?: DisputeKind }[] = [
  { key: 'jql', name: '酒泉路街道矛盾纠纷调解中心', kind: 'town_centre', code: '620102001' },
  { key: 'zyl', name: '张掖路街道矛盾纠纷调解中心', kind: 'town_centre', code: '620102002' },
  { key: 'xy', name: '西园街道矛盾纠纷调解中心', kind: 'town_centre', code: '620103001' },
  { key: 'cg', name: '城关区矛盾纠纷多元化解中心', kind: 'district_centre', code: '620102' },
  { key: 'qlh', name: '七里河区矛盾纠纷多元化解中心', kind: 'district_centre', code: '620103' },
  { key: 'cjx', name: '畅家巷社区人民调解室', kind: 'community_room', code: '620102001001' },
  { key: 'zjy', name: '张家园社区人民调解室', kind: 'community_room', code: '620102001002' },
  { key: 'xxy', name: '下西园社区人民调解室', kind: 'community_room', code: '620103001001' },
  { key: 'traffic', name: '兰州市道路交通事故纠纷人民调解委员会', kind: 'specialised_committee', code: '620100', specialty: 'traffic_accident' },
  { key: 'medical', name: '城关区医疗纠纷人民调解委员会', kind: 'specialised_committee', code: '620102', specialty: 'medical' },
  { key: 'property', name: '城关区物业纠纷人民调解委员会', kind: 'specialised_committee', code: '620102', specialty: 'property_management' },
];

type Outcome = 'agreement' | 'open' | 'unrouted' | 'fail_then_agree' | 'fail_escalated' | 'fail_mass';

interface Spec {
  code: string;
  kind: DisputeKind;
  source: DisputeSource;
  risk: RiskLevel;
  mass?: boolean;
  reg: string;
  org: string;
  end: string;
  outcome: Outcome;
  desc: string;
  round?: string;
}

const A = (
  code: string,
  kind: DisputeKind,
  source: DisputeSource,
  risk: RiskLevel,
  reg: string,
  org: string,
  end: string,
  desc: string,
  outcome: Outcome = 'agreement',
  extra: Partial<Spec> = {},
): Spec => ({
  code,
  kind,
  source,
  risk,
  reg,
  org,
  end,
  desc,
  outcome,
  ...extra,
});

/**
 * The fixture sub-district is 酒泉路街道 (620102001), year 2026. Hand count (tests/fixtures):
 * 14 disputes registered in 2026 (the 2025-12-20 one is outside the period); 12 resolved by
 * agreement (11 at first try, 1 after failing at the town centre and going to the district);
 * 1 open past its deadline (registered 2026-09-01, low risk, deadline 2026-10-01); 1 labour
 * dispute that failed and turned into a mass incident. Rate 12 / 14 = 85.71%; escalated 2.
 */
export const SPECS: Spec[] = [
  A('620102001001', 'neighbourhood', 'screening', 'low', '2026-01-08', 'cjx', '2026-01-15', '楼上漏水殃及楼下住户，双方就维修费用发生争执', 'agreement', { round: 'jql-q1' }),
  A('620102001001', 'family', 'walk_in', 'low', '2026-01-20', 'cjx', '2026-02-03', '赡养老人费用分担纠纷'),
  A('620102001002', 'property_management', 'informant', 'medium', '2026-02-10', 'property', '2026-02-20', '小区物业费上涨引发业主集体拒缴', 'agreement', { round: 'jql-q1' }),
  A('620102001002', 'neighbourhood', 'screening', 'low', '2026-02-25', 'zjy', '2026-03-10', '公共楼道堆放杂物引发邻里争吵', 'agreement', { round: 'jql-q1' }),
  A('620102001003', 'traffic_accident', 'police_referral', 'medium', '2026-03-05', 'traffic', '2026-03-15', '电动车与行人相撞，医药费赔偿争议'),
  A('620102001003', 'medical', 'walk_in', 'high', '2026-03-18', 'medical', '2026-03-24', '术后并发症患者家属要求赔偿'),
  A('620102001004', 'contract_debt', 'walk_in', 'low', '2026-04-02', 'jql', '2026-04-20', '个体商户之间货款拖欠'),
  A('620102001004', 'neighbourhood', 'informant', 'low', '2026-04-15', 'jql', '2026-05-06', '饭店油烟噪音扰民', 'agreement', { round: 'jql-q2' }),
  A('620102001005', 'family', 'walk_in', 'medium', '2026-05-09', 'jql', '2026-05-20', '离婚后子女抚养费纠纷'),
  A('620102001005', 'property_management', 'screening', 'low', '2026-06-03', 'property', '2026-06-25', '电梯停运维修资金使用争议', 'agreement', { round: 'jql-q2' }),
  A('620102001001', 'environmental', 'department_referral', 'medium', '2026-07-01', 'jql', '2026-07-12', '建筑工地夜间施工噪声投诉'),
  A('620102001002', 'land_demolition', 'petition', 'high', '2026-07-20', 'jql', '2026-08-20', '旧城改造房屋征收补偿标准争议', 'fail_then_agree'),
  A('620102001003', 'neighbourhood', 'walk_in', 'low', '2026-09-01', 'jql', '', '相邻住户排水管道改造纠纷', 'open'),
  A('620102001004', 'labour_wages', 'informant', 'high', '2026-10-08', 'jql', '2026-10-12', '装修公司拖欠二十余名农民工工资', 'fail_mass', { mass: true }),
  A('620102001005', 'contract_debt', 'walk_in', 'low', '2025-12-20', 'jql', '2026-01-05', '房屋租赁押金退还纠纷（2025年受理）'),
  // 张掖路街道: 6 disputes, 5 resolved, 1 in mediation
  A('620102002001', 'neighbourhood', 'screening', 'low', '2026-03-02', 'zyl', '2026-03-12', '共用院落停车位争议'),
  A('620102002002', 'family', 'walk_in', 'low', '2026-04-11', 'zyl', '2026-04-25', '兄弟间房产继承纠纷'),
  A('620102002003', 'traffic_accident', 'police_referral', 'medium', '2026-05-14', 'traffic', '2026-05-22', '出租车追尾事故赔偿'),
  A('620102002004', 'labour_wages', 'walk_in', 'medium', '2026-06-19', 'zyl', '2026-06-26', '餐馆拖欠服务员两个月工资'),
  A('620102002005', 'medical', 'walk_in', 'medium', '2026-08-08', 'medical', '2026-08-20', '牙科诊所治疗效果纠纷'),
  A('620102002006', 'property_management', 'informant', 'low', '2026-11-20', 'zyl', '', '小区停车管理收费争议', 'open'),
  // 西园街道: 10 disputes, 8 resolved, 1 escalated to the district, 1 waiting to be routed
  A('620103001001', 'neighbourhood', 'screening', 'low', '2026-02-06', 'xxy', '2026-02-16', '邻居装修破坏承重墙引发争执', 'agreement', { round: 'xy-q1' }),
  A('620103001002', 'family', 'walk_in', 'low', '2026-03-09', 'xy', '2026-03-20', '夫妻财产分割纠纷'),
  A('620103001003', 'contract_debt', 'walk_in', 'low', '2026-03-27', 'xy', '2026-04-15', '民间借贷逾期未还'),
  A('620103001004', 'traffic_accident', 'police_referral', 'medium', '2026-04-30', 'traffic', '2026-05-10', '货车剐蹭私家车赔偿'),
  A('620103001005', 'land_demolition', 'petition', 'high', '2026-05-18', 'xy', '2026-05-24', '棚户区改造过渡安置费争议'),
  A('620103001006', 'property_management', 'informant', 'medium', '2026-06-22', 'xy', '2026-07-03', '物业公司撤场交接纠纷'),
  A('620103001007', 'neighbourhood', 'screening', 'low', '2026-07-15', 'xy', '2026-07-30', '宠物犬伤人赔偿'),
  A('620103001008', 'labour_wages', 'walk_in', 'medium', '2026-08-25', 'xy', '2026-09-02', '物流公司辞退员工经济补偿'),
  A('620103001009', 'land_demolition', 'petition', 'high', '2026-09-10', 'xy', '2026-09-15', '集体土地征收补偿分配争议', 'fail_escalated'),
  A('620103001010', 'neighbourhood', 'walk_in', 'low', '2026-11-25', 'xy', '', '楼道照明费用分摊争议', 'unrouted'),
];

const ROUNDS = [
  { key: 'jql-q1', jurisdictionCode: '620102001', period: '2026-Q1', startedOn: '2026-01-05', endedOn: '2026-01-10', focus: '春节前矛盾纠纷集中排查（五排查）', hazardsFound: 6 },
  { key: 'jql-q2', jurisdictionCode: '620102001', period: '2026-Q2', startedOn: '2026-04-01', endedOn: '2026-04-20', focus: '物业与噪声扰民专项排查', hazardsFound: 3 },
  { key: 'xy-q1', jurisdictionCode: '620103001', period: '2026-Q1', startedOn: '2026-02-01', endedOn: '2026-02-10', focus: '棚户区改造涉稳风险排查', hazardsFound: 4 },
];

const MEDIATORS = ['王建国', '李秀兰', '张志强', '刘玉梅', '陈海峰'];

/** Idempotent demo data: the big-mediation network of 城关区 and 七里河区 with 31 disputes of 2025/2026. */
export async function seedDisputes(base: Ctx): Promise<void> {
  const [existing] = await base.db.select({ id: mediationOrganisations.id }).from(mediationOrganisations).where(eq(mediationOrganisations.name, ORGS[0].name)).limit(1);
  if (existing) return;
  const actor = { id: 'seed-city-mediation-office', roles: ['city_admin' as const], jurisdictionCode: '620100', permissions: new Set<string>() };
  const at = (day: string): Ctx => ({ ...base, actor, loaders: new Map(), now: () => new Date(`${day}T10:00:00+08:00`) });

  const orgs = new Map<string, string>();
  for (const o of ORGS) orgs.set(o.key, (await registerMediationOrganisation(at('2025-12-01'), { name: o.name, kind: o.kind, jurisdictionCode: o.code, specialty: o.specialty ?? null })).id);
  const rounds = new Map<string, string>();
  for (const { key, ...r } of ROUNDS) rounds.set(key, (await recordScreeningRound(at(r.endedOn), r)).id);

  let n = 0;
  for (const s of SPECS) {
    const mediator = MEDIATORS[n++ % MEDIATORS.length];
    const d = await registerDispute(at(s.reg), {
      jurisdictionCode: s.code,
      kind: s.kind,
      source: s.round ? 'screening' : s.source,
      screeningRoundId: s.round ? rounds.get(s.round)! : null,
      description: s.desc,
      riskLevel: s.risk,
      massIncidentRisk: s.mass ?? false,
      unit: s.outcome === 'fail_mass' ? { name: '兰州恒达装饰工程有限公司' } : null,
      registeredOn: s.reg,
      parties: [
        { role: 'applicant', name: `${'赵钱孙李周吴郑王'[n % 8]}某`, phone: `1389310${String(1000 + n).slice(-4)}` },
        { role: 'respondent', name: s.kind === 'labour_wages' ? '用工单位负责人' : `${'冯陈褚卫蒋沈韩杨'[n % 8]}某` },
      ],
    });
    if (s.outcome === 'unrouted') continue;
    let cur = await routeDispute(at(s.reg), { disputeId: d.id, organisationId: orgs.get(s.org)!, mediatorName: mediator });
    if (s.outcome === 'open') continue;
    if (s.outcome === 'agreement') {
      await recordMediationSession(at(s.end), { disputeId: d.id, on: s.end, outcome: 'agreement', notes: '经调解双方达成一致', agreement: '双方签订人民调解协议书，当场履行' });
      continue;
    }
    const failOn = addDays(s.reg, 3);
    cur = await recordMediationSession(at(failOn), { disputeId: d.id, on: failOn, outcome: 'failed', notes: '双方分歧较大，调解未果，逐级上报' });
    if (s.outcome === 'fail_escalated') continue;
    if (s.outcome === 'fail_mass') {
      await recordMassIncident(at(s.end), { disputeId: d.id, occurredAt: new Date(`${s.end}T09:30:00+08:00`), place: '酒泉路街道办事处门前', description: '二十余名农民工聚集讨薪', participants: 23 });
      continue;
    }
    const district = cur.jurisdictionCode.startsWith('620103') ? 'qlh' : 'cg';
    await routeDispute(at(addDays(failOn, 1)), { disputeId: d.id, organisationId: orgs.get(district)!, mediatorName: '区调解中心联席会议' });
    await recordMediationSession(at(s.end), { disputeId: d.id, on: s.end, outcome: 'agreement', notes: '区级多部门联合调处达成协议', agreement: '按区政府补偿方案签订协议' });
  }
}

/** The words of dispute screening and mediation (矛盾纠纷排查调处), as closed sets with their Chinese labels. */

export const DISPUTE_KINDS = {
  neighbourhood: '邻里纠纷',
  family: '婚姻家庭纠纷',
  land_demolition: '土地征收与拆迁纠纷',
  labour_wages: '劳动争议与欠薪纠纷',
  property_management: '物业管理纠纷',
  medical: '医疗纠纷',
  traffic_accident: '道路交通事故纠纷',
  contract_debt: '合同与债务纠纷',
  environmental: '环境污染纠纷',
  other: '其他纠纷',
} as const;
export type DisputeKind = keyof typeof DISPUTE_KINDS;

export const DISPUTE_SOURCES = {
  screening: '排查发现',
  informant: '调解信息员报告',
  walk_in: '群众来访',
  police_referral: '公安机关移送',
  department_referral: '部门移送',
  petition: '信访转办',
} as const;
export type DisputeSource = keyof typeof DISPUTE_SOURCES;

export const RISK_LEVELS = { low: '一般', medium: '较大', high: '重大', major: '特别重大' } as const;
export type RiskLevel = keyof typeof RISK_LEVELS;

/** The five kinds of mediation joined up (五位一体). */
export const MEDIATION_KINDS = {
  peoples: '人民调解',
  petition: '信访调解',
  public_security: '治安调解',
  administrative: '行政调解',
  judicial: '司法调解',
} as const;
export type MediationKind = keyof typeof MEDIATION_KINDS;

/** A dispute is registered with 1 to this many parties; none are added later, so its list of parties stays this short. */
export const MAX_PARTIES = 50;

export const PARTY_ROLES = { applicant: '申请人', respondent: '被申请人', third_party: '第三人' } as const;
export type PartyRole = keyof typeof PARTY_ROLES;

export const ORGANISATION_KINDS = {
  community_room: '社区（村）调解室',
  unit_room: '单位调解室',
  town_centre: '乡镇（街道）调解中心',
  district_centre: '区县调解中心',
  city_centre: '市调解中心',
  specialised_committee: '专业调解委员会',
} as const;
export type OrganisationKind = keyof typeof ORGANISATION_KINDS;

/**
 * open: registered (not yet routed), mediating, escalated (waiting to be routed at the next level);
 * closed: resolved (agreement), failed (no agreement at the city level), mass_incident (群体性事件).
 */
export const DISPUTE_STATUSES = ['registered', 'mediating', 'escalated', 'resolved', 'failed', 'mass_incident'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const OPEN_STATUSES: readonly DisputeStatus[] = ['registered', 'mediating', 'escalated'];
export const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s);

export const STEP_KINDS = ['registered', 'routed', 'session', 'agreement', 'failure', 'escalated', 'mass_incident', 'follow_up'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * Routing by kind (归口调处): the kind of mediation a dispute goes to unless the router says
 * otherwise. A referral from the police is public-security mediation, one from the petition
 * office petition mediation; traffic accidents go to the police's traffic mediation; wages and
 * land are administrative matters; the rest start as people's mediation (medical and property
 * disputes through their specialised people's mediation committees).
 */
export function defaultMediationKind(kind: DisputeKind, source: DisputeSource): MediationKind {
  if (source === 'police_referral') return 'public_security';
  if (source === 'petition') return 'petition';
  switch (kind) {
    case 'traffic_accident':
      return 'public_security';
    case 'labour_wages':
    case 'land_demolition':
    case 'environmental':
      return 'administrative';
    default:
      return 'peoples';
  }
}

import { MAJOR_EVENT_KINDS } from '@safecity/core';

/** The 11 safe-cell categories (平安细胞) of Shantou's first creation batch (seed 001). */
export const CATEGORIES = {
  district_county: { label: '平安县区', firstBatchTarget: 7 },
  scenic_spot: { label: '平安景区', firstBatchTarget: 10 },
  town_subdistrict: { label: '平安镇街', firstBatchTarget: 11 },
  hospital: { label: '平安医院', firstBatchTarget: 20 },
  road_section: { label: '平安路段', firstBatchTarget: 25 },
  market: { label: '平安市场', firstBatchTarget: 30 },
  campus: { label: '平安校园', firstBatchTarget: 50 },
  financial_outlet: { label: '平安金融网点', firstBatchTarget: 50 },
  enterprise: { label: '平安企业', firstBatchTarget: 100 },
  residential_compound: { label: '平安小区', firstBatchTarget: 100 },
  village_community: { label: '平安村居', firstBatchTarget: 200 },
} as const;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_KEYS = Object.keys(CATEGORIES) as Category[];

/** Core's vocabulary: patrol records major events, assessment acts on them. */
export { MAJOR_EVENT_KINDS };

export const EVENT_KIND_LABELS: Record<(typeof MAJOR_EVENT_KINDS)[number], string> = {
  major_criminal_case: 'major criminal case (重大刑事案件)',
  major_safety_accident: 'major safety accident (重大安全事故)',
  major_mass_incident: 'major mass incident (重大群体性事件)',
  staff_duty_crime: 'staff duty crime (职务犯罪)',
};

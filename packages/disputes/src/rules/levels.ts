import type { OrganisationKind } from './vocabulary.js';

/** Handling levels of tiered responsibility (分级负责), lowest first. */
export const HANDLING_LEVELS = ['community', 'subdistrict', 'district', 'city'] as const;
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];

const RANK: Record<HandlingLevel, number> = { community: 0, subdistrict: 1, district: 2, city: 3 };
export const levelRank = (l: HandlingLevel) => RANK[l];

/** The level one step up, or null at the city. */
export function nextLevel(level: HandlingLevel): HandlingLevel | null {
  return HANDLING_LEVELS[RANK[level] + 1] ?? null;
}

/** The handling level of a jurisdiction code (a grid is handled by its community). */
export function handlingLevelOf(code: string): HandlingLevel | null {
  if (code.length === 12 || code.length === 15) return 'community';
  if (code.length === 9) return 'subdistrict';
  if (code.length === 6) return code.endsWith('00') ? (code.endsWith('0000') ? null : 'city') : 'district';
  return null;
}

/** The code of the dispute's ancestor at a handling level: where that level's organisations sit. */
export function ancestorAt(code: string, level: HandlingLevel): string {
  switch (level) {
    case 'community':
      return code.slice(0, 12);
    case 'subdistrict':
      return code.slice(0, 9);
    case 'district':
      return code.slice(0, 6);
    case 'city':
      return `${code.slice(0, 4)}00`;
  }
}

/** The levels each kind of organisation may sit at. */
export const ORGANISATION_LEVELS: Record<OrganisationKind, readonly HandlingLevel[]> = {
  community_room: ['community'],
  unit_room: ['community', 'subdistrict'],
  town_centre: ['subdistrict'],
  district_centre: ['district'],
  city_centre: ['city'],
  specialised_committee: ['subdistrict', 'district', 'city'],
};

/** Centres hold the right to propose a comprehensive-governance veto (综治否决建议权). */
export const mayProposeVeto = (kind: OrganisationKind) => kind === 'town_centre' || kind === 'district_centre' || kind === 'city_centre';

/**
 * May an organisation take a dispute? It must sit on the dispute's own branch of the tree
 * (an ancestor or the community itself) and not below the level the dispute has been
 * escalated to: a town centre may hand a case down to a community room (分流指派) only while
 * it is still a community-level case.
 */
export function organisationCovers(org: { jurisdictionCode: string }, dispute: { jurisdictionCode: string; level: HandlingLevel }): boolean {
  const orgLevel = handlingLevelOf(org.jurisdictionCode);
  if (!orgLevel || levelRank(orgLevel) < levelRank(dispute.level)) return false;
  return ancestorAt(dispute.jurisdictionCode, orgLevel) === org.jurisdictionCode;
}

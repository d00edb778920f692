import { describe, expect, it } from 'vitest';
import { addCalendarDays, followUpDue, isOverdue, mediationDays, mediationDeadline, nextFollowUpAfterVisit } from '../src/rules/deadlines.js';
import { ancestorAt, handlingLevelOf, mayProposeVeto, nextLevel, organisationCovers } from '../src/rules/levels.js';
import { periodRange, resolutionRate } from '../src/rules/rates.js';
import { defaultMediationKind } from '../src/rules/vocabulary.js';

describe('resolution rate', () => {
  it.each([
    // Shantou (seed 001): 3,269 screened, 3,093 resolved = 94.62%
    [3093, 3269, 0.9462, '94.62%'],
    [12, 14, 0.8571, '85.71%'],
    [5, 5, 1, '100.00%'],
    [0, 3, 0, '0.00%'],
    [0, 0, null, null],
  ])('%i resolved of %i screened → %s', (resolved, screened, value, percent) => {
    expect(resolutionRate(resolved, screened)).toEqual({ numerator: resolved, denominator: screened, value, percent });
  });
});

describe('mediation deadlines (calendar days)', () => {
  it.each([
    ['neighbourhood', 'low', false, 30],
    ['neighbourhood', 'medium', false, 15],
    ['land_demolition', 'high', false, 7],
    ['medical', 'major', false, 3],
    ['labour_wages', 'low', false, 10],
    ['labour_wages', 'high', false, 7],
    ['family', 'low', true, 3],
  ] as const)('%s at %s risk (mass-incident risk %s): %i days', (kind, riskLevel, massIncidentRisk, days) => {
    expect(mediationDays({ kind, riskLevel, massIncidentRisk })).toBe(days);
  });
  it('counts from the day the level takes the dispute, across month and year ends', () => {
    expect(mediationDeadline({ kind: 'neighbourhood', riskLevel: 'low', massIncidentRisk: false }, '2026-09-01')).toBe('2026-10-01');
    expect(mediationDeadline({ kind: 'family', riskLevel: 'high', massIncidentRisk: false }, '2026-12-28')).toBe('2027-01-04');
    expect(addCalendarDays('2028-02-27', 2)).toBe('2028-02-29');
  });
  it.each([
    ['2026-10-01', '2026-10-01', false],
    ['2026-10-01', '2026-10-02', true],
    ['2026-10-01', '2026-09-30', false],
  ])('deadline %s is overdue on %s: %s', (deadline, asOf, overdue) => {
    expect(isOverdue(deadline, asOf)).toBe(overdue);
  });
  it('follow-up visits: sooner for graver disputes; none once the agreement holds', () => {
    expect(followUpDue('2026-03-01', 'low')).toBe('2026-03-31');
    expect(followUpDue('2026-03-01', 'high')).toBe('2026-03-08');
    expect(nextFollowUpAfterVisit('2026-03-31', true)).toBeNull();
    expect(nextFollowUpAfterVisit('2026-03-31', false)).toBe('2026-04-07');
  });
});

describe('tiered responsibility', () => {
  it.each([
    ['community', 'subdistrict'],
    ['subdistrict', 'district'],
    ['district', 'city'],
    ['city', null],
  ] as const)('escalating from %s goes to %s', (from, to) => {
    expect(nextLevel(from)).toBe(to);
  });
  it.each([
    ['620102001001001', 'community'],
    ['620102001001', 'community'],
    ['620102001', 'subdistrict'],
    ['620102', 'district'],
    ['620100', 'city'],
    ['620000', null],
  ])('%s is handled at %s level', (code, level) => {
    expect(handlingLevelOf(code)).toBe(level);
  });
  it('ancestors of a grid', () => {
    expect(['community', 'subdistrict', 'district', 'city'].map((l) => ancestorAt('620102001001002', l as never))).toEqual(['620102001001', '620102001', '620102', '620100']);
  });
  const d = (level: 'community' | 'subdistrict' | 'district') => ({ jurisdictionCode: '620102001001', level });
  it.each([
    ['620102001001', 'community', true], // its community room
    ['620102001002', 'community', false], // another community's room
    ['620102001', 'community', true], // its town centre
    ['620102002', 'community', false], // another town's centre
    ['620102', 'subdistrict', true], // the district, after escalation
    ['620102001', 'district', false], // back down after escalation to the district
    ['620102001001', 'subdistrict', false],
    ['620103', 'district', false], // another district
    ['620100', 'district', true],
  ] as const)('an organisation at %s covers a community dispute at %s level: %s', (code, level, covers) => {
    expect(organisationCovers({ jurisdictionCode: code }, d(level))).toBe(covers);
  });
  it('only centres propose vetoes', () => {
    expect(mayProposeVeto('town_centre')).toBe(true);
    expect(mayProposeVeto('district_centre')).toBe(true);
    expect(mayProposeVeto('community_room')).toBe(false);
    expect(mayProposeVeto('specialised_committee')).toBe(false);
  });
});

describe('routing by kind (归口调处)', () => {
  it.each([
    ['traffic_accident', 'walk_in', 'public_security'],
    ['neighbourhood', 'police_referral', 'public_security'],
    ['neighbourhood', 'petition', 'petition'],
    ['labour_wages', 'informant', 'administrative'],
    ['land_demolition', 'screening', 'administrative'],
    ['medical', 'walk_in', 'peoples'],
    ['family', 'walk_in', 'peoples'],
  ] as const)('%s from %s → %s mediation', (kind, source, mediation) => {
    expect(defaultMediationKind(kind, source)).toBe(mediation);
  });
});

describe('periods', () => {
  it.each([
    ['2026', { start: '2026-01-01', end: '2026-12-31' }],
    ['2026-Q1', { start: '2026-01-01', end: '2026-03-31' }],
    ['2024-02', { start: '2024-02-01', end: '2024-02-29' }],
    ['2026-13', null],
    ['26', null],
  ])('%s', (p, range) => {
    expect(periodRange(p)).toEqual(range);
  });
});

import { describe, expect, it } from 'vitest';
import { holidayCalendar, isValidCreditCode, packageArrangement, creditCodeWithCheck } from '@safecity/core';
import { chinaDateOf, endOfChinaDay } from '../src/rules/dates.js';
import { gradeAfter, gradeStep } from '../src/rules/grade.js';
import { movesToNextBatch, rectificationStatus } from '../src/rules/rectification.js';
import { scoreAssessment, standardProblems, type StandardSpec } from '../src/rules/scoring.js';
import { standingOn, type HistoryFact } from '../src/rules/standing.js';
import { threeInOne, weightsProblems } from '../src/rules/three-in-one.js';
import { decideVeto, type MajorEventFact, type RuleSetSpec } from '../src/rules/veto.js';
import { governedRetroactively, isSelfApproval, retroactiveWindow, ruleSetInForceOn, ruleSetStatus } from '../src/rules/rule-set-governance.js';
import { addWorkingDays } from '../src/rules/working-days.js';
import { revokesPlaque } from '../src/service/events.js';
import { decideYellowCard } from '../src/rules/yellow-card.js';

const spec: StandardSpec = {
  passMark: 85,
  items: [
    { code: 'A1', name: '组织领导', maxPoints: 40, deductions: [{ code: 'd1', description: '台账缺失', points: 2 }], cap: 10 },
    { code: 'A2', name: '防范措施', maxPoints: 60, deductions: [{ code: 'd2', description: '监控失效', points: 5 }] },
  ],
};

describe('scoring', () => {
  it.each([
    [
      'all full',
      [
        { itemCode: 'A1', points: 40 },
        { itemCode: 'A2', points: 60 },
      ],
      100,
      true,
    ],
    [
      'deduction 2',
      [
        { itemCode: 'A1', deductions: [{ code: 'd1', count: 1 }] },
        { itemCode: 'A2', points: 60 },
      ],
      98,
      true,
    ],
    [
      'cap limits deductions to 10',
      [
        { itemCode: 'A1', deductions: [{ code: 'd1', count: 9 }] },
        { itemCode: 'A2', points: 60 },
      ],
      90,
      true,
    ],
    [
      'just at pass mark',
      [
        { itemCode: 'A1', points: 25 },
        { itemCode: 'A2', points: 60 },
      ],
      85,
      true,
    ],
    [
      'just below pass mark',
      [
        { itemCode: 'A1', points: 24.5 },
        { itemCode: 'A2', points: 60 },
      ],
      84.5,
      false,
    ],
  ])('%s', (_n, input, total, passed) => {
    const r = scoreAssessment(spec, input);
    expect(r.ok && r.total).toBe(total);
    expect(r.ok && r.passed).toBe(passed);
  });
  it.each([
    ['missing item', [{ itemCode: 'A1', points: 40 }], /A2.*not scored/],
    [
      'over maximum',
      [
        { itemCode: 'A1', points: 41 },
        { itemCode: 'A2', points: 60 },
      ],
      /between 0 and 40/,
    ],
    [
      'unknown item',
      [
        { itemCode: 'A1', points: 40 },
        { itemCode: 'A2', points: 60 },
        { itemCode: 'ZZ', points: 1 },
      ],
      /ZZ is not in the standard/,
    ],
    [
      'unknown deduction',
      [
        { itemCode: 'A1', deductions: [{ code: 'x', count: 1 }] },
        { itemCode: 'A2', points: 60 },
      ],
      /no deduction rule x/,
    ],
  ])('refuses %s', (_n, input, problem) => {
    const r = scoreAssessment(spec, input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join('; ')).toMatch(problem);
  });
  it('checks a standard', () => {
    expect(standardProblems(spec)).toEqual([]);
    expect(standardProblems({ ...spec, passMark: 101 })).toEqual(['the pass mark lies between 0 and the total of 100 points']);
  });
});

describe('one-vote veto', () => {
  const unit = { id: 'u1', name: '汕头某医院', category: 'hospital' as const, jurisdictionCode: '620102001' };
  const rules: RuleSetSpec = {
    version: 7,
    rules: [
      { id: 'V1', description: 'major case or accident at the unit', eventKinds: ['major_criminal_case', 'major_safety_accident'], scope: 'unit' },
      { id: 'V2', description: 'mass incident in the jurisdiction', eventKinds: ['major_mass_incident'], scope: 'jurisdiction', categories: ['town_subdistrict'] },
      { id: 'V3', description: 'two duty crimes at the unit', eventKinds: ['staff_duty_crime'], scope: 'unit', minEvents: 2 },
    ],
  };
  const period = { start: '2025-01-01', end: '2025-12-31' };
  const ev = (id: string, kind: MajorEventFact['kind'], occurredOn: string, unitId: string | null = 'u1', jurisdictionCode = '620102001001'): MajorEventFact => ({
    id,
    kind,
    occurredOn,
    unitId,
    jurisdictionCode,
    description: `event ${id}`,
  });

  it.each([
    ['case at the unit in the period', [ev('e1', 'major_criminal_case', '2025-06-01')], ['V1']],
    ['case on the first day', [ev('e1', 'major_criminal_case', '2025-01-01')], ['V1']],
    ['case on the last day', [ev('e1', 'major_safety_accident', '2025-12-31')], ['V1']],
    ['case the day before the period', [ev('e1', 'major_criminal_case', '2024-12-31')], []],
    ['case the day after the period', [ev('e1', 'major_criminal_case', '2026-01-01')], []],
    ['case at another unit', [ev('e1', 'major_criminal_case', '2025-06-01', 'u2')], []],
    ['mass incident in the jurisdiction, rule not for hospitals', [ev('e1', 'major_mass_incident', '2025-06-01', null)], []],
    ['one duty crime, rule needs two', [ev('e1', 'staff_duty_crime', '2025-03-01')], []],
    ['two duty crimes', [ev('e1', 'staff_duty_crime', '2025-03-01'), ev('e2', 'staff_duty_crime', '2025-04-01')], ['V3']],
  ])('%s', (_n, events, fired) => {
    const d = decideVeto(rules, events, period, unit);
    expect(d.firedRules.map((r) => r.ruleId)).toEqual(fired);
    expect(d.vetoed).toBe(fired.length > 0);
  });

  it('a jurisdiction rule fires on an event anywhere inside the unit’s jurisdiction', () => {
    const town = { ...unit, id: 't1', category: 'town_subdistrict' as const };
    const d = decideVeto(rules, [ev('e9', 'major_mass_incident', '2025-05-05', null, '620102001002')], period, town);
    expect(d.firedRules).toEqual([{ ruleId: 'V2', eventKinds: ['major_mass_incident'], scope: 'jurisdiction', eventIds: ['e9'] }]);
    expect(decideVeto(rules, [ev('e9', 'major_mass_incident', '2025-05-05', null, '620103001001')], period, town).vetoed).toBe(false);
  });

  it.each([
    ['one criminal case', [ev('e1', 'major_criminal_case', '2025-06-01')], ['major_criminal_case']],
    ['one accident', [ev('e1', 'major_safety_accident', '2025-06-01')], ['major_safety_accident']],
    ['two cases', [ev('e1', 'major_criminal_case', '2025-06-01'), ev('e2', 'major_criminal_case', '2025-07-01')], ['major_criminal_case']],
    ['an accident, then a case', [ev('e2', 'major_criminal_case', '2025-07-01'), ev('e1', 'major_safety_accident', '2025-06-01')], ['major_safety_accident', 'major_criminal_case']],
  ])('eventKinds of a fired rule lists the kinds of the events that fired it: %s', (_n, events, kinds) => {
    expect(decideVeto(rules, events, period, unit).firedRules[0].eventKinds).toEqual(kinds);
  });

  it('explains in words which rule fired on which events under which version', () => {
    const d = decideVeto(rules, [ev('e1', 'major_criminal_case', '2025-06-01')], period, unit);
    expect(d.explanation).toContain('rule set version 7');
    expect(d.explanation).toContain('rule V1');
    expect(d.explanation).toContain('"event e1" on 2025-06-01 (event e1)');
    expect(d.triggeringEvents.map((e) => e.id)).toEqual(['e1']);
  });
});

/** The package's 2025 arrangement, as core seeds it. */
const cal2025 = holidayCalendar([packageArrangement(2025)]);

describe('working days', () => {
  it.each([
    // National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 are make-up working days.
    ['2025-09-26', 1, '2025-09-28'],
    ['2025-09-26', 3, '2025-09-30'],
    ['2025-09-26', 4, '2025-10-09'],
    ['2025-09-30', 1, '2025-10-09'],
    ['2025-10-09', 2, '2025-10-11'],
    ['2025-06-06', 1, '2025-06-09'],
  ])('%s + %i working days = %s', (from, n, deadline) => {
    expect(addWorkingDays(cal2025, from, n)).toBe(deadline);
  });
});

describe('yellow cards', () => {
  const policy = { rectificationWorkingDays: 4, repeatWindowDays: 365, repeatEscalatesTo: 'red_card' as const };
  it('first card: deadline in working days, no escalation', () => {
    const d = decideYellowCard(cal2025, policy, '2025-09-26', [], 2);
    expect(d).toMatchObject({ rectificationDeadline: '2025-10-09', repeatOf: null, escalation: null });
  });
  it.each([
    ['inside the window', '2024-09-27', 'red_card'],
    ['on the window edge', '2024-09-26', 'red_card'],
    ['outside the window', '2024-09-25', null],
  ])('earlier card %s', (_n, earlier, escalation) => {
    expect(decideYellowCard(cal2025, policy, '2025-09-26', [{ id: 'c0', issuedOn: earlier }], 2).escalation).toBe(escalation);
  });
});

describe('rectification', () => {
  it.each([
    [{ deadline: '2025-05-10', completedOn: null }, '2025-05-10', 'open', false],
    [{ deadline: '2025-05-10', completedOn: null }, '2025-05-11', 'overdue', true],
    [{ deadline: '2025-05-10', completedOn: '2025-05-10' }, '2025-06-01', 'completed', false],
    [{ deadline: '2025-05-10', completedOn: '2025-05-11' }, '2025-06-01', 'completed_late', false],
  ])('%o on %s is %s', (order, today, status, moves) => {
    expect(rectificationStatus(order, today)).toBe(status);
    expect(movesToNextBatch(order, today)).toBe(moves);
  });
});

describe('grades', () => {
  const pass = (total: number) => ({ passed: true, vetoed: false, total });
  const fail = { passed: false, vetoed: false, total: 70 };
  const veto = { passed: false, vetoed: true, total: 98 };
  it.each([
    ['first pass gives C', [pass(86)], 'C'],
    ['two high passes after C promote to B', [pass(86), pass(92), pass(95)], 'B'],
    ['a low pass breaks the streak', [pass(86), pass(92), pass(88), pass(95)], 'C'],
    ['four high passes reach A', [pass(86), pass(92), pass(95), pass(92), pass(95)], 'A'],
    ['A stays A', [pass(86), pass(92), pass(95), pass(92), pass(95), pass(99), pass(99)], 'A'],
    ['a fail demotes one', [pass(86), pass(92), pass(95), fail], 'C'],
    ['a fail from C loses the grade', [pass(86), fail], null],
    ['a veto withdraws the grade', [pass(86), pass(92), pass(95), veto], null],
  ])('%s', (_n, results, grade) => {
    expect(gradeAfter(results).grade).toBe(grade);
  });
  it('steps', () => expect(gradeStep({ grade: 'B', streak: 1 }, pass(91))).toEqual({ grade: 'A', streak: 0 }));
});

describe('three-in-one', () => {
  it('weights the three scores', () => {
    expect(threeInOne({ safeCreation: 90, governance: 80, stability: 70 }, { safeCreation: 0.5, governance: 0.3, stability: 0.2 })).toBe(83);
  });
  it('weights add up to 1', () => {
    expect(weightsProblems({ safeCreation: 0.5, governance: 0.5, stability: 0.1 })).toEqual(['the weights add up to 1']);
  });
});

describe('standing (bitemporal)', () => {
  const t = (s: string) => new Date(s);
  const a = (id: string, version: number, at: string, total: number, passed: boolean): HistoryFact => ({
    id: `h-${id}-${version}`,
    kind: version === 1 ? 'assessed' : 'corrected',
    validOn: '2024-12-31',
    recordedAt: t(at),
    refId: `${id}v${version}`,
    data: { chainId: id, version, periodStart: '2024-01-01', periodEnd: '2024-12-31', total, passed, vetoed: false },
  });
  const facts: HistoryFact[] = [
    { id: 'r', kind: 'registered', validOn: '2024-01-01', recordedAt: t('2024-01-01T02:00:00Z'), refId: 'b1', data: { batchId: 'b1' } },
    a('x', 1, '2025-01-10T02:00:00Z', 80, false),
    a('x', 2, '2025-03-01T02:00:00Z', 90, true),
    { id: 'p', kind: 'plaque_awarded', validOn: '2025-03-01', recordedAt: t('2025-03-01T02:00:00Z'), refId: 'p1', data: {} },
    { id: 'pr', kind: 'plaque_revoked', validOn: '2025-06-01', recordedAt: t('2025-06-02T02:00:00Z'), refId: 'p1', data: {} },
    { id: 'm', kind: 'batch_moved', validOn: '2025-07-01', recordedAt: t('2025-07-02T02:00:00Z'), refId: 'm1', data: { toBatchId: 'b2' } },
  ];
  it.each([
    ['before registration', '2023-12-31', '2026-01-01', { known: false, lastAssessment: null }],
    ['as first recorded', '2024-12-31', '2025-02-01', { known: true, lastAssessment: expect.objectContaining({ version: 1, total: 80 }), grade: null }],
    ['as corrected', '2024-12-31', '2025-03-01', { lastAssessment: expect.objectContaining({ version: 2, total: 90 }), grade: 'C' }],
    ['holding the plaque', '2025-05-01', '2025-12-31', { holdsPlaque: true, batchId: 'b1' }],
    ['after revocation and move', '2025-07-01', '2025-12-31', { holdsPlaque: false, batchId: 'b2', overdueMoves: 1 }],
    ['revocation not yet recorded', '2025-06-01', '2025-06-01', { holdsPlaque: true }],
  ])('%s', (_n, onDate, asOf, expected) => {
    expect(standingOn(facts, onDate, endOfChinaDay(asOf))).toMatchObject(expected);
  });
  it('China days', () => {
    expect(chinaDateOf(new Date('2025-03-01T17:00:00Z'))).toBe('2025-03-02');
  });
});

describe('credit codes', () => {
  it.each(['91440500MA4UABCD1', '12620100438000123', '91620102MA71XY7Z8'.replace('Z', '2')])('check character of %s is accepted by core', (first17) => {
    expect(isValidCreditCode(creditCodeWithCheck(first17))).toBe(true);
  });
});

describe('rule-set governance', () => {
  const set = (id: string, version: number, effectiveFrom: string, inForce = true) => ({ id, version, effectiveFrom, inForce });
  const v1 = set('v1', 1, '2024-01-01');
  it.each([
    ['effective from today', '2026-11-28', [v1], null],
    ['effective in the future', '2027-01-01', [v1], null],
    ['reaching back over days set 1 governed', '2025-01-01', [v1], { from: '2025-01-01', to: '2026-11-27' }],
    ['reaching back before set 1: only set 1’s days count', '2020-01-01', [v1], { from: '2024-01-01', to: '2026-11-27' }],
    ['the first set ever', '2020-01-01', [], null],
    ['only a pending set before it', '2025-01-01', [set('p', 2, '2024-06-01', false)], null],
    ['a set effective only after publication does not count', '2025-01-01', [set('f', 2, '2026-12-01')], null],
  ])('retroactive window, %s', (_n, effectiveFrom, existing, window) => {
    expect(retroactiveWindow(effectiveFrom, '2026-11-28', existing)).toEqual(window);
  });

  it.each([
    ['not retroactive', false, null, 'in_force'],
    ['retroactive, undecided', true, null, 'pending_approval'],
    ['retroactive, approved', true, 'approve', 'in_force'],
    ['retroactive, rejected', true, 'reject', 'rejected'],
  ] as const)('status: %s', (_n, retroactive, verdict, status) => {
    expect(ruleSetStatus({ retroactive }, verdict)).toBe(status);
  });

  it.each([
    ['the day before v2', '2024-12-31', 'v1'],
    ['v2’s first day', '2025-01-01', 'v2'],
    ['before any set', '2023-12-31', null],
  ])('in force on %s', (_n, day, id) => {
    expect(ruleSetInForceOn([v1, set('v2', 2, '2025-01-01'), set('v3', 3, '2024-06-01', false)], day)?.id ?? null).toBe(id);
  });

  it.each([
    ['decided under v1 in v2’s window', { periodEnd: '2025-12-31', ruleSetId: 'v1' }, true],
    ['decided under v2 already', { periodEnd: '2025-12-31', ruleSetId: 'v2' }, false],
    ['ended before v2 took effect', { periodEnd: '2024-12-31', ruleSetId: 'v1' }, false],
    ['governed by a later set v4', { periodEnd: '2026-06-30', ruleSetId: 'v1' }, false],
  ])('governed retroactively: %s', (_n, assessment, governed) => {
    const v2 = set('v2', 2, '2025-01-01');
    expect(governedRetroactively(assessment, v2, [v1, v2, set('v4', 4, '2026-01-01')])).toBe(governed);
  });

  it('the publisher is not the second officer', () => {
    expect(isSelfApproval('city-admin', 'city-admin')).toBe(true);
    expect(isSelfApproval('city-admin', 'city-admin-2')).toBe(false);
  });
});

describe('plaques in valid time', () => {
  it.each([
    ['an event inside the period earned for', '2025-07-01', false],
    ['an event on the award day (the period’s last day)', '2025-12-31', false],
    ['an event the day after the award', '2026-01-01', true],
  ])('%s', (_n, occurredOn, revokes) => {
    expect(revokesPlaque({ awardedOn: '2025-12-31' }, { occurredOn })).toBe(revokes);
  });
});

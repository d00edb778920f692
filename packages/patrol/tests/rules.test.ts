import { describe, expect, it } from 'vitest';
import { chinaDateOf } from '@safecity/core';
import {
  assessMember,
  assessShift,
  checkInReport,
  coverageGaps,
  decideActivation,
  generateRoster,
  isInsideChina,
  oneYearEarlier,
  pickRule,
  responseShare,
  weeklyShiftPlan,
  yearOnYear,
  type Task,
} from '../src/rules/index.js';

const t = (iso: string) => new Date(iso);
const min = 60_000;

describe('time', () => {
  it.each([
    ['2024-03-01T15:59:59Z', '2024-03-01'],
    ['2024-03-01T16:00:00Z', '2024-03-02'],
    ['2024-02-29T23:00:00+08:00', '2024-02-29'],
  ])('%s is on Shanghai day %s', (iso, day) => expect(chinaDateOf(t(iso))).toBe(day));
  it('a year earlier keeps the wall-clock time; 29 Feb falls back to 28 Feb', () => {
    expect(oneYearEarlier(t('2024-06-01T00:00:00+08:00')).toISOString()).toBe(t('2023-06-01T00:00:00+08:00').toISOString());
    expect(oneYearEarlier(t('2024-02-29T10:00:00+08:00')).toISOString()).toBe(t('2023-02-28T10:00:00+08:00').toISOString());
  });
});

describe('roster', () => {
  const roster = generateRoster({ checkpointId: 'cp', teamIds: ['A', 'B', 'C'], from: '2024-05-01', to: '2024-05-03' });
  it('covers every day around the clock with three 8-hour shifts', () => {
    expect(roster).toHaveLength(9);
    for (let i = 1; i < roster.length; i++) expect(roster[i].startsAt.getTime()).toBe(roster[i - 1].endsAt.getTime());
    expect(roster[0].startsAt.toISOString()).toBe(t('2024-05-01T00:00:00+08:00').toISOString());
    expect(roster[8].endsAt.toISOString()).toBe(t('2024-05-04T00:00:00+08:00').toISOString());
  });
  it.each([
    [0, ['A', 'B', 'C', 'B', 'C', 'A', 'C', 'A', 'B']],
    [1, ['B', 'C', 'A', 'C', 'A', 'B', 'A', 'B', 'C']],
  ])('rotates daily with offset %i', (offset, teams) => {
    const r = generateRoster({ checkpointId: 'cp', teamIds: ['A', 'B', 'C'], from: '2024-05-01', to: '2024-05-03', startOffset: offset });
    expect(r.map((e) => e.teamId)).toEqual(teams);
  });
  it('gives every team one shift a day and never two shifts back to back', () => {
    const long = generateRoster({ checkpointId: 'cp', teamIds: ['A', 'B', 'C'], from: '2024-05-01', to: '2024-05-30' });
    for (let i = 1; i < long.length; i++) expect(long[i].teamId).not.toBe(long[i - 1].teamId);
  });
  it('refuses anything but three teams', () => expect(() => generateRoster({ checkpointId: 'cp', teamIds: ['A', 'B'], from: '2024-05-01', to: '2024-05-01' })).toThrow());
});

describe('shift compliance', () => {
  const shift = { start: t('2024-05-01T08:00:00+08:00'), end: t('2024-05-01T16:00:00+08:00') };
  const at = (h: number, m = 0) => new Date(shift.start.getTime() + (h * 60 + m) * min);
  const full = (controlMinutes: number): { task: Task; start: Date; end: Date }[] => [
    { task: 'checkpoint_control', start: at(0), end: at(0, controlMinutes) },
    { task: 'sentry', start: at(0), end: at(6) },
    { task: 'patrol', start: at(2), end: at(6) },
    { task: 'standby', start: at(6), end: at(8) },
  ];
  it.each([
    [119, false],
    [120, true],
  ])('checkpoint control of %i minutes → met %s', (m, met) => {
    const r = assessShift(full(m), shift);
    expect(r.tasks.find((x) => x.task === 'checkpoint_control')).toMatchObject({ minutes: m, requiredMinutes: 120, met });
    expect(r.compliant).toBe(met);
  });
  it.each([
    ['sentry', 5 * 60 + 59, false],
    ['sentry', 6 * 60, true],
    ['patrol', 3 * 60 + 59, false],
    ['patrol', 4 * 60, true],
  ] as const)('%s of %i minutes → met %s', (task, m, met) => {
    const logs = full(120).map((l) => (l.task === task ? { ...l, end: new Date(l.start.getTime() + m * min) } : l));
    expect(assessShift(logs, shift).tasks.find((x) => x.task === task)!.met).toBe(met);
  });
  it('standby must be recorded; two people at once count once; time outside the shift does not count', () => {
    const logs = full(120).filter((l) => l.task !== 'standby');
    expect(assessShift(logs, shift).tasks.find((x) => x.task === 'standby')!.met).toBe(false);
    const doubled = [...full(60), { task: 'checkpoint_control' as Task, start: at(0), end: at(1) }, { task: 'checkpoint_control' as Task, start: at(-2), end: at(0) }];
    expect(assessShift(doubled, shift).tasks.find((x) => x.task === 'checkpoint_control')!.minutes).toBe(60);
  });
});

describe('coverage gaps', () => {
  const w = { start: t('2024-05-01T00:00:00+08:00'), end: t('2024-05-03T00:00:00+08:00') };
  it('reports a gap over midnight as one interval', () => {
    const gaps = coverageGaps(
      [
        { start: w.start, end: t('2024-05-01T23:30:00+08:00') },
        { start: t('2024-05-02T00:45:00+08:00'), end: w.end },
      ],
      w,
    );
    expect(gaps).toEqual([{ start: t('2024-05-01T23:30:00+08:00'), end: t('2024-05-02T00:45:00+08:00'), minutes: 75 }]);
  });
  it.each([
    ['no duty at all', [], [[w.start, w.end, 2880]]],
    [
      'overlapping logs leave no gap',
      [
        [w.start, t('2024-05-02T12:00:00+08:00')],
        [t('2024-05-02T11:00:00+08:00'), w.end],
      ],
      [],
    ],
    [
      'a partial minute counts as covered',
      [
        [w.start, t('2024-05-01T12:00:30+08:00')],
        [t('2024-05-01T12:01:00+08:00'), w.end],
      ],
      [],
    ],
    [
      'gaps at both ends',
      [[t('2024-05-01T00:10:00+08:00'), t('2024-05-02T23:50:00+08:00')]],
      [
        [w.start, t('2024-05-01T00:10:00+08:00'), 10],
        [t('2024-05-02T23:50:00+08:00'), w.end, 10],
      ],
    ],
  ] as [string, [Date, Date][], [Date, Date, number][]][])('%s', (_n, duty, expected) => {
    expect(
      coverageGaps(
        duty.map(([start, end]) => ({ start, end })),
        w,
      ),
    ).toEqual(expected.map(([start, end, minutes]) => ({ start, end, minutes })));
  });
});

describe('joint-duty activation', () => {
  const a = (id: string, h: number) => ({ id, occurredAt: new Date(Date.UTC(2024, 4, 1, h)) });
  it.each([
    [[], false, false, []],
    [[a('x', 1)], false, false, []],
    [[a('y', 3), a('x', 1)], false, true, ['x', 'y']],
    [[a('y', 3), a('x', 1), a('z', 5)], false, true, ['x', 'y']],
    [[a('y', 3), a('x', 1)], true, false, []],
  ] as const)('%j (already: %s) → activate %s', (qualifying, alreadyActivated, activate, ids) => {
    const d = decideActivation({ threshold: 2, qualifying, alreadyActivated });
    expect(d.activate).toBe(activate);
    expect(d.triggeringAlertIds).toEqual(ids);
  });
  it('picks the most specific configured rule, else the district default', () => {
    const rule = (code: string, threshold: number) => ({ jurisdictionCode: code, threshold, types: ['robbery' as const], deadlineMinutes: 10, pointIds: [] });
    expect(pickRule('620102001002', [rule('620100', 5), rule('620102001', 3)]).threshold).toBe(3);
    expect(pickRule('620102002001', [rule('620100', 5), rule('620102001', 3)]).threshold).toBe(5);
    expect(pickRule('620103001001', [])).toMatchObject({ jurisdictionCode: '620103', threshold: 2, types: ['robbery', 'snatching'] });
  });
  it('reports on time (deadline included), late, missing and pending points', () => {
    const act = { activatedAt: t('2024-05-01T20:00:00Z'), deadline: t('2024-05-01T20:10:00Z') };
    const ins = [
      { pointId: 'p1', arrivedAt: t('2024-05-01T20:10:00Z') },
      { pointId: 'p2', arrivedAt: t('2024-05-01T20:10:01Z') },
    ];
    expect(checkInReport(act, ['p1', 'p2', 'p3'], ins, t('2024-05-01T21:00:00Z')).map((p) => p.status)).toEqual(['on_time', 'late', 'missing']);
    expect(checkInReport(act, ['p3'], [], t('2024-05-01T20:05:00Z'))[0].status).toBe('pending');
  });
});

describe('response and year-on-year', () => {
  const alert = (s: number | null) => ({ occurredAt: t('2024-05-01T00:00:00Z'), arrivedAt: s == null ? null : new Date(t('2024-05-01T00:00:00Z').getTime() + s * 1000) });
  it('counts 300 s as within and unreached alerts as not', () => {
    expect(responseShare([alert(299), alert(300), alert(301), alert(null)])).toEqual({ total: 4, reachedWithin: 2, share: 0.5 });
    expect(responseShare([])).toEqual({ total: 0, reachedWithin: 0, share: null });
  });
  it('computes the change per type and in total', () => {
    const rows = (spec: Record<string, number>) => Object.entries(spec).flatMap(([type, n]) => Array.from({ length: n }, () => ({ type })));
    expect(yearOnYear(rows({ robbery: 3, theft: 10 }), rows({ robbery: 4, theft: 8, fraud: 2 }))).toEqual([
      { type: 'fraud', current: 0, previous: 2, change: -1 },
      { type: 'robbery', current: 3, previous: 4, change: -0.25 },
      { type: 'theft', current: 10, previous: 8, change: 0.25 },
      { type: 'all', current: 13, previous: 14, change: -1 / 14 },
    ]);
    expect(yearOnYear(rows({ robbery: 1 }), [])[0].change).toBeNull();
  });
});

describe('weekly shift plan', () => {
  // Monday 2024-05-06 is a Monday in Shanghai.
  const inc = (id: string, iso: string) => ({ id, occurredAt: t(iso) });
  const incidents = [
    inc('m20a', '2024-05-06T20:10:00+08:00'),
    inc('m20b', '2024-05-13T20:40:00+08:00'),
    inc('m20c', '2024-05-20T20:59:00+08:00'),
    inc('f22a', '2024-05-10T22:00:00+08:00'),
    inc('f22b', '2024-05-17T22:30:00+08:00'),
    inc('s01', '2024-05-12T01:15:00+08:00'),
  ];
  it('is proportional to the incidents and names them', () => {
    const p = weeklyShiftPlan({ availableHours: 12, incidents });
    expect(p.slots.map((s) => [s.weekday, s.hour, s.hours, s.incidentIds])).toEqual([
      [0, 20, 6, ['m20a', 'm20b', 'm20c']],
      [4, 22, 4, ['f22a', 'f22b']],
      [6, 1, 2, ['s01']],
    ]);
  });
  it.each([7, 10, 11, 100, 0])('sums exactly to %i available hours (largest remainder)', (h) => {
    const p = weeklyShiftPlan({ availableHours: h, incidents });
    expect(p.slots.reduce((a, s) => a + s.hours, 0)).toBe(h);
    for (const s of p.slots) expect(Math.abs(s.hours - s.quota)).toBeLessThan(1);
  });
  it('gives the remainder to the largest fractions: 7 h over 3:2:1 → 4, 2, 1', () => {
    // quotas 3.5, 2.33, 1.17 → floors 3, 2, 1 and the one hour left goes to 0.5.
    expect(weeklyShiftPlan({ availableHours: 7, incidents }).slots.map((s) => s.hours)).toEqual([4, 2, 1]);
  });
  it('spreads evenly without incidents', () => {
    const p = weeklyShiftPlan({ availableHours: 170, incidents: [] });
    expect(p.basis).toBe('uniform');
    expect(p.slots).toHaveLength(168);
    expect(p.slots.filter((s) => s.hours === 2).map((s) => [s.weekday, s.hour])).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });
});

describe('member assessment and coordinates', () => {
  it.each([
    [10, 10, 0, [5], 50, 100, 100, 80],
    [5, 10, 10, [], 75, 90, null, 81.4],
    [30, 10, 120, [1], 0, 0, 0, 0],
  ] as const)('incidents %i vs %i, deductions %i, ratings %j', (cur, prev, ded, ratings, inc, dis, fb, total) => {
    const r = assessMember({ blockIncidents: cur, blockIncidentsPrevious: prev, disciplineDeductions: ded, feedbackRatings: ratings });
    expect([r.incidentScore, r.disciplineScore, r.feedbackScore, r.total]).toEqual([inc, dis, fb, total]);
  });
  it.each([
    [36.06, 103.83, true],
    [103.83, 36.06, false],
    [-36.06, 103.83, false],
    [39.9, 116.4, true],
    [51.5, -0.12, false],
  ])('(%f, %f) inside China: %s', (lat, lon, inside) => expect(isInsideChina(lat, lon)).toBe(inside));
});

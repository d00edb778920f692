import { describe, expect, it } from 'vitest';
import { timelineOrder, type HistoryFact } from '../src/rules/standing.js';
import { ruleSetProblems, type VetoRule } from '../src/rules/veto.js';

const rule = (id: string, o: Partial<VetoRule> = {}): VetoRule => ({ id, description: `rule ${id}`, eventKinds: ['major_criminal_case'], scope: 'unit', ...o });

describe('ruleSetProblems: what makes a veto rule set unusable', () => {
  it.each([
    ['a sound rule set has none', [rule('R1'), rule('R2', { scope: 'jurisdiction', minEvents: 2, categories: ['hospital'] })], []],
    ['an empty rule set has none (it vetoes nothing)', [], []],
    ['minEvents absent or null means one event', [rule('R1', { minEvents: null }), rule('R2', { minEvents: undefined })], []],
    ['minEvents 1 is the smallest allowed', [rule('R1', { minEvents: 1 })], []],
    ['a rule listed twice', [rule('R1'), rule('R2'), rule('R1')], ['rule R1 is listed twice']],
    ['a rule listed three times is reported at each repeat', [rule('R1'), rule('R1'), rule('R1')], ['rule R1 is listed twice', 'rule R1 is listed twice']],
    ['a rule naming no event kind', [rule('R1', { eventKinds: [] })], ['rule R1 names no event kind']],
    ['minEvents 0', [rule('R1', { minEvents: 0 })], ['rule R1: minEvents is a positive integer']],
    ['minEvents negative', [rule('R1', { minEvents: -2 })], ['rule R1: minEvents is a positive integer']],
    ['minEvents fractional', [rule('R1', { minEvents: 1.5 })], ['rule R1: minEvents is a positive integer']],
    [
      'every problem of every rule, in rule order',
      [rule('R1', { eventKinds: [], minEvents: 0 }), rule('R2'), rule('R2', { eventKinds: [] })],
      ['rule R1 names no event kind', 'rule R1: minEvents is a positive integer', 'rule R2 is listed twice', 'rule R2 names no event kind'],
    ],
  ] as [string, VetoRule[], string[]][])('%s', (_what, rules, problems) => {
    expect(ruleSetProblems(rules)).toEqual(problems);
  });
});

describe('timelineOrder: valid day, then recording instant, then recording order, then id', () => {
  const fact = (id: string, validOn: string, recordedAt: string, seq?: number): HistoryFact => ({ id, seq, kind: 'assessed', validOn, recordedAt: new Date(recordedAt), refId: null, data: {} });
  const at = '2025-01-10T08:00:00Z';

  it.each([
    ['an earlier valid day comes first, even recorded later', fact('a', '2025-01-01', '2025-03-01T00:00:00Z'), fact('b', '2025-01-02', '2025-01-01T00:00:00Z'), -1],
    ['a later valid day comes after', fact('a', '2025-02-01', at), fact('b', '2025-01-31', at), 1],
    ['on one valid day, the earlier recording comes first', fact('a', '2025-01-01', '2025-01-10T08:00:00.001Z'), fact('b', '2025-01-01', at), 1],
    ['on one day and instant, the lower seq comes first', fact('z', '2025-01-01', at, 1), fact('a', '2025-01-01', at, 2), -1],
    ['a missing seq counts as 0', fact('a', '2025-01-01', at), fact('b', '2025-01-01', at, 1), -1],
    ['on one day, instant and seq, the id decides', fact('a', '2025-01-01', at, 3), fact('b', '2025-01-01', at, 3), -1],
    ['the same fact is equal to itself', fact('a', '2025-01-01', at, 3), fact('a', '2025-01-01', at, 3), 0],
  ] as const)('%s', (_what, a, b, sign) => {
    expect(Math.sign(timelineOrder(a, b))).toBe(sign);
    expect(Math.sign(timelineOrder(b, a))).toBe(sign === 0 ? 0 : -sign);
  });

  it('sorts a shuffled history into one order whatever the input order', () => {
    const facts = [
      fact('f5', '2025-02-01', '2025-01-01T00:00:00Z'),
      fact('f3', '2025-01-15', at, 2),
      fact('f1', '2025-01-01', '2025-06-01T00:00:00Z'),
      fact('f4', '2025-01-15', at, 2),
      fact('f2', '2025-01-15', at, 1),
      fact('f0', '2024-12-31', '2025-12-31T00:00:00Z'),
    ];
    const expected = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
    expect([...facts].sort(timelineOrder).map((f) => f.id)).toEqual(expected);
    expect(
      [...facts]
        .reverse()
        .sort(timelineOrder)
        .map((f) => f.id),
    ).toEqual(expected);
  });
});

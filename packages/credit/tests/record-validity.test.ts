import { describe, expect, it } from 'vitest';
import { CREDIT_RULE_SETS, recordValidUntil, type CreditRuleSet } from '../src/rules.js';

const rules = CREDIT_RULE_SETS[0]!;

describe('recordValidUntil: the day a credit record stops counting', () => {
  // 2024.1: minor 1, general 2, serious 3, severe 5 years; positive records 3 years whatever the severity.
  it.each([
    ['a minor negative record counts one year', { date: '2024-03-15', polarity: 'negative', severity: 'minor' }, '2025-03-15'],
    ['a general negative record counts two years', { date: '2024-03-15', polarity: 'negative', severity: 'general' }, '2026-03-15'],
    ['a serious negative record counts three years', { date: '2024-03-15', polarity: 'negative', severity: 'serious' }, '2027-03-15'],
    ['a severe negative record counts five years', { date: '2024-03-15', polarity: 'negative', severity: 'severe' }, '2029-03-15'],
    ['a negative record without a severity counts as general', { date: '2024-03-15', polarity: 'negative', severity: null }, '2026-03-15'],
    ['a positive record counts three years', { date: '2024-03-15', polarity: 'positive', severity: null }, '2027-03-15'],
    ['a positive record ignores a severity given to it', { date: '2024-03-15', polarity: 'positive', severity: 'severe' }, '2027-03-15'],
    ['29 February ends on 28 February of a common year', { date: '2024-02-29', polarity: 'negative', severity: 'minor' }, '2025-02-28'],
    ['29 February five years on (a common year) ends on 28 February', { date: '2024-02-29', polarity: 'negative', severity: 'severe' }, '2029-02-28'],
    ['29 February two years on ends on 28 February', { date: '2020-02-29', polarity: 'negative', severity: 'general' }, '2022-02-28'],
    ['the last day of a year stays the last day', { date: '2023-12-31', polarity: 'negative', severity: 'minor' }, '2024-12-31'],
    ['the first day of a year stays the first day', { date: '2024-01-01', polarity: 'positive', severity: null }, '2027-01-01'],
  ] as const)('%s', (_what, rec, until) => {
    expect(recordValidUntil(rec, rules)).toBe(until);
  });

  it('follows the validity years of the rule set it is given (29 February four years on stays 29 February)', () => {
    const longer: CreditRuleSet = { ...rules, version: 'test', recordValidityYears: { minor: 2, general: 4, serious: 6, severe: 10, positive: 1 } };
    expect((['minor', 'general', 'serious', 'severe'] as const).map((severity) => recordValidUntil({ date: '2020-02-29', polarity: 'negative', severity }, longer))).toEqual([
      '2022-02-28',
      '2024-02-29',
      '2026-02-28',
      '2030-02-28',
    ]);
    expect(recordValidUntil({ date: '2020-02-29', polarity: 'positive', severity: null }, longer)).toBe('2021-02-28');
  });
});

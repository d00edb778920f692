import { describe, expect, it } from 'vitest';
import { isValidCreditCode, addYears } from '@safecity/core';
import { blacklistProposalForRecord, blacklistProposalForVeto, entryStatus, JOINT_MEASURES, redListProposal, repairRefusal, ruleSetOn, standingOf, type EntryFacts } from '../src/rules.js';
import { demoCreditCode } from '../src/seed.js';

describe('demoCreditCode', () => {
  it('generates seed codes the core scalar accepts', () => {
    const codes = Array.from({ length: 200 }, (_, i) => demoCreditCode('620102', i + 1)).filter((c): c is string => !!c);
    expect(codes.length).toBeGreaterThan(180);
    for (const c of codes) expect(isValidCreditCode(c)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('entryStatus', () => {
  const base: EntryFacts = { startDate: '2024-01-10', endDate: '2027-01-10', verdict: null, liftedOn: null };
  const approved = { ...base, verdict: { action: 'approve' as const, effectiveDate: '2024-01-12' } };
  it.each<[string, EntryFacts, string, string]>([
    ['undecided', base, '2024-06-01', 'pending'],
    ['decided later than asked', approved, '2024-01-11', 'pending'],
    ['rejected', { ...base, verdict: { action: 'reject', effectiveDate: '2024-01-12' } }, '2024-06-01', 'rejected'],
    ['approved, in term', approved, '2024-06-01', 'active'],
    ['approved, the day before the end', approved, '2027-01-09', 'active'],
    ['approved, on the end date', approved, '2027-01-10', 'expired'],
    ['approved, permanent', { ...approved, endDate: null }, '2099-01-01', 'active'],
    ['approved, not yet started', { ...approved, startDate: '2024-03-01' }, '2024-02-01', 'pending'],
    ['lifted', { ...approved, liftedOn: '2024-08-01' }, '2024-08-01', 'lifted'],
    ['lift not yet effective', { ...approved, liftedOn: '2024-08-01' }, '2024-07-31', 'active'],
  ])('%s', (_name, facts, asOf, status) => expect(entryStatus(facts, asOf)).toBe(status));
});

describe('proposal rules', () => {
  const rules = ruleSetOn('2025-01-01');
  it('a veto proposes a black-list entry for the rule set’s term', () => {
    const p = blacklistProposalForVeto({ unitName: 'X', periodStart: '2024-01-01', periodEnd: '2024-12-31', explanation: 'e' }, '2025-01-01', rules);
    expect(p).toMatchObject({
      listType: 'black',
      reasonCategory: 'safe_unit_veto',
      startDate: '2025-01-01',
      endDate: addYears('2025-01-01', rules.blackTermYears.safe_unit_veto!),
      ruleVersion: rules.version,
    });
  });
  it.each([
    ['negative', 'severe', 'violation', 'severe_violation'],
    ['negative', 'serious', 'violation', null],
    ['positive', null, 'commendation', null],
    ['negative', 'severe', 'administrative_penalty', 'administrative_penalty'],
  ] as const)('%s/%s %s → %s', (polarity, severity, kind, category) => {
    const p = blacklistProposalForRecord({ polarity, severity, kind, summary: 's' }, '2025-01-01', rules);
    expect(p?.reasonCategory ?? null).toBe(category);
  });
  const N = rules.redCleanYears;
  const since = addYears('2025-01-01', -N);
  it.each([
    ['on file exactly N years, positive inside', since, [{ polarity: 'positive', date: '2024-06-01' }], 'eligible'],
    ['on file a day short of N years', '2022-01-02', [{ polarity: 'positive', date: '2024-06-01' }], 'too_recent'],
    [
      'negative inside the window',
      since,
      [
        { polarity: 'positive', date: '2024-06-01' },
        { polarity: 'negative', date: '2023-01-01' },
      ],
      'negative_record',
    ],
    [
      'negative exactly N years ago (outside)',
      '2010-01-01',
      [
        { polarity: 'positive', date: '2024-06-01' },
        { polarity: 'negative', date: since },
      ],
      'eligible',
    ],
    ['no positive record', since, [], 'no_positive_record'],
  ] as const)('red list: %s', (_n, onFileSince, records, outcome) => {
    const r = redListProposal({ onFileSince, records: [...records] }, '2025-01-01', rules);
    expect(r.proposal ? 'eligible' : r.why).toBe(outcome);
  });
});

describe('repairRefusal', () => {
  const rules = ruleSetOn('2025-01-01');
  const active = { listType: 'black' as const, status: 'active' as const, startDate: '2024-01-01', reasonCategory: 'severe_violation' as const };
  const all = rules.repairConditions.default;
  it.each([
    ['active, term served, all conditions', active, all, '2025-01-01', null],
    ['a red entry', { ...active, listType: 'red' as const }, all, '2025-01-01', 'REPAIR_NOT_ALLOWED'],
    ['an expired entry', { ...active, status: 'expired' as const }, all, '2025-01-01', 'REPAIR_NOT_ALLOWED'],
    ['a day before the minimum term', active, all, '2024-06-28', 'REPAIR_TOO_EARLY'],
    ['on the day the minimum term is served', active, all, '2024-06-29', null],
    ['a condition missing', active, all.slice(1), '2025-01-01', 'REPAIR_CONDITIONS_UNMET'],
  ] as const)('%s', (_n, e, shown, today, code) => {
    expect(repairRefusal(e, [...shown], today, rules)?.code ?? null).toBe(code);
  });
});

describe('standingOf', () => {
  it.each([
    [false, [], 'unknown', 0],
    [true, [], 'clear', 0],
    [true, [{ listType: 'red' }], 'red', JOINT_MEASURES.red.length],
    [true, [{ listType: 'red' }, { listType: 'black' }], 'black', JOINT_MEASURES.black.length],
  ] as const)('known=%s %j → %s', (known, active, standing, measures) => {
    const s = standingOf(known, [...active]);
    expect(s.standing).toBe(standing);
    expect(s.measures).toHaveLength(measures);
  });
});

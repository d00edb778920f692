import { describe, expect, it } from 'vitest';
import { addMonths, isValidResidentId } from '@safecity/core';
import {
  arrivalProblem,
  checkIdentity,
  checkRegistrationDate,
  daysOverdue,
  destinationDistrict,
  dwellingRevisitDue,
  isOverCapacity,
  isOverdue,
  parseImportRow,
  periodRange,
  rate,
  tenantRevisitDue,
  fiveOnesComplete,
  type FiveOnes,
} from '../src/rules.js';
import { residentIdNumber } from '../src/seed.js';

describe('revisit due dates', () => {
  it.each([
    // class, last visit, listed, due
    ['key', '2025-01-01', '2024-06-01', '2025-01-16'], // half month = 15 days
    ['key', '2025-02-20', '2024-06-01', '2025-03-07'], // across a short February, still 15 days
    ['key', null, '2025-03-10', '2025-03-25'], // never visited: from the day it was listed
    ['general', '2025-01-15', '2024-06-01', '2025-04-15'], // quarter = 3 calendar months
    ['general', '2024-11-30', '2024-06-01', '2025-02-28'], // clamped to month end
    ['general', '2023-11-30', '2023-06-01', '2024-02-29'], // leap year
    ['trusted', '2024-08-31', '2024-06-01', '2025-02-28'], // half year = 6 months, clamped
    ['trusted', '2025-01-01', '2024-06-01', '2025-07-01'],
  ] as const)('%s dwelling visited %s → due %s', (cls, last, listed, due) => {
    expect(dwellingRevisitDue({ dwellingClass: cls, lastVisitedOn: last, listedOn: listed })).toBe(due);
  });

  it.each([
    ['key', '2025-01-01', null, '2025-01-16'],
    ['attention', '2025-01-01', '2025-02-10', '2025-05-10'],
    ['stable', '2025-01-01', '2025-01-05', '2025-07-05'],
    // a visit before the current registration does not count for it
    ['key', '2025-03-01', '2025-02-01', '2025-03-16'],
  ] as const)('%s tenant registered %s, last seen %s → due %s', (tier, registeredOn, last, due) => {
    expect(tenantRevisitDue({ tier, registeredOn, lastVisitedOn: last })).toBe(due);
  });

  it.each([
    ['2025-01-16', '2025-01-15', false, -1],
    ['2025-01-16', '2025-01-16', false, 0], // a visit on the due date is on time
    ['2025-01-16', '2025-01-17', true, 1],
    ['2025-02-28', '2025-03-01', true, 1],
    ['2024-12-31', '2025-01-31', true, 31],
  ])('due %s on %s: overdue=%s (%i days)', (due, asOf, overdue, days) => {
    expect(isOverdue(due, asOf)).toBe(overdue);
    expect(daysOverdue(due, asOf)).toBe(days);
  });

  it('adds calendar months like PostgreSQL (end-of-month clamping, year wrap)', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
  });
});

describe('identity facts', () => {
  const id = residentIdNumber('620102', '1990-03-07', 123); // seq 123: odd → male
  it('generates valid GB 11643 numbers', () => expect(isValidResidentId(id)).toBe(true));
  it.each([
    [{ idNumber: id }, { ok: true, birthDate: '1990-03-07', gender: 'male' }],
    [{ idNumber: id, birthDate: '1990-03-07', gender: 'male' as const }, { ok: true }],
    [
      { idNumber: id, birthDate: '1990-03-08' },
      { ok: false, error: 'BIRTH_DATE_MISMATCH' },
    ],
    [
      { idNumber: id, gender: 'female' as const },
      { ok: false, error: 'GENDER_MISMATCH' },
    ],
    [{ idNumber: id.slice(0, 17) + (id[17] === '0' ? '1' : '0') }, { ok: false, error: 'RESIDENT_ID_INVALID' }],
    [{ idNumber: ` ${id.toLowerCase()} ` }, { ok: true }],
  ])('%o', (input, expected) => expect(checkIdentity(input)).toMatchObject(expected));
});

describe('registration dates and capacity', () => {
  it.each([
    ['2025-05-01', '2025-05-01', null, null],
    ['2025-05-02', '2025-05-01', null, 'REGISTRATION_DATE_IN_FUTURE'],
    ['2025-04-30', '2025-05-01', '2025-04-30', null],
    ['2025-04-29', '2025-05-01', '2025-04-30', 'REGISTRATION_BEFORE_INFLOW'],
  ])('registered %s, today %s, inflow %s → %s', (reg, today, inflow, expected) => {
    expect(checkRegistrationDate(reg, today, inflow)).toBe(expected);
  });
  it.each([
    [0, 1, false],
    [1, 1, true],
    [2, 3, false],
    [3, 3, true],
  ])('%i tenants, capacity %i: next one over capacity = %s', (n, cap, over) => expect(isOverCapacity(n, cap)).toBe(over));
});

describe('periods and rates', () => {
  it.each([
    ['2025', { start: '2025-01-01', end: '2025-12-31' }],
    ['2025-Q1', { start: '2025-01-01', end: '2025-03-31' }],
    ['2024-Q4', { start: '2024-10-01', end: '2024-12-31' }],
    ['2024-02', { start: '2024-02-01', end: '2024-02-29' }],
    ['2025-13', null],
    ['25', null],
  ])('%s', (p, r) => expect(periodRange(p)).toEqual(r));
  it.each([
    [9, 10, 0.9, true],
    [8, 10, 0.9, false],
    [17, 20, 0.85, true],
    [4, 5, 0.8, true],
    [99, 100, 1, false],
    [0, 0, 0.9, null],
  ])('%i/%i against %d → met %s', (n, d, target, met) => expect(rate(n, d, target).met).toBe(met));
});

describe('CSV rows', () => {
  const id = residentIdNumber('410102', '1995-06-01', 42);
  const good = { name: '王芳', idNumber: id, kind: 'floating', inflowReason: 'work', inflowDate: '2025-01-01', hukouPlace: '410102', dwellingAddress: 'X', registeredOn: '2025-02-01' };
  it('accepts a good row and derives birth date and gender', () => {
    expect(parseImportRow(good, 2, '2025-06-01').value).toMatchObject({ birthDate: '1995-06-01', gender: 'female', inflowReason: 'work' });
  });
  it.each([
    [{ idNumber: '123' }, 'idNumber', 'POPULATION_RESIDENT_ID_INVALID'],
    [{ registeredOn: '2025-06-02' }, 'registeredOn', 'POPULATION_REGISTRATION_DATE_IN_FUTURE'],
    [{ registeredOn: '2024-12-31' }, 'registeredOn', 'POPULATION_REGISTRATION_BEFORE_INFLOW'],
    [{ inflowReason: '' }, 'inflowReason', 'POPULATION_INFLOW_REASON_REQUIRED'],
    [{ kind: 'alien' }, 'kind', 'POPULATION_CSV_VALUE_INVALID'],
    [{ hukouPlace: '99' }, 'hukouPlace', 'POPULATION_CSV_VALUE_INVALID'],
    [{ gender: '男' }, 'gender', 'POPULATION_GENDER_MISMATCH'],
  ])('%o → %s %s', (patch, column, code) => {
    const r = parseImportRow({ ...good, ...patch }, 7, '2025-06-01');
    expect(r.value).toBeNull();
    expect(r.errors).toContainEqual(expect.objectContaining({ row: 7, column, code }));
  });
});

describe('moves between jurisdictions (迁出 / 迁入)', () => {
  it.each([
    ['620103001001001', '620103'], // a grid of 下西园社区 → 七里河区
    ['620102001002', '620102'], // a community
    ['620103', '620103'],
  ])('the sending side learns only the district of %s: %s', (code, district) => {
    expect(destinationDistrict(code)).toBe(district);
  });

  const base = {
    arrivedOn: '2025-06-01',
    today: '2025-06-10',
    inflowDate: '2024-11-20',
    personJurisdictionCode: '620102001001001', // a grid of 畅家巷社区
    dwellingJurisdictionCode: '620103001001002', // a grid of 下西园社区
    currentRegistrationStartedOn: '2025-01-10',
  };
  it.each([
    [{}, null],
    [{ currentRegistrationStartedOn: null }, null], // on the register elsewhere without an open registration
    [{ arrivedOn: '2025-01-10' }, null], // the day the old registration began: allowed (it ends that day)
    [{ dwellingJurisdictionCode: '620102001002001' }, null], // another community of the same district is another jurisdiction
    [{ personJurisdictionCode: '620102' }, null], // recorded at district level, never registered in a community
    [{ dwellingJurisdictionCode: '620102001001003' }, 'NOT_AN_ARRIVAL'], // another grid of the same community
    [{ dwellingJurisdictionCode: '620102001001' }, 'NOT_AN_ARRIVAL'],
    [{ arrivedOn: '2025-06-11' }, 'REGISTRATION_DATE_IN_FUTURE'],
    [{ arrivedOn: '2024-11-19', currentRegistrationStartedOn: null }, 'REGISTRATION_BEFORE_INFLOW'],
    [{ arrivedOn: '2025-01-09' }, 'ARRIVAL_BEFORE_CURRENT_REGISTRATION'],
    [{ dwellingJurisdictionCode: '620102001001002', arrivedOn: '2030-01-01' }, 'NOT_AN_ARRIVAL'], // the wrong operation is named first
  ] as const)('arrival %o → %s', (patch, problem) => {
    expect(arrivalProblem({ ...base, ...patch })).toBe(problem);
  });
});

describe('fiveOnesComplete', () => {
  const all: FiveOnes = { manager: true, electronicLock: true, registerBook: true, policeReminderSign: true, responsibilityLetter: true };
  it.each<[string, Partial<FiveOnes>, boolean]>([
    ['all five in place', {}, true],
    ['no manager', { manager: false }, false],
    ['no electronic lock', { electronicLock: false }, false],
    ['no register book', { registerBook: false }, false],
    ['no police reminder sign', { policeReminderSign: false }, false],
    ['no responsibility letter', { responsibilityLetter: false }, false],
    ['none', { manager: false, electronicLock: false, registerBook: false, policeReminderSign: false, responsibilityLetter: false }, false],
  ])('%s: %s', (_name, patch, complete) => expect(fiveOnesComplete({ ...all, ...patch })).toBe(complete));
});

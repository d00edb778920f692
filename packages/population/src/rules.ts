/**
 * Pure rules of the population register: no db, no ctx. Anything an auditor must be able to
 * reconstruct (due dates, rates, date checks, identity facts) is computed here.
 */
import { isDivisionCode, isValidResidentId, residentIdFacts, addDays, addMonths, daysBetween, isIsoDate } from '@safecity/core';
import type { PopulationErrorKey } from './errors.js';

export const DWELLING_CLASSES = ['key', 'general', 'trusted'] as const; // 重点户 / 一般户 / 放心户
export type DwellingClass = (typeof DWELLING_CLASSES)[number];
export const TENANT_TIERS = ['key', 'attention', 'stable'] as const; // 重点层 / 关注层 / 稳定层
export type TenantTier = (typeof TENANT_TIERS)[number];
export const PERSON_KINDS = ['registered', 'floating'] as const; // 户籍人口 / 流动人口
export type PersonKind = (typeof PERSON_KINDS)[number];
export const FILING_STATUSES = ['filed', 'pending', 'unfiled'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/** Inflow reasons (流入原因) as listed by GB/T 31000 for floating-population registration. */
export const INFLOW_REASONS = {
  work: '务工',
  farming: '务农',
  business: '经商',
  study: '学习培训',
  marriage: '婚嫁',
  accompanying: '随迁家属',
  medical: '就医',
  relatives: '投亲靠友',
  transfer: '工作调动',
  other: '其他',
} as const;
export type InflowReason = keyof typeof INFLOW_REASONS;
export const GENDERS = ['male', 'female'] as const;
/** How a registration ended: a change of dwelling, a deregistration, or an arrival elsewhere. */
export const REGISTRATION_ENDS = ['changed', 'deregistered', 'moved_out'] as const;
/** Where a registration came from: the API, a CSV import, an arrival from another jurisdiction, or the demo seed. */
export const REGISTRATION_SOURCES = ['api', 'import', 'arrival', 'seed'] as const;
/** What a revisit found of a tenant: seen, or departed (moved away). */
export const REVISIT_OUTCOMES = ['seen', 'departed'] as const;
/** What an overdue notice is about. */
export const OVERDUE_SUBJECTS = ['dwelling', 'tenant'] as const;

// ---------------------------------------------------------------- calendar days

// China days and their arithmetic are core's (chinaDateOf, addDays, addMonths, daysBetween, isIsoDate).

// ---------------------------------------------------------------- revisits (回访)

/**
 * Revisit cadence (seed 000): key households and key tenants every half month, general households
 * and attention tenants every quarter, trusted households and stable tenants every half year.
 *
 * Decision: "half month" is a fixed 15 days (not the calendar halves 1st-15th / 16th-end), so a
 * key household's interval does not shrink to 13 days in February or depend on which half a
 * visit fell in; "quarter" and "half year" are 3 and 6 calendar months, clamped to month end.
 */
export type Cadence = 'half_month' | 'quarter' | 'half_year';
export const CLASS_CADENCE: Record<DwellingClass, Cadence> = { key: 'half_month', general: 'quarter', trusted: 'half_year' };
export const TIER_CADENCE: Record<TenantTier, Cadence> = { key: 'half_month', attention: 'quarter', stable: 'half_year' };

export function addCadence(from: string, cadence: Cadence): string {
  switch (cadence) {
    case 'half_month':
      return addDays(from, 15);
    case 'quarter':
      return addMonths(from, 3);
    case 'half_year':
      return addMonths(from, 6);
  }
}

/**
 * The next revisit due date: the last visit (or, never visited, the day the subject entered the
 * register) plus the cadence of its class or tier. A visit on the due date is on time.
 */
export function nextRevisitDue(lastVisitedOn: string | null, since: string, cadence: Cadence): string {
  return addCadence(lastVisitedOn ?? since, cadence);
}
export function dwellingRevisitDue(d: { lastVisitedOn: string | null; listedOn: string; dwellingClass: DwellingClass }): string {
  return nextRevisitDue(d.lastVisitedOn, d.listedOn, CLASS_CADENCE[d.dwellingClass]);
}
export function tenantRevisitDue(t: { lastVisitedOn: string | null; registeredOn: string; tier: TenantTier }): string {
  // A visit before the current registration (another dwelling, long ago) does not count for it.
  const last = t.lastVisitedOn && t.lastVisitedOn >= t.registeredOn ? t.lastVisitedOn : null;
  return nextRevisitDue(last, t.registeredOn, TIER_CADENCE[t.tier]);
}
/** Days past the due date on `asOf`; 0 or less means not overdue. */
export function daysOverdue(dueOn: string, asOf: string): number {
  return daysBetween(dueOn, asOf);
}
export function isOverdue(dueOn: string, asOf: string): boolean {
  return daysOverdue(dueOn, asOf) > 0;
}

// ---------------------------------------------------------------- identity and registration dates

export function normalizeResidentId(raw: string): string {
  return raw.trim().toUpperCase();
}

/** Birth date and gender follow from the number; given values must agree. */
export function checkIdentity(input: {
  idNumber: string;
  birthDate?: string | null;
  gender?: 'male' | 'female' | null;
}): { ok: true; birthDate: string; gender: 'male' | 'female'; areaCode: string } | { ok: false; error: PopulationErrorKey; field: string } {
  const id = normalizeResidentId(input.idNumber);
  if (!isValidResidentId(id)) return { ok: false, error: 'RESIDENT_ID_INVALID', field: 'idNumber' };
  const facts = residentIdFacts(id);
  if (input.birthDate && input.birthDate !== facts.birthDate) return { ok: false, error: 'BIRTH_DATE_MISMATCH', field: 'birthDate' };
  if (input.gender && input.gender !== facts.gender) return { ok: false, error: 'GENDER_MISMATCH', field: 'gender' };
  return { ok: true, ...facts };
}

/** A registration date is neither in the future nor before the person's inflow date. */
export function checkRegistrationDate(registeredOn: string, today: string, inflowDate: string | null): PopulationErrorKey | null {
  if (registeredOn > today) return 'REGISTRATION_DATE_IN_FUTURE';
  if (inflowDate && registeredOn < inflowDate) return 'REGISTRATION_BEFORE_INFLOW';
  return null;
}

// ---------------------------------------------------------------- moves (迁出 / 迁入)

/**
 * The district (区/县, the 6-digit code) a person moved to: all the sending side learns of the
 * destination. The address, community and grid stay with the receiving side.
 */
export function destinationDistrict(dwellingJurisdictionCode: string): string {
  return dwellingJurisdictionCode.slice(0, 6);
}

/** The community (社区/村, 12 digits) of a code: the unit a grid worker registers for. */
export function communityOf(code: string): string {
  return code.slice(0, 12);
}

/**
 * Whether an arrival (迁入) may be registered: only for a person on the register in another
 * community than the dwelling's (inside one community, registerResidence / changeResidence apply),
 * on a day that is not in the future, not before the inflow date and not before the registration
 * it ends began.
 */
export function arrivalProblem(a: {
  arrivedOn: string;
  today: string;
  inflowDate: string | null;
  personJurisdictionCode: string;
  dwellingJurisdictionCode: string;
  currentRegistrationStartedOn: string | null;
}): PopulationErrorKey | null {
  if (communityOf(a.personJurisdictionCode) === communityOf(a.dwellingJurisdictionCode)) return 'NOT_AN_ARRIVAL';
  const bad = checkRegistrationDate(a.arrivedOn, a.today, a.inflowDate);
  if (bad) return bad;
  if (a.currentRegistrationStartedOn && a.arrivedOn < a.currentRegistrationStartedOn) return 'ARRIVAL_BEFORE_CURRENT_REGISTRATION';
  return null;
}

/**
 * Capacity decision: a registration above the dwelling's capacity is accepted and flagged
 * (`overCapacity`), not refused. Refusing would keep people who do live there off the register,
 * which is what the registration rate measures; the flag puts the dwelling in front of the grid
 * worker (filter `overCapacity`) for a check (群租 overcrowding is a reason to reclassify as key).
 */
export function isOverCapacity(activeTenants: number, capacity: number): boolean {
  return activeTenants + 1 > capacity;
}

// ---------------------------------------------------------------- periods and rates

/** `YYYY`, `YYYY-Qn` or `YYYY-MM` → its first and last day. */
export function periodRange(period: string): { start: string; end: string } | null {
  let m = /^(\d{4})$/.exec(period);
  if (m) return { start: `${m[1]}-01-01`, end: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) {
    const start = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { start, end: addDays(addMonths(start, 3), -1) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) {
    const start = `${m[1]}-${m[2]}-01`;
    return { start, end: addDays(addMonths(start, 1), -1) };
  }
  return null;
}

/**
 * The bucket keys a period's figures are summed from: the period key itself for per-period counts,
 * and for stocks at the period's end (month M of year Y) the year keys before Y and the month keys
 * of Y from January to M.
 */
export function rateBucketKeys(period: string): { flow: string; stockYearsBefore: string; stockMonths: string[] } | null {
  const m = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/.exec(period);
  if (!m) return null;
  const lastMonth = m[2] ? Number(m[2]) * 3 : m[3] ? Number(m[3]) : 12;
  return { flow: period, stockYearsBefore: m[1], stockMonths: Array.from({ length: lastMonth }, (_, i) => `${m[1]}-${String(i + 1).padStart(2, '0')}`) };
}

/** Targets the sub-district set for its registration company (seed 003). */
export const RATE_TARGETS = { registration: 0.9, consistency: 0.85, deregistration: 0.8, filing: 1.0, fiveOnes: 1.0 } as const;
export type RateName = keyof typeof RATE_TARGETS;

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, null when there is nothing to count. */
  value: number | null;
  target: number;
  /** Null when the denominator is 0. */
  met: boolean | null;
}

export function rate(numerator: number, denominator: number, target: number): Rate {
  if (denominator <= 0) return { numerator, denominator, value: null, target, met: null };
  const value = numerator / denominator;
  // Compare in integers: 9/10 meets 90% exactly, without float surprises.
  return { numerator, denominator, value, target, met: numerator * 10_000 >= Math.round(target * 10_000) * denominator };
}

/** The five items of a 五个一 check (a manager, an electronic lock, a register book, a police reminder sign, a responsibility letter). */
export const FIVE_ONES_ITEMS = ['manager', 'electronicLock', 'registerBook', 'policeReminderSign', 'responsibilityLetter'] as const;
export type FiveOnes = Record<(typeof FIVE_ONES_ITEMS)[number], boolean>;
/** A building's check is complete when every one of the five items is in place. */
export function fiveOnesComplete(c: FiveOnes): boolean {
  return FIVE_ONES_ITEMS.every((item) => c[item]);
}

// ---------------------------------------------------------------- CSV import rows

/** An API-started import: running, then finished (every row decided) or failed (stopped; committed chunks stay). */
export const IMPORT_STATES = ['running', 'finished', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

export const IMPORT_COLUMNS = ['name', 'idNumber', 'gender', 'birthDate', 'phone', 'kind', 'inflowReason', 'inflowDate', 'hukouPlace', 'dwellingAddress', 'registeredOn'] as const;
export const REQUIRED_IMPORT_COLUMNS = ['name', 'idNumber', 'kind', 'hukouPlace', 'dwellingAddress', 'registeredOn'] as const;

export interface ImportRow {
  name: string;
  idNumber: string;
  birthDate: string;
  gender: 'male' | 'female';
  phone: string | null;
  kind: PersonKind;
  inflowReason: InflowReason | null;
  inflowDate: string | null;
  hukouPlaceCode: string;
  dwellingAddress: string;
  registeredOn: string;
}
export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

const GENDER_WORDS: Record<string, 'male' | 'female'> = { male: 'male', female: 'female', 男: 'male', 女: 'female', m: 'male', f: 'female' };
const KINDS: Record<string, PersonKind> = { registered: 'registered', floating: 'floating', 户籍: 'registered', 流动: 'floating', 户籍人口: 'registered', 流动人口: 'floating' };

/** Validates one CSV record (all errors of the row, not just the first). `row` is the file's line number. */
export function parseImportRow(rec: Record<string, string | undefined>, row: number, today: string): { value: ImportRow; errors: [] } | { value: null; errors: RowError[] } {
  const errors: RowError[] = [];
  const err = (column: string, error: PopulationErrorKey | 'CSV_VALUE_INVALID', message: string) => errors.push({ row, column, code: `POPULATION_${error}`, message });
  const v = (k: string) => (rec[k] ?? '').trim();
  const name = v('name');
  if (!name || name.length > 50) err('name', 'CSV_VALUE_INVALID', 'name: 1 to 50 characters');
  const genderRaw = v('gender').toLowerCase();
  const gender = genderRaw ? GENDER_WORDS[genderRaw] : undefined;
  if (genderRaw && !gender) err('gender', 'CSV_VALUE_INVALID', 'gender: male or female');
  const birthDate = v('birthDate');
  if (birthDate && !isIsoDate(birthDate)) err('birthDate', 'CSV_VALUE_INVALID', 'birthDate: YYYY-MM-DD');
  let facts: { birthDate: string; gender: 'male' | 'female' } | null = null;
  const id = checkIdentity({ idNumber: v('idNumber'), birthDate: isIsoDate(birthDate) ? birthDate : null, gender: gender ?? null });
  if (id.ok) facts = id;
  else err(id.field, id.error, PopulationErrorsMessages[id.error] ?? id.error);
  const kind = KINDS[v('kind').toLowerCase()];
  if (!kind) err('kind', 'CSV_VALUE_INVALID', 'kind: registered or floating');
  const reasonRaw = v('inflowReason');
  const inflowReason = reasonRaw ? ((Object.keys(INFLOW_REASONS) as InflowReason[]).find((k) => k === reasonRaw || INFLOW_REASONS[k] === reasonRaw) ?? null) : null;
  if (reasonRaw && !inflowReason) err('inflowReason', 'CSV_VALUE_INVALID', `inflowReason: one of ${Object.keys(INFLOW_REASONS).join(', ')}`);
  const inflowDate = v('inflowDate') || null;
  if (inflowDate && !isIsoDate(inflowDate)) err('inflowDate', 'CSV_VALUE_INVALID', 'inflowDate: YYYY-MM-DD');
  if (kind === 'floating' && !reasonRaw) err('inflowReason', 'INFLOW_REASON_REQUIRED', 'a floating person needs inflowReason and inflowDate');
  if (kind === 'floating' && !inflowDate) err('inflowDate', 'INFLOW_REASON_REQUIRED', 'a floating person needs inflowReason and inflowDate');
  if (inflowDate && isIsoDate(inflowDate) && inflowDate > today) err('inflowDate', 'INFLOW_DATE_IN_FUTURE', 'inflowDate: lies in the future');
  const hukou = v('hukouPlace');
  if (!isDivisionCode(hukou)) err('hukouPlace', 'CSV_VALUE_INVALID', 'hukouPlace: a division code');
  const phone = v('phone') || null;
  if (phone && !/^[0-9+-]{5,20}$/.test(phone)) err('phone', 'CSV_VALUE_INVALID', 'phone: digits');
  const dwellingAddress = v('dwellingAddress');
  if (!dwellingAddress || dwellingAddress.length > 200) err('dwellingAddress', 'CSV_VALUE_INVALID', 'dwellingAddress: 1 to 200 characters');
  const registeredOn = v('registeredOn');
  if (!isIsoDate(registeredOn)) err('registeredOn', 'CSV_VALUE_INVALID', 'registeredOn: YYYY-MM-DD');
  else {
    const bad = checkRegistrationDate(registeredOn, today, inflowDate && isIsoDate(inflowDate) ? inflowDate : null);
    if (bad) err('registeredOn', bad, PopulationErrorsMessages[bad] ?? bad);
  }
  if (errors.length || !facts || !kind) return { value: null, errors };
  return {
    value: {
      name,
      idNumber: normalizeResidentId(v('idNumber')),
      birthDate: facts.birthDate,
      gender: facts.gender,
      phone,
      kind,
      inflowReason,
      inflowDate,
      hukouPlaceCode: hukou,
      dwellingAddress,
      registeredOn,
    },
    errors: [],
  };
}

// Messages without importing errors.ts values (kept pure of the runtime catalog object).
const PopulationErrorsMessages: Record<string, string> = {
  RESIDENT_ID_INVALID: 'idNumber: not a valid GB 11643 resident identity number',
  BIRTH_DATE_MISMATCH: 'birthDate: does not match the identity number',
  GENDER_MISMATCH: 'gender: does not match the identity number',
  REGISTRATION_DATE_IN_FUTURE: 'registeredOn: lies in the future',
  REGISTRATION_BEFORE_INFLOW: 'registeredOn: lies before inflowDate',
};

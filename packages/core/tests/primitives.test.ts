import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  chinaDateOf,
  containsPattern,
  creditCodeCheckCharacter,
  creditCodeWithCheck,
  daysBetween,
  decodeGlobalId,
  DomainError,
  encodeGlobalId,
  escapeLike,
  idOfType,
  isIsoDate,
  isUuid,
  isValidCreditCode,
  requiredText,
  rowsOf,
} from '../src/index.js';

describe('GB 32100 credit codes', () => {
  // Published codes of real enterprises (Baidu, Huawei, Sinopec, ...).
  it.each(['91110000600037341L', '914403001922038216', '91110000802100433B', '91330100716105852F', '91440300708461136T', '91310000132200223M', '9144030071526726XG', '91110108551385082Q'])(
    'the check character of %s',
    (code) => {
      expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
      expect(creditCodeWithCheck(code.slice(0, 17))).toBe(code);
      expect(isValidCreditCode(code)).toBe(true);
    },
  );
  it.each([
    ['16 characters', '9111000060003734'],
    ['18 characters', '9111000060003734IX'],
    ['a lower-case letter', '9111000060003734o'],
    ['an O (not in the alphabet)', '91110000600O37341'],
  ])('no check character for %s', (_name, s) => {
    expect(creditCodeCheckCharacter(s)).toBeNull();
    expect(() => creditCodeWithCheck(s)).toThrow(RangeError);
  });
  it('maps a sum divisible by 31 to 0, never to an out-of-alphabet character', () => {
    expect(creditCodeCheckCharacter('0'.repeat(17))).toBe('0');
  });
  it.each([
    ['91110000600037341L', true],
    ['91110000600037341M', false],
    ['91110000600037341', false],
    ['91110000600037341LL', false],
    ['9111000060003734IL', false],
    ['', false],
  ])('%s valid: %s', (code, valid) => expect(isValidCreditCode(code)).toBe(valid));
});

describe('isUuid', () => {
  it.each([
    ['7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11', true],
    ['7D1C1E5E-2B7A-4C55-9A43-5D2F1F0B9A11', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['7d1c1e5e2b7a4c559a435d2f1f0b9a11', false],
    ['7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a1', false],
    ['7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11 ', false],
    ['g d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11', false],
    ['', false],
  ])('%j: %s', (s, ok) => expect(isUuid(s)).toBe(ok));
});

describe('LIKE escaping', () => {
  it.each([
    ['plain', 'plain', '%plain%'],
    ['100%', '100\\%', '%100\\%%'],
    ['a_b', 'a\\_b', '%a\\_b%'],
    ['back\\slash', 'back\\\\slash', '%back\\\\slash%'],
    ['%_\\', '\\%\\_\\\\', '%\\%\\_\\\\%'],
    ['城关区', '城关区', '%城关区%'],
  ])('%j', (text, escaped, contains) => {
    expect(escapeLike(text)).toBe(escaped);
    expect(containsPattern(text)).toBe(contains);
  });
});

describe("the driver's result shape", () => {
  it.each<[string, unknown, unknown[]]>([
    ['postgres.js: the array itself', [{ n: 1 }, { n: 2 }], [{ n: 1 }, { n: 2 }]],
    ['PGlite: { rows }', { rows: [{ n: 1 }], fields: [] }, [{ n: 1 }]],
    ['PGlite, no rows', { rows: [] }, []],
    ['no rows property', {}, []],
    ['null', null, []],
  ])('%s', (_name, result, rows) => expect(rowsOf(result)).toEqual(rows));
});

describe('China days and their arithmetic', () => {
  it.each([
    ['2024-06-30T15:59:59.999Z', '2024-06-30'],
    ['2024-06-30T16:00:00Z', '2024-07-01'],
    ['2024-02-29T23:00:00+08:00', '2024-02-29'],
    ['2025-12-31T16:00:00Z', '2026-01-01'],
  ])('%s is %s in China', (at, day) => expect(chinaDateOf(new Date(at))).toBe(day));
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2025-03-01', 0, '2025-03-01'],
    ['2025-01-01', 365, '2026-01-01'],
  ])('%s + %i days = %s', (d, n, out) => {
    expect(addDays(d, n)).toBe(out);
    expect(daysBetween(d, out)).toBe(n);
  });
  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-11-15', 3, '2026-02-15'],
    ['2025-08-31', 6, '2026-02-28'],
    ['2025-03-31', -1, '2025-02-28'],
    ['2025-01-15', -13, '2023-12-15'],
  ])('%s + %i months = %s', (d, n, out) => expect(addMonths(d, n)).toBe(out));
  it.each([
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2023-05-10', -3, '2020-05-10'],
  ])('%s + %i years = %s', (d, n, out) => expect(addYears(d, n)).toBe(out));
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-02-30', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['20250101', false],
  ])('%s is a calendar day: %s', (s, ok) => expect(isIsoDate(s)).toBe(ok));
});

describe('global ids', () => {
  const uuid = '7d1c1e5e-2b7a-4c55-9a43-5d2f1f0b9a11';
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
  it('round-trips a row id and a division code', () => {
    expect(encodeGlobalId('Person', uuid)).toBe(b64(`Person:${uuid}`));
    expect(decodeGlobalId(encodeGlobalId('Person', uuid))).toEqual({ typename: 'Person', id: uuid });
    expect(idOfType(encodeGlobalId('Jurisdiction', '620102'), 'Jurisdiction', 'j')).toBe('620102');
  });
  it.each([
    ['not base64url', 'a b c', 'Person'],
    ['no typename', b64(`:${uuid}`), 'Person'],
    ['not a uuid inside', b64('Person:abc'), 'Person'],
    ['another type', b64(`Dwelling:${uuid}`), 'Person'],
    ['too long', 'A'.repeat(201), 'Person'],
  ])('%s is CORE_ID_MALFORMED with the field at fault', (_name, id, typename) => {
    let caught: unknown;
    try {
      idOfType(id, typename, 'parties.0.personId');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect({ code: (caught as DomainError).code, field: (caught as DomainError).field }).toEqual({ code: 'CORE_ID_MALFORMED', field: 'parties.0.personId' });
  });
});

describe('requiredText', () => {
  it.each<[string, unknown, { ok: boolean; value?: string }]>([
    ['trimmed', '  家庭纠纷 ', { ok: true, value: '家庭纠纷' }],
    ['at the limit', 'x'.repeat(5), { ok: true, value: 'xxxxx' }],
    ['over the limit', 'x'.repeat(6), { ok: false }],
    ['blank', '   ', { ok: false }],
    ['empty', '', { ok: false }],
    ['not a string', 5, { ok: false }],
  ])('%s', (_name, input, expected) => {
    const r = requiredText(5).safeParse(input);
    expect(r.success ? { ok: true, value: r.data } : { ok: false }).toEqual(expected);
  });
});

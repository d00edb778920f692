import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  creditCodeCheckCharacter,
  isDivisionCode,
  isValidCreditCode,
  isValidResidentId,
  isWithin,
  levelOf,
  maskPersonal,
  maskPhone,
  maskResidentId,
  parentCode,
  residentIdFacts,
  scopePrefix,
} from '@safecity/core';

describe('division codes (GB/T 2260 and statistical codes)', () => {
  it.each([
    ['620000', 'province', '62', null],
    ['620100', 'city', '6201', '620000'],
    ['620102', 'district', '620102', '620100'],
    ['620102001', 'subdistrict', '620102001', '620102'],
    ['620102001001', 'community', '620102001001', '620102001'],
    ['620102001001001', 'grid', '620102001001001', '620102001001'],
  ])('%s is a %s with prefix %s and parent %s', (code, level, prefix, parent) => {
    expect(isDivisionCode(code)).toBe(true);
    expect(levelOf(code)).toBe(level);
    expect(scopePrefix(code)).toBe(prefix);
    expect(parentCode(code)).toBe(parent);
  });

  it.each(['', '62010', '6201020', 'abcdef', '000000', '620001', '6201020011'])('%j is not a division code', (code) => {
    expect(isDivisionCode(code)).toBe(false);
  });

  it.each([
    ['620102001001', '620102', true],
    ['620102001001', '620100', true],
    ['620103001001', '620102', false],
    ['620102', '620102001', false],
    ['620100', '620100', true],
    ['610102', '620100', false],
  ])('%s within %s: %s', (code, scope, expected) => {
    expect(isWithin(code, scope)).toBe(expected);
  });
});

describe('check characters (stdnum vectors)', () => {
  it.each([
    ['11010519491231002X', true],
    ['110105194912310021', false],
    ['620102199003071234', false],
    ['44030419820101001x'.toUpperCase(), false],
  ])('resident id %s valid: %s', (id, ok) => expect(isValidResidentId(id)).toBe(ok));

  it.each([
    ['91110000600037341L', true],
    ['91110000600037341M', false],
    ['91310000MA1FL3Y90Q', false],
    ['9111000060003734IL', false],
  ])('credit code %s valid: %s', (code, ok) => expect(isValidCreditCode(code)).toBe(ok));

  it('agrees with stdnum on generated codes, except where the check character is 0', async () => {
    const { stdnum } = await import('stdnum');
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    let seed = 7;
    let zeros = 0;
    for (let n = 0; n < 2000; n++) {
      // '91' (enterprise), a 6-digit division code, then the 9-character organisation code
      let body = '91';
      for (let i = 0; i < 15; i++) body += alphabet[(seed = (seed * 1103515245 + 12345) % 2147483648) % (i < 6 ? 10 : 31)];
      const code = body + creditCodeCheckCharacter(body);
      expect(isValidCreditCode(code)).toBe(true);
      if (code.endsWith('0')) zeros++;
      else expect(stdnum.CN.uscc.validate(code).isValid).toBe(true);
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it.each(['I', 'O', 'S', 'V', 'Z', 'a', ' ', '中', '\u0080', '\uFF11'])('refuses %j in the first 17 characters of a credit code', (bad) => {
    const body = '91110108MA01AB23C';
    expect(creditCodeCheckCharacter(body)).not.toBeNull();
    expect(creditCodeCheckCharacter(bad + body.slice(1))).toBeNull();
    expect(creditCodeCheckCharacter(body.slice(0, 16) + bad)).toBeNull();
  });

  it('reads birth date, gender and area from an identity number', () => {
    expect(residentIdFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: 'female', areaCode: '110105' });
  });
});

describe('masking personal data', () => {
  it('keeps the first and last four characters of an identity number', () => {
    expect(maskResidentId('62010219900307123X')).toBe('6201**********123X');
    expect(maskPhone('13912345678')).toBe('139****5678');
  });
  it('masks identifiers wherever they appear in an audit payload', () => {
    expect(maskPersonal({ person: { idNumber: '62010219900307123X', phone: '13912345678', name: '张三' }, idNumberHash: 'secret' })).toEqual({
      person: { idNumber: '6201**********123X', phone: '139****5678', name: '张三' },
    });
  });
});

describe('canonical JSON (what the audit chain hashes)', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

import { LocalDateResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { boundedDateScalar } from '../src/scalars.js';
import { useIntrospectionPolicy } from '../src/security.js';
import {
  actorFromClaims,
  decodeGlobalId,
  durationSeconds,
  encodeGlobalId,
  findBadText,
  idOfType,
  isRole,
  isTokenRevoked,
  isWithin,
  maskPersonal,
  maskPersonalText,
  mayReceiveEvent,
  textProblem,
  tokenLifetimeProblem,
} from '../src/index.js';

/** The pure rules behind issue #11's fixes, table-driven. */

describe('isRole: own properties of the fixed set only', () => {
  it.each([
    ['city_admin', true],
    ['grid_worker', true],
    ['constructor', false],
    ['__proto__', false],
    ['toString', false],
    ['hasOwnProperty', false],
    ['valueOf', false],
    ['superuser', false],
    ['', false],
    [42, false],
    [null, false],
  ])('%j → %s', (name, expected) => expect(isRole(name)).toBe(expected));
});

describe('actorFromClaims', () => {
  const grants = new Map([
    ['grid_worker', new Set(['population:read', 'population:write'])],
    ['auditor', new Set(['audit:read', 'credit:read'])],
  ]);
  const base = { sub: 'u1', jurisdiction: '620102001001' };
  it.each([
    [{ roles: ['constructor'] }, /unknown role/],
    [{ roles: ['grid_worker', '__proto__'] }, /unknown role/],
    [{ roles: [] }, /lacks/],
    [{ roles: 'grid_worker' }, /lacks/],
    [{ roles: ['grid_worker'], permissions: ['__proto__'] }, /unknown permission/],
    [{ roles: ['grid_worker'], permissions: 'credit:read' }, /unknown permission/],
    [{ roles: ['grid_worker'], permissions: [1] }, /unknown permission/],
    [{ roles: ['grid_worker'], jurisdiction: 'toString' }, /lacks/],
  ])('refuses %j', (claims, message) => {
    expect(() => actorFromClaims({ ...base, ...claims } as never, grants)).toThrow(message);
  });
  it('grants the roles’ permissions plus known extra ones', () => {
    const a = actorFromClaims({ ...base, roles: ['grid_worker'], permissions: ['credit:read'] } as never, grants);
    expect([...a.permissions].sort()).toEqual(['credit:read', 'population:read', 'population:write']);
  });
});

describe('tokenLifetimeProblem (max age 12 h, skew 60 s)', () => {
  const now = 1_800_000_000;
  const o = { maxAgeSeconds: 12 * 3600, skewSeconds: 60, nowSeconds: now };
  it.each([
    [{ iat: now, exp: now + 3600 }, null],
    [{ iat: now + 30, exp: now + 3600 }, null],
    [{ iat: now - 11 * 3600, exp: now + 3600 }, null],
    [{ iat: now, exp: now + 12 * 3600 }, null],
    [{ exp: now + 3600 }, 'iat missing'],
    [{ iat: now }, 'exp missing'],
    [{ iat: now + 3600, exp: now + 7200 }, 'issued in the future'],
    [{ iat: now, exp: 32_503_680_000 }, 'lifetime longer than 43200 s'],
    [{ iat: now - 13 * 3600, exp: now - 12 * 3600 + 3600 }, 'too old'],
  ])('%j → %s', (payload, expected) => expect(tokenLifetimeProblem(payload, o)).toBe(expected));
});

describe('isTokenRevoked', () => {
  const byJti = new Set(['j-revoked']);
  const bySub = new Map([['lost', 1_800_000_000_500]]);
  it.each([
    [{ jti: 'j-revoked', sub: 'anyone', iat: 1 }, true],
    [{ jti: 'j-ok', sub: 'anyone', iat: 1 }, false],
    [{ jti: null, sub: 'lost', iat: 1_800_000_000 }, true],
    [{ jti: null, sub: 'lost', iat: 1_799_000_000 }, true],
    [{ jti: null, sub: 'lost', iat: 1_800_000_001 }, false],
    [{ sub: 'other', iat: 1_800_000_000 }, false],
  ])('%j → %s', (t, expected) => expect(isTokenRevoked(t, byJti, bySub)).toBe(expected));
});

describe('text no column can hold', () => {
  it.each([
    ['plain', null],
    ['中文 and emoji 😀', null],
    ['a\u0000b', 'NUL'],
    ['\ud800', 'LONE_SURROGATE'],
    ['x\udc00', 'LONE_SURROGATE'],
    ['\ud83d\ude00', null],
  ])('%j → %s', (s, expected) => expect(textProblem(s)).toBe(expected));
  it('finds the first bad string in nested variables, with its path', () => {
    expect(findBadText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: 'a.1.c', problem: 'NUL' });
    expect(findBadText({ a: 1, b: [true, null], c: 'fine' })).toBeNull();
  });
});

describe('global ids: one decoder', () => {
  const uuid = '6f1c1d7e-8a7b-4c3e-9d2f-0a1b2c3d4e5f';
  it('round-trips', () => expect(decodeGlobalId(encodeGlobalId('Person', uuid))).toEqual({ typename: 'Person', id: uuid }));
  it('jurisdiction ids are division codes', () => expect(decodeGlobalId(encodeGlobalId('Jurisdiction', '620102'))).toEqual({ typename: 'Jurisdiction', id: '620102' }));
  it.each([
    ['row id not a uuid', encodeGlobalId('Dwelling', 'abc')],
    ['SQL in the row id', encodeGlobalId('Dwelling', "1' or '1'='1")],
    ['no type', encodeGlobalId('', uuid)],
    ['not base64url', 'a b c'],
    ['too long', 'A'.repeat(300)],
    ['a jurisdiction that is not a code', encodeGlobalId('Jurisdiction', 'abc')],
  ])('%s → CORE_ID_MALFORMED', (_what, gid) => expect(() => decodeGlobalId(gid)).toThrow(expect.objectContaining({ code: 'CORE_ID_MALFORMED' })));
  it('idOfType refuses another type and names the field', () => {
    expect(() => idOfType(encodeGlobalId('Dwelling', uuid), 'Person', 'personId')).toThrow(expect.objectContaining({ code: 'CORE_ID_MALFORMED', field: 'personId' }));
    expect(idOfType({ typename: 'Person', id: uuid }, 'Person', 'personId')).toBe(uuid);
  });
});

describe('one masking policy', () => {
  it('masks identity numbers and phones by key, drops stored secrets', () => {
    expect(maskPersonal({ mobile: '13912345678', phoneCipher: 'v1.x', idNumberCipher: 'v1.y', nested: [{ residentId: '62010219900307123X' }], phoneMasked: '139****5678' })).toEqual({
      mobile: '139****5678',
      nested: [{ residentId: '6201**********123X' }],
      phoneMasked: '139****5678',
    });
  });
  it.each([
    ['call 13912345678 now', 'call 139****5678 now'],
    ['id 62010219900307123X.', 'id 6201**********123X.'],
    ['order 1234567890123', 'order 1234567890123'],
  ])('in text: %j', (text, masked) => expect(maskPersonalText(text)).toBe(masked));
});

describe('who receives an event', () => {
  const worker = { permissions: new Set(['population:read', 'patrol:read']), jurisdictionCode: '620102001001' };
  it.each([
    ['unitVetoed', '620102001001', false],
    ['blacklistEntryProposed', '620102001001', false],
    ['alertRecorded', '620102001001', true],
    ['alertRecorded', '620102001002', false],
    ['residenceRegistered', '620102001001001', true],
    ['toString', '620102001001', false],
  ])('%s in %s → %s', (name, code, expected) => expect(mayReceiveEvent(name as never, { jurisdictionCode: code }, worker, isWithin)).toBe(expected));
});

describe('durationSeconds', () => {
  it.each([
    ['43200', 43200],
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43200],
    ['7d', 604800],
    [undefined, 5],
  ])('%j → %d', (v, n) => expect(durationSeconds(v, 5)).toBe(n));
  it('refuses nonsense', () => expect(() => durationSeconds('12 hours', 5)).toThrow(/duration/));
});

describe('Dates: answers and variables checked once per distinct valid value', () => {
  const date = boundedDateScalar(LocalDateResolver);
  // In order: a second row with the same value meets the remembered (or never remembered) check.
  it.each([
    ['an answer: a valid day', 'serialize', '2024-02-29', '2024-02-29'],
    ['an answer: the same day again (remembered)', 'serialize', '2024-02-29', '2024-02-29'],
    ['an answer: a day that does not exist', 'serialize', '2023-02-29', null],
    ['an answer: the same invalid day again (never remembered)', 'serialize', '2023-02-29', null],
    ['an answer: not a date', 'serialize', 'yesterday', null],
    ['a variable: a day inside the bounds', 'parseValue', '2024-02-29', '2024-02-29'],
    ['a variable: the same day again (remembered)', 'parseValue', '2024-02-29', '2024-02-29'],
    ['a variable: a day that does not exist', 'parseValue', '2023-02-29', null],
    ['a variable: a real day before 1900', 'parseValue', '1899-12-31', null],
    ['a variable: the same day again (never remembered)', 'parseValue', '1899-12-31', null],
  ] as const)('%s', (_what, direction, value, out) => {
    const check = () => date[direction](value);
    if (out === null) expect(check).toThrow();
    else expect(check()).toBe(out);
  });
});

describe('the introspection policy decides without waiting when the caller is known', () => {
  const actor = { id: 'u1', roles: ['auditor'], jurisdictionCode: '620100', permissions: new Set<string>() };
  const run = (peek: unknown, settle: Promise<unknown>) => {
    const auth = { peekRequest: () => peek, authenticateRequest: () => settle } as never;
    const plugin = useIntrospectionPolicy('authenticated', auth) as {
      onParams: (p: { request: Request }) => unknown;
      onValidate: (p: { addValidationRule: (r: unknown) => void; context: { request: Request } }) => void;
    };
    const request = new Request('http://api/graphql', { method: 'POST' });
    const returned = plugin.onParams({ request });
    const rules: unknown[] = [];
    const validate = () => plugin.onValidate({ addValidationRule: (r) => rules.push(r), context: { request } });
    return { returned, rules, validate };
  };
  it.each([
    ['a token verified before', actor, 0],
    ['no token', null, 1],
  ])('%s: no promise, and introspection %s', (_what, peek, refusals) => {
    const r = run(peek, new Promise(() => {}));
    expect(r.returned).toBeUndefined();
    r.validate();
    expect(r.rules).toHaveLength(refusals);
  });
  it('an unseen token is awaited before validation', async () => {
    const r = run(undefined, Promise.resolve(actor));
    expect(r.returned).toBeInstanceOf(Promise);
    await r.returned;
    r.validate();
    expect(r.rules).toHaveLength(0);
  });
});

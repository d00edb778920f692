import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isExecutionResult, isOutage, withCsrfCode, withoutHttpStatus } from '../src/graphql-over-http.js';

describe('isExecutionResult: a response with a data entry (even null) comes from execution', () => {
  it.each([
    [{ data: { me: null } }, true],
    [{ data: null, errors: [] }, true],
    [{ errors: [{ message: 'Syntax Error' }] }, false],
    [{ data: undefined, errors: [] }, false],
    [[{ data: {} }], false],
    [null, false],
  ])('%j → %s', (result, expected) => {
    expect(isExecutionResult(result)).toBe(expected);
  });
});

describe('withoutHttpStatus: a field error asks for no status of its own', () => {
  it.each([
    ['FORBIDDEN with 403', { code: 'FORBIDDEN', http: { status: 403 } }, { code: 'FORBIDDEN', http: {} }],
    [
      'keeps response headers',
      { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } },
      { code: 'UNAUTHENTICATED', http: { headers: { 'www-authenticate': 'Bearer' } } },
    ],
    ['no http: unchanged', { code: 'CORE_NOT_FOUND' }, { code: 'CORE_NOT_FOUND' }],
  ])('%s', (_what, extensions, expected) => {
    const e = new GraphQLError('x', { path: ['auditLog'], extensions });
    const out = withoutHttpStatus(e);
    expect(out.extensions).toEqual(expected);
    expect(out.path).toEqual(['auditLog']);
    expect(Object.prototype.toString.call(out)).toBe('[object GraphQLError]');
  });
});

describe('withCsrfCode: the CSRF refusal gets a code and says which headers to send', () => {
  it.each([
    ['the plugin refusal', 'Required CSRF header(s) not present', undefined, 'CSRF_HEADER_REQUIRED'],
    ['another error', 'Syntax Error: Unexpected <EOF>.', undefined, undefined],
    ['already coded', 'Required CSRF header(s) not present', 'SOMETHING', 'SOMETHING'],
  ])('%s', (_what, message, code, expected) => {
    const out = withCsrfCode(new GraphQLError(message, { extensions: { ...(code ? { code } : {}), http: { status: 403 } } }));
    expect(out.extensions.code).toBe(expected);
    expect(out.extensions.http).toEqual({ status: 403 });
    if (expected === 'CSRF_HEADER_REQUIRED') expect(out.message).toMatch(/x-graphql-yoga-csrf, x-safecity-client/);
  });
});

describe('isOutage: nothing answered and every error a 503 (database down, budget spent)', () => {
  const down = { message: 'x', extensions: { code: 'CORE_DATABASE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '2' } } } };
  const forbidden = { message: 'x', extensions: { code: 'FORBIDDEN', http: { status: 403 } } };
  it.each([
    ['every root field null, all 503', { data: { persons: null, me: null }, errors: [down, down] }, true],
    ['data null, 503', { data: null, errors: [down] }, true],
    ['partial data kept: 200', { data: { persons: null, me: { id: '1' } }, errors: [down] }, false],
    ['a 503 next to another error', { data: { persons: null, auditLog: null }, errors: [down, forbidden] }, false],
    ['no errors', { data: { persons: null } }, false],
    ['a request error (no data)', { errors: [down] }, false],
  ])('%s', (_what, result, expected) => {
    expect(isOutage(result)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { memoPerObject, operationOf } from '../src/memo.js';

describe('memoPerObject', () => {
  it('computes once per key object (falsy results included), again for another key; nested per pair', () => {
    const calls: string[] = [];
    const f = memoPerObject((k: { name: string }, extra: number) => {
      calls.push(k.name);
      return k.name === 'none' ? null : `${k.name}${extra}`;
    });
    const a = { name: 'a' };
    const none = { name: 'none' };
    expect([f(a, 1), f(a, 2), f(none, 1), f(none, 1), f({ name: 'a' }, 3)]).toEqual(['a1', 'a1', null, null, 'a3']);
    expect(calls).toEqual(['a', 'none', 'a']);
    const pair = memoPerObject((_s: object) => memoPerObject((_d: object) => ({})));
    const [s1, s2, d] = [{}, {}, {}];
    expect(pair(s1)(d)).toBe(pair(s1)(d));
    expect(pair(s1)(d)).not.toBe(pair(s2)(d));
  });
});

describe('operationOf', () => {
  const doc = parse('query A { a } mutation B { b }');
  it('finds the named operation once per document, the same node again; null for a name it does not define', () => {
    const a = operationOf(doc, 'A');
    expect(a?.operation).toBe('query');
    expect(operationOf(doc, 'A')).toBe(a);
    expect(operationOf(doc, 'B')?.operation).toBe('mutation');
    expect(operationOf(doc, 'C')).toBeNull();
    // Two operations and no name: none is meant.
    expect(operationOf(doc, undefined)).toBeNull();
    expect(operationOf(parse('{ a }'), null)?.operation).toBe('query');
  });
});

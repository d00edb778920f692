import { describe, expect, it } from 'vitest';
import { memoPerObject } from '../src/memo.js';

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

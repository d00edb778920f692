import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The patch of @whatwg-node/promise-helpers 1.3.2 (patches/, pnpm-workspace.yaml), the copy that
 * graphql-yoga, @envelop/core and @whatwg-node/server run every plugin hook through. 1.3.2 wrapped
 * every call of `handleMaybePromise` in three fake-promise objects with their closures and walked
 * `iterateAsync`'s list by recursion through it: about a third of what a small read allocated
 * (186 KB a Q3a request before, 126 KB after, sampling heap profile). The patch takes 2.0.1's
 * synchronous path of `handleMaybePromise` verbatim and walks synchronous answers in a loop.
 */
const fromYoga = createRequire(createRequire(import.meta.url).resolve('graphql-yoga'));
const helpers = fromYoga('@whatwg-node/promise-helpers') as {
  handleMaybePromise: <T, R>(input: () => T | Promise<T>, ok: (v: T) => R, err?: (e: unknown) => R) => R | Promise<R>;
  iterateAsync: <T, R>(xs: Iterable<T>, cb: (x: T, endEarly: () => void, i: number) => R | Promise<R>, results?: R[]) => void | Promise<void>;
  isPromise: (v: unknown) => boolean;
};

describe('@whatwg-node/promise-helpers as Yoga and envelop load it (patched)', () => {
  it('is the patched 1.3.2', () => {
    expect(fromYoga('@whatwg-node/promise-helpers/package.json').version).toBe('1.3.2');
    expect(fromYoga.resolve('@whatwg-node/promise-helpers')).toMatch(/patch_hash=/);
  });

  it('walks a long list of synchronous hooks without a stack frame per hook', () => {
    // Unpatched, each item added a chain of frames (iterate → handleMaybePromise → then → …):
    // 20,000 items overflowed the stack ("Maximum call stack size exceeded").
    const xs = Array.from({ length: 20_000 }, (_, i) => i);
    const results: number[] = [];
    expect(helpers.iterateAsync(xs, (x) => x + 1, results)).toBeUndefined();
    expect(results.length).toBe(20_000);
    expect(results[19_999]).toBe(20_000);
  });

  it.each([
    ['synchronous answers', (x: number) => x * 2],
    ['promised answers', async (x: number) => x * 2],
    ['mixed answers', (x: number) => (x % 2 ? Promise.resolve(x * 2) : x * 2)],
  ])('keeps the order, the results and the early end with %s', async (_, answer) => {
    const results: number[] = [];
    const seen: number[] = [];
    await helpers.iterateAsync(
      [1, 2, 3, 4, 5],
      (x, endEarly, i) => {
        seen.push(i);
        if (x === 4) endEarly();
        return answer(x);
      },
      results,
    );
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(results).toEqual([2, 4, 6, 8]);
  });

  it('answers synchronously for a synchronous input and routes failures as 1.3.2 did', async () => {
    expect(
      helpers.handleMaybePromise(
        () => 1,
        (v) => v + 1,
      ),
    ).toBe(2);
    expect(
      await helpers.handleMaybePromise(
        async () => 1,
        (v) => v + 1,
      ),
    ).toBe(2);
    expect(
      helpers.handleMaybePromise(
        () => {
          throw new Error('x');
        },
        () => 0,
        () => -1,
      ),
    ).toBe(-1);
    expect(() =>
      helpers.handleMaybePromise(
        () => {
          throw new Error('x');
        },
        () => 0,
      ),
    ).toThrow('x');
    expect(
      await helpers.handleMaybePromise(
        () => Promise.reject(new Error('y')),
        () => 0,
        () => -2,
      ),
    ).toBe(-2);
    expect(() =>
      helpers.iterateAsync([1], () => {
        throw new Error('hook');
      }),
    ).toThrow('hook');
    // A non-callable `then` is a plain value (2.0.1's rule), not a promise to call.
    // biome-ignore lint/suspicious/noThenProperty: the object under test is exactly such a value
    expect(helpers.isPromise({ then: 1 })).toBe(false);
    expect(helpers.isPromise(Promise.resolve())).toBe(true);
  });
});

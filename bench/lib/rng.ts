// The PRNG is core's (the tests' random write sequences use the same one).
export { rng, type Rng } from '@safecity/core';

/** A deterministic UUID (v4 layout) from a namespace number and an index. */
export function uuidOf(ns: number, i: number): string {
  const h = (ns >>> 0).toString(16).padStart(8, '0');
  const n = i.toString(16).padStart(12, '0');
  return `${h}-0000-4000-8000-${n}`;
}

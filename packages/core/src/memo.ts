/**
 * `compute(key, …)` once per key object, kept as long as the key lives. For what depends only on
 * a parsed document, one of its nodes or a schema: Yoga's parse cache hands back the same
 * DocumentNode (and so the same nodes) for the same text, so per-document work is done once per
 * text. The extra arguments must be determined by the key (they are read on the first call only).
 * Per (schema, document): `memoPerObject((schema) => memoPerObject((document) => …))`.
 */
export function memoPerObject<K extends object, V, A extends unknown[] = []>(compute: (key: K, ...rest: A) => V): (key: K, ...rest: A) => V {
  const kept = new WeakMap<K, V>();
  return (key, ...rest) => {
    if (kept.has(key)) return kept.get(key)!;
    const value = compute(key, ...rest);
    kept.set(key, value);
    return value;
  };
}

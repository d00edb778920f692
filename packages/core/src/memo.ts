import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from 'graphql';

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

const operationsOf = memoPerObject((_document: DocumentNode) => new Map<string, OperationDefinitionNode>());

/**
 * The operation a request names in its document (`getOperationAST`), found once per document and
 * name: the plugins that need it on every request (the access log's facts, the replica router)
 * share one lookup. Only names the document defines are kept, so a client cannot grow the map with
 * made-up names.
 */
export function operationOf(document: DocumentNode, name: unknown): OperationDefinitionNode | null {
  const byName = operationsOf(document);
  const key = typeof name === 'string' ? name : '';
  const kept = byName.get(key);
  if (kept) return kept;
  const op = getOperationAST(document, typeof name === 'string' ? name : undefined) ?? null;
  if (op) byName.set(key, op);
  return op;
}

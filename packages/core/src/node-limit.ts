import {
  getNamedType,
  getNullableType,
  isListType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * The worst-case number of nodes a query can return, counting list sizes: each connection
 * multiplies what is below it by its page size (`first`/`last`, or the default). This is the
 * limit that matters for a list API (a cost without list sizes lets `first: 100` nest freely).
 */
export function worstCaseNodes(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, opts: { defaultPageSize: number; maxPageSize: number }): number {
  // The node limit and heavy admission both ask, for the same document and variables: once per
  // request. A document whose sizes are all literals has one answer, kept with the document
  // (Yoga's parser cache hands out the same document object for the same text).
  const key = `${opts.defaultPageSize}/${opts.maxPageSize}`;
  const known = worstCaseCache.get(document)?.get(key);
  if (known && known.schema === schema && (!known.variables || known.variables === variables)) return known.nodes;
  let readsVariables = false;
  const nodes = countWorstCaseNodes(schema, document, variables, opts, () => {
    readsVariables = true;
  });
  let byOpts = worstCaseCache.get(document);
  if (!byOpts) worstCaseCache.set(document, (byOpts = new Map()));
  byOpts.set(key, { schema, variables: readsVariables ? variables : null, nodes });
  return nodes;
}

const worstCaseCache = new WeakMap<DocumentNode, Map<string, { schema: GraphQLSchema; variables: Record<string, unknown> | null; nodes: number }>>();

function countWorstCaseNodes(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  opts: { defaultPageSize: number; maxPageSize: number },
  readsVariables: () => void,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const literalValue = (v: ValueNode | undefined): unknown => {
    if (!v) return undefined;
    if (v.kind === Kind.VARIABLE) {
      readsVariables();
      return variables[v.name.value];
    }
    if (v.kind === Kind.INT) return Number(v.value);
    return undefined;
  };
  const listLength = (v: ValueNode): number | undefined => {
    if (v.kind === Kind.LIST) return v.values.length;
    if (v.kind === Kind.VARIABLE) {
      readsVariables();
      const x = variables[v.name.value];
      return Array.isArray(x) ? x.length : undefined;
    }
    return undefined;
  };
  const walk = (set: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, multiplier: number, depth: number): number => {
    if (!set || !type || depth > 30) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += walk(sel.selectionSet, t, multiplier, depth + 1);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f) total += walk(f.selectionSet, schema.getType(f.typeCondition.name.value), multiplier, depth + 1);
      } else {
        if (!(isObjectType(type) || isInterfaceType(type))) continue;
        const def = type.getFields()[sel.name.value];
        if (!def) continue;
        const named = getNamedType(def.type);
        let m = multiplier;
        if (named.name.endsWith('Connection')) {
          const arg = (name: string) => literalValue(sel.arguments?.find((a) => a.name.value === name)?.value);
          const size = Number(arg('first') ?? arg('last') ?? opts.defaultPageSize);
          m = multiplier * Math.max(1, Math.min(Number.isFinite(size) ? size : opts.defaultPageSize, opts.maxPageSize));
          total += m;
        } else if (isListType(getNullableType(def.type))) {
          // A list answered per list argument (nodes(ids:), creditStandings(codes:)): one node per item.
          const lengths = (sel.arguments ?? []).map((a) => listLength(a.value)).filter((n): n is number => n !== undefined);
          if (lengths.length) {
            m = multiplier * Math.max(1, ...lengths);
            total += m;
          }
        }
        total += walk(sel.selectionSet, named, m, depth + 1);
      }
    }
    return total;
  };
  let worst = 0;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = d.operation === 'query' ? schema.getQueryType() : d.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    worst = Math.max(worst, walk(d.selectionSet, root, 1, 0));
  }
  return worst;
}

/** Refuses, before any resolver runs, a query whose worst case exceeds `maxNodes`. */
export function useNodeLimit(opts: { maxNodes: number; defaultPageSize: number; maxPageSize: number }): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const nodes = worstCaseNodes(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>, opts);
      if (nodes > opts.maxNodes) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`The query could return up to ${nodes} nodes; the limit is ${opts.maxNodes}. Ask for smaller pages.`, { extensions: { code: 'QUERY_TOO_COSTLY', worstCaseNodes: nodes } }),
          ],
        });
      }
    },
  };
}

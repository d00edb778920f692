import { type DocumentNode, type ExecutionArgs, type ExecutionResult, getOperationAST } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { memoPerObject } from './memo.js';

/**
 * Queries and mutations run as code compiled from their document (graphql-jit) instead of
 * graphql-js walking the selection for every object of every answer. Measured on the benchmark's
 * reads at --scale 0.1 (2026-11-29, the server on one core, three alternating 8 s runs each):
 * Node CPU a request 5.1 against 6.1 ms on Q1 (-16%), 3.1 against 4.0 ms on Q3b (-22%), whose
 * answers are long lists, 1.96 against 2.06 ms on Q2 (-5%). Subscriptions stay on graphql-js (graphql-jit
 * compiles no subscription), and so does a document it cannot compile, and a request whose
 * variables do not coerce (see below).
 *
 * Compiled per document object, which Yoga's parse cache hands out again for the same text, and
 * per operation name; the compiled code holds the schema it was made for. It is the first plugin
 * of the app: it sets the executor the later plugins wrap (budget, admission, scoped reads, the
 * replica router), and a plugin before it that wrapped the executor would be replaced.
 */
export function useCompiledExecution(o: { onCompile?: (operationName: string | null, compiled: boolean) => void } = {}): Plugin {
  const byDocument = memoPerObject((_document: DocumentNode) => new Map<string, CompiledQuery | null>());
  const compiled = (args: ExecutionArgs): CompiledQuery | null => {
    const byName = byDocument(args.document);
    const name = args.operationName ?? '';
    let c = byName.get(name);
    if (c === undefined) {
      const operation = getOperationAST(args.document, args.operationName);
      const result = operation && operation.operation !== 'subscription' ? compileQuery(args.schema, args.document, args.operationName ?? undefined) : null;
      c = result && isCompiledQuery(result) ? result : null;
      o.onCompile?.(args.operationName ?? null, c !== null);
      byName.set(name, c);
    }
    return c;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const c = compiled(args as ExecutionArgs);
      if (!c) return;
      setExecuteFn((a) => {
        const result = c.query(a.rootValue, a.contextValue, a.variableValues ?? {}) as ExecutionResult | Promise<ExecutionResult>;
        // Variables it cannot coerce come back at once, before anything ran, with a poorer error
        // than graphql-js gives (no location, not the scalar's own message, answered as a 500 by
        // Yoga): graphql-js answers those, exactly as before (400, the scalar's code and message).
        if (!(result instanceof Promise) && result.data === undefined && result.errors?.length) return executeFn(a);
        return result;
      });
    },
  };
}

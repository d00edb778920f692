import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Ctx } from './context.js';
import { worstCaseNodes } from './node-limit.js';

const budgets = new WeakMap<AbortSignal, AbortController>();

/**
 * The request's signal: aborts when the client hangs up, or when the execution's time budget
 * (started by useRequestBudget) runs out. Services and the database scope of the request
 * (`Database.forRequest`) stop on it.
 */
export function requestSignal(request: Request): AbortSignal {
  const budget = new AbortController();
  const signal = AbortSignal.any([request.signal, budget.signal]);
  budgets.set(signal, budget);
  return signal;
}

/**
 * Queries and mutations run under a time budget; the executor stops resolving fields once the
 * signal aborts (a hung-up client or an exhausted budget), and the request's SQL is cancelled.
 * Subscriptions are long-lived: only the client's hang-up ends them.
 */
export function useRequestBudget(timeoutMs: number): Plugin {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as unknown as Ctx;
      if (!ctx.signal) return;
      (args as { signal?: AbortSignal }).signal = ctx.signal;
      const budget = budgets.get(ctx.signal);
      if (!budget) return;
      const timer = setTimeout(() => budget.abort(new DOMException(`The request exceeded its ${timeoutMs} ms budget.`, 'TimeoutError')), timeoutMs);
      return {
        onExecuteDone() {
          clearTimeout(timer);
        },
      };
    },
    onSubscribe({ args }) {
      const ctx = args.contextValue as unknown as Ctx;
      if (ctx.signal) (args as { signal?: AbortSignal }).signal = ctx.signal;
    },
  };
}

/**
 * Admission control for heavy operations (worst-case nodes at or above `heavyNodes`): at most
 * `concurrency` of them execute at once in this process; the others wait their turn in order,
 * under their budget, and one whose client hung up while waiting leaves without costing
 * anything. Light requests never wait, so a flood of heavy ones cannot stall them.
 */
export function useHeavyAdmission(o: { heavyNodes: number; concurrency: number; defaultPageSize: number; maxPageSize: number }): Plugin {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) next();
  };
  return {
    async onExecute({ args }) {
      const document = args.document as DocumentNode;
      const nodes = worstCaseNodes(args.schema, document, (args.variableValues ?? {}) as Record<string, unknown>, o);
      if (nodes < o.heavyNodes) return;
      const signal = (args as { signal?: AbortSignal }).signal;
      if (running >= o.concurrency) {
        await new Promise<void>((resolve) => {
          const turn = () => {
            signal?.removeEventListener('abort', leave);
            resolve();
          };
          const leave = () => {
            const i = waiting.indexOf(turn);
            if (i >= 0) waiting.splice(i, 1);
            resolve();
          };
          waiting.push(turn);
          signal?.addEventListener('abort', leave, { once: true });
        });
        // Left the queue because the client hung up or the budget ran out: the executor stops at once.
        if (signal?.aborted) return;
      }
      running++;
      let released = false;
      return {
        onExecuteDone() {
          if (!released) {
            released = true;
            release();
          }
        },
      };
    },
  };
}

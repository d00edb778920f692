import type { Plugin } from 'graphql-yoga';
import type { Ctx } from './context.js';

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

import { type DocumentNode, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Ctx } from './context.js';
import { worstCaseNodes } from './node-limit.js';
import { classifyFault, faultError } from './faults.js';
import { requestSlot } from './request-slot.js';

const budgets = requestSlot<AbortSignal, AbortController>('budget');

/**
 * The request's signal: aborts when the client hangs up, or when the execution's time budget
 * (started by useRequestBudget) runs out. Services and the database scope of the request
 * (`Database.forRequest`) stop on it.
 */
export function requestSignal(request: Request): AbortSignal {
  // One controller, aborted by the client's hang-up or the budget: cheaper per request than
  // AbortSignal.any, which tracks its sources through weak references.
  const budget = new AbortController();
  const client = request.signal;
  if (client.aborted) budget.abort(client.reason);
  else client.addEventListener('abort', () => budget.abort(client.reason), { once: true });
  budgets.set(budget.signal, budget);
  return budget.signal;
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
      const client = (args.contextValue as { request?: Request }).request?.signal;
      return {
        onExecuteDone({ result, setResult }) {
          clearTimeout(timer);
          // Nobody reads the answer to a client that hung up: one error, not one per unresolved
          // field. A heavy page stopped midway had 78, each built three times over by masking and
          // serialization: 16% of the CPU under a flood of abandoned heavy queries (fault suite,
          // heavy-abandon, 2026-12-02). Runs before the masking plugin, which Yoga adds last.
          if (client?.aborted) setResult({ data: null, errors: [faultError('request_cancelled')] });
          else if (budget.signal.aborted) setResult(timedOut(result, budget.signal.reason));
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
 * The answer of an execution its budget stopped. A statement the budget cancelled fails as
 * "cancelled due to user request", as if the client had gone; its field error is given the
 * budget's reason instead, so that masking codes it REQUEST_TIMEOUT (a 503 with Retry-After),
 * which is what happened.
 */
function timedOut(result: unknown, reason: unknown): never {
  const r = result as { errors?: readonly GraphQLError[] } | null;
  if (!r?.errors?.length || Symbol.asyncIterator in (r as object)) return result as never;
  const errors = r.errors.map((e) =>
    classifyFault(e) === 'request_cancelled' ? new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: reason as Error }) : e,
  );
  return { ...r, errors } as never;
}

/**
 * What counts as heavy by default, and how many heavy operations run at once per process
 * (`HEAVY_QUERY_NODES`, `HEAVY_QUERY_CONCURRENCY`). Heavy means pages within pages: one page is
 * bounded by the page maximum (100 nodes), so a worst case of 1,000 takes at least a page nested in
 * a page, like issue #10's 100 persons with 20 registrations each (2,100). Until 2026-12-01 the
 * threshold was 100, which made every single page of 100 heavy: the benchmark's Q2 (a unit's
 * assessments, `first: 100`, five rows) and Q3b (100 credit codes) then ran two at a time, and
 * with ten clients A's CPU a Q2 request was 0.34 against 0.26 ms with the threshold at 1,000
 * (--scale 0.1, three alternating rounds; docs/request-path.md): the eight parked requests
 * cost the loop its batching, and nothing was protected, as such a page reads a bounded number
 * of rows through one statement.
 */
export const HEAVY_DEFAULTS = { nodes: 1000, concurrency: 2 } as const;

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
  // The slot of each admitted request, so that however the request ends its slot is freed once.
  const held = requestSlot<Request, () => void>('heavySlot');
  return {
    // Not an async hook: a light request (nearly all) goes on without a promise and a turn of
    // the microtask queue through envelop; only a heavy one that must wait returns a promise.
    onExecute({ args, executeFn, setExecuteFn }) {
      const document = args.document as DocumentNode;
      const nodes = worstCaseNodes(args.schema, document, (args.variableValues ?? {}) as Record<string, unknown>, o);
      if (nodes < o.heavyNodes) return;
      const signal = (args as { signal?: AbortSignal }).signal;
      const admit = () => {
        running++;
        let released = false;
        const free = () => {
          if (released) return;
          released = true;
          signal?.removeEventListener('abort', free);
          release();
        };
        // envelop calls onExecuteDone only when execution succeeds: an execution that throws, or a
        // client that hangs up mid-execution, would otherwise keep its slot for good, and after
        // `concurrency` such requests every heavy query waits forever. So the slot is freed on
        // whichever comes first: the execution settling, the request's abort, or its response.
        signal?.addEventListener('abort', free, { once: true });
        const request = (args.contextValue as { request?: Request } | undefined)?.request;
        if (request) held.set(request, free);
        setExecuteFn(async (a) => {
          try {
            return await executeFn(a);
          } finally {
            free();
          }
        });
        return { onExecuteDone: free };
      };
      if (running < o.concurrency) return admit();
      return (
        new Promise<void>((resolve) => {
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
        })
          // Left the queue because the client hung up or the budget ran out: the executor stops at once.
          .then(() => (signal?.aborted ? undefined : admit()))
      );
    },
    onResponse({ request }) {
      held.get(request)?.();
      held.delete(request);
    },
  };
}

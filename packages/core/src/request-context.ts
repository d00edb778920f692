import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Authenticator } from './auth.js';
import type { Ctx, Platform } from './context.js';
import { statementCounter } from './db.js';
import { lazyLogger } from './logger.js';
import { requestSignal } from './request-budget.js';
import { requestSlot } from './request-slot.js';

/** A request's context: its id (kept per Request for plugins that run outside the context), actor, signal. */

const requestIds = requestSlot<Request, string>('requestId');

export function requestIdOf(request: Request): string | undefined {
  return requestIds.get(request);
}

/** Yoga's `context` factory: the caller's request id (or a new one), the authenticated actor, a database bound to the request's signal. */
export function requestContextFactory(platform: Platform, auth: Authenticator) {
  const build = (request: Request, requestId: string, actor: Ctx['actor']): Ctx => {
    const signal = requestSignal(request);
    return {
      platform,
      db: platform.database.forRequest?.(signal) ?? platform.database.db,
      signal,
      requestId,
      actor,
      // Made when something logs (most requests never do); see lazyLogger.
      log: lazyLogger(() => platform.log.child({ requestId })),
      loaders: new Map(),
      now: () => new Date(),
    } satisfies Ctx;
  };
  return ({ request }: { request: Request }): Ctx | Promise<Ctx> => {
    const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    requestIds.set(request, requestId);
    const store = statementCounter.getStore();
    if (store) store.requestId = requestId;
    // Without a promise when the caller is known without waiting (a token verified before, or none).
    const known = auth.peekRequest(request);
    if (known !== undefined) return build(request, requestId, known);
    return auth.authenticateRequest(request).then((actor) => build(request, requestId, actor));
  };
}

/** Adds the request id and, outside production, the SQL statement count to responses. */
export function useRequestFacts(exposeStatementCount: boolean): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!result || Symbol.asyncIterator in (result as object)) return;
          const store = statementCounter.getStore();
          const ctx = args.contextValue as unknown as Ctx;
          const r = result as { extensions?: Record<string, unknown> };
          setResult({ ...r, extensions: { ...r.extensions, requestId: ctx.requestId, ...(exposeStatementCount && store ? { sqlStatements: store.count } : {}) } } as never);
        },
      };
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
  };
}

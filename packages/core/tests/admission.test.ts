import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema, createYoga } from 'graphql-yoga';
import { useCompiledExecution } from '../src/compiled-execution.js';
import { classifyFault } from '../src/faults.js';
import { HEAVY_DEFAULTS, requestSignal, useHeavyAdmission, useRequestBudget } from '../src/request-budget.js';

const schema = buildSchema(`
  type Query { items(first: Int): ItemConnection, hello: String }
  type ItemConnection { edges: [ItemEdge] }
  type ItemEdge { node: Item }
  type Item { name: String, children(first: Int): ItemConnection }
`);
const HEAVY = parse('{ items(first: 50) { edges { node { name } } } }');
const LIGHT = parse('{ hello }');

type Hooks = { onExecuteDone?: () => void } | void;
function admission(concurrency: number) {
  const plugin = useHeavyAdmission({ heavyNodes: 50, concurrency, defaultPageSize: 20, maxPageSize: 100 }) as { onExecute(x: unknown): Promise<Hooks> | Hooks };
  // The hook answers a light operation, and a heavy one admitted at once, without a promise (envelop takes either).
  return (document: ReturnType<typeof parse>, signal?: AbortSignal) =>
    Promise.resolve(plugin.onExecute({ args: { schema, document, variableValues: {}, signal }, executeFn: async () => ({ data: {} }), setExecuteFn: () => {} }));
}
const settled = async (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);

describe('heavy admission: a bounded number of heavy operations run at once', () => {
  it('light operations never wait; heavy ones wait their turn in order', async () => {
    const admit = admission(1);
    const a = await admit(HEAVY);
    const b = admit(HEAVY);
    const c = admit(HEAVY);
    expect(await settled(admit(LIGHT))).toBe(true);
    expect(await settled(b)).toBe(false);
    (a as { onExecuteDone(): void }).onExecuteDone();
    expect(await settled(b)).toBe(true);
    expect(await settled(c)).toBe(false);
    ((await b) as { onExecuteDone(): void }).onExecuteDone();
    expect(await settled(c)).toBe(true);
  });

  it('answers a light operation synchronously (no promise through envelop for nearly every request)', () => {
    const plugin = useHeavyAdmission({ heavyNodes: 50, concurrency: 1, defaultPageSize: 20, maxPageSize: 100 }) as { onExecute(x: unknown): unknown };
    expect(plugin.onExecute({ args: { schema, document: LIGHT, variableValues: {} }, executeFn: async () => ({ data: {} }), setExecuteFn: () => {} })).toBeUndefined();
  });

  it('a waiting operation whose client hangs up leaves the queue without taking a slot', async () => {
    const admit = admission(1);
    const a = await admit(HEAVY);
    const ac = new AbortController();
    const b = admit(HEAVY, ac.signal);
    const c = admit(HEAVY);
    ac.abort();
    expect(await settled(b)).toBe(true);
    expect(await b).toBeUndefined(); // no slot taken: nothing to release
    expect(await settled(c)).toBe(false);
    (a as { onExecuteDone(): void }).onExecuteDone();
    expect(await settled(c)).toBe(true);
  });
});

describe('heavy admission: what counts as heavy by default', () => {
  // With the defaults of the app (HEAVY_QUERY_NODES unset): one page, however large, is light;
  // pages within pages are heavy (issue #10's 100 persons with their registrations).
  const plugin = useHeavyAdmission({ heavyNodes: HEAVY_DEFAULTS.nodes, concurrency: 1, defaultPageSize: 20, maxPageSize: 100 }) as { onExecute(x: unknown): unknown };
  const isHeavy = (query: string) => plugin.onExecute({ args: { schema, document: parse(query), variableValues: {} }, executeFn: async () => ({ data: {} }), setExecuteFn: () => {} }) !== undefined;
  it.each([
    ['a page of the maximum size', '{ items(first: 100) { edges { node { name } } } }', false],
    ['a page of 100 with a nested page of 5 each', '{ items(first: 100) { edges { node { children(first: 5) { edges { node { name } } } } } } }', false],
    ['a page of 100 with a nested page of the default size each', '{ items(first: 100) { edges { node { children { edges { node { name } } } } } } }', true],
    ['two levels of pages of 20', '{ items { edges { node { children { edges { node { children { edges { node { name } } } } } } } } } }', true],
  ])('%s: heavy %s', (_what, query, heavy) => {
    expect(isHeavy(query)).toBe(heavy);
  });
});

describe('heavy admission: a slot is freed however the request ends', () => {
  type Admitted = { onExecuteDone(): void };
  function admitWith(concurrency: number) {
    const plugin = useHeavyAdmission({ heavyNodes: 50, concurrency, defaultPageSize: 20, maxPageSize: 100 }) as unknown as {
      onExecute(x: unknown): Promise<Admitted | undefined>;
      onResponse(x: { request: Request }): void;
    };
    return {
      plugin,
      // Returns the hooks and the execute function the plugin installed (what envelop would call).
      async admit(document: ReturnType<typeof parse>, o: { signal?: AbortSignal; request?: Request; execute?: () => Promise<unknown> } = {}) {
        let installed: ((a: unknown) => Promise<unknown>) | null = null;
        const hooks = await plugin.onExecute({
          args: { schema, document, variableValues: {}, signal: o.signal, contextValue: { request: o.request } },
          executeFn: o.execute ?? (async () => ({ data: {} })),
          setExecuteFn: (fn: (a: unknown) => Promise<unknown>) => (installed = fn),
        });
        return { hooks, execute: () => installed!({}) };
      },
    };
  }

  it('an execution that throws (envelop skips onExecuteDone) frees its slot', async () => {
    const { admit } = admitWith(1);
    const a = await admit(HEAVY, { execute: async () => Promise.reject(new Error('database went away')) });
    const b = admit(HEAVY);
    expect(await settled(b)).toBe(false);
    await expect(a.execute()).rejects.toThrow('database went away');
    expect(await settled(b)).toBe(true);
  });

  it('a client hanging up mid-execution frees the slot once, not twice', async () => {
    const { admit } = admitWith(1);
    const ac = new AbortController();
    const a = await admit(HEAVY, { signal: ac.signal });
    const b = admit(HEAVY);
    const c = admit(HEAVY);
    ac.abort();
    expect(await settled(b)).toBe(true);
    // a's execution ending later must not free a second slot: c still waits behind b.
    await a.execute();
    a.hooks!.onExecuteDone();
    expect(await settled(c)).toBe(false);
    (await b).hooks!.onExecuteDone();
    expect(await settled(c)).toBe(true);
  });

  it('a request that never reaches execution (a later plugin failed) is freed by its response', async () => {
    const { plugin, admit } = admitWith(1);
    const request = new Request('http://127.0.0.1/graphql');
    await admit(HEAVY, { request });
    const b = admit(HEAVY);
    expect(await settled(b)).toBe(false);
    plugin.onResponse({ request });
    expect(await settled(b)).toBe(true);
  });
});

describe('the request budget: what a stopped execution answers', () => {
  const ITEMS = 30;
  const served = (budgetMs: number) => {
    const results: { errors?: { extensions?: { code?: string } }[] }[] = [];
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { items: [Item] } type Item { name: String }',
        resolvers: {
          Query: { items: () => Array.from({ length: ITEMS }, (_, i) => i) },
          // Each field waits for the request's signal and then fails as its statement does when
          // the request's abort cancels it in PostgreSQL.
          Item: {
            name: (_p: unknown, _a: unknown, ctx: { signal: AbortSignal }) =>
              new Promise((_, fail) => ctx.signal.addEventListener('abort', () => fail(Object.assign(new Error('canceling statement due to user request'), { code: '57014' })), { once: true })),
          },
        },
      }),
      context: ({ request }) => ({ request, signal: requestSignal(request) }),
      // The app's executor (compiled-execution.ts) answers a stopped execution field by field.
      plugins: [useCompiledExecution(), useRequestBudget(budgetMs), { onExecute: () => ({ onExecuteDone: ({ result }: { result: unknown }) => void results.push(result as never) }) }],
      logging: false,
    });
    const post = (signal?: AbortSignal) =>
      Promise.resolve(yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ items { name } }' }), signal })).then(
        (r) => r.json(),
        () => null,
      );
    return { results, post };
  };
  const executed = async (results: unknown[]) => {
    for (let i = 0; i < 100 && !results.length; i++) await new Promise((r) => setTimeout(r, 10));
    return results[0] as { errors?: { extensions?: { code?: string } }[] };
  };

  it('a client that hung up gets one error, not one per unresolved field (nobody reads it)', async () => {
    const { results, post } = served(10_000);
    const ac = new AbortController();
    const answer = post(ac.signal);
    setTimeout(() => ac.abort(), 30);
    await answer;
    const result = await executed(results);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['CORE_REQUEST_CANCELLED']);
  });

  it('a client still waiting when the budget runs out gets the partial answer with each field error, coded as a timeout', async () => {
    const { results, post } = served(30);
    await post();
    const result = await executed(results);
    expect(result.errors).toHaveLength(ITEMS);
    // The statements' errors say "user request"; what happened is the budget (REQUEST_TIMEOUT once masked).
    expect(new Set(result.errors?.map((e) => classifyFault(e)))).toEqual(new Set(['request_timeout']));
  });
});

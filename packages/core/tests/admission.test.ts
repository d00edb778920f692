import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { useHeavyAdmission } from '../src/request-budget.js';

const schema = buildSchema(`
  type Query { items(first: Int): ItemConnection, hello: String }
  type ItemConnection { edges: [ItemEdge] }
  type ItemEdge { node: Item }
  type Item { name: String }
`);
const HEAVY = parse('{ items(first: 50) { edges { node { name } } } }');
const LIGHT = parse('{ hello }');

type Hooks = { onExecuteDone?: () => void } | void;
function admission(concurrency: number) {
  const plugin = useHeavyAdmission({ heavyNodes: 50, concurrency, defaultPageSize: 20, maxPageSize: 100 }) as { onExecute(x: unknown): Promise<Hooks> };
  return (document: ReturnType<typeof parse>, signal?: AbortSignal) => plugin.onExecute({ args: { schema, document, variableValues: {}, signal } });
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

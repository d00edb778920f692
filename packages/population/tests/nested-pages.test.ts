import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, sql } from '@safecity/core';
import { rows, startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';

/** Nested lists are keyset pages: bounded by the page maximum, counted by the node limit, batched per level. */
let s: TestServer;
let token: string;
let busiest: { id: string; n: number };
beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  await populationModule.seed!(await s.ctxAs('city_admin'));
  token = await s.token('district_officer', '620102');
  const [top] = await rows<{ id: string; n: number }>(
    s,
    sql`select dwelling_id as id, count(*)::int as n from residence_registrations where jurisdiction_code like '620102%' group by dwelling_id order by count(*) desc, dwelling_id limit 1`,
  );
  busiest = { id: encodeGlobalId('Dwelling', top!.id), n: Number(top!.n) };
}, 300_000);
afterAll(() => s?.close());

const nodesOf = (c: { edges: { node: unknown }[] }) => c.edges.map((e) => e.node);
const REG = `registeredOn id jurisdictionCode`;
const DWELLING_REGS = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Dwelling { registrations(first: $first, after: $after) { edges { cursor node { ${REG} } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;
const DWELLINGS_REGS = `query($first: Int!, $inner: Int) { dwellings(first: $first, filter: { jurisdictionCode: "620102" }) { edges { node { id registrations(first: $inner) { edges { node { ${REG} } } pageInfo { hasNextPage } } } } } }`;
const PERSONS_NESTED = `query($first: Int!) { persons(first: $first, filter: { jurisdictionCode: "620102" }) { edges { node { id
  currentRegistration { id }
  registrations(first: 3) { edges { node { ${REG} dwelling { id } } } pageInfo { hasNextPage } }
  tierHistory(first: 3) { edges { node { tier setAt } } pageInfo { hasNextPage } } } } } }`;

async function ok(query: string, variables: Record<string, unknown>) {
  const r = await s.gql(query, variables, { token });
  expect(r.errors).toBeUndefined();
  return r;
}

describe('a nested connection', () => {
  it('pages a dwelling’s registration history by cursor, newest first, without overlap or gap', async () => {
    expect(busiest.n).toBeGreaterThanOrEqual(3);
    const all = nodesOf((await ok(DWELLING_REGS, { id: busiest.id, first: 100 })).data.node.registrations) as { registeredOn: string; jurisdictionCode: string }[];
    expect(all).toHaveLength(busiest.n);
    expect(all.every((r) => r.jurisdictionCode.startsWith('620102'))).toBe(true);
    expect(all.map((r) => r.registeredOn)).toEqual([...all.map((r) => r.registeredOn)].sort().reverse());

    const paged: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < busiest.n; i++) {
      const page: any = (await ok(DWELLING_REGS, { id: busiest.id, first: 2, after })).data.node.registrations;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      paged.push(...nodesOf(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it('answers the same page planned inside a root connection as through the batched loader', async () => {
    const planned = (await ok(DWELLINGS_REGS, { first: 10, inner: 2 })).data.dwellings.edges.map((e: any) => e.node);
    for (const d of planned) {
      const viaLoader = (await ok(DWELLING_REGS, { id: d.id, first: 2 })).data.node.registrations;
      expect(nodesOf(d.registrations)).toEqual(nodesOf(viaLoader));
      expect(d.registrations.pageInfo.hasNextPage).toBe(viaLoader.pageInfo.hasNextPage);
    }
  });

  it('refuses a nested page above the configured maximum with a coded error, and reads nothing', async () => {
    const max = s.platform.config.limits.maxPageSize;
    const r = await s.gql(DWELLING_REGS, { id: busiest.id, first: max + 1 }, { token });
    expect(r.errors?.[0]?.extensions?.code).toBe('CORE_INPUT_INVALID');
    expect(r.errors?.[0]?.message).toContain(`at most ${max}`);
    const negative = await s.gql(DWELLING_REGS, { id: busiest.id, first: -1 }, { token });
    expect(negative.errors?.[0]?.extensions?.code).toBe('CORE_INPUT_INVALID');
  });

  it('counts a nested page in the node limit: its `first` multiplies', async () => {
    // 100 persons, each with five pages of 100 registrations: 100 + 5 × 100 × 100 > 50,000.
    const pages = [1, 2, 3, 4, 5].map((i) => `r${i}: registrations(first: 100) { edges { node { id } } }`).join(' ');
    const r = await s.gql(`{ persons(first: 100) { edges { node { ${pages} } } } }`, {}, { token });
    expect(s.platform.config.limits.maxNodes).toBe(50_000);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    // Refused before any resolver runs (the cost or the node limit, whichever counts first; both multiply by `first`).
    expect(r.errors).toHaveLength(1);
    // Without `first` a nested page counts as the default page (20): 100 + 5 × 100 × 20 passes.
    const d = await s.gql(`{ persons(first: 100) { edges { node { ${pages.replaceAll('(first: 100)', '')} } } } }`, {}, { token });
    expect(d.errors).toBeUndefined();
    expect(d.data.persons.edges.length).toBeGreaterThan(0);
  });

  it('costs the same number of statements for 5 parents as for 60 (one per nesting level)', async () => {
    const small = await ok(PERSONS_NESTED, { first: 5 });
    const large = await ok(PERSONS_NESTED, { first: 60 });
    expect(small.data.persons.edges).toHaveLength(5);
    expect(large.data.persons.edges.length).toBeGreaterThan(20);
    expect(large.extensions?.sqlStatements).toBe(small.extensions?.sqlStatements);
    // persons, their current registrations, registration pages, tier-history pages, the dwellings.
    expect(large.extensions?.sqlStatements).toBeLessThanOrEqual(5);
    for (const { node } of large.data.persons.edges) {
      expect(node.registrations.edges.length).toBeLessThanOrEqual(3);
      expect(node.tierHistory.edges.length).toBeLessThanOrEqual(3);
    }
    const planned = await ok(DWELLINGS_REGS, { first: 5, inner: 3 });
    const plannedLarge = await ok(DWELLINGS_REGS, { first: 60, inner: 3 });
    expect(planned.extensions?.sqlStatements).toBe(1);
    expect(plannedLarge.extensions?.sqlStatements).toBe(1);
  });

  it('keeps other districts’ rows out of the nested pages', async () => {
    const other = await s.token('district_officer', '620103');
    const r = await s.gql(DWELLING_REGS, { id: busiest.id, first: 100 }, { token: other });
    expect(r.data?.node ?? null).toBeNull();
  });
});

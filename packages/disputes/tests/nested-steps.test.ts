import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { disputesModule } from '../src/index.js';
import { chinaDay, ok, ORG, REGISTER, ROUTE, SESSION } from './helpers.js';

/**
 * A dispute's steps were a plain list: every step of its history in one answer, outside the page
 * maximum and the node limit. Here the maximum is 3 so a short history is already past it.
 */
const MAX = 3;
let s: TestServer;
let disputeId: string;
let officer: string;
beforeAll(async () => {
  s = await startTestServer({ modules: [disputesModule], env: { GRAPHQL_MAX_PAGE_SIZE: String(MAX), GRAPHQL_MAX_NODES: '30' } });
  const [admin, gridWorker, townCentre] = await Promise.all([s.token('city_admin'), s.token('grid_worker', '620102001001'), s.token('district_officer', '620102001')]);
  officer = townCentre;
  const centre = ok(await s.gql(ORG, { name: '酒泉路街道调解中心（分页）', kind: 'town_centre', j: '620102001' }, { token: admin })).id;
  const parties = [{ role: 'applicant', name: '张某' }];
  const d = ok(await s.gql(REGISTER, { j: '620102001001', kind: 'labour_wages', source: 'walk_in', risk: 'medium', mass: false, desc: '拖欠工资', parties }, { token: gridWorker }));
  disputeId = d.id;
  ok(await s.gql(ROUTE, { d: d.id, o: centre, m: '王调解员' }, { token: townCentre }));
  ok(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: '首次调解' }, { token: townCentre }));
  ok(await s.gql(SESSION, { d: d.id, on: chinaDay(), outcome: 'continued', notes: '二次调解' }, { token: townCentre }));
  // registered, routed, session, session: one more step than the page maximum
}, 300_000);
afterAll(() => s?.close());

const STEPS = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Dispute { steps(first: $first, after: $after) { edges { node { kind outcome } } pageInfo { hasNextPage endCursor } } } } }`;

describe('a dispute’s steps are a keyset page', () => {
  it('answers at most the page maximum with hasNextPage when the history is longer, and the rest after its cursor', async () => {
    const first = await s.gql(STEPS, { id: disputeId }, { token: officer });
    expect(first.errors).toBeUndefined();
    const page = first.data.node.steps;
    // No `first`: the default page (20) is held to the maximum.
    expect(page.edges.map((e: any) => e.node.kind)).toEqual(['registered', 'routed', 'session']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = (await s.gql(STEPS, { id: disputeId, first: MAX, after: page.pageInfo.endCursor }, { token: officer })).data.node.steps;
    expect(rest.edges.map((e: any) => e.node.outcome)).toEqual([expect.stringContaining('二次调解')]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const tooLarge = await s.gql(STEPS, { id: disputeId, first: MAX + 1 }, { token: officer });
    expect(tooLarge.errors?.[0]?.extensions?.code).toBe('CORE_INPUT_INVALID');
  });

  it('counts the nested page in the node limit', async () => {
    // 3 disputes × (1 + 3 steps) = 12 nodes: under the limit of 30.
    const small = await s.gql(`{ disputes(first: 3) { edges { node { id steps(first: 3) { edges { node { kind } } } } } } }`, {}, { token: officer });
    expect(small.errors).toBeUndefined();
    // 3 disputes + 3 × four pages of 3 steps = 39 nodes, past the limit of 30: refused before any read.
    const pages = ['a', 'b', 'c', 'd'].map((k) => `${k}: steps(first: 3) { edges { node { kind } } }`).join(' ');
    const q = `{ disputes(first: 3) { edges { node { ${pages} } } } }`;
    const r = await s.gql(q, {}, { token: officer });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', worstCaseNodes: 3 + 3 * 4 * 3 });
  });
});

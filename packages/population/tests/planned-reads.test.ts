import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeGlobalId, rowsOf } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { populationModule } from '@safecity/population';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ modules: [populationModule] });
  await populationModule.seed!(await s.ctxAs('city_admin'));
}, 300_000);
afterAll(() => s?.close());

const FIELDS = `id address jurisdictionCode currentTenants { registeredOn person { name idNumber tier } } lastVisit { visitedOn matched }`;
const Q1 = `query Q1($j: DivisionCode!, $after: String) { dwellings(first: 5, after: $after, filter: { jurisdictionCode: $j }) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

describe('Q1 through the read planner', () => {
  it('answers a page of dwellings with tenants (masked numbers) and the last visit in one statement, the same as the loaders', async () => {
    const token = await s.token('district_officer', '620102');
    const page = await s.gql(Q1, { j: '620102' }, { token });
    expect(page.errors).toBeUndefined();
    expect(page.extensions?.sqlStatements).toBe(1);
    const nodes = page.data.dwellings.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(5);
    expect(nodes.every((n: any) => n.jurisdictionCode.startsWith('620102'))).toBe(true);
    const tenants = nodes.flatMap((n: any) => n.currentTenants);
    expect(tenants.length).toBeGreaterThan(0);
    expect(tenants.every((t: any) => /^\d{4}\*{10}[\dX]{4}$/.test(t.person.idNumber) || /\*/.test(t.person.idNumber))).toBe(true);

    // The same dwellings through node(id:) take the loaders' path: the answers must be equal.
    for (const n of nodes) {
      const viaLoaders = await s.gql(`query($id: ID!) { node(id: $id) { ... on Dwelling { ${FIELDS} } } }`, { id: n.id }, { token });
      expect(viaLoaders.data.node).toEqual(n);
    }

    // The next page continues in (jurisdiction, id) order, with no overlap.
    const next = await s.gql(Q1, { j: '620102', after: page.data.dwellings.pageInfo.endCursor }, { token });
    const ids = next.data.dwellings.edges.map((e: any) => e.node.id);
    expect(ids.filter((id: string) => nodes.some((n: any) => n.id === id))).toEqual([]);
    expect(next.extensions?.sqlStatements).toBe(1);
  });

  it('keeps a planned page within the filter’s division, inside the caller’s scope', async () => {
    // 张家园社区 sorts after 畅家巷社区: without the filter the first page would be 畅家巷's.
    const B = '620102001002';
    const token = await s.token('district_officer', '620102');
    const page = await s.gql(Q1, { j: B }, { token });
    expect(page.errors).toBeUndefined();
    expect(page.extensions?.sqlStatements).toBe(1);
    const codes = page.data.dwellings.edges.map((e: any) => e.node.jurisdictionCode);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c: string) => c.startsWith(B))).toBe(true);
  });

  it('writes a nested level’s two scope bounds on two expressions, so PostgreSQL does not price them as one narrow range', async () => {
    // On one expression the pair is estimated at 0.5% of the rows; the last visit of a dwelling was
    // then read by a bitmap scan of all its visits and a sort instead of an ordered index scan
    // that stops at the first (docs/request-path.md, 2026-12-01).
    const token = await s.token('district_officer', '620102');
    const { result, log } = await s.gqlStatements(Q1, { j: '620102' }, token);
    expect(result.errors).toBeUndefined();
    const text = log.find((q) => q.includes('"dwellings"')) ?? '';
    // t1 the tenants' registrations, t2 their persons, t3 the visits.
    for (const alias of ['t1', 't2', 't3']) {
      expect(text).toContain(`(${alias}."jurisdiction_code" || '') ~>=~`);
      expect(text).toContain(`('' || ${alias}."jurisdiction_code") ~<~`);
    }
    expect(text).not.toContain(`|| '') ~<~`);
  });

  it('joins each tenant’s person into the tenants’ level (found by its key), and a person outside the caller’s scope is null, as through the loaders', async () => {
    const token = await s.token('district_officer', '620102');
    const { result, log } = await s.gqlStatements(Q1, { j: '620102' }, token);
    expect(result.errors).toBeUndefined();
    const text = log.find((q) => q.includes('"dwellings"')) ?? '';
    // One left join a level instead of a subquery a tenant (docs/request-path.md, 2026-12-02).
    expect(text).toMatch(/from "residence_registrations" t1 left join "persons" t2 on t2\."id" = t1\."person_id" and /);
    expect(text).not.toContain('from "persons" t2 where');

    // A tenant whose person moved to another district: the person is null, the other tenants are not.
    const nodes = result.data.dwellings.edges.map((e: any) => e.node);
    const dwelling = nodes.find((n: any) => n.currentTenants.length >= 2);
    expect(dwelling).toBeDefined();
    const [row] = rowsOf<{ person_id: string }>(
      await s.database.db.execute(
        sql`select person_id from residence_registrations where dwelling_id = ${decodeGlobalId(dwelling.id).id}::uuid and ended_on is null order by registered_on, id limit 1`,
      ),
    );
    const [before] = rowsOf<{ jurisdiction_code: string }>(await s.database.db.execute(sql`select jurisdiction_code from persons where id = ${row!.person_id}::uuid`));
    await s.database.db.execute(sql`update persons set jurisdiction_code = '620103001001001' where id = ${row!.person_id}::uuid`);
    try {
      const again = await s.gql(Q1, { j: '620102' }, { token });
      expect(again.errors).toBeUndefined();
      const moved = again.data.dwellings.edges.map((e: any) => e.node).find((n: any) => n.id === dwelling.id);
      expect(moved.currentTenants).toHaveLength(dwelling.currentTenants.length);
      expect(moved.currentTenants[0].person).toBeNull();
      expect(moved.currentTenants.slice(1)).toEqual(dwelling.currentTenants.slice(1));
      const viaLoaders = await s.gql(`query($id: ID!) { node(id: $id) { ... on Dwelling { ${FIELDS} } } }`, { id: dwelling.id }, { token });
      expect(viaLoaders.data.node).toEqual(moved);
    } finally {
      await s.database.db.execute(sql`update persons set jurisdiction_code = ${before!.jurisdiction_code} where id = ${row!.person_id}::uuid`);
    }
  });

  it('reads only the columns the selection needs (the key, the scope and the page order always)', async () => {
    const token = await s.token('district_officer', '620102');
    // In process (yoga.fetch), so the statements are counted in this test's scope, with their text.
    const sqlOf = async (query: string, as = token) => {
      const { result, log } = await s.gqlStatements(query, { j: '620102' }, as);
      expect(result.errors).toBeUndefined();
      return log.find((q) => q.includes('"dwellings"')) ?? '';
    };
    const q1 = await sqlOf(Q1);
    // Selected: address, jurisdictionCode, person.name, person.idNumber (masked: needs
    // idNumberMasked, not the cipher); not selected: the dwelling's capacity, the person's phone and birth date.
    expect(q1).toContain('"address"');
    expect(q1).toContain('"id_number_masked"');
    expect(q1).not.toContain('"id_number_cipher"');
    // Asked to reveal (`purpose`, by a caller who may), the cipher comes too: the numbers come back whole.
    const REVEAL = `query($j: DivisionCode!) { dwellings(first: 5, filter: { jurisdictionCode: $j }) { edges { node { currentTenants { person { idNumber(purpose: "核查身份信息") } } } } } }`;
    const admin = await s.token('city_admin');
    expect(await sqlOf(REVEAL, admin)).toContain('"id_number_cipher"');
    const revealed = await s.gql(REVEAL, { j: '620102' }, { token: admin });
    const numbers = revealed.data.dwellings.edges.flatMap((e: any) => e.node.currentTenants.map((t: any) => t.person.idNumber));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((n: string) => /^\d{17}[\dX]$/.test(n))).toBe(true);
    expect(q1).not.toContain('"capacity"');
    expect(q1).not.toContain('"phone_cipher"');
    expect(q1).not.toContain('"birth_date"');
    // A field the planner cannot map to columns (none here) would make it read the whole row:
    // `daysOverdue` is computed, so asking for it reads every column of the person.
    expect(await sqlOf(`query($j: DivisionCode!) { dwellings(first: 2, filter: { jurisdictionCode: $j }) { edges { node { currentTenants { person { daysOverdue } } } } } }`)).toContain(
      '"birth_date"',
    );
  });

  // dwellings through the read planner, persons through scopedRead: the same order rule (keysetOrder).
  const LISTS = [
    ['dwellings', 'dwellings', 'address'],
    ['persons', 'persons', 'name'],
  ] as const;

  it.each(LISTS)('walks a district’s %s page by page in (jurisdiction, id) order across its communities, forward and back', async (field, table) => {
    const token = await s.token('district_officer', '620102');
    const PAGE = `query($after: String, $before: String, $first: Int, $last: Int) { ${field}(first: $first, last: $last, after: $after, before: $before, filter: { jurisdictionCode: "620102" }) {
      edges { node { id jurisdictionCode } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const expected = rowsOf<{ id: string; code: string }>(
      await s.database.db.execute(sql`select id, jurisdiction_code as code from ${sql.identifier(table)} where jurisdiction_code like '620102%' order by jurisdiction_code, id`),
    );
    expect(new Set(expected.map((r) => r.code.slice(0, 12))).size).toBeGreaterThan(1);
    const seen: { id: string; code: string }[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 1000; guard++) {
      const r: { errors?: unknown; data: any } = await s.gql(PAGE, { first: 7, after }, { token });
      expect(r.errors).toBeUndefined();
      const c: any = r.data[field];
      seen.push(...c.edges.map((e: any) => ({ id: e.node.id, code: e.node.jurisdictionCode })));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen.map((r) => r.code)).toEqual(expected.map((r) => r.code));
    expect(seen.map((r) => decodeGlobalId(r.id).id)).toEqual(expected.map((r) => r.id));
    // Backward from the end: the 7 before the last one.
    const last = await s.gql(PAGE, { last: 1 }, { token });
    const back = await s.gql(PAGE, { last: 7, before: last.data[field].pageInfo.startCursor }, { token });
    expect(back.data[field].edges.map((e: any) => decodeGlobalId(e.node.id).id)).toEqual(expected.slice(-8, -1).map((r) => r.id));
  });

  it.each(LISTS)('reads a page of %s led by the code in the code index’s order and stops there: the range bounds the index, no sort', async (field, table, column) => {
    const token = await s.token('district_officer', '620102');
    const first = await s.gql(`{ ${field}(first: 3, filter: { jurisdictionCode: "620102" }) { pageInfo { endCursor } } }`, {}, { token });
    const { result, log, params } = await s.gqlStatements(
      `query($after: String) { ${field}(first: 5, after: $after, filter: { jurisdictionCode: "620102" }) { edges { node { ${column} } } } }`,
      { after: first.data[field].pageInfo.endCursor },
      token,
    );
    expect(result.errors).toBeUndefined();
    const i = log.findIndex((q) => q.includes(`from "${table}"`));
    // The statement with its values written in (text and numbers here), planned with sorting
    // priced out: an order the index cannot give would still show a Sort.
    const text = log[i]!.replace(/\$(\d+)/g, (_m, n) => `'${String(params[i]![Number(n) - 1]).replace(/'/g, "''")}'`);
    const plan = await s.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_sort = off`);
      return rowsOf<{ 'QUERY PLAN': string }>(await tx.execute(sql.raw(`explain ${text}`)))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    });
    expect(plan).toMatch(new RegExp(`${table}_jur_pattern_id_idx`));
    expect(plan).toMatch(/Index Cond: .*jurisdiction_code ~>=~/);
    expect(plan).not.toMatch(/Sort/);
  });

  it('shows another district nothing of 城关区', async () => {
    const token = await s.token('district_officer', '620103');
    const page = await s.gql(Q1, { j: '620102' }, { token });
    expect(page.errors).toBeUndefined();
    expect(page.data.dwellings.edges).toEqual([]);
  });
});

import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Role } from '@safecity/core';
import { rows, SEEDED_USERS, startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';
import { schema } from '../src/schema.js';

/**
 * Reads never write (issue #13): every query field of the built schema, called with minimal
 * valid arguments and a selection of every argument-free field three levels deep, leaves the
 * row count of every table unchanged (the audit log may gain only the caller's own access
 * records), as the auditor and as a grid worker. A unit with an
 * overdue, incomplete rectification is the argument wherever a unit is asked for: reading it
 * used to move it to the next batch.
 */
let s: TestServer;
let overdueUnit: string;
let creditCode: string;

beforeAll(async () => {
  // Whole selections of every field cost more than the gateway lets a client ask for.
  s = await startTestServer({ modules, seeded: true, config: { limits: { maxDepth: 20, maxCost: 10_000_000, maxAliases: 20, maxTokens: 100_000, maxPageSize: 100, maxNodes: 10_000_000 } } });
  const admin = await s.token('city_admin');
  const units = await s.gql(`{ safeUnits(first: 1, jurisdictionCode: "620102") { edges { node { id } } } }`, {}, { token: admin });
  const unitGid = units.data.safeUnits.edges[0].node.id as string;
  const order = await s.gql(
    `mutation($u: ID!) { issueRectificationOrder(unitId: $u, items: ["消防通道"], issuedOn: "2025-03-03", deadline: "2025-03-10") { __typename } }`,
    { u: unitGid },
    { token: admin },
  );
  expect(order.data.issueRectificationOrder.__typename).toBe('IssueRectificationOrderSuccess');
  overdueUnit = unitGid;
  const [subject] = await rows<{ code: string }>(s, sql`select credit_code as code from credit_subjects order by credit_code limit 1`);
  creditCode = subject.code;
}, 300_000);
afterAll(() => s?.close());

/** One statement: the row count of every table in the public schema, and the audit log's last seq. */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = await rows<{ t: string }>(s, sql`select tablename as t from pg_tables where schemaname = 'public' order by tablename`);
  const union = tables.map(({ t }) => `select '${t}' as t, count(*)::int as n from "${t}"`).join(' union all ');
  const counted = await rows<{ t: string; n: number }>(s, sql.raw(`${union} union all select 'audit_log.seq', coalesce(max(seq), 0)::int from audit_log`));
  return Object.fromEntries(counted.map((r) => [r.t, Number(r.n)]));
}

/**
 * The one write a read may make: an access record (a CSV export, a revealed identity) in the
 * audit log, by the caller and with a purpose. A `system` entry, or any other table, is a
 * read changing the registers.
 */
async function foreignAuditEntries(afterSeq: number, sub: string): Promise<string[]> {
  const added = await rows<{ actor: string; op: string; purpose: string | null }>(s, sql`select actor_id as actor, operation as op, purpose from audit_log where seq > ${afterSeq} order by seq`);
  return added.filter((a) => a.actor !== sub || !a.purpose).map((a) => `${a.op} by ${a.actor}`);
}

const JURISDICTION: Partial<Record<Role, string>> = { auditor: '620100', grid_worker: '620102001001' };

/** A minimal valid value for a required argument, chosen by its name and type. */
function argValue(arg: { name: string; type: GraphQLInputType }, role: Role): unknown {
  const type = getNullableType(arg.type) as GraphQLInputType;
  if (isListType(type)) return [argValue({ name: arg.name, type: type.ofType }, role)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type)) out[f.name] = argValue(f, role);
    return out;
  }
  const name = getNamedType(type).name;
  switch (name) {
    case 'ID':
      return overdueUnit;
    case 'DivisionCode':
      return JURISDICTION[role];
    case 'CreditCode':
      return creditCode;
    case 'Date':
      return arg.name === 'to' ? '2026-12-31' : '2025-01-01';
    case 'DateTime':
      return arg.name === 'to' ? '2026-12-31T00:00:00Z' : '2025-01-01T00:00:00Z';
    case 'Int':
      return 1;
    case 'Boolean':
      return false;
    case 'String':
      return arg.name === 'period' ? '2026' : 'x';
    default:
      throw new Error(`no minimal value for ${arg.name}: ${name}`);
  }
}

/** Every field without required arguments, `depth` levels down; unions and leaves end a branch. */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named) || depth === 0) return '{ __typename }';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const fields = Object.values(named.getFields()).filter((f) => f.args.every((a: GraphQLArgument) => !isNonNullType(a.type)));
  return `{ __typename ${fields.map((f) => `${f.name} ${selection(f.type, depth - 1)}`).join(' ')} }`;
}

function operation(field: GraphQLField<unknown, unknown>, role: Role): { query: string; variables: Record<string, unknown> } {
  const required = field.args.filter((a) => isNonNullType(a.type));
  const vars = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const query = `query${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(field.type, 3)} }`;
  return { query, variables: Object.fromEntries(required.map((a) => [a.name, argValue(a, role)])) };
}

const fields = Object.values(schema.getQueryType()!.getFields());

describe('reads never write', () => {
  it('the schema has query fields to try, and unitHistory is one of them', () => {
    expect(fields.map((f) => f.name)).toContain('unitHistory');
    expect(fields.map((f) => f.name)).toContain('unitStanding');
  });

  it.each(['auditor', 'grid_worker'] as Role[])(
    'every query field as %s leaves the row count of every table unchanged',
    async (role) => {
      const token = await s.token(role);
      const changed: string[] = [];
      const answered: string[] = [];
      const accessRecords: string[] = [];
      for (const field of fields) {
        const { query, variables } = operation(field, role);
        const before = await tableCounts();
        const r = await s.gql(query, variables, { token });
        const after = await tableCounts();
        for (const t of Object.keys(after)) {
          if (t === 'audit_log' || t === 'audit_log.seq' || after[t] === before[t]) continue;
          changed.push(`${field.name}: ${t} ${before[t]} → ${after[t]}`);
        }
        for (const entry of await foreignAuditEntries(before['audit_log.seq'], SEEDED_USERS[role].sub)) changed.push(`${field.name}: audit_log ${entry}`);
        if (after.audit_log !== before.audit_log) accessRecords.push(field.name);
        // An unexpected server error would hide a write the field was about to make.
        const internal = (r.errors ?? []).filter((e) => !e.extensions?.code || e.extensions.code === 'INTERNAL_SERVER_ERROR');
        expect(internal, `${field.name}: ${JSON.stringify(internal)}`).toEqual([]);
        if (r.data?.[field.name] != null) answered.push(field.name);
      }
      expect(changed).toEqual([]);
      // Only the export of registrations records its access (the auditor may export; a grid worker may not).
      expect(accessRecords).toEqual(role === 'auditor' ? ['registrationsCsv'] : []);
      // The auditor really read the overdue unit (the read that used to settle it).
      if (role === 'auditor') expect(answered).toEqual(expect.arrayContaining(['unitHistory', 'unitStanding', 'node', 'nodes', 'safeUnits']));
    },
    300_000,
  );
});

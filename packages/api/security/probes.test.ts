import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, isRowId, isValidResidentId, seedAll, sql, type Role, rowsOf } from '@safecity/core';
import { startTestServer, type GqlResult, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';
import { classify, KNOWN_FINDINGS, type Finding } from './known-findings.js';
import { b64, fillArgs, missingLike, nodeTypes, operationFor, rootFields, stringLeaves, type Fixtures, type RootField } from './schema-walk.js';

/**
 * Issue #11, the permanent probes. Schema-driven: every Query, Mutation and Subscription field
 * of the built schema is probed, so a field added later is covered without a test of its own.
 *   (a) authorization: arguments from 城关区 (620102)'s seeded data, as every role of 七里河区
 *       (620103), the auditor and anonymously; no out-of-scope row, no unmasked identifier, no
 *       write by a refused caller, node/nodes of another jurisdiction answer like a missing id;
 *   (b) bad-input fuzz: ≥ 1,000 generated inputs; no 5xx, no INTERNAL_SERVER_ERROR, no internal
 *       detail, no write of invalid input;
 *   (c) log scan: the real server's pino output holds no identity number, phone number, fixture
 *       name or SQL parameter.
 * Known findings fixed on another branch are listed in known-findings.ts (temporary).
 */

const VICTIM_DISTRICT = '620102';
const VICTIM_COMMUNITY = '620102001001';
const NEIGHBOUR_DISTRICT = '620103';
const NEIGHBOUR_COMMUNITY = '620103001001';
const ROLES: Role[] = ['city_admin', 'district_officer', 'grid_worker', 'assessor', 'auditor', 'department_service', 'credit_officer'];

let s: TestServer;
let schema: GraphQLSchema;
let fx: Fixtures;
let tables: string[];
const logLines: string[] = [];
const findings: Finding[] = [];
/** Values the log scan looks for: every identity number, phone and name the probes used or saw. */
const secrets = { identityNumbers: new Set<string>(), phones: new Set<string>(), names: new Set<string>() };

async function rows<T = any>(q: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await s.database.db.execute(q));
}

/** Row counts of every table, in one statement. */
async function rowCounts(): Promise<Map<string, number>> {
  const q = tables.map((t) => `select '${t}' as t, count(*)::int as n from "${t}"`).join(' union all ');
  const r = await rows<{ t: string; n: number }>(sql.raw(q));
  return new Map(r.map((x) => [x.t, Number(x.n)]));
}
function changed(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...b].filter(([t, n]) => a.get(t) !== n).map(([t, n]) => `${t} ${a.get(t)}→${n}`);
}

async function post(query: string, variables: Record<string, unknown>, token: string | null): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* a non-JSON answer is judged by its status and text */
  }
  return { status: res.status, text, body };
}

function refused(body: any, field: string): boolean {
  const v = body?.data?.[field];
  return !!body?.errors?.length || v == null || v.__typename === 'DomainError';
}

function report(title: string, covered: Record<string, unknown>, suite: Finding['suite']) {
  const mine = findings.filter((f) => f.suite === suite);
  const { known, unknown } = classify(mine);
  const lines = [`\n== ${title}`, ...Object.entries(covered).map(([k, v]) => `   ${k}: ${v}`), `   findings: ${unknown.length} new, ${mine.length - unknown.length} known`];
  for (const [k, fs] of known)
    lines.push(`   known (temporary, see known-findings.ts): ${k} — ${fs.length} hit(s), e.g. ${fs[0].field}${fs[0].role ? ` as ${fs[0].role}` : ''}: ${fs[0].detail.slice(0, 160)}`);
  // Grouped by kind and input class, so a systematic finding reads as one line with its count.
  const groups = new Map<string, Finding[]>();
  for (const f of unknown) {
    const g = `${f.kind} ${f.input?.replace(/^[^:]*:/, '') ?? ''}`;
    groups.set(g, [...(groups.get(g) ?? []), f]);
  }
  for (const [g, fs] of groups)
    lines.push(
      `   NEW ${g} — ${fs.length}× (${[...new Set(fs.map((f) => f.field))].slice(0, 8).join(', ')}), e.g. ${fs[0].field}${fs[0].role ? ` as ${fs[0].role}` : ''}${fs[0].input ? ` [${fs[0].input}]` : ''}: ${fs[0].detail.slice(0, 300)}`,
    );
  console.log(lines.join('\n'));
  return unknown;
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _e, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  s = await startTestServer({ modules, logDestination: sink, config: { logLevel: 'info' } });
  await seedAll(s.platform, modules);
  schema = buildSchema(modules);
  tables = (await rows<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).map((r) => r.table_name);

  // The victim's data: every table with an id and a jurisdiction code, rows inside 620102.
  const withJurisdiction = await rows<{ table_name: string }>(
    sql`select c.table_name from information_schema.columns c join information_schema.columns i on i.table_name = c.table_name and i.table_schema = c.table_schema and i.column_name = 'id'
        where c.table_schema = 'public' and c.column_name = 'jurisdiction_code' order by 1`,
  );
  const rawIds = new Map<string, string[]>();
  for (const { table_name } of withJurisdiction) {
    const r = await rows<{ id: string }>(sql.raw(`select id::text as id from "${table_name}" where jurisdiction_code like '${VICTIM_DISTRICT}%' order by id limit 3`));
    if (r.length)
      rawIds.set(
        table_name.replace(/_/g, ''),
        r.map((x) => x.id),
      );
  }
  const jurisdictionIds = (await rows<{ code: string }>(sql`select code from jurisdictions where code like ${`${VICTIM_DISTRICT}%`} order by code limit 3`)).map((r) => r.code);
  const types = nodeTypes(schema);
  // Only ids of the right shape for each type: a malformed id in a list refuses the whole list.
  const candidates = [...new Set(types.flatMap((t) => (t === 'Jurisdiction' ? jurisdictionIds : [...rawIds.values()].flat().filter((id) => isRowId(t, id))).map((id) => b64(`${t}:${id}`))))];
  const globalIds = new Map<string, string[]>();
  for (const role of ['city_admin', 'auditor'] as Role[]) {
    const tok = await s.token(role);
    for (let i = 0; i < candidates.length; i += 500) {
      const r = await s.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: candidates.slice(i, i + 500) }, { token: tok });
      for (const n of (r.data?.nodes ?? []) as ({ __typename: string; id: string } | null)[]) {
        if (!n) continue;
        const list = globalIds.get(n.__typename) ?? [];
        if (!list.includes(n.id)) globalIds.set(n.__typename, [...list, n.id]);
      }
    }
  }
  const creditCodes = (
    await rows<{ credit_code: string }>(sql`select credit_code from credit_subjects where jurisdiction_code like ${`${VICTIM_DISTRICT}%`} order by credit_code limit 3`).catch(() => [])
  ).map((r) => r.credit_code);
  const persons = await rows<{ id: string; name: string }>(sql`select id::text as id, name from persons where jurisdiction_code like ${`${VICTIM_DISTRICT}%`} order by id limit 5`).catch(() => []);
  const admin = await s.token('city_admin');
  const identityNumbers: string[] = [];
  for (const p of persons) {
    const r = await s.gql(`query($id: ID!) { node(id: $id) { ... on Person { idNumber(purpose: "security probe fixture") phone } } }`, { id: b64(`Person:${p.id}`) }, { token: admin });
    const idn = r.data?.node?.idNumber;
    if (idn && isValidResidentId(idn)) identityNumbers.push(idn);
    if (r.data?.node?.phone) secrets.phones.add(r.data.node.phone);
  }
  // Every plaintext identity number, phone and name of the seeded city feeds the log scan.
  for (const p of await rows<{ name: string; phone: string | null }>(sql`select name, phone from persons`).catch(() => [])) {
    if (p.name && [...p.name].length >= 2) secrets.names.add(p.name);
    if (p.phone) secrets.phones.add(p.phone);
  }
  identityNumbers.forEach((n) => secrets.identityNumbers.add(n));
  fx = { globalIds, rawIds, creditCodes, identityNumbers, personNames: persons.map((p) => p.name), victimCommunity: VICTIM_COMMUNITY, victimDistrict: VICTIM_DISTRICT };
  console.log(
    `\n== fixtures from ${VICTIM_DISTRICT}: ${[...globalIds].map(([t, ids]) => `${t}×${ids.length}`).join(', ')}; ${creditCodes.length} credit codes, ${identityNumbers.length} identity numbers, ${persons.length} names; ${tables.length} tables watched`,
  );
}, 600_000);
afterAll(() => s?.close());

/** Strings of the victim's data that must not reach a neighbour: global ids, raw ids, credit codes, identity numbers, names, division codes. */
function victimStrings(): Set<string> {
  return new Set([...[...fx.globalIds.values()].flat(), ...[...fx.rawIds.values()].flat(), ...fx.creditCodes, ...fx.identityNumbers, ...fx.personNames]);
}
const isVictimDivision = (v: string) => /^\d+$/.test(v) && v.startsWith(VICTIM_DISTRICT) && [6, 9, 12, 15].includes(v.length);
const looksLikeResidentId = (v: string) => /^\d{17}[\dX]$/.test(v) && isValidResidentId(v);
const looksLikePhone = (v: string) => /^1[3-9]\d{9}$/.test(v);

function isPublic(rf: RootField): boolean {
  const scopes = (rf.field.extensions as { pothosOptions?: { authScopes?: unknown } })?.pothosOptions?.authScopes;
  return !!scopes && typeof scopes === 'object' && (scopes as { public?: boolean }).public === true;
}

describe('(a) authorization probe over every root field', () => {
  it('no out-of-scope row or field, no unmasked identifier, no write by a refused caller, node/nodes like a missing id', async () => {
    const fields = rootFields(schema);
    const victim = victimStrings();
    const victimIds = new Set([...[...fx.globalIds.values()].flat(), ...[...fx.rawIds.values()].flat()]);
    const callers: { label: string; role: Role | null; jurisdiction?: string }[] = [
      ...ROLES.filter((r) => r !== 'auditor').map((role) => ({
        label: `${role}@${role === 'grid_worker' ? NEIGHBOUR_COMMUNITY : NEIGHBOUR_DISTRICT}`,
        role,
        jurisdiction: role === 'grid_worker' ? NEIGHBOUR_COMMUNITY : NEIGHBOUR_DISTRICT,
      })),
      { label: 'auditor@620100', role: 'auditor' },
      { label: 'anonymous', role: null },
    ];
    let requests = 0;
    let refusedWrites = 0;
    const covered = { query: 0, mutation: 0, subscription: 0 };

    // Subscriptions first: opened by every neighbour, then the victim's own writes below must not reach them.
    const subs: { label: string; field: string; stream: Awaited<ReturnType<TestServer['subscribe']>> }[] = [];
    for (const c of callers) {
      if (!c.role || c.role === 'auditor') continue;
      const tok = await s.token(c.role, c.jurisdiction);
      for (const rf of fields.filter((f) => f.operation === 'subscription')) {
        const args = fillArgs(rf.field.args, fx);
        // Subscribe to every event name the enum offers, not just the first.
        for (const a of rf.field.args) {
          const t = getNamedType(a.type);
          if (isEnumType(t) && isListType(getNullableType(a.type))) args[a.name] = t.getValues().map((v) => v.value);
        }
        try {
          subs.push({ label: c.label, field: rf.field.name, stream: await s.subscribe(operationFor(rf, Object.keys(args), 1), args, tok) });
        } catch {
          /* refused at subscribe time: nothing can leak */
        }
        requests++;
      }
    }

    const callerToken = async (c: (typeof callers)[number]) => (c.role ? s.token(c.role, c.jurisdiction) : null);
    const anonymousAnswers = new Map<string, string>();
    // Free text the neighbours wrote themselves (a name given to their own records) may come back to them.
    const ownText = new Set<string>();
    for (const c of [...callers].reverse()) {
      const tok = await callerToken(c);
      for (const rf of fields) {
        if (rf.operation === 'subscription') continue;
        covered[rf.operation] += c === callers[callers.length - 1] ? 1 : 0;
        const variants =
          rf.operation === 'mutation'
            ? [
                fillArgs(rf.field.args, fx),
                fillArgs(rf.field.args, fx, { ownDivision: c.jurisdiction ?? NEIGHBOUR_DISTRICT }),
                fillArgs(rf.field.args, fx, { ownDivision: c.jurisdiction ?? NEIGHBOUR_DISTRICT, minimal: true }),
              ]
            : [fillArgs(rf.field.args, fx), fillArgs(rf.field.args, fx, { keysOnly: true })];
        for (const [vi, args] of variants.entries()) {
          const query = operationFor(rf, Object.keys(args));
          const auditBefore = rf.operation === 'mutation' ? await rowCounts() : null;
          const victimAuditBefore = rf.operation === 'mutation' ? await rows<{ n: number }>(sql`select count(*)::int as n from audit_log where jurisdiction_code like ${`${VICTIM_DISTRICT}%`}`) : null;
          const r = await post(query, args, tok);
          requests++;
          const key = `${rf.field.name}#${vi}`;
          if (!c.role) anonymousAnswers.set(key, r.text);
          const echoed = new Set(stringLeaves(args).map((l) => l.value));
          // What a neighbour wrote into its own records (a name, or another unit's credit code typed
          // into its own alert) may come back to it; ids and division codes never count as its own.
          if (rf.operation === 'mutation') for (const l of stringLeaves(args)) if (!victimIds.has(l.value) && !isVictimDivision(l.value)) ownText.add(l.value);
          const publicText = anonymousAnswers.get(key) ?? '';
          for (const leaf of stringLeaves(r.body?.data ?? null)) {
            if (looksLikeResidentId(leaf.value)) findings.push({ suite: 'authorization', kind: 'unmasked', field: rf.field.name, role: c.label, detail: `identity number at ${leaf.path}` });
            if (looksLikePhone(leaf.value)) findings.push({ suite: 'authorization', kind: 'unmasked', field: rf.field.name, role: c.label, detail: `phone at ${leaf.path}` });
            if (c.role === 'auditor') continue; // the auditor reads the whole city; its check is "no writes"
            const isLeak = (victim.has(leaf.value) || isVictimDivision(leaf.value)) && !echoed.has(leaf.value) && !ownText.has(leaf.value);
            if (isLeak && !(isPublic(rf) && publicText.includes(JSON.stringify(leaf.value)))) {
              findings.push({ suite: 'authorization', kind: 'leak', field: rf.field.name, role: c.label, detail: `${leaf.path} = ${leaf.value}` });
            }
          }
          if (auditBefore) {
            const after = await rowCounts();
            const diff = changed(auditBefore, after);
            const victimAuditAfter = await rows<{ n: number }>(sql`select count(*)::int as n from audit_log where jurisdiction_code like ${`${VICTIM_DISTRICT}%`}`);
            if (refused(r.body, rf.field.name)) {
              refusedWrites++;
              if (diff.length) findings.push({ suite: 'authorization', kind: 'write-by-refused', field: rf.field.name, role: c.label, detail: diff.join(', ') });
            } else if (c.role === 'auditor' || !c.role) {
              findings.push({ suite: 'authorization', kind: 'write-by-refused', field: rf.field.name, role: c.label, detail: `accepted: ${r.text.slice(0, 200)}` });
            }
            if (Number(victimAuditAfter[0].n) !== Number(victimAuditBefore![0].n)) {
              findings.push({
                suite: 'authorization',
                kind: 'write-out-of-scope',
                field: rf.field.name,
                role: c.label,
                detail: `audit entries in ${VICTIM_DISTRICT}: ${victimAuditBefore![0].n}→${victimAuditAfter[0].n}; ${diff.join(', ')}`,
              });
            }
          }
        }
      }
    }

    // node / nodes of every Node type: another jurisdiction's id answers byte for byte like a missing one.
    const strip = (text: string) => {
      try {
        const b = JSON.parse(text);
        if (b.extensions) delete b.extensions;
        return JSON.stringify(b);
      } catch {
        return text;
      }
    };
    let nodeChecks = 0;
    for (const c of callers.filter((x) => x.role !== 'auditor')) {
      const tok = await callerToken(c);
      for (const [type, ids] of fx.globalIds) {
        const raw = Buffer.from(ids[0], 'base64url')
          .toString('utf8')
          .slice(type.length + 1);
        const missing = b64(`${type}:${missingLike(raw)}`);
        for (const q of ['query($id: ID!) { node(id: $id) { __typename id } }', 'query($id: ID!) { nodes(ids: [$id]) { __typename id } }']) {
          const real = await post(q, { id: ids[0] }, tok);
          const none = await post(q, { id: missing }, tok);
          requests += 2;
          nodeChecks++;
          if (real.status !== none.status || strip(real.text) !== strip(none.text)) {
            findings.push({
              suite: 'authorization',
              kind: 'node-differs',
              field: q.includes('nodes') ? 'nodes' : 'node',
              role: c.label,
              detail: `${type}: ${real.status} ${strip(real.text).slice(0, 150)} vs missing ${none.status} ${strip(none.text).slice(0, 150)}`,
            });
          }
        }
      }
    }

    // The victim writes (as its own district officer): none of it may reach the neighbours' subscriptions.
    // The victim's own subscription is the control: it must receive something, or the check proves nothing.
    const owner = await s.token('district_officer', VICTIM_DISTRICT);
    const controlField = fields.find((f) => f.operation === 'subscription' && f.field.name === 'domainEvents');
    let control: Awaited<ReturnType<TestServer['subscribe']>> | null = null;
    if (controlField) {
      const names = getNamedType(controlField.field.args[0].type);
      const args = { names: isEnumType(names) ? names.getValues().map((v) => v.value) : [] };
      control = await s.subscribe(operationFor(controlField, ['names'], 1), args, owner);
    }
    for (const rf of fields.filter((f) => f.operation === 'mutation')) {
      const args = fillArgs(rf.field.args, fx);
      await post(operationFor(rf, Object.keys(args), 0), args, owner);
      requests++;
    }
    let delivered = 0;
    for (const sub of subs) {
      for (;;) {
        let msg: unknown;
        try {
          msg = await sub.stream.next(subs.indexOf(sub) === 0 ? 1500 : 50);
        } catch {
          break;
        }
        delivered++;
        for (const leaf of stringLeaves(msg)) {
          if ((victim.has(leaf.value) || isVictimDivision(leaf.value)) && !ownText.has(leaf.value))
            findings.push({ suite: 'authorization', kind: 'leak', field: sub.field, role: sub.label, detail: `subscription delivered ${leaf.path} = ${leaf.value}` });
        }
      }
      sub.stream.close();
    }

    let controlMessages = 0;
    if (control) {
      for (;;) {
        try {
          await control.next(controlMessages === 0 ? 1500 : 50);
          controlMessages++;
        } catch {
          break;
        }
      }
      control.close();
    }

    const unknown = report(
      'authorization probe',
      {
        'root fields': `${fields.length} (${covered.query} queries ×2 argument variants, ${covered.mutation} mutations ×3 argument variants, ${fields.filter((f) => f.operation === 'subscription').length} subscriptions)`,
        callers: callers.map((c) => c.label).join(', '),
        requests,
        'refused mutation calls checked for writes': refusedWrites,
        'node/nodes comparisons': `${nodeChecks} over ${fx.globalIds.size} Node types`,
        'subscriptions opened / messages delivered': `${subs.length} / ${delivered} (the victim's own control subscription: ${controlMessages})`,
      },
      'authorization',
    );
    expect(fields.length).toBeGreaterThan(80);
    expect(controlMessages, "the victim's own subscription received its events").toBeGreaterThan(0);
    expect(fx.globalIds.size, 'fixtures cover most Node types').toBeGreaterThanOrEqual(10);
    expect(unknown, 'new authorization findings').toEqual([]);
  }, 900_000);
});

/** Bad values for one input type; `invalid` ones must never be written. */
function badValues(type: GraphQLInputType, base: unknown, fx: Fixtures): { label: string; value: unknown; invalid: boolean }[] {
  const t = getNullableType(type) as GraphQLInputType;
  const out: { label: string; value: unknown; invalid: boolean }[] = [];
  if (isNonNullType(type)) out.push({ label: 'null-for-required', value: null, invalid: true });
  if (isListType(t)) {
    const item = Array.isArray(base) && base.length ? base[0] : null;
    out.push({ label: 'huge-list', value: Array.from({ length: 6000 }, () => item), invalid: true });
    out.push({ label: 'nested-list', value: [[item]], invalid: true });
    out.push({ label: 'list-of-null', value: [null], invalid: true });
    for (const v of badValues(t.ofType as GraphQLInputType, item, fx).slice(0, 6)) out.push({ label: `item:${v.label}`, value: [v.value], invalid: v.invalid });
    return out;
  }
  if (isInputObjectType(t)) {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) deep = { [Object.keys(t.getFields())[0]]: deep };
    out.push({ label: 'deep-input-object', value: deep, invalid: true });
    out.push({ label: 'unknown-field', value: { ...(base as object), notAField: 1 }, invalid: true });
    out.push({ label: 'string-for-object', value: 'x', invalid: true });
    for (const [k, f] of Object.entries(t.getFields())) {
      for (const v of badValues(f.type, (base as Record<string, unknown> | undefined)?.[k], fx).slice(0, 8))
        out.push({ label: `${k}:${v.label}`, value: { ...(base as object), [k]: v.value }, invalid: v.invalid });
    }
    return out;
  }
  if (isEnumType(t)) {
    const first = String(t.getValues()[0]?.value ?? 'x');
    return [
      ...out,
      { label: 'enum-unknown', value: 'NOT_A_VALUE', invalid: true },
      { label: 'enum-case', value: first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase(), invalid: true },
      { label: 'enum-int', value: 1, invalid: true },
    ];
  }
  const otherType = [...fx.globalIds.entries()].find(([, ids]) => ids[0] !== base)?.[1][0];
  const wrongTypeId = (() => {
    if (typeof base !== 'string') return undefined;
    const decoded = Buffer.from(base, 'base64url').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) return otherType;
    const other = [...fx.globalIds.keys()].find((k) => k !== decoded.slice(0, i)) ?? 'Person';
    return b64(`${other}:${decoded.slice(i + 1)}`);
  })();
  switch ((t as { name: string }).name) {
    case 'ID':
      return [
        ...out,
        { label: 'id-not-base64', value: '!!!', invalid: true },
        { label: 'malformed-id', value: b64(`${base ? Buffer.from(String(base), 'base64url').toString('utf8').split(':')[0] : 'Person'}:abc`), invalid: true },
        { label: 'wrong-type-id', value: wrongTypeId ?? b64('Person:00000000-0000-0000-0000-000000000000'), invalid: true },
        { label: 'id-not-uuid-nul', value: b64('Person:\u0000'), invalid: true },
        { label: 'empty-id', value: '', invalid: true },
        { label: 'id-int', value: 12345, invalid: false },
        { label: 'id-too-long', value: 'A'.repeat(2500), invalid: true },
      ];
    case 'Int':
      return [
        ...out,
        { label: 'int-negative', value: -1, invalid: false },
        { label: 'int-max', value: 2147483647, invalid: false },
        { label: 'int-overflow', value: 2147483648, invalid: true },
        { label: 'int-float', value: 1.5, invalid: true },
        { label: 'int-string', value: '1', invalid: true },
      ];
    case 'Float':
      return [...out, { label: 'float-huge', value: 1e308, invalid: false }, { label: 'float-negative', value: -1e308, invalid: false }, { label: 'float-string', value: 'NaN', invalid: true }];
    case 'Boolean':
      return [...out, { label: 'bool-string', value: 'true', invalid: true }, { label: 'bool-int', value: 1, invalid: true }];
    case 'Date':
      return [
        ...out,
        { label: 'date-impossible', value: '2026-02-30', invalid: true },
        { label: 'date-year-0', value: '0000-01-01', invalid: false },
        { label: 'date-far', value: '9999-12-31', invalid: false },
        { label: 'date-words', value: 'yesterday', invalid: true },
      ];
    case 'DateTime':
      return [
        ...out,
        { label: 'datetime-words', value: 'not a date', invalid: true },
        { label: 'datetime-epoch', value: '1970-01-01T00:00:00Z', invalid: false },
        { label: 'datetime-extreme', value: '+275760-09-13T00:00:00Z', invalid: true },
      ];
    case 'Latitude':
    case 'Longitude':
      return [...out, { label: 'coord-out-of-range', value: 1000, invalid: true }, { label: 'coord-string', value: 'north', invalid: true }];
    case 'DivisionCode':
      return [
        ...out,
        { label: 'division-short', value: '62010', invalid: true },
        { label: 'division-like', value: '620102%', invalid: true },
        { label: 'division-sql', value: "620102' or '1'='1", invalid: true },
        { label: 'division-unknown', value: '999999', invalid: false },
      ];
    case 'CreditCode':
      return [...out, { label: 'credit-checksum', value: '91620102MA00000000', invalid: true }, { label: 'credit-like', value: '%', invalid: true }];
    case 'ResidentIdNumber':
      return [...out, { label: 'resident-checksum', value: '110105194912310021', invalid: true }, { label: 'resident-short', value: '1101051949', invalid: true }];
    case 'IdempotencyKey':
      return [...out, { label: 'key-short', value: 'abc', invalid: true }, { label: 'key-nul', value: 'abcdefgh\u0000', invalid: true }];
    case 'JSON':
      return [...out, { label: 'json-deep', value: JSON.parse('['.repeat(200) + ']'.repeat(200)), invalid: false }];
    default:
      // String and any other scalar.
      return [
        ...out,
        { label: 'empty', value: '', invalid: false },
        { label: 'nul', value: 'a\u0000b', invalid: true },
        { label: 'lone-surrogate', value: 'a\ud800b', invalid: true },
        { label: 'too-long', value: 'x'.repeat(2500), invalid: true },
        { label: 'like-metachar', value: '%_\\', invalid: false },
        { label: 'sql-metachar', value: "'); drop table persons; --", invalid: false },
        { label: 'unicode-edge', value: '\u202e\ufeff😀\u0301', invalid: false },
        { label: 'string-number', value: 123, invalid: true },
      ];
  }
}

const INTERNAL_DETAIL: [string, RegExp][] = [
  ['SQL', /\b(select|insert into|update|delete from)\b[^"]{0,80}\b(from|values|set|where)\b/i],
  ['stack', /\bat [^\s]+ \(?[^\s]*\.(ts|js|mjs):\d+/],
  ['host:port', /\b(\d{1,3}\.){3}\d{1,3}:\d{2,5}\b|\blocalhost:\d{2,5}\b/],
  ['driver', /\bSQLSTATE\b|\b(ECONNREFUSED|pg_catalog|DrizzleQueryError|PostgresError)\b|Failed query|violates [a-z ]*constraint|relation "|column "/],
];

describe('(b) bad-input fuzz over every argument', () => {
  it('no 5xx, no INTERNAL_SERVER_ERROR, no internal detail, no write of invalid input', async () => {
    const fields = rootFields(schema).filter((f) => f.operation !== 'subscription');
    const admin = await s.token('city_admin');
    // A table name in SQL context (field names often equal table names, so a bare name proves nothing).
    const tableWords = tables.map((t) => new RegExp(`\\b(from|into|update|join|table|relation)\\s+\\\\?"?${t}\\b`, 'i'));
    let requests = 0;
    let argsCovered = 0;
    const labels = new Set<string>();
    for (const rf of fields) {
      const base = fillArgs(rf.field.args, fx);
      for (const arg of rf.field.args) {
        argsCovered++;
        for (const bad of badValues(arg.type, base[arg.name], fx)) {
          labels.add(bad.label.replace(/^.*:/, ''));
          const args = { ...base, [arg.name]: bad.value };
          // Idempotency keys must not replay the baseline answer.
          if (rf.field.args.some((a) => a.name === 'idempotencyKey') && arg.name !== 'idempotencyKey') args.idempotencyKey = `fuzz-${randomUUID()}`;
          const query = operationFor(rf, Object.keys(args), 1);
          const before = rf.operation === 'mutation' && bad.invalid ? await rowCounts() : null;
          if (process.env.SECURITY_PROGRESS) appendFileSync(process.env.SECURITY_PROGRESS, `${rf.field.name} ${arg.name}:${bad.label}\n`);
          const r = await post(query, args, admin);
          requests++;
          const input = `${arg.name}:${bad.label}`;
          if (r.status >= 500) findings.push({ suite: 'fuzz', kind: 'status-5xx', field: rf.field.name, input, detail: `${r.status} ${r.text.slice(0, 200)}` });
          const codes = ((r.body?.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
          if (codes.includes('INTERNAL_SERVER_ERROR')) findings.push({ suite: 'fuzz', kind: 'internal-error', field: rf.field.name, input, detail: r.text.slice(0, 200) });
          // The answer minus what the client sent (a name it chose may echo back and may look like SQL).
          let scanned = r.text;
          for (const leaf of stringLeaves(args)) if (leaf.value.length > 3) scanned = scanned.split(JSON.stringify(leaf.value).slice(1, -1)).join('');
          for (const [what, re] of INTERNAL_DETAIL) {
            const m = scanned.match(re);
            if (m)
              findings.push({
                suite: 'fuzz',
                kind: 'internal-detail',
                field: rf.field.name,
                input,
                detail: `${what} "${m[0]}" in ${scanned.slice(Math.max(0, (m.index ?? 0) - 100), (m.index ?? 0) + 100)}`,
              });
          }
          const table = tableWords.find((re) => re.test(scanned));
          if (table) findings.push({ suite: 'fuzz', kind: 'internal-detail', field: rf.field.name, input, detail: `table name ${table}: ${r.text.slice(0, 200)}` });
          if (before) {
            const diff = changed(before, await rowCounts());
            if (diff.length) findings.push({ suite: 'fuzz', kind: 'invalid-write', field: `${rf.field.name}.${input}`, input, detail: diff.join(', ') });
          }
        }
      }
    }
    // Wrong variable types and malformed requests, once per operation kind.
    for (const [q, v] of [
      ['query($f: Int) { jurisdictions(first: $f) { edges { node { code } } } }', { f: 'ten' }],
      ['query($f: String) { jurisdictions(first: $f) { edges { node { code } } } }', { f: '10' }],
      ['query($c: DivisionCode!) { jurisdiction(code: $c) { name } }', { c: { nested: true } }],
      ['query { jurisdiction(code: 620102) { name } }', {}],
      [`{ __typename ${'{'.repeat(50)}`, {}],
    ] as [string, Record<string, unknown>][]) {
      const r = await post(q, v, admin);
      requests++;
      if (r.status >= 500 || r.text.includes('INTERNAL_SERVER_ERROR'))
        findings.push({ suite: 'fuzz', kind: 'internal-error', field: 'variables', input: q.slice(0, 40), detail: r.text.slice(0, 200) });
    }
    const unknown = report('bad-input fuzz', { 'root fields': fields.length, arguments: argsCovered, 'generated inputs (requests)': requests, 'input classes': [...labels].sort().join(' ') }, 'fuzz');
    expect(requests).toBeGreaterThanOrEqual(1000);
    expect(unknown, 'new bad-input findings').toEqual([]);
  }, 900_000);
});

describe('(c) log scan after both suites', () => {
  it('the server logs hold no identity number, phone number, fixture name or SQL parameter', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const text = logLines.join('');
    const hits: string[] = [];
    for (const n of secrets.identityNumbers) if (text.includes(n)) hits.push(`identity number ${n.slice(0, 4)}…`);
    for (const p of secrets.phones) if (text.includes(p)) hits.push(`phone ${p.slice(0, 3)}…`);
    for (const n of secrets.names) if (text.includes(n)) hits.push(`name ${[...n][0]}…`);
    const anyId = text.match(/(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/g)?.filter(isValidResidentId) ?? [];
    if (anyId.length) hits.push(`${anyId.length} identity-number-shaped values`);
    const anyPhone = text.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g) ?? [];
    if (anyPhone.length) hits.push(`${anyPhone.length} phone-shaped values`);
    if (/"(params|parameters|query)":/.test(text) || /insert into|Failed query: [a-z]/i.test(text)) hits.push('SQL text or parameters');
    for (const h of hits) findings.push({ suite: 'logs', kind: 'personal-data-in-logs', field: 'log', detail: h });
    const levels = logLines.reduce<Record<string, number>>((acc, l) => {
      const lv = (JSON.parse(l) as { level: number }).level;
      acc[lv] = (acc[lv] ?? 0) + 1;
      return acc;
    }, {});
    const unknown = report(
      'log scan',
      {
        'log lines': logLines.length,
        'by level': JSON.stringify(levels),
        'identity numbers / phones / names looked for': `${secrets.identityNumbers.size} / ${secrets.phones.size} / ${secrets.names.size}`,
      },
      'logs',
    );
    const unused = KNOWN_FINDINGS.filter((k) => !findings.some((f) => k.matches(f)));
    console.log(
      `\n== known-findings list: ${KNOWN_FINDINGS.length} temporary entries (packages/api/security/known-findings.ts)${unused.length ? `; matched nothing this run (remove once fixed): ${unused.map((k) => k.finding).join(' | ')}` : ''}`,
    );
    expect(logLines.length).toBeGreaterThan(0);
    expect(unknown, 'personal data or SQL in logs').toEqual([]);
  });
});

export type { GqlResult };

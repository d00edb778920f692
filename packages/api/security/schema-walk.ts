import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** Everything the generators know about the victim jurisdiction's data. */
export interface Fixtures {
  /** Node type → global ids of rows inside the victim jurisdiction. */
  globalIds: Map<string, string[]>;
  /** table name (without underscores) → raw ids of rows in the victim jurisdiction. */
  rawIds: Map<string, string[]>;
  creditCodes: string[];
  identityNumbers: string[];
  personNames: string[];
  /** Division codes: a community of the victim jurisdiction and the victim district. */
  victimCommunity: string;
  victimDistrict: string;
}

export interface RootField {
  operation: 'query' | 'mutation' | 'subscription';
  field: GraphQLField<unknown, unknown>;
}

export function rootFields(schema: GraphQLSchema): RootField[] {
  const out: RootField[] = [];
  for (const [operation, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) out.push({ operation, field });
  }
  return out;
}

export const nodeTypes = (schema: GraphQLSchema) =>
  Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node'))
    .map((t) => t.name)
    .sort();

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** A selection of the type's scalar fields, objects to `depth` levels, unions by member. */
export function selectionOf(type: GraphQLOutputType, depth = 2): string {
  const named = getNamedType(type) as GraphQLNamedType;
  if (isScalarType(named) || isEnumType(named)) return '';
  if (isUnionType(named)) {
    return `{ __typename ${named
      .getTypes()
      .map((m) => `... on ${m.name} ${selectionOf(m, depth) || '{ __typename }'}`)
      .join(' ')} }`;
  }
  if (!(isObjectType(named) || isInterfaceType(named))) return '';
  const parts = ['__typename'];
  for (const f of Object.values(named.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const inner = getNamedType(f.type);
    if (isScalarType(inner) || isEnumType(inner)) parts.push(f.name);
    else if (depth > 0) {
      const sub = selectionOf(f.type, depth - 1);
      if (sub) parts.push(`${f.name}${f.args.some((a) => a.name === 'first') ? '(first: 3)' : ''} ${sub}`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/** The GraphQL type of an argument, as written in a variable definition. */
export const typeString = (t: GraphQLInputType): string => String(t);

let keyCounter = 0;

/** Which Node type an id argument names: personId → Person, unitId → SafeUnit, entryId → CreditListEntry. */
export function nodeTypeFor(argName: string, nodes: string[]): string | undefined {
  const stem = argName.replace(/Ids?$/, '').toLowerCase();
  if (!stem || stem === 'id') return undefined;
  // Names that do not spell their type: people seen or gone on a revisit, a landlord.
  if (['landlord', 'departed', 'tenantsseen', 'tenant', 'person'].includes(stem)) return 'Person';
  return nodes.find((n) => n.toLowerCase() === stem) ?? nodes.find((n) => n.toLowerCase().endsWith(stem)) ?? [...nodes].sort((a, b) => b.length - a.length).find((n) => stem.endsWith(n.toLowerCase()));
}

/**
 * A value for an argument from its type and name, filled from the victim's data: ids, division
 * codes (or `ownDivision` for division codes when probing "my jurisdiction, your keys"), credit
 * codes, identity numbers, names.
 */
export function fillValue(type: GraphQLInputType, name: string, fx: Fixtures, opts: { ownDivision?: string; depth?: number; keysOnly?: boolean } = {}): unknown {
  const depth = opts.depth ?? 0;
  const t = getNullableType(type) as GraphQLInputType;
  if (isListType(t)) {
    const v = fillValue(t.ofType as GraphQLInputType, name.replace(/s$/, ''), fx, { ...opts, depth: depth + 1 });
    return v === undefined ? [] : [v];
  }
  if (isInputObjectType(t)) {
    if (depth > 4) return undefined;
    const out: Record<string, unknown> = {};
    for (const f of Object.values(t.getFields())) {
      if (opts.keysOnly && !isNonNullType(f.type) && !KEYS.has(getNamedType(f.type).name) && !isInputObjectType(getNamedType(f.type))) continue;
      const v = fillValue(f.type, f.name, fx, { ...opts, depth: depth + 1 });
      if (v !== undefined) out[f.name] = v;
    }
    return opts.keysOnly && !Object.keys(out).length ? undefined : out;
  }
  if (isEnumType(t)) return t.getValues()[0]?.value;
  const n = name.toLowerCase();
  switch ((t as GraphQLNamedType).name) {
    case 'ID': {
      const nodes = [...fx.globalIds.keys()];
      const typeName = nodeTypeFor(name, nodes);
      if (typeName && fx.globalIds.get(typeName)?.length) return fx.globalIds.get(typeName)![0];
      const stem = name.replace(/Ids?$/, '').toLowerCase();
      const table = [...fx.rawIds.keys()].find((k) => stem && k.includes(stem));
      if (table) return b64(`${stem[0].toUpperCase()}${name.replace(/Ids?$/, '').slice(1)}:${fx.rawIds.get(table)![0]}`);
      return [...fx.globalIds.values()].flat()[0];
    }
    case 'DivisionCode':
      if (opts.ownDivision) return opts.ownDivision;
      return /community/.test(n) ? fx.victimCommunity : n.includes('hukou') ? fx.victimDistrict : fx.victimCommunity;
    case 'CreditCode':
      return fx.creditCodes[0];
    case 'ResidentIdNumber':
      return fx.identityNumbers[0];
    case 'IdempotencyKey':
      return `probe-${Date.now()}-${++keyCounter}`;
    case 'Date':
      return n.includes('end') || n.includes('until') || n.includes('deadline') ? '2026-06-30' : '2026-01-15';
    case 'DateTime':
      return n.includes('end') || n.includes('arrived') ? '2026-01-15T03:00:00.000Z' : '2026-01-15T02:00:00.000Z';
    case 'Latitude':
      return 36.05;
    case 'Longitude':
      return 103.8;
    case 'JSON':
      return {};
    case 'Int':
      return n === 'first' || n === 'last' ? 5 : n === 'version' ? 1 : 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'String':
      if (n === 'name' || n.endsWith('name')) return fx.personNames[0] ?? 'probe';
      if (n === 'after' || n === 'before') return undefined;
      if (n === 'period') return '2026-01';
      return 'security probe';
    default:
      return 'security probe';
  }
}

const KEY_TYPES = new Set(['Boolean', 'ID', 'CreditCode', 'ResidentIdNumber', 'DivisionCode', 'IdempotencyKey']);
/** The natural and surrogate keys of another jurisdiction's rows. */
const KEYS = new Set(['ID', 'CreditCode', 'ResidentIdNumber']);

/**
 * Every argument filled, or with `minimal` only the required ones plus those that can carry a key
 * or switch a path on (ids, credit codes, identity numbers, division codes, booleans, enums, input
 * objects): optional free text and dates that a validator may refuse stay out of the way.
 */
export function fillArgs(args: readonly GraphQLArgument[], fx: Fixtures, opts: { ownDivision?: string; minimal?: boolean; keysOnly?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const named = getNamedType(a.type);
    // keysOnly: required arguments and the keys alone (a search by identity number, not also by name and kind).
    if (opts.keysOnly && !isNonNullType(a.type) && !(KEYS.has(named.name) || isInputObjectType(named))) continue;
    if (opts.minimal && !isNonNullType(a.type) && !(KEY_TYPES.has(named.name) || isEnumType(named) || isInputObjectType(named))) continue;
    const v = fillValue(a.type, a.name, fx, opts);
    if (v !== undefined) out[a.name] = v;
  }
  return out;
}

/** One operation calling `field` with every argument as a variable of its declared type. */
export function operationFor(rf: RootField, argNames: string[], selectionDepth = 2): string {
  const args = rf.field.args.filter((a) => argNames.includes(a.name));
  const defs = args.map((a) => `$${a.name}: ${typeString(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${rf.operation} Probe${defs ? `(${defs})` : ''} { ${rf.field.name}${call ? `(${call})` : ''} ${selectionOf(rf.field.type, selectionDepth)} }`;
}

/** Every string leaf of a JSON value, with its path. */
export function stringLeaves(v: unknown, path = '', out: { path: string; value: string }[] = []): { path: string; value: string }[] {
  if (typeof v === 'string') out.push({ path, value: v });
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, `${path}.${i}`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringLeaves(x, path ? `${path}.${k}` : k, out);
  return out;
}

export const missingLike = (raw: string) => (/^[0-9a-f-]{36}$/i.test(raw) ? randomUUID() : /^\d+$/.test(raw) ? `62${'9'.repeat(Math.max(0, raw.length - 2))}` : `${raw}x`);

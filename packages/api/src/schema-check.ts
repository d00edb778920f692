import { notNullColumnNames } from '@safecity/core';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * The schema conventions of the README ("Schema conventions"), measured and enforced: the CLI's
 * `schema-check` prints these figures and fails CI when a rule is broken. Pure over a built
 * schema and the modules' tables, so a test can run it on the real schema.
 */

/** Field names that are a record's identity or bookkeeping: such a field is never null when its column is NOT NULL. */
export const ALWAYS_PRESENT_NAMES = /^(id|name|code|address|version|createdAt|recordedAt|jurisdictionCode|creditCode|kind|status|category|level|seq)$/;

export interface ColumnNullability {
  /** Column (JS property) names that are NOT NULL in every table that has them. */
  notNull: Set<string>;
}

/** From the modules' drizzle tables (core's notNullColumnNames): which column names are NOT NULL wherever they occur. */
export function columnNullability(tables: unknown[]): ColumnNullability {
  return { notNull: notNullColumnNames(tables) };
}

export interface Coverage {
  described: number;
  total: number;
  missing: string[];
}

export interface SchemaFigures {
  types: Coverage;
  rootFields: Coverage;
  fields: Coverage;
  args: Coverage;
  enumValues: Coverage;
  /** `Type.field` that are nullable although their value always exists. */
  nullableAlwaysPresent: string[];
  /** Types named like a root (`Query…`, `Mutation…`, `Subscription…`) that are not the root. */
  rootLookalikes: string[];
  /** Counted for the report: nullable output fields, all output fields. */
  nullableFields: number;
  outputFields: number;
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

function cover(): Coverage {
  return { described: 0, total: 0, missing: [] };
}
function count(c: Coverage, name: string, description: string | null | undefined) {
  c.total += 1;
  if (description?.trim()) c.described += 1;
  else c.missing.push(name);
}

/** A field's value always exists: an `ID` named id, or an identity-like name whose column is NOT NULL everywhere. */
export function alwaysPresent(field: Pick<GraphQLField<unknown, unknown>, 'name' | 'type'>, columns: ColumnNullability): boolean {
  if (field.name === 'id' && getNamedType(field.type).name === 'ID') return true;
  return ALWAYS_PRESENT_NAMES.test(field.name) && columns.notNull.has(field.name);
}

export function schemaFigures(schema: GraphQLSchema, columns: ColumnNullability): SchemaFigures {
  const f: SchemaFigures = {
    types: cover(),
    rootFields: cover(),
    fields: cover(),
    args: cover(),
    enumValues: cover(),
    nullableAlwaysPresent: [],
    rootLookalikes: [],
    nullableFields: 0,
    outputFields: 0,
  };
  const types = Object.values(schema.getTypeMap()).filter((t: GraphQLNamedType) => !isIntrospectionType(t) && !isSpecifiedScalarType(t));
  for (const type of types.sort((a, b) => a.name.localeCompare(b.name))) {
    count(f.types, type.name, type.description);
    if (!ROOTS.has(type.name) && /^(Query|Mutation|Subscription)[A-Z]/.test(type.name)) f.rootLookalikes.push(type.name);
    if (isEnumType(type)) for (const v of type.getValues()) count(f.enumValues, `${type.name}.${v.name}`, v.description);
    if (isInputObjectType(type)) for (const fl of Object.values(type.getFields())) count(f.fields, `${type.name}.${fl.name}`, fl.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const fl of Object.values(type.getFields())) {
        const name = `${type.name}.${fl.name}`;
        count(ROOTS.has(type.name) ? f.rootFields : f.fields, name, fl.description);
        for (const a of fl.args) count(f.args, `${name}(${a.name})`, a.description);
        if (ROOTS.has(type.name)) continue;
        f.outputFields += 1;
        if (!isNonNullType(fl.type)) {
          f.nullableFields += 1;
          if (alwaysPresent(fl, columns)) f.nullableAlwaysPresent.push(name);
        }
      }
    }
  }
  return f;
}

/** The thresholds of the conventions (issue #14). */
export const TARGETS = { types: 1, rootFields: 1, fields: 0.95, args: 0.95, enumValues: 0.95 } as const;

/**
 * What CI enforces: the targets themselves (reached on 2026-11-28). Kept as its own table so a
 * team adopting the check on a schema that falls short can set floors that only go up.
 */
export const FLOORS: Record<keyof typeof TARGETS, number> = { ...TARGETS };

const pct = (c: Coverage) => (c.total === 0 ? 1 : c.described / c.total);

/** Human-readable lines, the broken rules (failures) and the targets not reached yet (pending). */
export function schemaReport(f: SchemaFigures, floors: Record<keyof typeof TARGETS, number> = FLOORS): { lines: string[]; failures: string[]; pending: string[] } {
  const lines: string[] = [];
  const failures: string[] = [];
  const pending: string[] = [];
  lines.push(`nullable output fields: ${f.nullableFields} of ${f.outputFields}; nullable although always present: ${f.nullableAlwaysPresent.length}`);
  if (f.nullableAlwaysPresent.length) failures.push(`nullable fields whose value always exists: ${f.nullableAlwaysPresent.join(', ')}`);
  for (const key of Object.keys(TARGETS) as (keyof typeof TARGETS)[]) {
    const c = f[key];
    const floor = Math.min(floors[key], TARGETS[key]);
    lines.push(`descriptions on ${key}: ${c.described} of ${c.total} (${(pct(c) * 100).toFixed(1)}%; target ${TARGETS[key] * 100}%, enforced floor ${(floor * 100).toFixed(0)}%)`);
    const missing = `missing: ${c.missing.slice(0, 20).join(', ')}${c.missing.length > 20 ? `, … (${c.missing.length} in all)` : ''}`;
    if (pct(c) < floor) failures.push(`descriptions on ${key} below the floor ${(floor * 100).toFixed(0)}%; ${missing}`);
    else if (pct(c) < TARGETS[key]) pending.push(`descriptions on ${key} below the target ${TARGETS[key] * 100}%; ${missing}`);
  }
  lines.push(`types named like a root: ${f.rootLookalikes.length}`);
  if (f.rootLookalikes.length) failures.push(`types named Query…/Mutation…/Subscription…: ${f.rootLookalikes.join(', ')}`);
  return { lines, failures, pending };
}

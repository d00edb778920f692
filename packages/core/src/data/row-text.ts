import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Nested rows of a planned statement travel as JSON arrays of PostgreSQL's text of each column,
 * in the order the plan chose (`to_json(array[col::text, ...])`; a list of rows a JSON array of
 * them), and are read back into rows keyed like drizzle's here. PostGraphile 5 sends text arrays
 * the same way. `json_build_object` looks up each argument's output function on every row and
 * writes every key: Q1's statement at a tenth of the city (50 dwellings, their tenants and
 * persons, their last visits) took 1.83-1.89 ms with JSON objects and 1.48-1.55 with JSON arrays
 * of text (`pgbench -M prepared`, one client, three rounds of 4 s, 2026-12-02), and the page's
 * JSON is 43 KB instead of 69 KB, parsed and shaped in 162-170 µs against 178-183 for the
 * objects (docs/request-path.md).
 */

/** The value of one element (null stays null). */
export type ElementDecoder = (text: string) => unknown;

/** A column's element: its SQL expression as text (given the column's reference) and the decoder of that text. */
export interface ColumnElement {
  sql: (ref: string) => string;
  decode: ElementDecoder | null;
}

const asText = (ref: string) => `${ref}::text`;
const same: ColumnElement = { sql: asText, decode: null };
/** Text already: no cast in the statement. */
const textElement: ColumnElement = { sql: (ref) => ref, decode: null };
const numberElement: ColumnElement = { sql: asText, decode: Number };
const booleanElement: ColumnElement = { sql: asText, decode: (t) => t === 'true' };
const jsonElement: ColumnElement = { sql: asText, decode: (t) => JSON.parse(t) };
/** A type this file does not know: its JSON, read back as the JSON objects were before. */
const viaJson: ColumnElement = { sql: (ref) => `to_json(${ref})::text`, decode: (t) => JSON.parse(t) };

/**
 * Pure rule: how a column travels as an element, by drizzle's column type. The decoded value is
 * what the driver gives for the same column at the root (drizzle's own mapping then applies in
 * `hydrate`): text, uuids, enums, dates, times and timestamps as PostgreSQL's text (drizzle's
 * sessions leave them as text), 64-bit integers and numerics as strings, smaller numbers as
 * numbers, booleans as booleans, JSON parsed, arrays as arrays of their elements' values.
 */
export function columnElement(column: PgColumn): ColumnElement {
  switch (column.columnType) {
    case 'PgText':
    case 'PgVarchar':
      return textElement;
    case 'PgUUID':
    case 'PgEnumColumn':
    case 'PgDate':
    case 'PgDateString':
    case 'PgTimestamp':
    case 'PgTimestampString':
    case 'PgTime':
    case 'PgInterval':
    case 'PgBigInt53':
    case 'PgBigInt64':
    case 'PgBigSerial53':
    case 'PgBigSerial64':
    case 'PgNumeric':
    case 'PgNumericNumber':
    case 'PgNumericBigInt':
    case 'PgEnumObjectColumn':
    case 'PgInet':
    case 'PgCidr':
    case 'PgMacaddr':
    case 'PgMacaddr8':
      return same;
    case 'PgInteger':
    case 'PgSmallInt':
    case 'PgSerial':
    case 'PgSmallSerial':
    case 'PgReal':
    case 'PgDoublePrecision':
      return numberElement;
    case 'PgBoolean':
      return booleanElement;
    case 'PgJson':
    case 'PgJsonb':
      return jsonElement;
    default:
      return viaJson;
  }
}

/** A nested row's elements (texts, in the plan's order) made the row, keyed by property or `@` and a relation's response key. */
export type RowDecoder = (elements: readonly unknown[]) => Record<string, unknown>;

/**
 * A field of a nested row: one element read by its decoder (none: the text is the value), or a
 * joined row (a `one` relation found by its target's key, joined into the level) whose elements
 * follow in place; it is null when its key element (`presentAt`, counted from its first element)
 * is null, as a left join without a match gives.
 */
export type RowField = { key: string; decode: ElementDecoder | null } | { key: string; joined: readonly RowField[]; presentAt: number };

interface RowReader {
  width: number;
  read: (elements: readonly unknown[], at: number) => Record<string, unknown>;
}

function rowReader(fields: readonly RowField[]): RowReader {
  const parts = fields.map((f) => ('joined' in f ? { key: f.key, sub: rowReader(f.joined), presentAt: f.presentAt } : { key: f.key, decode: f.decode }));
  const width = parts.reduce((n, p) => n + ('sub' in p ? p.sub!.width : 1), 0);
  return {
    width,
    read: (elements, at) => {
      const row: Record<string, unknown> = {};
      let i = at;
      for (const p of parts) {
        if ('sub' in p) {
          const sub = p.sub!;
          row[p.key] = elements[i + p.presentAt!] == null ? null : sub.read(elements, i);
          i += sub.width;
        } else {
          const v = elements[i++];
          row[p.key] = v == null ? null : p.decode ? p.decode(v as string) : v;
        }
      }
      return row;
    },
  };
}

/**
 * Pure rule: the decoder of rows whose elements are `fields` in order, a joined row's elements
 * in place of it. A null element is null whatever its column.
 */
export function rowDecoder(fields: readonly RowField[]): RowDecoder {
  const reader = rowReader(fields);
  return (elements) => reader.read(elements, 0);
}

/** A JSON value as the driver gave it: parsed already (a json column), or its text (an element of a text array). */
export const parsedJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

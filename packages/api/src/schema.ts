import { buildSchema, withCore } from '@safecity/core';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { modules } from './modules.js';
import { columnNullability, schemaFigures, schemaReport } from './schema-check.js';

export const schema = buildSchema(modules);

/** The committed artifact: `schema.graphql` must equal this (see the drift test). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** The conventions' figures for the schema the modules build (`npm run cli -- schema-check`). */
export function checkedSchema() {
  const columns = columnNullability(withCore(modules).flatMap((m) => Object.values(m.tables)));
  const figures = schemaFigures(schema, columns);
  return { figures, ...schemaReport(figures) };
}

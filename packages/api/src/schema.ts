import { buildSchema } from '@safecity/core';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { modules } from './modules.js';

export const schema = buildSchema(modules);

/** The committed artifact: `schema.graphql` must equal this (see the drift test). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

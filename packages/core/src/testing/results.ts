import { rowsOf } from '../sql-helpers.js';
import type { SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import type { GqlResult, TestServer } from './index.js';

/** The selection of a mutation's `Success | DomainError` union. */
export const RESULT = (success: string, selection: string) => `__typename ... on ${success} { data { ${selection} } } ... on DomainError { code field message }`;

/** The Success member's data of a mutation result (fails the test on a DomainError). */
export function ok<T = any>(r: GqlResult, field = 'r'): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const v = r.data[field];
  expect(v.__typename, JSON.stringify(v)).toMatch(/Success$/);
  return v.data;
}

/** The DomainError member of a mutation result. */
export function failed(r: GqlResult, field = 'r'): { code: string; field: string | null } {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const v = r.data[field];
  expect(v.__typename, JSON.stringify(v)).toBe('DomainError');
  return v;
}

/** Rows of a statement on the server's database, whichever driver (PGlite or postgres.js). */
export async function rows<T = any>(s: TestServer, query: SQL): Promise<T[]> {
  return rowsOf<T>(await s.database.db.execute(query));
}

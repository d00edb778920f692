import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIds, batchIdSql, rowsOf, sql } from '@safecity/core';
import { createTestDatabase } from '@safecity/core/testing';
import type { Database } from '@safecity/core';

let d: Database;
beforeAll(async () => {
  d = await createTestDatabase();
});
afterAll(() => d?.close());

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The byte order PostgreSQL sorts uuids in. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('batch ids (rows of one bulk write side by side in their indexes)', () => {
  it('are version-4 UUIDs, distinct, sorted in the order they are drawn, under one prefix per batch', () => {
    const next = batchIds();
    const ids = Array.from({ length: 20_000 }, () => next());
    expect(ids.every((id) => V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(byBytes)).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
    // Another batch: another prefix (48 random bits), and the same numbers give other ids.
    const other = batchIds()();
    expect(other.slice(0, 13)).not.toBe(ids[0]!.slice(0, 13));
  });

  it('are the same in SQL: version 4, distinct, in row order, and no id past 2^26 rows', async () => {
    const rows = rowsOf<{ n: number; id: string }>(
      await d.db.execute(sql`select n, ${batchIdSql(sql`n`)}::text as id from generate_series(0, 20000) n union all select 67108864, ${batchIdSql(sql`67108864`)}::text`),
    );
    const ids = rows.filter((r) => Number(r.n) <= 20000).map((r) => r.id);
    expect(ids.every((id) => V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const inUuidOrder = rowsOf<{ id: string }>(await d.db.execute(sql`select id::text from unnest(${sql.param(ids)}::uuid[]) id order by id`)).map((r) => r.id);
    expect(inUuidOrder).toEqual(ids);
    expect(rows.find((r) => Number(r.n) === 67108864)!.id).toBeNull();
  });
});

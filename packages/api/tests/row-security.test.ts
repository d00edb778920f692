import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModule, jurisdictionTablesOf, sql, withCore, type ModuleDescriptor } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { modules } from '../src/modules.js';

const tables = jurisdictionTablesOf(withCore(modules));

/**
 * Not in the api's list: a module whose one query reads a whole jurisdiction table with no filter
 * at all, on purpose. Only row-level security stands between it and the other districts' rows.
 */
const unfilteredProbe: ModuleDescriptor = defineModule({
  name: 'probe-unfiltered',
  tables: {},
  permissions: {},
  errorCodes: [],
  subscribers: [],
  emits: [],
  register(builder) {
    builder.queryField('unfilteredCodes', (t) =>
      t.stringList({
        args: { table: t.arg.string({ required: true }) },
        resolve: async (_r, { table }, ctx) => {
          if (!tables.some((x) => x.table === table)) throw new Error(`not a jurisdiction table: ${table}`);
          const r = await ctx.db.execute(sql.raw(`select * from ${table}`));
          return (r as unknown as { rows?: Record<string, string>[] }).rows?.map((x) => x.jurisdiction_code) ?? (r as unknown as Record<string, string>[]).map((x) => x.jurisdiction_code);
        },
      }),
    );
  },
});

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ modules: [...modules, unfilteredProbe], seeded: true });
  // Every jurisdiction table gets a row in each district, whatever the seed left empty.
  for (const { table } of tables) {
    if ((await ownerCount(table, `jurisdiction_code like '620102%'`)) === 0) await addRow(table, '620102001001');
    if ((await ownerCount(table, `jurisdiction_code not like '620102%'`)) === 0) await addRow(table, '620103001001');
  }
}, 300_000);

async function query<T>(text: string): Promise<T[]> {
  const r = await s.database.db.execute(sql.raw(text));
  return (r as unknown as { rows?: T[] }).rows ?? (r as unknown as T[]);
}

/** As the owner: a copy of any row of `table` (or a made-up one) moved to `code`, with fresh keys. */
async function addRow(table: string, code: string): Promise<void> {
  const cols = await query<{ name: string; type: string; udt: string; nullable: string; dflt: string | null; pk: boolean }>(
    `select c.column_name as name, c.data_type as type, c.udt_name as udt, c.is_nullable as nullable, c.column_default as dflt,
            exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                    where i.indrelid = '${table}'::regclass and i.indisunique and a.attname = c.column_name) as pk
       from information_schema.columns c where c.table_name = '${table}' and c.table_schema = 'public' order by c.ordinal_position`,
  );
  // A vocabulary column (a check constraint listing its values) gets its first allowed value; the
  // other columns of a unique index make the row fresh.
  const checks = await query<{ def: string }>(`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = '${table}'::regclass and contype = 'c'`);
  const allowed = (column: string) => {
    for (const { def } of checks) {
      if (!new RegExp(`\\b${column}\\b`).test(def)) continue;
      const m = /'([^']*)'::text/.exec(def);
      if (m) return `'${m[1]}'`;
    }
    return null;
  };
  const fresh = (c: (typeof cols)[number]) => {
    if (c.name === 'jurisdiction_code') return `'${code}'`;
    if (c.udt === 'uuid') return 'gen_random_uuid()';
    if (c.dflt && /nextval/.test(c.dflt)) return c.dflt;
    if (c.udt === 'text' || c.udt === 'varchar') return allowed(c.name) ?? `'rls-' || gen_random_uuid()::text`;
    if (/int/.test(c.udt) || c.udt === 'numeric') return `(random() * 1000000000)::int`;
    if (c.udt === 'date') return `current_date - (random() * 3000)::int`;
    return null;
  };
  const existing = await query<Record<string, unknown>>(`select 1 from ${table} limit 1`);
  // One transaction: on a server pool the setting must be on the connection that inserts.
  await s.database.db.transaction(async (tx) => {
    // Triggers (append-only, foreign keys) off for this made-up row: it only needs to exist.
    await tx.execute(sql.raw(`set local session_replication_role = replica`));
    if (existing.length) {
      const select = cols.map((c) => (c.pk || c.name === 'jurisdiction_code' ? (fresh(c) ?? c.name) : c.name)).join(', ');
      await tx.execute(sql.raw(`insert into ${table} (${cols.map((c) => c.name).join(', ')}) select ${select} from ${table} limit 1`));
    } else {
      const value = (c: (typeof cols)[number]) => {
        const f = fresh(c);
        if (f && (c.pk || c.name === 'jurisdiction_code')) return f;
        if (c.dflt) return 'default';
        if (c.nullable === 'YES') return 'null';
        if (!c.udt.startsWith('_') && allowed(c.name)) return allowed(c.name)!;
        if (c.udt === 'bool') return 'false';
        if (c.udt === 'jsonb' || c.udt === 'json') return `'{}'`;
        if (c.udt === 'timestamptz' || c.udt === 'timestamp') return 'now()';
        if (c.udt.startsWith('_')) return `'{}'`;
        if (/int/.test(c.udt) || c.udt === 'numeric') return '1';
        if (c.udt === 'date') return 'current_date';
        return f ?? `'x'`;
      };
      await tx.execute(sql.raw(`insert into ${table} (${cols.map((c) => c.name).join(', ')}) values (${cols.map(value).join(', ')})`));
    }
  });
}
afterAll(() => s?.close());

async function ownerCount(table: string, where: string): Promise<number> {
  return (await query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`))[0]!.n;
}

describe('row-level security: an unfiltered select as a district officer', () => {
  it('covers every table with a jurisdiction column', () => {
    expect(tables.length).toBeGreaterThan(30);
  });

  it('sees no row outside 城关区 (620102) in any jurisdiction table, and every row inside it', async () => {
    const token = await s.token('district_officer', '620102');
    const report: Record<string, { outsideAsOwner: number; insideAsOwner: number; seen: number }> = {};
    for (const { table } of tables) {
      const r = await s.gql<{ unfilteredCodes: string[] }>(`query($t: String!) { unfilteredCodes(table: $t) }`, { t: table }, { token });
      expect(r.errors, table).toBeUndefined();
      const codes = r.data!.unfilteredCodes;
      expect(
        codes.filter((c) => !c.startsWith('620102')),
        table,
      ).toEqual([]);
      const inside = await ownerCount(table, `jurisdiction_code like '620102%'`);
      report[table] = { outsideAsOwner: await ownerCount(table, `jurisdiction_code not like '620102%'`), insideAsOwner: inside, seen: codes.length };
      expect(codes.length, table).toBe(inside);
    }
    // The test can fail: every table holds rows of the other district that the owner sees.
    expect(Object.entries(report).filter(([, r]) => r.outsideAsOwner === 0 || r.seen === 0)).toEqual([]);
  });
});

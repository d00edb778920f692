// Foreign keys as the modules declare them in their drizzle tables: the loader COPYs parents
// before children (a table that gains a foreign key keeps loading), and the bench tells
// PostGraphile about a relation by smart comment only where no real foreign key exists.
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { withCore } from '@safecity/core';
import { modules } from '@safecity/api';

export interface ForeignKey {
  table: string;
  columns: string[];
  foreignTable: string;
  foreignColumns: string[];
}

/** Every foreign key declared in the drizzle tables of every module (core included). */
export function declaredForeignKeys(): ForeignKey[] {
  const out: ForeignKey[] = [];
  for (const m of withCore(modules)) {
    for (const t of Object.values(m.tables ?? {}) as PgTable[]) {
      const cfg = getTableConfig(t);
      for (const fk of cfg.foreignKeys) {
        const ref = fk.reference();
        out.push({ table: cfg.name, columns: ref.columns.map((c) => c.name), foreignTable: getTableConfig(ref.foreignTable).name, foreignColumns: ref.foreignColumns.map((c) => c.name) });
      }
    }
  }
  return out;
}

/**
 * `tables` ordered so that every table comes after the tables it references (a stable
 * topological sort: among tables free to go, the given order is kept). Self references and
 * references to tables outside the list (e.g. jurisdictions, seeded before) do not constrain.
 */
export function orderByForeignKeys(tables: string[], fks: ForeignKey[]): string[] {
  const set = new Set(tables);
  const deps = new Map(tables.map((t) => [t, new Set(fks.filter((f) => f.table === t && f.foreignTable !== t && set.has(f.foreignTable)).map((f) => f.foreignTable))]));
  const out: string[] = [];
  const done = new Set<string>();
  while (out.length < tables.length) {
    const next = tables.find((t) => !done.has(t) && [...deps.get(t)!].every((d) => done.has(d)));
    if (!next) throw new Error(`foreign keys form a cycle among: ${tables.filter((t) => !done.has(t)).join(', ')}`);
    out.push(next);
    done.add(next);
  }
  return out;
}

export async function loadOrder(tables: string[]): Promise<string[]> {
  return orderByForeignKeys(tables, declaredForeignKeys());
}

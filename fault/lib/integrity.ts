import postgres from 'postgres';
import type { AcknowledgedWrite } from './load.js';

export interface Integrity {
  /** Acknowledged writes whose entity is not in the database. */
  lost: number;
  /** Entities of the suite without their audit entry (a write that half-committed). */
  halfWritten: number;
  checked: number;
}

/** Every acknowledged person is there, and every person the suite wrote has its audit entry. */
export async function checkWrites(databaseUrl: string, acknowledged: AcknowledgedWrite[], namePrefix: string): Promise<Integrity> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const names = acknowledged.map((a) => a.name);
    const found = names.length ? await sql<{ name: string }[]>`select name from persons where name = any(${names})` : [];
    const present = new Set(found.map((r) => r.name));
    const [half] = await sql<{ n: number }[]>`
      select count(*)::int as n from persons p
      where p.name like ${`${namePrefix}%`}
        and not exists (select 1 from audit_log a where a.entity_type = 'Person' and a.entity_id = p.id::text)`;
    return { lost: names.filter((n) => !present.has(n)).length, halfWritten: half!.n, checked: names.length };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function query<T extends object>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text, params as never[])) as unknown as T[];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

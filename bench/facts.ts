import type { Sql } from 'postgres';
import type { Facts } from './ops.js';

async function tableExists(sql: Sql, name: string) {
  const [r] = await sql`select to_regclass(${`public.${name}`}) is not null as ok`;
  return r.ok as boolean;
}

/** Picks the arguments of the operations from the loaded data (deterministic: ordered queries). */
export async function collectFacts(sql: Sql): Promise<Facts> {
  const [sub] = await sql`select parent_code as code from jurisdictions where level = 'community' group by parent_code order by count(*) desc, parent_code limit 1`;
  const communities = (await sql`select code from jurisdictions where level = 'community' and code like '620102%' order by code limit 20`).map((r) => r.code as string);
  const facts: Facts = { subdistrict: sub.code, communities };
  if (await tableExists(sql, 'credit_subjects')) facts.creditSubjects = Number((await sql`select count(*)::int as n from credit_subjects`)[0].n);
  if (await tableExists(sql, 'dwellings')) {
    // Communities with the most dwellings (full pages of 50).
    facts.q1Communities = (await sql`select left(jurisdiction_code, 12) as c from dwellings group by 1 order by count(*) desc, 1 limit 3`).map((r) => r.c as string);
  }
  return facts;
}


import type { Sql } from 'postgres';
import type { Facts } from './ops.js';
import { freshPersonId } from './plans.js';

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
  if (await tableExists(sql, 'unit_assessments')) {
    // Units whose history holds a veto first (what an auditor looks for), then others.
    facts.q2Units = (await sql`select unit_id::text as id from unit_assessments group by unit_id order by bool_or(vetoed) desc, unit_id limit 5`).map((r) => r.id as string);
  }
  if ((await tableExists(sql, 'persons')) && (await tableExists(sql, 'dwellings'))) {
    // M1: the fresh persons (no registration) and 20 dwellings of their district.
    const [fresh] = await sql`select count(*)::int as n, min(jurisdiction_code) as j from persons p
      where p.id between ${freshPersonId(1)}::uuid and ${freshPersonId(999_999_999)}::uuid
        and not exists (select 1 from residence_registrations r where r.person_id = p.id)`;
    facts.m1FreshPersons = fresh.n;
    if (fresh.n) {
      facts.m1District = String(fresh.j).slice(0, 6);
      facts.m1Dwellings = (await sql`select id::text as id, jurisdiction_code as j from dwellings where jurisdiction_code like ${`${facts.m1District}%`} order by id limit 20`).map((r) => ({
        id: r.id as string,
        jurisdictionCode: r.j as string,
      }));
    }
  }
  return facts;
}

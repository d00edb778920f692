/**
 * Deliberate reads across jurisdictions that row-level security would otherwise refuse, each one
 * narrow and named. A person who moved away lives in the receiving jurisdiction now; the side they
 * left still finds its departure records by the identity number, so it needs the person's id (and
 * nothing else) behind a number wherever the person is. SECURITY DEFINER: runs as the owner.
 */
export const POPULATION_ROW_SECURITY_SQL = [
  `create or replace function population_person_ids_by_hash(hashes text[]) returns setof uuid
     language sql stable security definer set search_path = public
     as $$ select id from persons where id_number_hash = any(hashes) $$`,
];

import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import type { GqlResult, TestServer } from '@safecity/core/testing';

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

export async function rows<T = any>(s: TestServer, query: ReturnType<typeof sql>): Promise<T[]> {
  const r = await s.database.db.execute(query);
  return ((r as { rows?: unknown[] }).rows ?? (r as unknown as unknown[])) as T[];
}

export async function count(s: TestServer, table: string): Promise<number> {
  const [r] = await rows<{ n: number }>(s, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return Number(r.n);
}

export const RESULT = (success: string, selection: string) => `__typename ... on ${success} { data { ${selection} } } ... on DomainError { code field message }`;

export const RECORD_PERSON = `mutation($name: String!, $idNumber: ResidentIdNumber!, $kind: PersonKind!, $inflowReason: InflowReason, $inflowDate: Date,
  $hukou: DivisionCode!, $j: DivisionCode!, $birthDate: Date, $gender: Gender, $tier: TenantTier) {
  r: recordPerson(name: $name, idNumber: $idNumber, kind: $kind, inflowReason: $inflowReason, inflowDate: $inflowDate, hukouPlaceCode: $hukou,
    jurisdictionCode: $j, birthDate: $birthDate, gender: $gender, tier: $tier) {
    ${RESULT('MutationRecordPersonSuccess', 'id version name idNumber birthDate gender kind tier jurisdictionCode')}
  }
}`;

export const RECORD_DWELLING = `mutation($address: String!, $j: DivisionCode!, $rooms: Int!, $capacity: Int!, $cls: DwellingClass, $listedOn: Date, $filingNumber: String, $filedOn: Date, $uv: Boolean, $landlordId: ID) {
  r: recordDwelling(address: $address, jurisdictionCode: $j, rooms: $rooms, capacity: $capacity, dwellingClass: $cls, listedOn: $listedOn,
    filingNumber: $filingNumber, filedOn: $filedOn, urbanVillageBuilding: $uv, landlordId: $landlordId) {
    ${RESULT('MutationRecordDwellingSuccess', 'id version address dwellingClass revisitDueOn capacity filingStatus')}
  }
}`;

export const REGISTER = `mutation($p: ID!, $d: ID!, $on: Date!) {
  r: registerResidence(personId: $p, dwellingId: $d, registeredOn: $on) {
    ${RESULT('MutationRegisterResidenceSuccess', 'id registeredOn overCapacity active jurisdictionCode person { id } dwelling { id overCapacity }')}
  }
}`;

export const REVISIT = `mutation($d: ID!, $at: DateTime!, $matched: Boolean!, $departed: [ID!]) {
  r: recordRevisit(dwellingId: $d, visitedAt: $at, matched: $matched, departed: $departed) {
    ${RESULT('MutationRecordRevisitSuccess', 'id visitedOn matched tenants { outcome person { id } }')}
  }
}`;

export const DEREGISTER = `mutation($id: ID!, $on: Date!, $reason: String!) {
  r: deregisterResidence(registrationId: $id, deregisteredOn: $on, reason: $reason) {
    ${RESULT('MutationDeregisterResidenceSuccess', 'id active endedOn endKind endReason')}
  }
}`;

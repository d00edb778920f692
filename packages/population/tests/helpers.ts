import { sql } from 'drizzle-orm';
import { failed, ok, RESULT, rows, type TestServer } from '@safecity/core/testing';
import { residentIdNumber } from '../src/seed.js';

export { failed, ok, RESULT, rows };

export async function count(s: TestServer, table: string): Promise<number> {
  const [r] = await rows<{ n: number }>(s, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return Number(r.n);
}

export const RECORD_PERSON = `mutation($name: String!, $idNumber: ResidentIdNumber!, $kind: PersonKind!, $inflowReason: InflowReason, $inflowDate: Date,
  $hukou: DivisionCode!, $j: DivisionCode!, $birthDate: Date, $gender: Gender, $tier: TenantTier) {
  r: recordPerson(name: $name, idNumber: $idNumber, kind: $kind, inflowReason: $inflowReason, inflowDate: $inflowDate, hukouPlaceCode: $hukou,
    jurisdictionCode: $j, birthDate: $birthDate, gender: $gender, tier: $tier) {
    ${RESULT('RecordPersonSuccess', 'id version name idNumber birthDate gender kind tier jurisdictionCode')}
  }
}`;

export const RECORD_DWELLING = `mutation($address: String!, $j: DivisionCode!, $rooms: Int!, $capacity: Int!, $cls: DwellingClass, $listedOn: Date, $filingNumber: String, $filedOn: Date, $uv: Boolean, $landlordId: ID) {
  r: recordDwelling(address: $address, jurisdictionCode: $j, rooms: $rooms, capacity: $capacity, dwellingClass: $cls, listedOn: $listedOn,
    filingNumber: $filingNumber, filedOn: $filedOn, urbanVillageBuilding: $uv, landlordId: $landlordId) {
    ${RESULT('RecordDwellingSuccess', 'id version address dwellingClass revisitDueOn capacity filingStatus')}
  }
}`;

export const REGISTER = `mutation($p: ID!, $d: ID!, $on: Date!) {
  r: registerResidence(personId: $p, dwellingId: $d, registeredOn: $on) {
    ${RESULT('RegisterResidenceSuccess', 'id registeredOn overCapacity active jurisdictionCode person { id } dwelling { id overCapacity }')}
  }
}`;

export const REVISIT = `mutation($d: ID!, $at: DateTime!, $matched: Boolean!, $departed: [ID!]) {
  r: recordRevisit(dwellingId: $d, visitedAt: $at, matched: $matched, departed: $departed) {
    ${RESULT('RecordRevisitSuccess', 'id visitedOn matched tenants { edges { node { outcome person { id } } } }')}
  }
}`;

export const DEREGISTER = `mutation($id: ID!, $on: Date!, $reason: String!) {
  r: deregisterResidence(registrationId: $id, deregisteredOn: $on, reason: $reason) {
    ${RESULT('DeregisterResidenceSuccess', 'id active endedOn endKind endReason')}
  }
}`;

/** A floating person of `grid`, the n-th of a test file (its identity number is unique by n); returns the global id. */
export async function floatingPerson(s: TestServer, token: string, grid: string, n: number, name = '李四'): Promise<string> {
  const idNumber = residentIdNumber('410102', `1985-03-0${(n % 9) + 1}`, n);
  const vars = { name, idNumber, kind: 'floating', inflowReason: 'work', inflowDate: '2024-12-01', hukou: '410102', j: grid };
  return ok(await s.gql(RECORD_PERSON, vars, { token })).id as string;
}

/** A dwelling of `grid` at a street number of its own; returns the global id. */
export async function dwellingAt(s: TestServer, token: string, grid: string, address: string, capacity: number): Promise<string> {
  return ok(await s.gql(RECORD_DWELLING, { address, j: grid, rooms: 2, capacity }, { token })).id as string;
}

/** registerResidence with an idempotency key (`$k`), answering `fields` of the registration. */
export const registerKeyed = (fields: string) => `mutation($p: ID!, $d: ID!, $on: Date!, $k: IdempotencyKey) {
  r: registerResidence(personId: $p, dwellingId: $d, registeredOn: $on, idempotencyKey: $k) {
    ${RESULT('RegisterResidenceSuccess', fields)}
  }
}`;

import { expect } from 'vitest';
import type { GqlResult, TestServer } from '@safecity/core/testing';

export const DISPUTE_FIELDS = 'id version status level kind riskLevel mediationKind deadline escalations registeredOn resolvedOn followUpDueOn jurisdictionCode organisation { id name } mediatorName';
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

export async function rows<T = any>(s: TestServer, q: Parameters<TestServer['database']['db']['execute']>[0]): Promise<T[]> {
  const r = await s.database.db.execute(q);
  return ((r as { rows?: unknown[] }).rows ?? (r as unknown as unknown[])) as T[];
}

export const REGISTER = `mutation($j: DivisionCode!, $kind: DisputeKind!, $source: DisputeSource!, $risk: DisputeRiskLevel!, $mass: Boolean!, $desc: String!,
  $parties: [DisputePartyInput!]!, $on: Date, $unit: DisputeUnitInput, $round: ID) {
  r: registerDispute(jurisdictionCode: $j, kind: $kind, source: $source, riskLevel: $risk, massIncidentRisk: $mass, description: $desc,
    parties: $parties, registeredOn: $on, unit: $unit, screeningRoundId: $round) {
    ${RESULT('MutationRegisterDisputeSuccess', `${DISPUTE_FIELDS} parties { role personId name phone } steps { kind on outcome }`)}
  }
}`;

export const ROUTE = `mutation($d: ID!, $o: ID!, $m: String!, $on: Date, $v: Int, $k: MediationKind) {
  r: routeDispute(disputeId: $d, organisationId: $o, mediatorName: $m, on: $on, version: $v, mediationKind: $k) { ${RESULT('MutationRouteDisputeSuccess', DISPUTE_FIELDS)} }
}`;

export const SESSION = `mutation($d: ID!, $on: Date!, $outcome: MediationSessionOutcome!, $notes: String!, $agreement: String, $v: Int) {
  r: recordMediationSession(disputeId: $d, on: $on, outcome: $outcome, notes: $notes, agreement: $agreement, version: $v) {
    ${RESULT('MutationRecordMediationSessionSuccess', `${DISPUTE_FIELDS} agreement steps { kind on level outcome }`)}
  }
}`;

export const ORG = `mutation($name: String!, $kind: MediationOrganisationKind!, $j: DivisionCode!) {
  r: registerMediationOrganisation(name: $name, kind: $kind, jurisdictionCode: $j) { ${RESULT('MutationRegisterMediationOrganisationSuccess', 'id name kind jurisdictionCode')} }
}`;

export const MASS = `mutation($d: ID!, $at: DateTime!, $desc: String!, $unit: DisputeUnitInput, $n: Int) {
  r: recordMassIncident(disputeId: $d, occurredAt: $at, description: $desc, unit: $unit, participants: $n) { ${RESULT('MutationRecordMassIncidentSuccess', `${DISPUTE_FIELDS} massIncidentOn`)} }
}`;

/** A day relative to today in the city (Asia/Shanghai). */
export function chinaDay(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

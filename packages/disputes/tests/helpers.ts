import { addDays, chinaDateOf } from '@safecity/core';
import { failed, ok, RESULT, rows } from '@safecity/core/testing';

export { failed, ok, RESULT, rows };

export const DISPUTE_FIELDS = 'id version status level kind riskLevel mediationKind deadline escalations registeredOn resolvedOn followUpDueOn jurisdictionCode organisation { id name } mediatorName';

export const REGISTER = `mutation($j: DivisionCode!, $kind: DisputeKind!, $source: DisputeSource!, $risk: DisputeRiskLevel!, $mass: Boolean!, $desc: String!,
  $parties: [DisputePartyInput!]!, $on: Date, $unit: DisputeUnitInput, $round: ID) {
  r: registerDispute(jurisdictionCode: $j, kind: $kind, source: $source, riskLevel: $risk, massIncidentRisk: $mass, description: $desc,
    parties: $parties, registeredOn: $on, unit: $unit, screeningRoundId: $round) {
    ${RESULT('RegisterDisputeSuccess', `${DISPUTE_FIELDS} parties { role personId name phone } steps { edges { node { kind on outcome } } }`)}
  }
}`;

export const ROUTE = `mutation($d: ID!, $o: ID!, $m: String!, $on: Date, $v: Int, $k: MediationKind) {
  r: routeDispute(disputeId: $d, organisationId: $o, mediatorName: $m, on: $on, version: $v, mediationKind: $k) { ${RESULT('RouteDisputeSuccess', DISPUTE_FIELDS)} }
}`;

export const SESSION = `mutation($d: ID!, $on: Date!, $outcome: MediationSessionOutcome!, $notes: String!, $agreement: String, $v: Int) {
  r: recordMediationSession(disputeId: $d, on: $on, outcome: $outcome, notes: $notes, agreement: $agreement, version: $v) {
    ${RESULT('RecordMediationSessionSuccess', `${DISPUTE_FIELDS} agreement steps { edges { node { kind on level outcome } } }`)}
  }
}`;

export const ORG = `mutation($name: String!, $kind: MediationOrganisationKind!, $j: DivisionCode!) {
  r: registerMediationOrganisation(name: $name, kind: $kind, jurisdictionCode: $j) { ${RESULT('RegisterMediationOrganisationSuccess', 'id name kind jurisdictionCode')} }
}`;

export const MASS = `mutation($d: ID!, $at: DateTime!, $desc: String!, $unit: DisputeUnitInput, $n: Int) {
  r: recordMassIncident(disputeId: $d, occurredAt: $at, description: $desc, unit: $unit, participants: $n) { ${RESULT('RecordMassIncidentSuccess', `${DISPUTE_FIELDS} massIncidentOn`)} }
}`;

/** A day relative to today in the city (Asia/Shanghai). */
export function chinaDay(offsetDays = 0): string {
  return addDays(chinaDateOf(new Date()), offsetDays);
}

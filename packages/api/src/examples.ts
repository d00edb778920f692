/** The operations GraphiQL opens with: one per module, all valid for the seeded demo city. */
export const EXAMPLE_OPERATIONS = `# SafeCity 平安建设 API. The headers tab holds a development token for the city
# administrator; mint others with: npm run cli -- token <role>. Pick an operation and run it.

query MyJurisdiction {
  me { id roles jurisdiction { code name level } }
  jurisdiction(code: "620102") {
    name
    children(first: 5) { edges { node { code name level } } }
  }
}

query DwellingsWithTenants {
  dwellings(first: 10, filter: { jurisdictionCode: "620102" }) {
    edges { node { address dwellingClass overCapacity
      currentTenants { registeredOn person { name idNumber } }
      lastVisit { visitedAt matched } } }
    pageInfo { hasNextPage endCursor }
  }
}

query OverdueRevisits {
  overdueDwellings(first: 10, jurisdictionCode: "620102") {
    edges { node { address dwellingClass lastVisitedOn revisitDueOn daysOverdue } }
  }
}

query Rates {
  populationRates(jurisdictionCode: "620102", period: "2026") {
    total { name registration { numerator denominator value target met } consistency { value met } deregistration { value met } filing { value met } }
    children { name registration { value met } }
  }
}

query SafeUnits {
  safeUnits(first: 5) { edges { node { name category creditCode assessments(first: 10) { edges { node { total passed } } } } } }
}

query PublishedBlackList {
  publishedCreditList(listType: black, first: 10) { edges { node { subjectName creditCode reasonCategory startDate endDate } } }
}

query Disputes {
  disputes(first: 10, filter: { jurisdictionCode: "620102001" }) {
    edges { node { id kind riskLevel status level deadline mediationKind organisation { name }
      parties { role name personId } steps { edges { node { kind on level outcome } } } } }
    pageInfo { hasNextPage endCursor }
  }
}

query DisputeRates {
  disputeRates(jurisdictionCode: "620102001", period: "2026") {
    total { name screened resolved resolution { value percent } overdue escalated massIncidents }
    children { name screened resolved resolution { percent } overdue }
  }
}

query AuditTrail {
  auditLog(first: 5) { edges { node { at actorId operation entityType entityId } } }
  verifyAuditChain { ok checked }
}
`;

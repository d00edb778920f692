import { expect } from 'vitest';
import type { TestServer } from '@safecity/core/testing';

/** A mutation or query that must succeed: no GraphQL errors, no DomainError; its first field. */
export function okOn(s: TestServer) {
  return async (query: string, variables: Record<string, unknown>, token: string, headers?: Record<string, string>) => {
    const r = await s.gql(query, variables, { token, headers });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const [field] = Object.values(r.data as Record<string, any>);
    expect(field?.__typename ?? 'plain', JSON.stringify(field)).not.toBe('DomainError');
    return field;
  };
}

/**
 * An enterprise under one unit-scope veto rule, as a city admin sets it up: a standard of two
 * 50-point items, the veto rule set, a creation batch and the unit (in 620102001, with its credit
 * code). Returns the unit's id.
 */
export async function enterpriseUnderVeto(
  s: TestServer,
  admin: string,
  o: { secondItem: string; rule: { id: string; description: string; eventKind: string }; leadUnit: string; participatingUnit: string; targetDate: string; unitName: string; creditCode: string },
): Promise<string> {
  const ok = okOn(s);
  await ok(
    `mutation { publishAssessmentStandard(category: enterprise, title: "平安企业考评标准", passMark: 85, effectiveFrom: "2020-01-01", items: [
      { code: "E1", name: "安全管理", maxPoints: 50, deductions: [] }, { code: "E2", name: "${o.secondItem}", maxPoints: 50, deductions: [] }]) { __typename } }`,
    {},
    admin,
  );
  await ok(
    `mutation { publishVetoRuleSet(effectiveFrom: "2020-01-01", rules: [{ id: "${o.rule.id}", description: "${o.rule.description}", eventKinds: [${o.rule.eventKind}], scope: unit }]) { __typename } }`,
    {},
    admin,
  );
  const batch = await ok(
    `mutation($lead: String!, $units: [String!]!, $target: Date!) { createCreationBatch(projectName: "平安企业创建", seq: 1, name: "第一批", jurisdictionCode: "620100", leadUnit: $lead, participatingUnits: $units, targetDate: $target) {
      __typename ... on CreateCreationBatchSuccess { data { id } } } }`,
    { lead: o.leadUnit, units: [o.participatingUnit], target: o.targetDate },
    admin,
  );
  const unit = await ok(
    `mutation($b: ID!, $c: CreditCode, $n: String!) { registerSafeUnit(batchId: $b, category: enterprise, name: $n, jurisdictionCode: "620102001", creditCode: $c, registeredOn: "2024-01-01") {
      __typename ... on RegisterSafeUnitSuccess { data { id } } } }`,
    { b: batch.data.id, c: o.creditCode, n: o.unitName },
    admin,
  );
  return unit.data.id;
}

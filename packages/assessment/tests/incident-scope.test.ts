import { describe, expect, it } from 'vitest';
import { unitMatchesIncident } from '../src/service/events.js';

/** Issue #11: a unit named by an incident is found only inside the writer's scope, in or above the incident's jurisdiction. */
describe('unitMatchesIncident', () => {
  it.each([
    // unit, incident, writer scope, expected
    ['620102001001', '620102001001', '620102', true],
    ['620102001', '620102001001', '620102', true], // unit above the incident, inside the writer's district
    ['620102001001', '620103', '620103', false], // the finding: another district's hospital
    ['620102001001', '620102001001', '620103', false], // incident code in scope of nobody: still outside the writer's scope
    ['620100', '620102001001', '620102', false], // a city-level unit is above a district writer
    ['620100', '620102001001', '620100', true],
    ['620102002001', '620102001001', '620102', false], // a neighbouring community
    ['620102001001', '620102001001', null, true], // a system reaction: the incident's jurisdiction alone
    ['620103001001', '620102001001', null, false],
  ])('unit %s, incident %s, writer %s → %s', (unit, incident, writer, expected) => expect(unitMatchesIncident(unit, incident, writer)).toBe(expected));
});

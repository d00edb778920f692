import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { patrolModule } from '../src/index.js';
import { must, mutate, sh } from './helpers.js';

describe('patrol member assessment', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ modules: [patrolModule] });
  });
  afterAll(() => s?.close());

  it('scores block incidents against the previous period, discipline and community feedback', async () => {
    const officer = await s.token('district_officer', '620102');
    const block = await must(s, officer, 'createPatrolBlock', '$name: String!, $jurisdictionCode: DivisionCode!, $communityCodes: [DivisionCode!]!, $weeklyPatrolHours: Int!, $vehicles: Int', {
      name: '第二巡防区块',
      jurisdictionCode: '620102',
      communityCodes: ['620102004001'],
      weeklyPatrolHours: 80,
      vehicles: 3,
    });
    const team = await must(s, officer, 'createPatrolTeam', '$name: String!, $level: PatrolTeamLevel!, $jurisdictionCode: DivisionCode!, $blockId: ID', {
      name: '巡防队',
      level: 'community',
      jurisdictionCode: '620102',
      blockId: block.id,
    });
    const member = await must(s, officer, 'addPatrolMember', '$teamId: ID!, $name: String!', { teamId: team.id, name: '王建国' });
    // May: 2 incidents; April (the previous 31 days): 4 → incidents score 50 + 50 × 2/4 = 75.
    for (const at of ['2024-04-05T10:00:00', '2024-04-10T10:00:00', '2024-04-20T10:00:00', '2024-04-30T23:00:00', '2024-05-03T10:00:00', '2024-05-30T10:00:00']) {
      await must(s, officer, 'recordAlert', '$type: AlertType!, $occurredAt: DateTime!, $place: String!, $jurisdictionCode: DivisionCode!', {
        type: 'theft',
        occurredAt: sh(at),
        place: '小区',
        jurisdictionCode: '620102004001',
      });
    }
    await must(s, officer, 'recordDisciplineRecord', '$memberId: ID!, $day: Date!, $description: String!, $deduction: Int!', {
      memberId: member.id,
      day: '2024-05-08',
      description: '脱岗',
      deduction: 10,
    });
    for (const rating of [5, 4]) await must(s, officer, 'recordCommunityFeedback', '$memberId: ID!, $day: Date!, $rating: Int!', { memberId: member.id, day: '2024-05-09', rating });
    const bad = await mutate(s, officer, 'recordCommunityFeedback', '$memberId: ID!, $day: Date!, $rating: Int!', { memberId: member.id, day: '2024-05-09', rating: 6 });
    expect(bad.error?.code).toBe('PATROL_FEEDBACK_RATING_INVALID');
    const r = await s.gql(
      `query($m: ID!) { patrolMemberAssessment(memberId: $m, from: "2024-05-01", to: "2024-05-31") { blockIncidents blockIncidentsPrevious incidentScore disciplineScore feedbackScore total } }`,
      { m: member.id },
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    // total = 0.4 × 75 + 0.3 × 90 + 0.3 × 87.5 = 83.25 → 83.3 (one decimal)
    expect(r.data.patrolMemberAssessment).toMatchObject({ blockIncidents: 2, blockIncidentsPrevious: 4, incidentScore: 75, disciplineScore: 90, feedbackScore: 87.5 });
    expect(r.data.patrolMemberAssessment.total).toBeCloseTo(83.25, 0);
    const blocks = await s.gql(`{ patrolBlocks { edges { node { name vehicles members { edges { node { name } } } teams { edges { node { name } } } } } } }`, {}, { token: officer });
    expect(blocks.data.patrolBlocks.edges[0].node).toEqual({ name: '第二巡防区块', vehicles: 3, members: { edges: [{ node: { name: '王建国' } }] }, teams: { edges: [{ node: { name: '巡防队' } }] } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { auditLog } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { checkpoints, dutyLogs } from '../src/tables.js';
import { patrolModule } from '../src/index.js';
import { must, mutate, sh } from './helpers.js';

const CP_ARGS = '$name: String!, $kind: CheckpointKind!, $latitude: Latitude!, $longitude: Longitude!, $jurisdictionCode: DivisionCode!';
const TEAM_ARGS = '$name: String!, $level: PatrolTeamLevel!, $jurisdictionCode: DivisionCode!, $checkpointId: ID';
const LOG_ARGS = '$memberId: ID!, $checkpointId: ID, $task: DutyTask!, $startAt: DateTime!, $endAt: DateTime!';

describe('checkpoints, rosters and duty logs', () => {
  let s: TestServer;
  let officer: string;
  let otherDistrict: string;
  let cp: string;
  let cp2: string;
  const teams: string[] = [];
  const members: string[][] = [];

  const log = (memberId: string, task: string, from: string, to: string, checkpointId = cp) =>
    mutate(s, officer, 'recordDutyLog', LOG_ARGS, { memberId, checkpointId, task, startAt: sh(from), endAt: sh(to) });
  const count = async (table: PgTable) => (await s.database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

  beforeAll(async () => {
    s = await startTestServer({ modules: [patrolModule] });
    officer = await s.token('district_officer', '620102');
    otherDistrict = await s.token('district_officer', '620103');
    cp = (await must(s, officer, 'createCheckpoint', CP_ARGS, { name: '东岗立交卡口', kind: 'intercity_entrance', latitude: 36.0412, longitude: 103.9361, jurisdictionCode: '620102015' })).id;
    cp2 = (await must(s, officer, 'createCheckpoint', CP_ARGS, { name: '桑园峡环城卡口', kind: 'city_ring', latitude: 36.0836, longitude: 103.9868, jurisdictionCode: '620102024' })).id;
    for (const b of ['一班', '二班', '三班']) {
      const team = (await must(s, officer, 'createPatrolTeam', TEAM_ARGS, { name: b, level: 'police_station', jurisdictionCode: '620102015', checkpointId: cp })).id;
      teams.push(team);
      const ms: string[] = [];
      for (const n of ['甲', '乙', '丙']) ms.push((await must(s, officer, 'addPatrolMember', '$teamId: ID!, $name: String!', { teamId: team, name: `${b}${n}` })).id);
      members.push(ms);
    }
  });
  afterAll(() => s?.close());

  it('generates the three-shift roster of the checkpoint’s three teams', async () => {
    const r = await s.gql(
      `query($id: ID!) { node(id: $id) { ... on Checkpoint { roster(from: "2024-05-01", to: "2024-05-02") { date shift startsAt team { name } } } } }`,
      { id: cp },
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.node.roster.map((e: any) => `${e.date} ${e.shift} ${e.team.name}`)).toEqual([
      '2024-05-01 night 一班',
      '2024-05-01 day 二班',
      '2024-05-01 evening 三班',
      '2024-05-02 night 二班',
      '2024-05-02 day 三班',
      '2024-05-02 evening 一班',
    ]);
    expect(r.data.node.roster[0].startsAt).toBe(sh('2024-05-01T00:00:00'));
  });

  it('judges a shift at the boundary: 1 h 59 min of checkpoint control fails, 2 h 00 min passes', async () => {
    const [a, b, c] = members[1];
    for (const [day, controlEnd] of [
      ['2024-05-01', '09:59'],
      ['2024-05-02', '10:00'],
    ]) {
      expect((await log(a, 'checkpoint_control', `${day}T08:00:00`, `${day}T${controlEnd}:00`)).error).toBeNull();
      expect((await log(a, 'patrol', `${day}T10:00:00`, `${day}T14:00:00`)).error).toBeNull();
      expect((await log(b, 'sentry', `${day}T08:00:00`, `${day}T14:00:00`)).error).toBeNull();
      expect((await log(c, 'standby', `${day}T14:00:00`, `${day}T16:00:00`)).error).toBeNull();
    }
    const r = await s.gql(
      `query($id: ID!) { node(id: $id) { ... on Checkpoint { shiftCompliance(from: "2024-05-01", to: "2024-05-02") { date shift compliant team { name } tasks { task minutes requiredMinutes met } } } } }`,
      { id: cp },
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    const dayShifts = r.data.node.shiftCompliance.filter((x: any) => x.shift === 'day');
    expect(dayShifts.map((x: any) => [x.date, x.team?.name, x.compliant])).toEqual([
      ['2024-05-01', '二班', false],
      ['2024-05-02', '二班', true],
    ]);
    expect(dayShifts[0].tasks).toEqual([
      { task: 'checkpoint_control', minutes: 119, requiredMinutes: 120, met: false },
      { task: 'sentry', minutes: 360, requiredMinutes: 360, met: true },
      { task: 'patrol', minutes: 240, requiredMinutes: 240, met: true },
      { task: 'standby', minutes: 120, requiredMinutes: 0, met: true },
    ]);
    expect(dayShifts[1].tasks[0]).toEqual({ task: 'checkpoint_control', minutes: 120, requiredMinutes: 120, met: true });
    // A shift nobody logged is reported, without a team, as not compliant.
    const night = r.data.node.shiftCompliance.find((x: any) => x.date === '2024-05-01' && x.shift === 'night');
    expect(night).toMatchObject({ team: null, compliant: false });
  });

  it('finds a coverage gap across midnight as one interval', async () => {
    const [a, b] = members[2];
    expect((await log(a, 'sentry', '2024-06-01T00:00:00', '2024-06-01T23:30:00', cp2)).error).toBeNull();
    expect((await log(b, 'sentry', '2024-06-02T00:45:00', '2024-06-02T23:00:00', cp2)).error).toBeNull();
    expect((await log(a, 'standby', '2024-06-02T22:00:00', '2024-06-03T00:00:00', cp2)).error).toBeNull();
    const r = await s.gql(`query($id: ID!) { node(id: $id) { ... on Checkpoint { coverageGaps(from: "2024-06-01", to: "2024-06-02") { startAt endAt minutes } } } }`, { id: cp2 }, { token: officer });
    expect(r.errors).toBeUndefined();
    expect(r.data.node.coverageGaps).toEqual([{ startAt: sh('2024-06-01T23:30:00'), endAt: sh('2024-06-02T00:45:00'), minutes: 75 }]);
  });

  it('refuses an overlapping duty log of the same person with a coded error and writes nothing', async () => {
    const [a, b] = members[0];
    expect((await log(a, 'patrol', '2024-07-01T10:00:00', '2024-07-01T12:00:00')).error).toBeNull();
    const before = await count(dutyLogs);
    const auditBefore = await count(auditLog);
    const clash = await log(a, 'sentry', '2024-07-01T11:59:00', '2024-07-01T13:00:00');
    expect(clash.error).toMatchObject({ code: 'PATROL_DUTY_LOG_OVERLAP', field: 'input.startAt' });
    expect(clash.error!.details.conflictingStartAt).toBe(sh('2024-07-01T10:00:00'));
    expect(await count(dutyLogs)).toBe(before);
    expect(await count(auditLog)).toBe(auditBefore);
    // Touching is not overlapping; another person may overlap.
    expect((await log(a, 'sentry', '2024-07-01T12:00:00', '2024-07-01T13:00:00')).error).toBeNull();
    expect((await log(b, 'sentry', '2024-07-01T11:00:00', '2024-07-01T13:00:00')).error).toBeNull();
    const backwards = await log(b, 'sentry', '2024-07-02T13:00:00', '2024-07-02T11:00:00');
    expect(backwards.error?.code).toBe('PATROL_DUTY_LOG_INTERVAL_INVALID');
  });

  it('refuses impossible coordinates: out of range at the scalar, outside China with a code', async () => {
    const before = await count(checkpoints);
    const outOfRange = await mutate(s, officer, 'createCheckpoint', CP_ARGS, { name: 'x', kind: 'city_ring', latitude: 91, longitude: 103.8, jurisdictionCode: '620102' });
    expect(outOfRange.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const swapped = await mutate(s, officer, 'createCheckpoint', CP_ARGS, { name: 'x', kind: 'city_ring', latitude: 36.06, longitude: -103.83, jurisdictionCode: '620102' });
    expect(swapped.error).toMatchObject({ code: 'PATROL_COORDINATES_OUTSIDE_CHINA', field: 'input.latitude' });
    const london = await mutate(s, officer, 'createCheckpoint', CP_ARGS, { name: 'x', kind: 'city_ring', latitude: 51.5, longitude: 0.12, jurisdictionCode: '620102' });
    expect(london.error?.code).toBe('PATROL_COORDINATES_OUTSIDE_CHINA');
    expect(await count(checkpoints)).toBe(before);
  });

  it('keeps other districts out: NOT_FOUND by node(id:), absent from lists, no writes', async () => {
    const node = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: cp }, { token: otherDistrict });
    expect(node.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    const list = await s.gql(`{ checkpoints { edges { node { id } } } dutyLogs { edges { node { id } } } patrolTeams { edges { node { id } } } }`, {}, { token: otherDistrict });
    expect(list.errors).toBeUndefined();
    expect([list.data.checkpoints.edges, list.data.dutyLogs.edges, list.data.patrolTeams.edges]).toEqual([[], [], []]);
    const write = await mutate(s, otherDistrict, 'recordDutyLog', LOG_ARGS, { memberId: members[0][2], task: 'patrol', startAt: sh('2024-08-01T10:00:00'), endAt: sh('2024-08-01T11:00:00') });
    expect(write.error?.code).toBe('CORE_NOT_FOUND');
    const create = await mutate(s, otherDistrict, 'createCheckpoint', CP_ARGS, { name: 'x', kind: 'city_ring', latitude: 36.06, longitude: 103.83, jurisdictionCode: '620102' });
    expect(create.error?.code).toBe('CORE_JURISDICTION_OUT_OF_SCOPE');
    const mine = await s.gql(`{ checkpoints(filter: { jurisdictionCode: "620102" }) { edges { node { name } } } }`, {}, { token: officer });
    expect(mine.data.checkpoints.edges).toHaveLength(2);
  });

  it('batches nested fields: one statement per nesting level', async () => {
    // Duty logs of its own, on days no other test logs: by a member of each team, so that the
    // duty logs' teams are every team of the checkpoint (the members' teams then come with them).
    const c = members[1][2];
    for (const [m, day] of [
      [members[0][2], '2024-09-01'],
      [c, '2024-09-01'],
      [c, '2024-09-02'],
      [members[2][2], '2024-09-02'],
    ])
      expect((await log(m, 'standby', `${day}T14:00:00`, `${day}T16:00:00`)).error).toBeNull();
    const r = await s.gql(
      `{ checkpoints(first: 10) { edges { node { name teams { edges { node { name members { edges { node { name } } } } } } } } }
         dutyLogs(first: 50) { edges { node { task member { name } checkpoint { name } team { name } } } } }`,
      {},
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.checkpoints.edges[0].node.teams.edges).toHaveLength(3);
    expect(r.data.checkpoints.edges[0].node.teams.edges[0].node.members.edges).toHaveLength(3);
    // checkpoints, team pages, member pages | duty logs, members, checkpoints, teams; no N+1 (a member's
    // team under the nested pages would pass the depth limit: each page is two levels, edges and node)
    expect(r.extensions?.sqlStatements).toBe(7);
    const filtered = await s.gql(
      `query($m: ID!, $from: DateTime!, $to: DateTime!) { dutyLogs(filter: { memberId: $m, task: standby, from: $from, to: $to }) { edges { node { task } } } }`,
      { m: c, from: sh('2024-09-01T00:00:00'), to: sh('2024-09-03T00:00:00') },
      { token: officer },
    );
    expect(filtered.data.dutyLogs.edges.map((e: any) => e.node.task)).toEqual(['standby', 'standby']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModule, on, type DomainEvents } from '@safecity/core';
import { startTestServer, type TestServer } from '@safecity/core/testing';
import { patrolModule } from '../src/index.js';
import { must, mutate, sh } from './helpers.js';

const CP_ARGS = '$name: String!, $kind: CheckpointKind!, $latitude: Latitude!, $longitude: Longitude!, $jurisdictionCode: DivisionCode!';
const ALERT_ARGS =
  '$type: AlertType!, $occurredAt: DateTime!, $place: String!, $jurisdictionCode: DivisionCode!, $arrivedAt: DateTime, $major: Boolean, $majorKind: MajorIncidentKind, $unit: IncidentUnitInput';
const ACTIVATIONS = `query($j: DivisionCode) { jointDutyActivations(filter: { jurisdictionCode: $j }) { edges { node { id day jurisdictionCode triggeringAlerts { id type } points { name } } } } }`;

/** A stand-in for the assessment module: it only sees the event catalog. */
const seen: { major: DomainEvents['majorIncidentRecorded'][]; alerts: DomainEvents['alertRecorded'][] } = { major: [], alerts: [] };
const probeModule = defineModule({
  name: 'probe',
  tables: {},
  permissions: {},
  errorCodes: [],
  emits: [],
  register: () => {},
  subscribers: [on('majorIncidentRecorded', 'probe.major', async (_tx, p) => void seen.major.push(p)), on('alertRecorded', 'probe.alert', async (_tx, p) => void seen.alerts.push(p))],
});

describe('alerts, joint-duty activation and statistics', () => {
  let s: TestServer;
  let officer: string;
  let admin: string;
  let other: string;
  const points: Record<string, string> = {};

  const alert = (vars: Record<string, unknown>, token = officer) => mutate(s, token, 'recordAlert', ALERT_ARGS, { place: '现场', ...vars }, 'id type day');
  const activationsOf = async (j: string, token = officer) => (await s.gql(ACTIVATIONS, { j }, { token })).data.jointDutyActivations.edges.map((e: any) => e.node);

  beforeAll(async () => {
    s = await startTestServer({ modules: [patrolModule, probeModule] });
    officer = await s.token('district_officer', '620102');
    other = await s.token('district_officer', '620103');
    admin = await s.token('city_admin');
    for (const [name, j, lat] of [
      ['A南关十字', '620102001', 36.056],
      ['B张掖路', '620102002', 36.062],
      ['C雁滩', '620102003', 36.071],
      ['D西站十字', '620103005', 36.064],
    ] as const) {
      points[name] = (await must(s, admin, 'createCheckpoint', CP_ARGS, { name, kind: 'temporary_duty_point', latitude: lat, longitude: 103.82, jurisdictionCode: j })).id;
    }
    await must(s, admin, 'createCheckpoint', CP_ARGS, { name: 'E东岗卡口', kind: 'intercity_entrance', latitude: 36.04, longitude: 103.93, jurisdictionCode: '620102015' });
  });
  afterAll(() => s?.close());

  describe('activation at the second robbery/snatching alert of a Shanghai calendar day', () => {
    const onDay = (acts: any[], day: string) => acts.filter((a) => a.day === day);

    /** Two robberies in 城关区 on a China day of the test's own: the activation they trigger. */
    async function activationOn(day: string) {
      await alert({ type: 'robbery', occurredAt: sh(`${day}T08:00:00`), jurisdictionCode: '620102001001' });
      await alert({ type: 'robbery', occurredAt: sh(`${day}T09:00:00`), jurisdictionCode: '620102002001' });
      const [act] = onDay(await activationsOf('620102'), day);
      expect(act, `an activation on ${day}`).toMatchObject({ day, jurisdictionCode: '620102' });
      const node = await s.gql(`query($id: ID!) { node(id: $id) { ... on JointDutyActivation { id activatedAt deadline } } }`, { id: act.id }, { token: officer });
      expect(node.errors).toBeUndefined();
      return node.data.node as { id: string; activatedAt: string; deadline: string };
    }

    it('activates exactly at the 2nd qualifying alert, in that jurisdiction only, once, and delivers it', async () => {
      const ids: Record<string, string> = {};
      const day = '2024-05-10';
      const sub = await s.subscribe(`subscription { jointDutyActivations { id day jurisdictionCode triggeringAlerts { id } points { name } deadline activatedAt } }`, {}, officer);
      // The evening before (Shanghai): a robbery on 2024-05-09. 2024-05-10 07:00 +08 is still 05-09 in UTC.
      ids.eve = (await alert({ type: 'robbery', occurredAt: sh('2024-05-09T23:59:00'), jurisdictionCode: '620102001001' })).data!.id;
      const first = await alert({ type: 'robbery', occurredAt: sh('2024-05-10T07:00:00'), jurisdictionCode: '620102001001' });
      ids.first = first.data!.id;
      expect(first.data!.day).toBe(day);
      expect(onDay(await activationsOf('620102'), day)).toEqual([]);
      // Other types and other districts do not count.
      expect((await alert({ type: 'theft', occurredAt: sh('2024-05-10T08:00:00'), jurisdictionCode: '620102001001' })).data).toMatchObject({ type: 'theft', day });
      expect((await alert({ type: 'robbery', occurredAt: sh('2024-05-10T09:00:00'), jurisdictionCode: '620103001001' }, admin)).data).toMatchObject({ type: 'robbery', day });
      expect(onDay(await activationsOf('620100', admin), day)).toEqual([]);
      // The second: snatching in another sub-district of the same district.
      ids.second = (await alert({ type: 'snatching', occurredAt: sh('2024-05-10T23:50:00'), jurisdictionCode: '620102002001' })).data!.id;
      const acts = onDay(await activationsOf('620102'), day);
      expect(acts).toHaveLength(1);
      const activation = acts[0];
      expect(activation).toMatchObject({ day, jurisdictionCode: '620102' });
      expect(activation.triggeringAlerts.map((a: any) => a.id)).toEqual([ids.first, ids.second]);
      expect(activation.points.map((p: any) => p.name)).toEqual(['A南关十字', 'B张掖路', 'C雁滩']);
      // A third on the same day does not activate again.
      await alert({ type: 'robbery', occurredAt: sh('2024-05-10T23:58:00'), jurisdictionCode: '620102003001' });
      expect(onDay(await activationsOf('620100', admin), day)).toHaveLength(1);
      const delivered = (await sub.next()).data.jointDutyActivations;
      sub.close();
      expect(delivered).toMatchObject({ id: activation.id, day, jurisdictionCode: '620102', triggeringAlerts: [{ id: ids.first }, { id: ids.second }] });
      expect(new Date(delivered.deadline).getTime() - new Date(delivered.activatedAt).getTime()).toBe(10 * 60_000);
    });

    it('reports points staffed late (more than 10 minutes) or not at all', async () => {
      const activation = await activationOn('2024-06-03');
      const at = new Date(activation.activatedAt).getTime();
      const checkIn = (point: string, ms: number) =>
        mutate(s, officer, 'recordCheckIn', '$activationId: ID!, $checkpointId: ID!, $arrivedAt: DateTime!', {
          activationId: activation.id,
          checkpointId: points[point],
          arrivedAt: new Date(at + ms).toISOString(),
        });
      expect((await checkIn('A南关十字', 10 * 60_000)).error).toBeNull();
      expect((await checkIn('B张掖路', 10 * 60_000 + 1000)).error).toBeNull();
      expect((await checkIn('B张掖路', 60_000)).error?.code).toBe('PATROL_CHECK_IN_DUPLICATE');
      expect((await checkIn('D西站十字', 60_000)).error?.code).toBe('CORE_NOT_FOUND');
      const report = async (asOf: number) =>
        (
          await s.gql(
            `query($id: ID!, $asOf: DateTime) { node(id: $id) { ... on JointDutyActivation { report(asOf: $asOf) { point { name } status minutesAfterActivation } } } }`,
            { id: activation.id, asOf: new Date(asOf).toISOString() },
            { token: officer },
          )
        ).data.node.report;
      expect(await report(at + 11 * 60_000)).toEqual([
        { point: { name: 'A南关十字' }, status: 'on_time', minutesAfterActivation: 10 },
        { point: { name: 'B张掖路' }, status: 'late', minutesAfterActivation: 10 },
        { point: { name: 'C雁滩' }, status: 'missing', minutesAfterActivation: null },
      ]);
      expect((await report(at + 5 * 60_000))[2].status).toBe('pending');
    });

    it('keeps the activation and its alerts inside the jurisdiction', async () => {
      const activation = await activationOn('2024-06-04');
      const r = await s.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: activation.id }, { token: other });
      expect(r.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
      expect(await activationsOf('620102', other)).toEqual([]);
      const own = await alert({ type: 'theft', occurredAt: sh('2024-06-04T10:00:00'), jurisdictionCode: '620103001002' }, other);
      const a = await s.gql(`{ alerts(first: 100) { edges { node { id jurisdictionCode } } } }`, {}, { token: other });
      const seenByOther = a.data.alerts.edges.map((e: any) => e.node);
      expect(seenByOther.map((n: any) => n.id)).toContain(own.data!.id);
      expect(seenByOther.filter((n: any) => !n.jurisdictionCode.startsWith('620103'))).toEqual([]);
    });

    it('follows a configured threshold, types and points per jurisdiction', async () => {
      const cfg = await mutate(
        s,
        other,
        'configureJointDuty',
        '$jurisdictionCode: DivisionCode!, $threshold: Int!, $alertTypes: [AlertType!]!, $pointIds: [ID!]!',
        { jurisdictionCode: '620103', threshold: 3, alertTypes: ['theft'], pointIds: [points.D西站十字] },
        'threshold version',
      );
      expect(cfg.data).toEqual({ threshold: 3, version: 1 });
      const bad = await mutate(
        s,
        other,
        'configureJointDuty',
        '$jurisdictionCode: DivisionCode!, $threshold: Int!, $alertTypes: [AlertType!]!, $pointIds: [ID!]!',
        {
          jurisdictionCode: '620103',
          threshold: 3,
          alertTypes: ['theft'],
          pointIds: [points.A南关十字],
        },
        'version',
      );
      expect(bad, JSON.stringify(bad)).toMatchObject({ error: { code: 'CORE_NOT_FOUND' } });
      for (const h of ['10', '11']) await alert({ type: 'theft', occurredAt: sh(`2024-05-11T${h}:00:00`), jurisdictionCode: '620103002001' }, other);
      await alert({ type: 'robbery', occurredAt: sh('2024-05-11T12:00:00'), jurisdictionCode: '620103002001' }, other);
      await alert({ type: 'robbery', occurredAt: sh('2024-05-11T12:30:00'), jurisdictionCode: '620103002001' }, other);
      expect(onDay(await activationsOf('620103', other), '2024-05-11')).toEqual([]);
      await alert({ type: 'theft', occurredAt: sh('2024-05-11T13:00:00'), jurisdictionCode: '620103002001' }, other);
      const acts = onDay(await activationsOf('620103', other), '2024-05-11');
      expect(acts.map((a: any) => [a.day, a.triggeringAlerts.length, a.points.map((p: any) => p.name)])).toEqual([['2024-05-11', 3, ['D西站十字']]]);
    });
  });

  it('emits alertRecorded for each alert and majorIncidentRecorded naming the unit', async () => {
    const before = seen.alerts.length;
    const r = await alert({
      type: 'fraud',
      occurredAt: sh('2024-02-01T10:00:00'),
      jurisdictionCode: '620102001002',
      major: true,
      unit: { creditCode: '91350100M000100Y43', name: '兰州某商贸有限公司' },
      place: '酒泉路100号',
    });
    expect(r.error).toBeNull();
    expect(seen.alerts.length).toBe(before + 1);
    expect(seen.major.at(-1)).toMatchObject({
      incidentId: Buffer.from(r.data!.id, 'base64url').toString().split(':')[1],
      kind: 'major_criminal_case',
      jurisdictionCode: '620102001002',
      unit: { creditCode: '91350100M000100Y43', name: '兰州某商贸有限公司' },
      place: '酒泉路100号',
    });
    const impossible = await alert({ type: 'theft', occurredAt: sh('2024-02-01T10:00:00'), jurisdictionCode: '620102001002', arrivedAt: sh('2024-02-01T09:00:00') });
    expect(impossible.error?.code).toBe('PATROL_ALERT_TIMES_INVALID');
  });

  it('computes the 300-second share and the year-on-year change of a hand-computed fixture', async () => {
    const j = '620102024001';
    const current: [string, string, number | null][] = [
      ['robbery', '2024-03-02T10:00:00', 100],
      ['theft', '2024-03-03T10:00:00', 300],
      ['theft', '2024-03-04T10:00:00', 301],
      ['fraud', '2024-03-05T10:00:00', null],
      ['theft', '2024-03-31T23:59:00', 250],
      ['theft', '2024-04-01T00:00:00', 10],
    ];
    const previous: [string, string][] = [
      ['theft', '2023-03-01T00:00:00'],
      ['theft', '2023-03-02T10:00:00'],
      ['theft', '2023-03-03T10:00:00'],
      ['theft', '2023-03-04T10:00:00'],
      ['robbery', '2023-03-05T10:00:00'],
      ['robbery', '2023-03-06T10:00:00'],
      ['fraud', '2023-03-07T10:00:00'],
      ['fraud', '2023-02-28T23:59:00'],
    ];
    for (const [type, at, secs] of current) {
      const occurredAt = sh(at);
      await alert({ type, occurredAt, jurisdictionCode: j, arrivedAt: secs == null ? null : new Date(Date.parse(occurredAt) + secs * 1000).toISOString() });
    }
    for (const [type, at] of previous) await alert({ type, occurredAt: sh(at), jurisdictionCode: j });
    const vars = { j, from: sh('2024-03-01T00:00:00'), to: sh('2024-04-01T00:00:00') };
    const r = await s.gql(
      `query($j: DivisionCode, $from: DateTime!, $to: DateTime!) {
        alertResponseStats(jurisdictionCode: $j, from: $from, to: $to) { total reachedWithin share limitSeconds }
        alertYearOnYear(jurisdictionCode: $j, from: $from, to: $to) { type current previous change } }`,
      vars,
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    // Within 300 s: 100, 300, 250 of 5 (301 is late, one never reached).
    expect(r.data.alertResponseStats).toEqual({ total: 5, reachedWithin: 3, share: 0.6, limitSeconds: 300 });
    expect(r.data.alertYearOnYear.map((x: any) => [x.type, x.current, x.previous])).toEqual([
      ['fraud', 1, 1],
      ['robbery', 1, 2],
      ['theft', 3, 4],
      ['all', 5, 7],
    ]);
    expect(r.data.alertYearOnYear.map((x: any) => x.change)).toEqual([0, -0.5, -0.25, -2 / 7]);
    const outside = await s.gql(`query($from: DateTime!, $to: DateTime!) { alertResponseStats(jurisdictionCode: "620102", from: $from, to: $to) { total } }`, vars, { token: other });
    expect(outside.errors?.[0].extensions?.code).toBe('CORE_NOT_FOUND');
    const filtered = await s.gql(
      `query($j: DivisionCode, $from: DateTime!, $to: DateTime!) { alerts(filter: { jurisdictionCode: $j, from: $from, to: $to, types: [theft] }) { edges { node { type responseSeconds } } } }`,
      vars,
      { token: officer },
    );
    expect(filtered.data.alerts.edges.map((e: any) => e.node.responseSeconds)).toEqual([250, 301, 300]);
  });

  it('plans a block’s week in proportion to its incidents, naming them', async () => {
    const block = await must(s, officer, 'createPatrolBlock', '$name: String!, $jurisdictionCode: DivisionCode!, $communityCodes: [DivisionCode!]!, $weeklyPatrolHours: Int!', {
      name: '第一巡防区块',
      jurisdictionCode: '620102',
      communityCodes: ['620102008001', '620102008002'],
      weeklyPatrolHours: 12,
    });
    const incidents: Record<string, string> = {};
    for (const [key, at, j] of [
      ['mon1', '2024-05-06T20:10:00', '620102008001'],
      ['mon2', '2024-05-13T20:40:00', '620102008002'],
      ['mon3', '2024-05-20T20:59:00', '620102008001'],
      ['fri1', '2024-05-10T22:00:00', '620102008002'],
      ['fri2', '2024-05-17T22:30:00', '620102008002'],
      ['sun1', '2024-05-12T01:15:00', '620102008001'],
      ['outsideBlock', '2024-05-06T20:00:00', '620102009001'],
      ['beforeWindow', '2024-04-22T20:00:00', '620102008001'],
    ]) {
      incidents[key] = (await alert({ type: 'theft', occurredAt: sh(at), jurisdictionCode: j })).data!.id;
    }
    const r = await s.gql(
      `query($id: ID!, $until: DateTime) { node(id: $id) { ... on PatrolBlock { shiftPlan(weeks: 4, until: $until) { availableHours basis totalIncidents slots { weekday hour weight hours incidents { id } } } } } }`,
      { id: block.id, until: sh('2024-05-27T00:00:00') },
      { token: officer },
    );
    expect(r.errors).toBeUndefined();
    const plan = r.data.node.shiftPlan;
    expect(plan).toMatchObject({ availableHours: 12, basis: 'incidents', totalIncidents: 6 });
    expect(plan.slots.map((x: any) => [x.weekday, x.hour, x.weight, x.hours, x.incidents.map((i: any) => i.id)])).toEqual([
      ['monday', 20, 3, 6, [incidents.mon1, incidents.mon2, incidents.mon3]],
      ['friday', 22, 2, 4, [incidents.fri1, incidents.fri2]],
      ['sunday', 1, 1, 2, [incidents.sun1]],
    ]);
  });
});

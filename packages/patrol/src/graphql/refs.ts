import type { Builder, Ctx, MAJOR_EVENT_KINDS } from '@safecity/core';
import type { ALERT_TYPES, CHECKPOINT_KINDS, SHIFTS, TASKS, TEAM_LEVELS } from '../rules/index.js';
import { activationLoader, alertLoader, blockLoader, checkpointLoader, memberLoader, teamLoader } from '../service/common.js';
import { dutyLogLoader } from '../service/duty.js';
import type { ActivationRow, AlertRow, BlockRow, CheckpointRow, DutyLogRow, MemberRow, TeamRow } from '../tables.js';

/** The module's GraphQL types, created once per schema and shared by the subdomain files. */
export function createRefs(builder: Builder) {
  const node = <R extends { id: string }>(name: string, load: (ctx: Ctx) => { loadMany(ids: readonly string[]): Promise<(R | Error)[]> }) =>
    builder.loadableNodeRef<R | Error, string, string, string, R>(name, {
      id: { resolve: (r: R) => r.id },
      load: (ids: string[], ctx: Ctx) => load(ctx).loadMany(ids),
    });
  return {
    Checkpoint: node<CheckpointRow>('Checkpoint', checkpointLoader),
    PatrolTeam: node<TeamRow>('PatrolTeam', teamLoader),
    PatrolMember: node<MemberRow>('PatrolMember', memberLoader),
    DutyLog: node<DutyLogRow>('DutyLog', dutyLogLoader),
    Alert: node<AlertRow>('Alert', alertLoader),
    JointDutyActivation: node<ActivationRow>('JointDutyActivation', activationLoader),
    PatrolBlock: node<BlockRow>('PatrolBlock', blockLoader),
    CheckpointKind: builder.enumType('CheckpointKind', {
      description: 'Kind of a checkpoint or duty point (警务执勤点/卡口): city_ring 环城卡口, intercity_entrance 城际出入口, temporary_duty_point 临时执勤点.',
      values: {
        city_ring: { description: 'A checkpoint on the city ring (环城卡口).' },
        intercity_entrance: { description: 'A checkpoint at an inter-city entrance (城际出入口).' },
        temporary_duty_point: { description: 'A temporary duty point (临时执勤点): the points a grid joint-duty activation (网格化防控联勤) calls out.' },
      } satisfies Record<(typeof CHECKPOINT_KINDS)[number], { description: string }>,
    }),
    TeamLevel: builder.enumType('PatrolTeamLevel', {
      description: 'The level a patrol team works at, in four-level patrol control (四级巡控): 市局, 分局, 派出所, 社区.',
      values: {
        city_bureau: { description: 'City public-security bureau (市局).' },
        branch_bureau: { description: 'Branch bureau of a district or county (分局).' },
        police_station: { description: 'Police station (派出所).' },
        community: { description: 'Community (社区).' },
      } satisfies Record<(typeof TEAM_LEVELS)[number], { description: string }>,
    }),
    DutyTask: builder.enumType('DutyTask', {
      description: 'The four tasks of a shift (三班四运转): 设卡 checkpoint_control, 站哨 sentry, 巡查 patrol, 值班备勤 standby.',
      values: {
        checkpoint_control: { description: 'Checkpoint control (设卡): at least 2 h (120 min) per shift.' },
        sentry: { description: 'Sentry (站哨): at least 6 h (360 min) per shift.' },
        patrol: { description: 'Patrol (巡查): at least 4 h (240 min) per shift.' },
        standby: { description: 'Standby duty (值班备勤): no minimum, but it must be recorded in the shift.' },
      } satisfies Record<(typeof TASKS)[number], { description: string }>,
    }),
    AlertType: builder.enumType('AlertType', {
      description: 'Alert type (警情类别). Robbery and snatching together are 两抢, the default types of grid joint duty.',
      values: {
        robbery: { description: 'Robbery (抢劫); a criminal type, one of 两抢.' },
        snatching: { description: 'Snatching (抢夺); a criminal type, one of 两抢.' },
        theft: { description: 'Theft (盗窃); a criminal type.' },
        burglary: { description: 'Burglary (入室盗窃); a criminal type.' },
        fraud: { description: 'Fraud (诈骗); a criminal type.' },
        assault: { description: 'Assault (伤害); a criminal type.' },
        homicide: { description: 'Homicide (杀人); a criminal type.' },
        fight: { description: 'Fight or brawl (打架斗殴).' },
        traffic: { description: 'Traffic incident (交通事故).' },
        public_order: { description: 'Public-order incident (治安事件).' },
        other: { description: 'Any other alert.' },
      } satisfies Record<(typeof ALERT_TYPES)[number], { description: string }>,
    }),
    ShiftKind: builder.enumType('ShiftKind', {
      description: 'The three 8-hour shifts of a checkpoint day (三班), Asia/Shanghai: night 00-08, day 08-16, evening 16-24.',
      values: {
        night: { description: 'Night shift, 00:00-08:00 Asia/Shanghai.' },
        day: { description: 'Day shift, 08:00-16:00 Asia/Shanghai.' },
        evening: { description: 'Evening shift, 16:00-24:00 Asia/Shanghai.' },
      } satisfies Record<(typeof SHIFTS)[number]['key'], { description: string }>,
    }),
    MajorEventKind: builder.enumType('MajorIncidentKind', {
      description: 'Kind of a major incident (重大案事件); a major alert is passed on to safe-unit assessment, where it can cause a one-vote veto (一票否决).',
      values: {
        major_criminal_case: { description: 'Major criminal case (重大刑事案件); the default for a major alert of a criminal type.' },
        major_safety_accident: { description: 'Major safety accident (重大安全事故); the default for a major alert of any other type.' },
        major_mass_incident: { description: 'Major mass incident (重大群体性事件).' },
        staff_duty_crime: { description: 'Staff duty crime (职务犯罪).' },
      } satisfies Record<(typeof MAJOR_EVENT_KINDS)[number], { description: string }>,
    }),
    CheckInStatus: builder.enumType('CheckInStatus', {
      description: 'Staffing of one joint-duty point against the activation deadline.',
      values: {
        on_time: { description: 'Arrived at or before the deadline.' },
        late: { description: 'Arrived after the deadline.' },
        missing: { description: 'Nobody arrived and the deadline has passed.' },
        pending: { description: 'Nobody arrived yet; the deadline has not passed.' },
      },
    }),
  };
}

export type Refs = ReturnType<typeof createRefs>;

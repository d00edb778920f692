import { MAJOR_EVENT_KINDS, type Builder, type Ctx } from '@safecity/core';
import { ALERT_TYPES, CHECKPOINT_KINDS, SHIFTS, TASKS, TEAM_LEVELS } from '../rules/index.js';
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
    CheckpointKind: builder.enumType('CheckpointKind', { values: CHECKPOINT_KINDS, description: 'city_ring 环城卡口, intercity_entrance 城际出入口, temporary_duty_point 临时执勤点' }),
    TeamLevel: builder.enumType('PatrolTeamLevel', { values: TEAM_LEVELS, description: '四级巡控: 市局, 分局, 派出所, 社区' }),
    DutyTask: builder.enumType('DutyTask', { values: TASKS, description: '设卡 checkpoint_control, 站哨 sentry, 巡查 patrol, 值班备勤 standby' }),
    AlertType: builder.enumType('AlertType', { values: ALERT_TYPES }),
    ShiftKind: builder.enumType('ShiftKind', { values: SHIFTS.map((s) => s.key), description: 'night 00-08, day 08-16, evening 16-24 (Asia/Shanghai)' }),
    MajorEventKind: builder.enumType('MajorIncidentKind', { values: MAJOR_EVENT_KINDS }),
    CheckInStatus: builder.enumType('CheckInStatus', { values: ['on_time', 'late', 'missing', 'pending'] as const }),
  };
}

export type Refs = ReturnType<typeof createRefs>;

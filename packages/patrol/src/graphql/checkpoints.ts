import { connectionOf, z, type Builder } from '@safecity/core';
import type { Gap, RosterEntry, TaskCompliance } from '../rules/index.js';
import { addPatrolMember, checkpointCoverageGaps, checkpointRoster, createCheckpoint, createPatrolTeam, listCheckpoints, listPatrolTeams, shiftCompliance, type ShiftComplianceRow } from '../service/checkpoints.js';
import { idOf, membersByTeamLoader, teamsByCheckpointLoader } from '../service/common.js';
import { listDutyLogs, recordDutyLog } from '../service/duty.js';
import type { Refs } from './refs.js';

const name = z.string().trim().min(1).max(100);

export function registerCheckpointSchema(builder: Builder, r: Refs) {
  const RosterShift = builder.objectRef<RosterEntry>('RosterShift').implement({
    description: 'One 8-hour shift of a three-team rotation.',
    fields: (t) => ({
      date: t.field({ type: 'Date', resolve: (e) => e.date }),
      shift: t.field({ type: r.ShiftKind, resolve: (e) => e.shift }),
      startsAt: t.field({ type: 'DateTime', resolve: (e) => e.startsAt }),
      endsAt: t.field({ type: 'DateTime', resolve: (e) => e.endsAt }),
      team: t.field({ type: r.PatrolTeam, resolve: (e) => e.teamId }),
    }),
  });
  const TaskComplianceRef = builder.objectRef<TaskCompliance>('TaskCompliance').implement({
    fields: (t) => ({
      task: t.field({ type: r.DutyTask, resolve: (c) => c.task }),
      minutes: t.exposeInt('minutes', { description: 'Minutes of the shift covered by the task (union over the team).' }),
      requiredMinutes: t.exposeInt('requiredMinutes', { description: '0 for standby: it must merely be recorded.' }),
      met: t.exposeBoolean('met'),
    }),
  });
  const ShiftComplianceRef = builder.objectRef<ShiftComplianceRow>('ShiftCompliance').implement({
    description: 'A team’s shift against the minimums: checkpoint control ≥ 2 h, sentry ≥ 6 h, patrol ≥ 4 h, standby recorded.',
    fields: (t) => ({
      date: t.field({ type: 'Date', resolve: (c) => c.date }),
      shift: t.field({ type: r.ShiftKind, resolve: (c) => c.shift }),
      startsAt: t.field({ type: 'DateTime', resolve: (c) => c.startsAt }),
      endsAt: t.field({ type: 'DateTime', resolve: (c) => c.endsAt }),
      team: t.field({ type: r.PatrolTeam, nullable: true, description: 'Null when nobody logged duty in the shift.', resolve: (c) => c.teamId }),
      tasks: t.field({ type: [TaskComplianceRef], resolve: (c) => c.tasks }),
      compliant: t.exposeBoolean('compliant'),
    }),
  });
  const CoverageGap = builder.objectRef<Gap>('CoverageGap').implement({
    description: 'Minutes with nobody on duty; a gap over midnight is one interval.',
    fields: (t) => ({
      startAt: t.field({ type: 'DateTime', resolve: (g) => g.start }),
      endAt: t.field({ type: 'DateTime', resolve: (g) => g.end }),
      minutes: t.exposeInt('minutes'),
    }),
  });

  r.Checkpoint.implement({
    description: 'A checkpoint or duty point (警务执勤点/卡口).',
    fields: (t) => ({
      name: t.exposeString('name'),
      kind: t.field({ type: r.CheckpointKind, resolve: (c) => c.kind }),
      latitude: t.field({ type: 'Latitude', resolve: (c) => c.latitude }),
      longitude: t.field({ type: 'Longitude', resolve: (c) => c.longitude }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (c) => c.jurisdictionCode }),
      teams: t.field({ type: [r.PatrolTeam], resolve: (c, _a, ctx) => teamsByCheckpointLoader(ctx).load(c.id) }),
      roster: t.field({
        type: [RosterShift],
        description: 'The three-shift rotation of the checkpoint’s three teams (generated, not stored).',
        args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }), startOffset: t.arg.int({ validate: z.number().int().min(0).max(2) }) },
        resolve: (c, args, ctx) => checkpointRoster(ctx, c, args),
      }),
      shiftCompliance: t.field({
        type: [ShiftComplianceRef],
        args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }) },
        resolve: (c, args, ctx) => shiftCompliance(ctx, c, args),
      }),
      coverageGaps: t.field({
        type: [CoverageGap],
        description: 'From 00:00 of `from` to 24:00 of `to`, Asia/Shanghai.',
        args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }) },
        resolve: (c, args, ctx) => checkpointCoverageGaps(ctx, c, args),
      }),
    }),
  });

  r.PatrolTeam.implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      level: t.field({ type: r.TeamLevel, resolve: (x) => x.level }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (x) => x.jurisdictionCode }),
      vehicles: t.exposeInt('vehicles'),
      checkpoint: t.field({ type: r.Checkpoint, nullable: true, resolve: (x) => x.checkpointId }),
      block: t.field({ type: r.PatrolBlock, nullable: true, resolve: (x) => x.blockId }),
      members: t.field({ type: [r.PatrolMember], resolve: (x, _a, ctx) => membersByTeamLoader(ctx).load(x.id) }),
    }),
  });

  r.PatrolMember.implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      badgeNumber: t.exposeString('badgeNumber', { nullable: true }),
      team: t.field({ type: r.PatrolTeam, resolve: (m) => m.teamId }),
    }),
  });

  r.DutyLog.implement({
    fields: (t) => ({
      task: t.field({ type: r.DutyTask, resolve: (d) => d.task }),
      startAt: t.field({ type: 'DateTime', resolve: (d) => d.startAt }),
      endAt: t.field({ type: 'DateTime', resolve: (d) => d.endAt }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (d) => d.jurisdictionCode }),
      member: t.field({ type: r.PatrolMember, resolve: (d) => d.memberId }),
      team: t.field({ type: r.PatrolTeam, resolve: (d) => d.teamId }),
      checkpoint: t.field({ type: r.Checkpoint, nullable: true, resolve: (d) => d.checkpointId }),
    }),
  });

  const CheckpointFilter = builder.inputType('CheckpointFilter', {
    fields: (t) => ({ jurisdictionCode: t.field({ type: 'DivisionCode' }), kind: t.field({ type: r.CheckpointKind }) }),
  });
  const TeamFilter = builder.inputType('PatrolTeamFilter', {
    fields: (t) => ({ jurisdictionCode: t.field({ type: 'DivisionCode' }), level: t.field({ type: r.TeamLevel }) }),
  });
  const DutyLogFilter = builder.inputType('DutyLogFilter', {
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      checkpointId: t.globalID(),
      memberId: t.globalID(),
      task: t.field({ type: r.DutyTask }),
      from: t.field({ type: 'DateTime', description: 'Logs ending at or after.' }),
      to: t.field({ type: 'DateTime', description: 'Logs starting at or before.' }),
    }),
  });

  builder.queryFields((t) => ({
    checkpoints: t.connection({
      type: r.Checkpoint,
      args: { filter: t.arg({ type: CheckpointFilter }) },
      resolve: (_r, args, ctx) => listCheckpoints(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, r.Checkpoint)),
    patrolTeams: t.connection({
      type: r.PatrolTeam,
      args: { filter: t.arg({ type: TeamFilter }) },
      resolve: (_r, args, ctx) => listPatrolTeams(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, r.PatrolTeam)),
    dutyLogs: t.connection({
      type: r.DutyLog,
      description: 'Duty logs, latest first.',
      args: { filter: t.arg({ type: DutyLogFilter }) },
      resolve: (_r, args, ctx) => {
        const f = args.filter ?? {};
        return listDutyLogs(
          ctx,
          {
            ...f,
            checkpointId: f.checkpointId ? idOf(f.checkpointId, 'Checkpoint', 'filter.checkpointId') : null,
            memberId: f.memberId ? idOf(f.memberId, 'PatrolMember', 'filter.memberId') : null,
          },
          args,
        );
      },
    }, connectionOf(builder, r.DutyLog)),
  }));

  builder.mutationFields((t) => ({
    createCheckpoint: t.field({
      type: r.Checkpoint,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, validate: name }),
        kind: t.arg({ type: r.CheckpointKind, required: true }),
        latitude: t.arg({ type: 'Latitude', required: true }),
        longitude: t.arg({ type: 'Longitude', required: true }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createCheckpoint(ctx, input, idempotencyKey),
    }),
    createPatrolTeam: t.field({
      type: r.PatrolTeam,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, validate: name }),
        level: t.arg({ type: r.TeamLevel, required: true }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        checkpointId: t.arg.globalID(),
        blockId: t.arg.globalID(),
        vehicles: t.arg.int({ validate: z.number().int().min(0).max(1000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, checkpointId, blockId, ...input }, ctx) =>
        createPatrolTeam(
          ctx,
          {
            ...input,
            checkpointId: checkpointId ? idOf(checkpointId, 'Checkpoint', 'checkpointId') : null,
            blockId: blockId ? idOf(blockId, 'PatrolBlock', 'blockId') : null,
          },
          idempotencyKey,
        ),
    }),
    addPatrolMember: t.field({
      type: r.PatrolMember,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        teamId: t.arg.globalID({ required: true }),
        name: t.arg.string({ required: true, validate: name }),
        badgeNumber: t.arg.string({ validate: z.string().trim().max(30) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, teamId, ...input }, ctx) => addPatrolMember(ctx, { ...input, teamId: idOf(teamId, 'PatrolTeam', 'teamId') }, idempotencyKey),
    }),
    recordDutyLog: t.field({
      type: r.DutyLog,
      errors: {},
      description: 'Who did which task when. A log overlapping another of the same person is refused (PATROL_DUTY_LOG_OVERLAP).',
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        memberId: t.arg.globalID({ required: true }),
        checkpointId: t.arg.globalID(),
        task: t.arg({ type: r.DutyTask, required: true }),
        startAt: t.arg({ type: 'DateTime', required: true }),
        endAt: t.arg({ type: 'DateTime', required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, memberId, checkpointId, ...input }, ctx) =>
        recordDutyLog(
          ctx,
          { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId'), checkpointId: checkpointId ? idOf(checkpointId, 'Checkpoint', 'checkpointId') : null },
          idempotencyKey,
        ),
    }),
  }));
}

import { connectionOf, plannedOr, z, type Builder } from '@safecity/core';
import type { Gap, RosterEntry, TaskCompliance } from '../rules/index.js';
import {
  addPatrolMember,
  checkpointCoverageGaps,
  checkpointRoster,
  createCheckpoint,
  createPatrolTeam,
  listCheckpoints,
  listPatrolTeams,
  shiftCompliance,
  type ShiftComplianceRow,
} from '../service/checkpoints.js';
import { idOf, memberPagesOfTeam, teamPagesOfCheckpoint } from '../service/common.js';
import { listDutyLogs, recordDutyLog } from '../service/duty.js';
import type { Refs } from './refs.js';

const name = z.string().trim().min(1).max(100);

export function registerCheckpointSchema(builder: Builder, r: Refs) {
  const RosterShift = builder.objectRef<RosterEntry>('RosterShift').implement({
    description: 'One 8-hour shift of a three-team rotation.',
    fields: (t) => ({
      date: t.field({ type: 'Date', description: 'The checkpoint day (Asia/Shanghai) the shift belongs to.', resolve: (e) => e.date }),
      shift: t.field({ type: r.ShiftKind, description: 'Which of the day’s three shifts.', resolve: (e) => e.shift }),
      startsAt: t.field({ type: 'DateTime', description: 'Start of the shift (inclusive).', resolve: (e) => e.startsAt }),
      endsAt: t.field({ type: 'DateTime', description: 'End of the shift (exclusive), 8 hours after the start.', resolve: (e) => e.endsAt }),
      team: t.field({ type: r.PatrolTeam, description: 'The team on duty in this shift; each team moves one shift earlier the next day.', resolve: (e) => e.teamId }),
    }),
  });
  const TaskComplianceRef = builder.objectRef<TaskCompliance>('TaskCompliance').implement({
    description: 'One of the four tasks (三班四运转) in a team’s shift: minutes logged against the minimum.',
    fields: (t) => ({
      task: t.field({ type: r.DutyTask, description: 'The task assessed.', resolve: (c) => c.task }),
      minutes: t.exposeInt('minutes', { description: 'Minutes of the shift covered by the task (union over the team).' }),
      requiredMinutes: t.exposeInt('requiredMinutes', { description: '0 for standby: it must merely be recorded.' }),
      met: t.exposeBoolean('met', { description: 'Standby: true when any standby was recorded; the others: true when `minutes` ≥ `requiredMinutes`.' }),
    }),
  });
  const ShiftComplianceRef = builder.objectRef<ShiftComplianceRow>('ShiftCompliance').implement({
    description: 'A team’s shift against the minimums: checkpoint control ≥ 2 h, sentry ≥ 6 h, patrol ≥ 4 h, standby recorded.',
    fields: (t) => ({
      date: t.field({ type: 'Date', description: 'The checkpoint day (Asia/Shanghai) the shift belongs to.', resolve: (c) => c.date }),
      shift: t.field({ type: r.ShiftKind, description: 'Which of the day’s three shifts.', resolve: (c) => c.shift }),
      startsAt: t.field({ type: 'DateTime', description: 'Start of the shift (inclusive).', resolve: (c) => c.startsAt }),
      endsAt: t.field({ type: 'DateTime', description: 'End of the shift (exclusive).', resolve: (c) => c.endsAt }),
      team: t.field({ type: r.PatrolTeam, nullable: true, description: 'Null when nobody logged duty in the shift.', resolve: (c) => c.teamId }),
      tasks: t.field({ type: [TaskComplianceRef], description: 'The four tasks, each with its minutes and minimum.', resolve: (c) => c.tasks }),
      compliant: t.exposeBoolean('compliant', { description: 'True when every task met its minimum (false for a shift nobody logged).' }),
    }),
  });
  const CoverageGap = builder.objectRef<Gap>('CoverageGap').implement({
    description: 'Minutes with nobody on duty; a gap over midnight is one interval.',
    fields: (t) => ({
      startAt: t.field({ type: 'DateTime', description: 'Start of the gap, on a whole minute.', resolve: (g) => g.start }),
      endAt: t.field({ type: 'DateTime', description: 'End of the gap (exclusive), on a whole minute.', resolve: (g) => g.end }),
      minutes: t.exposeInt('minutes', { description: 'Length of the gap in minutes.' }),
    }),
  });

  r.Checkpoint.implement({
    description: 'A checkpoint or duty point (警务执勤点/卡口).',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Name of the checkpoint or duty point.' }),
      kind: t.field({ type: r.CheckpointKind, description: 'City ring, inter-city entrance or temporary duty point.', resolve: (c) => c.kind }),
      latitude: t.field({ type: 'Latitude', description: 'Latitude in decimal degrees, inside China (refused otherwise).', resolve: (c) => c.latitude }),
      longitude: t.field({ type: 'Longitude', description: 'Longitude in decimal degrees, inside China (refused otherwise).', resolve: (c) => c.longitude }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction (属地) the checkpoint belongs to.', resolve: (c) => c.jurisdictionCode }),
      teams: t.connection(
        {
          type: r.PatrolTeam,
          description: 'Teams stationed at the checkpoint, inside your jurisdiction, in the order they were formed (the roster’s rotation order).',
          resolve: (c, args, ctx, info) => plannedOr(c, info, () => teamPagesOfCheckpoint(ctx, args).load(c.id)),
        },
        connectionOf(builder, r.PatrolTeam),
      ),
      roster: t.field({
        type: [RosterShift],
        description: 'The three-shift rotation (三班轮转) of the checkpoint’s three teams (generated, not stored); PATROL_ROSTER_TEAMS_INVALID unless it has exactly three teams.',
        args: {
          from: t.arg({ type: 'Date', required: true, description: 'First day (Asia/Shanghai), included.' }),
          to: t.arg({ type: 'Date', required: true, description: 'Last day, included; at most 62 days from `from` (else PATROL_RANGE_TOO_LONG).' }),
          startOffset: t.arg.int({ description: 'Shifts the rotation by 0-2 shifts (default 0): offset k starts the first day as day k would.', validate: z.number().int().min(0).max(2) }),
        },
        resolve: (c, args, ctx) => checkpointRoster(ctx, c, args),
      }),
      shiftCompliance: t.field({
        type: [ShiftComplianceRef],
        description: 'Per day, per shift and per team that logged duty at the checkpoint in it: the task minimums met or not; one row with a null team for a shift nobody logged.',
        args: {
          from: t.arg({ type: 'Date', required: true, description: 'First day (Asia/Shanghai), included.' }),
          to: t.arg({ type: 'Date', required: true, description: 'Last day, included; at most 62 days from `from` (else PATROL_RANGE_TOO_LONG).' }),
        },
        resolve: (c, args, ctx) => shiftCompliance(ctx, c, args),
      }),
      coverageGaps: t.field({
        type: [CoverageGap],
        description: 'Minutes with nobody on duty at the checkpoint, from 00:00 of `from` to 24:00 of `to`, Asia/Shanghai.',
        args: {
          from: t.arg({ type: 'Date', required: true, description: 'First day (Asia/Shanghai), included.' }),
          to: t.arg({ type: 'Date', required: true, description: 'Last day, included; at most 62 days from `from` (else PATROL_RANGE_TOO_LONG).' }),
        },
        resolve: (c, args, ctx) => checkpointCoverageGaps(ctx, c, args),
      }),
    }),
  });

  r.PatrolTeam.implement({
    description: 'A patrol team (巡逻队) at one of the four levels of patrol control (四级巡控), stationed at a checkpoint and/or a patrol block.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Name of the team.' }),
      level: t.field({ type: r.TeamLevel, description: 'The level the team works at (四级巡控).', resolve: (x) => x.level }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction (属地) the team belongs to.', resolve: (x) => x.jurisdictionCode }),
      vehicles: t.exposeInt('vehicles', { description: 'Number of patrol vehicles of the team (0 when none).' }),
      checkpoint: t.field({ type: r.Checkpoint, nullable: true, description: 'The checkpoint the team is stationed at; null when it has none.', resolve: (x) => x.checkpointId }),
      block: t.field({ type: r.PatrolBlock, nullable: true, description: 'The patrol block (区块) the team patrols; null when it has none.', resolve: (x) => x.blockId }),
      members: t.connection(
        {
          type: r.PatrolMember,
          description: 'Members of the team, inside your jurisdiction, by name.',
          resolve: (x, args, ctx, info) => plannedOr(x, info, () => memberPagesOfTeam(ctx, args).load(x.id)),
        },
        connectionOf(builder, r.PatrolMember),
      ),
    }),
  });

  r.PatrolMember.implement({
    description: 'A member of a patrol team (巡逻队员); belongs to the team’s jurisdiction.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Full name of the member.' }),
      badgeNumber: t.exposeString('badgeNumber', { nullable: true, description: 'Police badge number (警号); null when none was recorded.' }),
      team: t.field({ type: r.PatrolTeam, description: 'The team the member belongs to.', resolve: (m) => m.teamId }),
    }),
  });

  r.DutyLog.implement({
    description: 'A duty log (执勤记录): who did which task when; append-only, never overlapping another log of the same person.',
    fields: (t) => ({
      task: t.field({ type: r.DutyTask, description: 'The task performed.', resolve: (d) => d.task }),
      startAt: t.field({ type: 'DateTime', description: 'Start of the duty.', resolve: (d) => d.startAt }),
      endAt: t.field({ type: 'DateTime', description: 'End of the duty: after the start, at most 24 hours later.', resolve: (d) => d.endAt }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The checkpoint’s jurisdiction, or the member’s when the log names no checkpoint.', resolve: (d) => d.jurisdictionCode }),
      member: t.field({ type: r.PatrolMember, description: 'Who was on duty.', resolve: (d) => d.memberId }),
      team: t.field({ type: r.PatrolTeam, description: 'The member’s team when the log was recorded.', resolve: (d) => d.teamId }),
      checkpoint: t.field({ type: r.Checkpoint, nullable: true, description: 'Where the duty was done; null for duty away from a checkpoint.', resolve: (d) => d.checkpointId }),
    }),
  });

  const CheckpointFilter = builder.inputType('CheckpointFilter', {
    description: 'Narrows `checkpoints`; omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'Only checkpoints in this jurisdiction or below it.' }),
      kind: t.field({ type: r.CheckpointKind, description: 'Only checkpoints of this kind.' }),
    }),
  });
  const TeamFilter = builder.inputType('PatrolTeamFilter', {
    description: 'Narrows `patrolTeams`; omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'Only teams in this jurisdiction or below it.' }),
      level: t.field({ type: r.TeamLevel, description: 'Only teams at this level (四级巡控).' }),
    }),
  });
  const DutyLogFilter = builder.inputType('DutyLogFilter', {
    description: 'Narrows `dutyLogs`; omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'Only logs in this jurisdiction or below it.' }),
      checkpointId: t.globalID({ description: 'Only logs at this Checkpoint (global id).' }),
      memberId: t.globalID({ description: 'Only logs of this PatrolMember (global id).' }),
      task: t.field({ type: r.DutyTask, description: 'Only logs of this task.' }),
      from: t.field({ type: 'DateTime', description: 'Logs ending at or after.' }),
      to: t.field({ type: 'DateTime', description: 'Logs starting at or before.' }),
    }),
  });

  builder.queryFields((t) => ({
    checkpoints: t.connection(
      {
        type: r.Checkpoint,
        description: 'Checkpoints and duty points (警务执勤点/卡口) in your jurisdiction, by jurisdiction code.',
        args: { filter: t.arg({ type: CheckpointFilter, description: 'Optional narrowing; omitted: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listCheckpoints(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, r.Checkpoint),
    ),
    patrolTeams: t.connection(
      {
        type: r.PatrolTeam,
        description: 'Patrol teams in your jurisdiction.',
        args: { filter: t.arg({ type: TeamFilter, description: 'Optional narrowing; omitted: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listPatrolTeams(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, r.PatrolTeam),
    ),
    dutyLogs: t.connection(
      {
        type: r.DutyLog,
        description: 'Duty logs in your jurisdiction, latest start first.',
        args: { filter: t.arg({ type: DutyLogFilter, description: 'Optional narrowing; omitted: all in your jurisdiction.' }) },
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
      },
      connectionOf(builder, r.DutyLog),
    ),
  }));

  builder.mutationFields((t) => ({
    createCheckpoint: t.field({
      type: r.Checkpoint,
      errors: { dataField: { description: 'The checkpoint created.' } },
      description:
        'Creates a checkpoint or duty point (警务执勤点/卡口) in a jurisdiction you may write to (needs patrol:manage). Errors: PATROL_COORDINATES_INVALID, PATROL_COORDINATES_OUTSIDE_CHINA, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, description: 'Name, 1-100 characters (trimmed).', validate: name }),
        kind: t.arg({ type: r.CheckpointKind, required: true, description: 'City ring, inter-city entrance or temporary duty point.' }),
        latitude: t.arg({ type: 'Latitude', required: true, description: 'Latitude in decimal degrees; must lie inside China.' }),
        longitude: t.arg({ type: 'Longitude', required: true, description: 'Longitude in decimal degrees; must lie inside China.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction (属地) it belongs to: inside yours.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createCheckpoint(ctx, input, idempotencyKey),
    }),
    createPatrolTeam: t.field({
      type: r.PatrolTeam,
      errors: { dataField: { description: 'The team created.' } },
      description:
        'Creates a patrol team, optionally stationed at a checkpoint and/or a patrol block (needs patrol:manage). Errors: CORE_ID_MALFORMED, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_NOT_FOUND, PATROL_TEAM_CHECKPOINT_MISMATCH.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, description: 'Name, 1-100 characters (trimmed).', validate: name }),
        level: t.arg({ type: r.TeamLevel, required: true, description: 'The level it works at (四级巡控).' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction (属地) it belongs to: inside yours.' }),
        checkpointId: t.arg.globalID({ description: 'Checkpoint (global id) to station it at; the checkpoint must lie in, or contain, the team’s jurisdiction. Omitted: none.' }),
        blockId: t.arg.globalID({ description: 'PatrolBlock (global id) it patrols. Omitted: none.' }),
        vehicles: t.arg.int({ description: 'Number of patrol vehicles, 0-1000 (default 0).', validate: z.number().int().min(0).max(1000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
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
      errors: { dataField: { description: 'The member added.' } },
      description:
        'Adds a member to a patrol team; the member takes the team’s jurisdiction (needs patrol:manage). Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        teamId: t.arg.globalID({ required: true, description: 'The PatrolTeam (global id) to join: inside your jurisdiction.' }),
        name: t.arg.string({ required: true, description: 'Full name, 1-100 characters (trimmed).', validate: name }),
        badgeNumber: t.arg.string({ description: 'Police badge number (警号), up to 30 characters. Omitted: none.', validate: z.string().trim().max(30) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, teamId, ...input }, ctx) => addPatrolMember(ctx, { ...input, teamId: idOf(teamId, 'PatrolTeam', 'teamId') }, idempotencyKey),
    }),
    recordDutyLog: t.field({
      type: r.DutyLog,
      errors: { dataField: { description: 'The duty log recorded.' } },
      description:
        'Records who did which task when (needs patrol:duty.record); a log overlapping another of the same person is refused. Errors: CORE_ID_MALFORMED, PATROL_DUTY_LOG_INTERVAL_INVALID, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, PATROL_DUTY_LOG_OVERLAP.',
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        memberId: t.arg.globalID({ required: true, description: 'The PatrolMember (global id) on duty; the log takes the member’s current team.' }),
        checkpointId: t.arg.globalID({ description: 'Checkpoint (global id) where the duty was done. Omitted: duty away from a checkpoint.' }),
        task: t.arg({ type: r.DutyTask, required: true, description: 'The task performed.' }),
        startAt: t.arg({ type: 'DateTime', required: true, description: 'Start of the duty.' }),
        endAt: t.arg({ type: 'DateTime', required: true, description: 'End of the duty: after `startAt`, at most 24 hours later.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, memberId, checkpointId, ...input }, ctx) =>
        recordDutyLog(ctx, { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId'), checkpointId: checkpointId ? idOf(checkpointId, 'Checkpoint', 'checkpointId') : null }, idempotencyKey),
    }),
  }));
}

import { scopedEvents, z, type Builder, connectionOf } from '@safecity/core';
import { MAX_JOINT_DUTY_POINTS, responseSeconds, type AlertType, type PointReport, type YearOnYear } from '../rules/index.js';
import { activationReport, checkInsByActivationLoader, configureJointDuty, getActivation, listActivations, recordCheckIn } from '../service/activation.js';
import { alertResponseStats, alertYearOnYear, listAlerts, recordAlert } from '../service/alerts.js';
import { idOf } from '../service/common.js';
import type { CheckInRow } from '../tables.js';
import type { Refs } from './refs.js';

export function registerAlertSchema(builder: Builder, r: Refs) {
  const IncidentUnit = builder.objectRef<{ creditCode: string | null; name: string | null }>('IncidentUnit').implement({
    description: 'The unit (enterprise, school, market, …) an alert happened at, as reported; at least one of the two fields is set.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', nullable: true, description: 'Unified social credit code (统一社会信用代码); null when only the name was reported.', resolve: (u) => u.creditCode }),
      name: t.exposeString('name', { nullable: true, description: 'Name of the unit; null when only the credit code was reported.' }),
    }),
  });

  r.Alert.implement({
    description: 'An alert or case (警情/案件). `occurredAt` is when it came in; response times run from it.',
    fields: (t) => ({
      type: t.field({ type: r.AlertType, description: 'Alert type (警情类别).', resolve: (a) => a.type }),
      gbCode: t.exposeString('gbCode', { nullable: true, description: 'GB/T 31000 classification code, when supplied.' }),
      occurredAt: t.field({ type: 'DateTime', description: 'When the alert came in; response times run from it.', resolve: (a) => a.occurredAt }),
      day: t.field({ type: 'Date', description: 'Calendar day in Asia/Shanghai.', resolve: (a) => a.day }),
      place: t.exposeString('place', { description: 'Where it happened, as free text (an address or landmark).' }),
      latitude: t.field({ type: 'Latitude', nullable: true, description: 'Latitude in decimal degrees; null when no coordinates were given.', resolve: (a) => a.latitude }),
      longitude: t.field({ type: 'Longitude', nullable: true, description: 'Longitude in decimal degrees; null when no coordinates were given.', resolve: (a) => a.longitude }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction (属地) the alert happened in.', resolve: (a) => a.jurisdictionCode }),
      major: t.exposeBoolean('major', { description: 'A major incident (重大案事件): passed on to safe-unit assessment, where it can veto the unit (一票否决).' }),
      majorKind: t.field({ type: r.MajorEventKind, nullable: true, description: 'Kind of the major incident; null when `major` is false.', resolve: (a) => a.majorKind }),
      unit: t.field({
        type: IncidentUnit,
        nullable: true,
        description: 'The unit it happened at; null when none was reported.',
        resolve: (a) => (a.unitCreditCode || a.unitName ? { creditCode: a.unitCreditCode, name: a.unitName } : null),
      }),
      description: t.exposeString('description', { description: 'Free-text account of the alert; empty when none was given.' }),
      dispatchedAt: t.field({ type: 'DateTime', nullable: true, description: 'When a team was dispatched (出警); null when not recorded.', resolve: (a) => a.dispatchedAt }),
      arrivedAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the first team arrived at the scene; null when no arrival was recorded (then the alert counts as not reached).',
        resolve: (a) => a.arrivedAt,
      }),
      responseSeconds: t.float({ nullable: true, description: 'Seconds from `occurredAt` to `arrivedAt`; null while `arrivedAt` is null.', resolve: (a) => responseSeconds(a) }),
    }),
  });

  const PointReportRef = builder.objectRef<PointReport>('JointDutyPointReport').implement({
    description: 'One point of a joint-duty activation: was it staffed by the deadline?',
    fields: (t) => ({
      point: t.field({ type: r.Checkpoint, description: 'The temporary duty point.', resolve: (p) => p.pointId }),
      status: t.field({ type: r.CheckInStatus, description: 'On time, late, missing or pending, as of the report’s `asOf`.', resolve: (p) => p.status }),
      arrivedAt: t.field({ type: 'DateTime', nullable: true, description: 'The point’s first arrival; null when nobody has arrived.', resolve: (p) => p.arrivedAt }),
      minutesAfterActivation: t.float({ nullable: true, description: 'Minutes from activation to arrival, one decimal; null when nobody has arrived.', resolve: (p) => p.minutesAfterActivation }),
    }),
  });
  const CheckIn = builder.objectRef<CheckInRow>('JointDutyCheckIn').implement({
    description: 'A point’s arrival recorded for a joint-duty activation (one per point).',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Id of the check-in record.' }),
      point: t.field({ type: r.Checkpoint, description: 'The point that checked in.', resolve: (c) => c.checkpointId }),
      arrivedAt: t.field({ type: 'DateTime', description: 'When the point was staffed.', resolve: (c) => c.arrivedAt }),
    }),
  });

  r.JointDutyActivation.implement({
    description: 'A grid joint-duty activation (网格化防控联勤): the day’s alerts reached the threshold; the points must be staffed by the deadline.',
    fields: (t) => ({
      jurisdictionCode: t.field({
        type: 'DivisionCode',
        description: 'The jurisdiction whose alerts were counted together (the rule’s; by default the district).',
        resolve: (a) => a.jurisdictionCode,
      }),
      day: t.field({ type: 'Date', description: 'The calendar day (Asia/Shanghai) of the counted alerts; at most one activation per jurisdiction and day.', resolve: (a) => a.day }),
      threshold: t.exposeInt('threshold', { description: 'Qualifying alerts in one day that activate (default 2).' }),
      alertTypes: t.field({ type: [r.AlertType], description: 'The alert types that counted (default robbery and snatching, 两抢).', resolve: (a) => a.types }),
      activatedAt: t.field({ type: 'DateTime', description: 'When the threshold was reached and joint duty activated.', resolve: (a) => a.activatedAt }),
      deadline: t.field({ type: 'DateTime', description: 'By when every point must be staffed: activation plus the rule’s deadline minutes (default 10).', resolve: (a) => a.deadline }),
      triggeringAlerts: t.field({ type: [r.Alert], description: 'The day’s qualifying alerts in time order, up to the threshold: they caused the activation.', resolve: (a) => a.triggeringAlertIds }),
      points: t.field({ type: [r.Checkpoint], description: 'The temporary duty points to staff: the rule’s, or else every temporary duty point of the jurisdiction.', resolve: (a) => a.pointIds }),
      checkIns: t.field({
        type: [CheckIn],
        description: `Arrivals recorded so far inside your jurisdiction, in arrival order: a list, not a page, as each point is checked into at most once and an activation has at most ${MAX_JOINT_DUTY_POINTS} points.`,
        resolve: (a, _x, ctx) => checkInsByActivationLoader(ctx).load(a.id),
      }),
      report: t.field({
        type: [PointReportRef],
        description: 'Each point: on time, late (after the deadline), missing or still pending, as of `asOf` (default now).',
        args: { asOf: t.arg({ type: 'DateTime', description: 'The moment to judge at: a point without arrival is missing after the deadline, pending before. Default: now.' }) },
        resolve: (a, args, ctx) => activationReport(ctx, a, args.asOf ?? ctx.now()),
      }),
    }),
  });

  const ResponseStats = builder.objectRef<{ jurisdictionCode: string; limitSeconds: number; total: number; reachedWithin: number; share: number | null }>('AlertResponseStats').implement({
    description: 'Share of alerts reached within the limit (300 s: 鹿城300秒出警圈). Unreached alerts count as not within.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction counted (with everything below it).', resolve: (s) => s.jurisdictionCode }),
      limitSeconds: t.exposeInt('limitSeconds', { description: 'The limit in seconds (default 300).' }),
      total: t.exposeInt('total', { description: 'Alerts in the period.' }),
      reachedWithin: t.exposeInt('reachedWithin', { description: 'Alerts reached within the limit (arriving exactly at it counts).' }),
      share: t.exposeFloat('share', { nullable: true, description: '`reachedWithin` / `total`, from 0 to 1; null when there were no alerts.' }),
    }),
  });
  const Yoy = builder.objectRef<YearOnYear>('AlertYearOnYear').implement({
    description: 'Year-on-year change (同比) of one alert type; type "all" is the total.',
    fields: (t) => ({
      type: t.exposeString('type', { description: 'An AlertType value, or "all" for the total of the types counted.' }),
      current: t.exposeInt('current', { description: 'Alerts of the type in [from, to).' }),
      previous: t.exposeInt('previous', { description: 'Alerts of the type in the same span one year earlier.' }),
      change: t.exposeFloat('change', { nullable: true, description: '(current − previous) / previous; null when previous is 0.' }),
    }),
  });
  const JointDutyRule = builder
    .objectRef<{ jurisdictionCode: string; threshold: number; types: readonly AlertType[]; pointIds: string[]; deadlineMinutes: number; version: number }>('JointDutyRule')
    .implement({
      description: 'A jurisdiction’s grid joint-duty rule (网格化防控联勤): how many alerts of which types in one day activate, which points to staff, within how many minutes.',
      fields: (t) => ({
        jurisdictionCode: t.field({
          type: 'DivisionCode',
          description: 'The jurisdiction whose alerts are counted together; the most specific rule containing an alert applies.',
          resolve: (x) => x.jurisdictionCode,
        }),
        threshold: t.exposeInt('threshold', { description: 'Qualifying alerts in one day that activate joint duty.' }),
        alertTypes: t.field({ type: [r.AlertType], description: 'The alert types that count.', resolve: (x) => x.types }),
        points: t.field({ type: [r.Checkpoint], description: 'The temporary duty points to staff; empty: every temporary duty point of the jurisdiction.', resolve: (x) => x.pointIds }),
        deadlineMinutes: t.exposeInt('deadlineMinutes', { description: 'Minutes from activation by which the points must be staffed.' }),
        version: t.exposeInt('version', { description: 'Starts at 1, +1 on each reconfiguration (earlier settings are in the audit log).' }),
      }),
    });

  const AlertFilter = builder.inputType('AlertFilter', {
    description: 'Narrows `alerts`; omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'Only alerts in this jurisdiction or below it.' }),
      from: t.field({ type: 'DateTime', description: 'Only alerts that came in at or after this instant (inclusive).' }),
      to: t.field({ type: 'DateTime', description: 'Only alerts that came in before this instant (exclusive).' }),
      types: t.field({ type: [r.AlertType], description: 'Only alerts of these types; empty or omitted: all types.' }),
      major: t.boolean({ description: 'Severity: only major (true) or only ordinary (false).' }),
    }),
  });
  const ActivationFilter = builder.inputType('JointDutyActivationFilter', {
    description: 'Narrows `jointDutyActivations`; omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'Only activations of this jurisdiction or below it.' }),
      fromDay: t.field({ type: 'Date', description: 'Only activations on or after this day (inclusive).' }),
      toDay: t.field({ type: 'Date', description: 'Only activations on or before this day (inclusive).' }),
    }),
  });
  const UnitInput = builder.inputType('IncidentUnitInput', {
    description: 'The unit an alert happened at: its credit code, its name, or both.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: 'Unified social credit code (统一社会信用代码); for a major alert, safe-unit assessment looks the unit up by it first.' }),
      name: t.string({
        description: 'Name of the unit, up to 100 characters (trimmed); for a major alert, the exact name is tried when the credit code finds no unit.',
        validate: z.string().trim().max(100),
      }),
    }),
  });

  builder.queryFields((t) => ({
    alerts: t.connection(
      {
        type: r.Alert,
        description: 'Alerts and cases in your jurisdiction, newest first.',
        args: { filter: t.arg({ type: AlertFilter, description: 'Optional narrowing; omitted: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listAlerts(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, r.Alert),
    ),
    alertResponseStats: t.field({
      type: ResponseStats,
      description: 'Rapid response (快速反应): the share of alerts in [from, to) reached at the scene within the limit (default 300 s, 鹿城300秒出警圈).',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Jurisdiction to count, with everything below it; inside yours. Default: yours.' }),
        from: t.arg({ type: 'DateTime', required: true, description: 'Start of the period (inclusive).' }),
        to: t.arg({ type: 'DateTime', required: true, description: 'End of the period (exclusive).' }),
        types: t.arg({ type: [r.AlertType], description: 'Only these alert types (at most 20); empty or omitted: all types.', validate: z.array(z.any()).max(20) }),
        limitSeconds: t.arg.int({ description: 'The limit in seconds, 1-86400 (default 300).', validate: z.number().int().min(1).max(86_400) }),
      },
      resolve: (_r, args, ctx) => alertResponseStats(ctx, args),
    }),
    alertYearOnYear: t.field({
      type: [Yoy],
      description: 'Year-on-year change (同比) of alert counts per type in [from, to) against the same span one year earlier, types in name order, then "all".',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Jurisdiction to count, with everything below it; inside yours. Default: yours.' }),
        from: t.arg({ type: 'DateTime', required: true, description: 'Start of the period (inclusive).' }),
        to: t.arg({ type: 'DateTime', required: true, description: 'End of the period (exclusive).' }),
        types: t.arg({ type: [r.AlertType], description: 'Only these alert types (at most 20); empty or omitted: all types.', validate: z.array(z.any()).max(20) }),
      },
      resolve: (_r, args, ctx) => alertYearOnYear(ctx, args),
    }),
    jointDutyActivations: t.connection(
      {
        type: r.JointDutyActivation,
        description: 'Grid joint-duty activations (网格化防控联勤) in your jurisdiction, latest first.',
        args: { filter: t.arg({ type: ActivationFilter, description: 'Optional narrowing; omitted: all in your jurisdiction.' }) },
        resolve: (_r, args, ctx) => listActivations(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, r.JointDutyActivation),
    ),
  }));

  builder.mutationFields((t) => ({
    recordAlert: t.field({
      type: r.Alert,
      errors: { dataField: { description: 'The alert recorded.' } },
      description:
        'Records an alert or case (警情/案件) (needs patrol:alert.record); the alert that reaches the day’s joint-duty threshold activates joint duty in the same transaction, and a major one is passed on to safe-unit assessment. Errors: PATROL_COORDINATES_INVALID, PATROL_COORDINATES_OUTSIDE_CHINA, PATROL_ALERT_TIMES_INVALID, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      authScopes: { permission: 'patrol:alert.record' },
      args: {
        type: t.arg({ type: r.AlertType, required: true, description: 'Alert type (警情类别).' }),
        gbCode: t.arg.string({ description: 'GB/T 31000 classification code, 2-12 characters of 0-9 and A-Z. Omitted: none.', validate: z.string().regex(/^[0-9A-Z]{2,12}$/) }),
        occurredAt: t.arg({ type: 'DateTime', required: true, description: 'When the alert came in; its Asia/Shanghai day is the day counted for joint duty.' }),
        place: t.arg.string({ required: true, description: 'Where it happened, 1-200 characters (trimmed).', validate: z.string().trim().min(1).max(200) }),
        latitude: t.arg({ type: 'Latitude', description: 'Latitude in decimal degrees, inside China; give both coordinates or neither.' }),
        longitude: t.arg({ type: 'Longitude', description: 'Longitude in decimal degrees, inside China; give both coordinates or neither.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction (属地) it happened in: inside yours.' }),
        major: t.arg.boolean({ description: 'A major incident (重大案事件), default false.' }),
        majorKind: t.arg({ type: r.MajorEventKind, description: 'Kind of the major incident; ignored unless `major`. Default: major_criminal_case for a criminal type, else major_safety_accident.' }),
        unit: t.arg({ type: UnitInput, description: 'The unit it happened at, if any.' }),
        description: t.arg.string({ description: 'Free-text account, up to 2000 characters. Omitted: empty.', validate: z.string().max(2000) }),
        dispatchedAt: t.arg({ type: 'DateTime', description: 'When a team was dispatched; not before `occurredAt`.' }),
        arrivedAt: t.arg({ type: 'DateTime', description: 'When the first team arrived at the scene; not before `occurredAt`.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordAlert(ctx, input, idempotencyKey),
    }),
    configureJointDuty: t.field({
      type: JointDutyRule,
      errors: { dataField: { description: 'The rule as now in force.' } },
      description:
        'Sets a jurisdiction’s grid joint-duty rule (网格化防控联勤), replacing the previous one (kept in the audit log) (needs patrol:manage). Errors: CORE_ID_MALFORMED, PATROL_TOO_MANY_POINTS, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_NOT_FOUND, PATROL_POINT_NOT_TEMPORARY.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction whose alerts are counted together: inside yours.' }),
        threshold: t.arg.int({ required: true, description: 'Qualifying alerts in one day that activate, 1-100.', validate: z.number().int().min(1).max(100) }),
        alertTypes: t.arg({ type: [r.AlertType], required: true, description: 'The alert types that count, 1-20 (duplicates dropped).', validate: z.array(z.string()).min(1).max(20) }),
        pointIds: t.arg.globalIDList({
          required: true,
          description: 'Checkpoints (global ids) to staff: temporary duty points inside the jurisdiction, at most 100; empty: every temporary duty point of the jurisdiction.',
        }),
        deadlineMinutes: t.arg.int({ description: 'Minutes from activation by which the points must be staffed, 1-240 (default 10).', validate: z.number().int().min(1).max(240) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, a, ctx) =>
        configureJointDuty(
          ctx,
          {
            jurisdictionCode: a.jurisdictionCode,
            threshold: a.threshold,
            types: a.alertTypes,
            pointIds: a.pointIds.map((g, i) => idOf(g, 'Checkpoint', `pointIds.${i}`)),
            deadlineMinutes: a.deadlineMinutes ?? 10,
          },
          a.idempotencyKey,
        ),
    }),
    recordCheckIn: t.field({
      type: r.JointDutyActivation,
      errors: { dataField: { description: 'The activation, with the new check-in in `checkIns` and `report`.' } },
      description:
        'Records a point’s arrival for a joint-duty activation, one per point (needs patrol:duty.record); returns the activation with its report. Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, PATROL_POINT_NOT_IN_ACTIVATION, PATROL_CHECK_IN_DUPLICATE.',
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        activationId: t.arg.globalID({ required: true, description: 'The JointDutyActivation (global id).' }),
        checkpointId: t.arg.globalID({ required: true, description: 'The Checkpoint (global id) that arrived: one of the activation’s points, inside your jurisdiction.' }),
        arrivedAt: t.arg({ type: 'DateTime', required: true, description: 'When the point was staffed; after the deadline it counts as late.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: async (_r, a, ctx) => {
        const activationId = idOf(a.activationId, 'JointDutyActivation', 'activationId');
        await recordCheckIn(ctx, { activationId, checkpointId: idOf(a.checkpointId, 'Checkpoint', 'checkpointId'), arrivedAt: a.arrivedAt }, a.idempotencyKey);
        ctx.loaders.clear();
        return getActivation(ctx, activationId);
      },
    }),
  }));

  builder.subscriptionFields((t) => ({
    jointDutyActivations: t.field({
      type: r.JointDutyActivation,
      description: 'Joint-duty activations inside your jurisdiction, delivered after commit.',
      subscribe: (_r, _a, ctx) => scopedEvents(ctx, ['jointDutyActivated']),
      resolve: (m, _a, ctx) => {
        ctx.loaders.clear();
        return getActivation(ctx, m.payload.activationId);
      },
    }),
  }));
}

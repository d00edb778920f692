import { scopedEvents, z, type Builder, connectionOf } from '@safecity/core';
import { responseSeconds, type AlertType, type PointReport, type YearOnYear } from '../rules/index.js';
import { activationReport, checkInsByActivationLoader, configureJointDuty, getActivation, listActivations, recordCheckIn } from '../service/activation.js';
import { alertResponseStats, alertYearOnYear, listAlerts, recordAlert } from '../service/alerts.js';
import { idOf } from '../service/common.js';
import type { CheckInRow } from '../tables.js';
import type { Refs } from './refs.js';

export function registerAlertSchema(builder: Builder, r: Refs) {
  const IncidentUnit = builder.objectRef<{ creditCode: string | null; name: string | null }>('IncidentUnit').implement({
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', nullable: true, resolve: (u) => u.creditCode }),
      name: t.exposeString('name', { nullable: true }),
    }),
  });

  r.Alert.implement({
    description: 'An alert or case (警情/案件). `occurredAt` is when it came in; response times run from it.',
    fields: (t) => ({
      type: t.field({ type: r.AlertType, resolve: (a) => a.type }),
      gbCode: t.exposeString('gbCode', { nullable: true, description: 'GB/T 31000 classification code, when supplied.' }),
      occurredAt: t.field({ type: 'DateTime', resolve: (a) => a.occurredAt }),
      day: t.field({ type: 'Date', description: 'Calendar day in Asia/Shanghai.', resolve: (a) => a.day }),
      place: t.exposeString('place'),
      latitude: t.field({ type: 'Latitude', nullable: true, resolve: (a) => a.latitude }),
      longitude: t.field({ type: 'Longitude', nullable: true, resolve: (a) => a.longitude }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (a) => a.jurisdictionCode }),
      major: t.exposeBoolean('major'),
      majorKind: t.field({ type: r.MajorEventKind, nullable: true, resolve: (a) => a.majorKind }),
      unit: t.field({ type: IncidentUnit, nullable: true, resolve: (a) => (a.unitCreditCode || a.unitName ? { creditCode: a.unitCreditCode, name: a.unitName } : null) }),
      description: t.exposeString('description'),
      dispatchedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.dispatchedAt }),
      arrivedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.arrivedAt }),
      responseSeconds: t.float({ nullable: true, resolve: (a) => responseSeconds(a) }),
    }),
  });

  const PointReportRef = builder.objectRef<PointReport>('JointDutyPointReport').implement({
    fields: (t) => ({
      point: t.field({ type: r.Checkpoint, resolve: (p) => p.pointId }),
      status: t.field({ type: r.CheckInStatus, resolve: (p) => p.status }),
      arrivedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.arrivedAt }),
      minutesAfterActivation: t.float({ nullable: true, resolve: (p) => p.minutesAfterActivation }),
    }),
  });
  const CheckIn = builder.objectRef<CheckInRow>('JointDutyCheckIn').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      point: t.field({ type: r.Checkpoint, resolve: (c) => c.checkpointId }),
      arrivedAt: t.field({ type: 'DateTime', resolve: (c) => c.arrivedAt }),
    }),
  });

  r.JointDutyActivation.implement({
    description: 'A grid joint-duty activation (网格化防控联勤): the day’s alerts reached the threshold; the points must be staffed by the deadline.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (a) => a.jurisdictionCode }),
      day: t.field({ type: 'Date', resolve: (a) => a.day }),
      threshold: t.exposeInt('threshold'),
      alertTypes: t.field({ type: [r.AlertType], resolve: (a) => a.types }),
      activatedAt: t.field({ type: 'DateTime', resolve: (a) => a.activatedAt }),
      deadline: t.field({ type: 'DateTime', resolve: (a) => a.deadline }),
      triggeringAlerts: t.field({ type: [r.Alert], resolve: (a) => a.triggeringAlertIds }),
      points: t.field({ type: [r.Checkpoint], resolve: (a) => a.pointIds }),
      checkIns: t.field({ type: [CheckIn], resolve: (a, _x, ctx) => checkInsByActivationLoader(ctx).load(a.id) }),
      report: t.field({
        type: [PointReportRef],
        description: 'Each point: on time, late (after the deadline), missing or still pending, as of `asOf` (default now).',
        args: { asOf: t.arg({ type: 'DateTime' }) },
        resolve: (a, args, ctx) => activationReport(ctx, a, args.asOf ?? ctx.now()),
      }),
    }),
  });

  const ResponseStats = builder
    .objectRef<{ jurisdictionCode: string; limitSeconds: number; total: number; reachedWithin: number; share: number | null }>('AlertResponseStats')
    .implement({
      description: 'Share of alerts reached within the limit (300 s: 鹿城300秒出警圈). Unreached alerts count as not within.',
      fields: (t) => ({
        jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (s) => s.jurisdictionCode }),
        limitSeconds: t.exposeInt('limitSeconds'),
        total: t.exposeInt('total'),
        reachedWithin: t.exposeInt('reachedWithin'),
        share: t.exposeFloat('share', { nullable: true }),
      }),
    });
  const Yoy = builder.objectRef<YearOnYear>('AlertYearOnYear').implement({
    description: 'Year-on-year change (同比) of one alert type; type "all" is the total.',
    fields: (t) => ({
      type: t.exposeString('type'),
      current: t.exposeInt('current'),
      previous: t.exposeInt('previous'),
      change: t.exposeFloat('change', { nullable: true, description: '(current − previous) / previous; null when previous is 0.' }),
    }),
  });
  const JointDutyRule = builder
    .objectRef<{ jurisdictionCode: string; threshold: number; types: readonly AlertType[]; pointIds: string[]; deadlineMinutes: number; version: number }>('JointDutyRule')
    .implement({
      fields: (t) => ({
        jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (x) => x.jurisdictionCode }),
        threshold: t.exposeInt('threshold'),
        alertTypes: t.field({ type: [r.AlertType], resolve: (x) => x.types }),
        points: t.field({ type: [r.Checkpoint], resolve: (x) => x.pointIds }),
        deadlineMinutes: t.exposeInt('deadlineMinutes'),
        version: t.exposeInt('version'),
      }),
    });

  const AlertFilter = builder.inputType('AlertFilter', {
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
      to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
      types: t.field({ type: [r.AlertType] }),
      major: t.boolean({ description: 'Severity: only major (true) or only ordinary (false).' }),
    }),
  });
  const ActivationFilter = builder.inputType('JointDutyActivationFilter', {
    fields: (t) => ({ jurisdictionCode: t.field({ type: 'DivisionCode' }), fromDay: t.field({ type: 'Date' }), toDay: t.field({ type: 'Date' }) }),
  });
  const UnitInput = builder.inputType('IncidentUnitInput', {
    fields: (t) => ({ creditCode: t.field({ type: 'CreditCode' }), name: t.string({ validate: z.string().trim().max(100) }) }),
  });

  builder.queryFields((t) => ({
    alerts: t.connection({
      type: r.Alert,
      description: 'Alerts and cases in your jurisdiction, newest first.',
      args: { filter: t.arg({ type: AlertFilter }) },
      resolve: (_r, args, ctx) => listAlerts(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, r.Alert)),
    alertResponseStats: t.field({
      type: ResponseStats,
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Default: yours.' }),
        from: t.arg({ type: 'DateTime', required: true }),
        to: t.arg({ type: 'DateTime', required: true }),
        types: t.arg({ type: [r.AlertType], validate: z.array(z.any()).max(20) }),
        limitSeconds: t.arg.int({ validate: z.number().int().min(1).max(86_400) }),
      },
      resolve: (_r, args, ctx) => alertResponseStats(ctx, args),
    }),
    alertYearOnYear: t.field({
      type: [Yoy],
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Default: yours.' }),
        from: t.arg({ type: 'DateTime', required: true }),
        to: t.arg({ type: 'DateTime', required: true }),
        types: t.arg({ type: [r.AlertType], validate: z.array(z.any()).max(20) }),
      },
      resolve: (_r, args, ctx) => alertYearOnYear(ctx, args),
    }),
    jointDutyActivations: t.connection({
      type: r.JointDutyActivation,
      args: { filter: t.arg({ type: ActivationFilter }) },
      resolve: (_r, args, ctx) => listActivations(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, r.JointDutyActivation)),
  }));

  builder.mutationFields((t) => ({
    recordAlert: t.field({
      type: r.Alert,
      errors: {},
      description: 'Records an alert; the alert that reaches the day’s joint-duty threshold activates joint duty in the same transaction.',
      authScopes: { permission: 'patrol:alert.record' },
      args: {
        type: t.arg({ type: r.AlertType, required: true }),
        gbCode: t.arg.string({ validate: z.string().regex(/^[0-9A-Z]{2,12}$/) }),
        occurredAt: t.arg({ type: 'DateTime', required: true }),
        place: t.arg.string({ required: true, validate: z.string().trim().min(1).max(200) }),
        latitude: t.arg({ type: 'Latitude' }),
        longitude: t.arg({ type: 'Longitude' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        major: t.arg.boolean(),
        majorKind: t.arg({ type: r.MajorEventKind }),
        unit: t.arg({ type: UnitInput }),
        description: t.arg.string({ validate: z.string().max(2000) }),
        dispatchedAt: t.arg({ type: 'DateTime' }),
        arrivedAt: t.arg({ type: 'DateTime' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordAlert(ctx, input, idempotencyKey),
    }),
    configureJointDuty: t.field({
      type: JointDutyRule,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        threshold: t.arg.int({ required: true, validate: z.number().int().min(1).max(100) }),
        alertTypes: t.arg({ type: [r.AlertType], required: true, validate: z.array(z.string()).min(1).max(20) }),
        pointIds: t.arg.globalIDList({ required: true }),
        deadlineMinutes: t.arg.int({ validate: z.number().int().min(1).max(240) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
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
      errors: {},
      description: 'Records a point’s arrival for an activation; returns the activation with its report.',
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        activationId: t.arg.globalID({ required: true }),
        checkpointId: t.arg.globalID({ required: true }),
        arrivedAt: t.arg({ type: 'DateTime', required: true }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
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

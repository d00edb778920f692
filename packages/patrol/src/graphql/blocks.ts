import { z, type Builder, encodeGlobalId, connectionOf } from '@safecity/core';
import type { PlanSlot } from '../rules/index.js';
import { blockShiftPlan, createPatrolBlock, listPatrolBlocks, memberAssessment, membersByBlockLoader, recordCommunityFeedback, recordDisciplineRecord } from '../service/blocks.js';
import { idOf, teamsByBlockLoader } from '../service/common.js';
import type { Refs } from './refs.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function registerBlockSchema(builder: Builder, r: Refs) {
  const Weekday = builder.enumType('Weekday', { values: WEEKDAYS });
  const Slot = builder.objectRef<PlanSlot>('ShiftPlanSlot').implement({
    description: 'One hour of the week (Asia/Shanghai) with its allocated patrol hours and the incidents that weighed on it.',
    fields: (t) => ({
      weekday: t.field({ type: Weekday, resolve: (s) => WEEKDAYS[s.weekday] }),
      hour: t.exposeInt('hour'),
      weight: t.exposeInt('weight'),
      quota: t.exposeFloat('quota', { description: 'The exact proportional share before rounding.' }),
      hours: t.exposeInt('hours'),
      incidents: t.field({ type: [r.Alert], resolve: (s) => s.incidentIds }),
      incidentIds: t.idList({ description: 'Global ids of the incidents (cheaper than `incidents`).', resolve: (s) => s.incidentIds.map((id) => encodeGlobalId('Alert', id)) }),
    }),
  });
  const Plan = builder
    .objectRef<Awaited<ReturnType<typeof blockShiftPlan>>>('WeeklyShiftPlan')
    .implement({
      description: 'Available hours distributed over the hours of the week in proportion to incidents (largest remainder: the hours sum exactly).',
      fields: (t) => ({
        from: t.field({ type: 'DateTime', resolve: (p) => p.from }),
        until: t.field({ type: 'DateTime', resolve: (p) => p.until }),
        availableHours: t.exposeInt('availableHours'),
        basis: t.exposeString('basis', { description: '"incidents", or "uniform" when the block had none.' }),
        totalIncidents: t.exposeInt('totalIncidents'),
        slots: t.field({ type: [Slot], resolve: (p) => p.slots }),
      }),
    });

  r.PatrolBlock.implement({
    description: 'A patrol block (区块化巡防): communities patrolled together.',
    fields: (t) => ({
      name: t.exposeString('name'),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (b) => b.jurisdictionCode }),
      communityCodes: t.field({ type: ['DivisionCode'], resolve: (b) => b.communityCodes }),
      vehicles: t.exposeInt('vehicles'),
      weeklyPatrolHours: t.exposeInt('weeklyPatrolHours'),
      teams: t.field({ type: [r.PatrolTeam], resolve: (b, _a, ctx) => teamsByBlockLoader(ctx).load(b.id) }),
      members: t.field({ type: [r.PatrolMember], resolve: (b, _a, ctx) => membersByBlockLoader(ctx).load(b.id) }),
      shiftPlan: t.field({
        type: Plan,
        args: { weeks: t.arg.int({ description: 'Weeks of history (default 4).', validate: z.number().int().min(1).max(52) }), until: t.arg({ type: 'DateTime', description: 'Default: now.' }) },
        resolve: (b, args, ctx) => blockShiftPlan(ctx, b, args),
      }),
    }),
  });

  const Assessment = builder.objectRef<Awaited<ReturnType<typeof memberAssessment>>>('PatrolMemberAssessment').implement({
    fields: (t) => ({
      blockIncidents: t.exposeInt('blockIncidents'),
      blockIncidentsPrevious: t.exposeInt('blockIncidentsPrevious'),
      incidentScore: t.exposeFloat('incidentScore'),
      disciplineScore: t.exposeFloat('disciplineScore'),
      feedbackScore: t.exposeFloat('feedbackScore', { nullable: true }),
      total: t.exposeFloat('total'),
      explanation: t.exposeString('explanation'),
    }),
  });
  const Ack = builder.objectRef<{ id: string }>('PatrolRecordAck').implement({ fields: (t) => ({ id: t.exposeID('id') }) });

  builder.queryFields((t) => ({
    patrolBlocks: t.connection({
      type: r.PatrolBlock,
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode' }) },
      resolve: (_r, args, ctx) => listPatrolBlocks(ctx, args, args),
    }, connectionOf(builder, r.PatrolBlock)),
    patrolMemberAssessment: t.field({
      type: Assessment,
      args: { memberId: t.arg.globalID({ required: true }), from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }) },
      resolve: (_r, a, ctx) => memberAssessment(ctx, { memberId: idOf(a.memberId, 'PatrolMember', 'memberId'), from: a.from, to: a.to }),
    }),
  }));

  builder.mutationFields((t) => ({
    createPatrolBlock: t.field({
      type: r.PatrolBlock,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, validate: z.string().trim().min(1).max(100) }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        communityCodes: t.arg({ type: ['DivisionCode'], required: true, validate: z.array(z.any()).max(500) }),
        vehicles: t.arg.int({ validate: z.number().int().min(0).max(1000) }),
        weeklyPatrolHours: t.arg.int({ required: true, validate: z.number().int().min(0).max(100_000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createPatrolBlock(ctx, input, idempotencyKey),
    }),
    recordDisciplineRecord: t.field({
      type: Ack,
      errors: {},
      authScopes: { permission: 'patrol:manage' },
      args: {
        memberId: t.arg.globalID({ required: true }),
        day: t.arg({ type: 'Date', required: true }),
        description: t.arg.string({ required: true, validate: z.string().trim().min(1).max(500) }),
        deduction: t.arg.int({ required: true, validate: z.number().int().min(0).max(100) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, memberId, ...input }, ctx) => recordDisciplineRecord(ctx, { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId') }, idempotencyKey),
    }),
    recordCommunityFeedback: t.field({
      type: Ack,
      errors: {},
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        memberId: t.arg.globalID({ required: true }),
        day: t.arg({ type: 'Date', required: true }),
        rating: t.arg.int({ required: true }),
        note: t.arg.string({ validate: z.string().max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, memberId, ...input }, ctx) => recordCommunityFeedback(ctx, { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId') }, idempotencyKey),
    }),
  }));
}

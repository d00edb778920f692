import { plannedOr, z, type Builder, encodeGlobalId, connectionOf } from '@safecity/core';
import type { PlanSlot } from '../rules/index.js';
import { blockShiftPlan, createPatrolBlock, listPatrolBlocks, memberAssessment, recordCommunityFeedback, recordDisciplineRecord } from '../service/blocks.js';
import { idOf, memberPagesOfBlock, teamPagesOfBlock } from '../service/common.js';
import type { Refs } from './refs.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function registerBlockSchema(builder: Builder, r: Refs) {
  const Weekday = builder.enumType('Weekday', {
    description: 'Day of the week, Asia/Shanghai.',
    values: {
      monday: { description: 'Monday (星期一).' },
      tuesday: { description: 'Tuesday (星期二).' },
      wednesday: { description: 'Wednesday (星期三).' },
      thursday: { description: 'Thursday (星期四).' },
      friday: { description: 'Friday (星期五).' },
      saturday: { description: 'Saturday (星期六).' },
      sunday: { description: 'Sunday (星期日).' },
    } satisfies Record<(typeof WEEKDAYS)[number], { description: string }>,
  });
  const Slot = builder.objectRef<PlanSlot>('ShiftPlanSlot').implement({
    description: 'One hour of the week (Asia/Shanghai) with its allocated patrol hours and the incidents that weighed on it.',
    fields: (t) => ({
      weekday: t.field({ type: Weekday, description: 'Day of the week of the slot.', resolve: (s) => WEEKDAYS[s.weekday] }),
      hour: t.exposeInt('hour', { description: 'Hour of the day, 0-23: the slot runs from hour:00 to hour+1:00.' }),
      weight: t.exposeInt('weight', { description: 'Incidents in the block that fell in this hour of the week over the history weeks.' }),
      quota: t.exposeFloat('quota', { description: 'The exact proportional share before rounding.' }),
      hours: t.exposeInt('hours', { description: 'Whole patrol hours allocated to the slot (the quota rounded by largest remainder).' }),
      incidents: t.field({ type: [r.Alert], description: 'The incidents behind the weight: the explanation of the allocation.', resolve: (s) => s.incidentIds }),
      incidentIds: t.idList({ description: 'Global ids of the incidents (cheaper than `incidents`).', resolve: (s) => s.incidentIds.map((id) => encodeGlobalId('Alert', id)) }),
    }),
  });
  const Plan = builder.objectRef<Awaited<ReturnType<typeof blockShiftPlan>>>('WeeklyShiftPlan').implement({
    description: 'Available hours distributed over the hours of the week in proportion to incidents (largest remainder: the hours sum exactly).',
    fields: (t) => ({
      from: t.field({ type: 'DateTime', description: 'Start of the incident history used (inclusive): `until` minus the weeks.', resolve: (p) => p.from }),
      until: t.field({ type: 'DateTime', description: 'End of the incident history used (exclusive).', resolve: (p) => p.until }),
      availableHours: t.exposeInt('availableHours', { description: 'Patrol hours distributed: the block’s weekly patrol hours.' }),
      basis: t.exposeString('basis', { description: '"incidents", or "uniform" when the block had none.' }),
      totalIncidents: t.exposeInt('totalIncidents', { description: 'Incidents in the block over the history weeks.' }),
      slots: t.field({ type: [Slot], description: 'Hours of the week with incidents or allocated hours, Monday 00:00 first; the others are left out.', resolve: (p) => p.slots }),
    }),
  });

  r.PatrolBlock.implement({
    description: 'A patrol block (区块化巡防): communities patrolled together.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Name of the block.' }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction (usually a sub-district, 街道) the block belongs to.', resolve: (b) => b.jurisdictionCode }),
      communityCodes: t.field({
        type: ['DivisionCode'],
        description: 'The 12-digit codes of the communities (社区) grouped in the block, all inside its jurisdiction.',
        resolve: (b) => b.communityCodes,
      }),
      vehicles: t.exposeInt('vehicles', { description: 'Patrol vehicles of the block (0 when none).' }),
      weeklyPatrolHours: t.exposeInt('weeklyPatrolHours', { description: 'Patrol hours available per week, distributed by `shiftPlan`.' }),
      teams: t.connection(
        {
          type: r.PatrolTeam,
          description: 'Teams that patrol the block, inside your jurisdiction, by name.',
          resolve: (b, args, ctx, info) => plannedOr(b, info, () => teamPagesOfBlock(ctx, args).load(b.id)),
        },
        connectionOf(builder, r.PatrolTeam),
      ),
      members: t.connection(
        {
          type: r.PatrolMember,
          description: 'Members of the block’s teams, inside your jurisdiction, by name.',
          resolve: (b, args, ctx, info) => plannedOr(b, info, () => memberPagesOfBlock(ctx, args).load(b.id)),
        },
        connectionOf(builder, r.PatrolMember),
      ),
      shiftPlan: t.field({
        type: Plan,
        description: 'The weekly shift plan: the weekly patrol hours spread over the 168 hours of the week in proportion to the block’s incidents of the last `weeks` weeks.',
        args: {
          weeks: t.arg.int({ description: 'Weeks of history, 1-52 (default 4).', validate: z.number().int().min(1).max(52) }),
          until: t.arg({ type: 'DateTime', description: 'End of the history (exclusive). Default: now.' }),
        },
        resolve: (b, args, ctx) => blockShiftPlan(ctx, b, args),
      }),
    }),
  });

  const Assessment = builder.objectRef<Awaited<ReturnType<typeof memberAssessment>>>('PatrolMemberAssessment').implement({
    description: 'A patrol member’s assessment for a period (区块化巡防, seed 003): block incident rate ×0.4, discipline ×0.3, community feedback ×0.3, each scored 0-100.',
    fields: (t) => ({
      blockIncidents: t.exposeInt('blockIncidents', { description: 'Incidents in the member’s block in the period (0 when the team has no block).' }),
      blockIncidentsPrevious: t.exposeInt('blockIncidentsPrevious', { description: 'Incidents in the block in the previous period of equal length.' }),
      incidentScore: t.exposeFloat('incidentScore', { description: '0-100: 50 when incidents stay level, +50 per 100% fewer, −50 per 100% more than the previous period.' }),
      disciplineScore: t.exposeFloat('disciplineScore', { description: '0-100: 100 minus the deduction points of the member’s discipline records in the period.' }),
      feedbackScore: t.exposeFloat('feedbackScore', { nullable: true, description: '0-100: (average rating − 1) / 4 × 100; null without feedback, its weight then shared by the other two.' }),
      total: t.exposeFloat('total', { description: 'Weighted mean of the scores, 0-100, one decimal.' }),
      explanation: t.exposeString('explanation', { description: 'How the total came about, in words (counts, scores and weights).' }),
    }),
  });
  const Ack = builder
    .objectRef<{ id: string }>('PatrolRecordAck')
    .implement({ description: 'Acknowledges a record written (discipline record or community feedback).', fields: (t) => ({ id: t.exposeID('id', { description: 'Id of the record written.' }) }) });

  builder.queryFields((t) => ({
    patrolBlocks: t.connection(
      {
        type: r.PatrolBlock,
        description: 'Patrol blocks (区块化巡防) in your jurisdiction, by name.',
        args: { jurisdictionCode: t.arg({ type: 'DivisionCode', description: 'Only blocks in this jurisdiction or below it. Omitted: all in yours.' }) },
        resolve: (_r, args, ctx) => listPatrolBlocks(ctx, args, args),
      },
      connectionOf(builder, r.PatrolBlock),
    ),
    patrolMemberAssessment: t.field({
      type: Assessment,
      description: 'Assesses a patrol member over [from, to] on block incident rate, discipline and community feedback; PATROL_RANGE_TOO_LONG beyond 366 days.',
      args: {
        memberId: t.arg.globalID({ required: true, description: 'The PatrolMember (global id).' }),
        from: t.arg({ type: 'Date', required: true, description: 'First day of the period (Asia/Shanghai), included.' }),
        to: t.arg({ type: 'Date', required: true, description: 'Last day of the period, included; 1-366 days from `from`.' }),
      },
      resolve: (_r, a, ctx) => memberAssessment(ctx, { memberId: idOf(a.memberId, 'PatrolMember', 'memberId'), from: a.from, to: a.to }),
    }),
  }));

  builder.mutationFields((t) => ({
    createPatrolBlock: t.field({
      type: r.PatrolBlock,
      errors: { dataField: { description: 'The block created.' } },
      description:
        'Creates a patrol block (区块化巡防) grouping communities of a jurisdiction (needs patrol:manage). Errors: CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, PATROL_BLOCK_COMMUNITY_INVALID.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        name: t.arg.string({ required: true, description: 'Name, 1-100 characters (trimmed).', validate: z.string().trim().min(1).max(100) }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction the block belongs to: inside yours.' }),
        communityCodes: t.arg({
          type: ['DivisionCode'],
          required: true,
          description: '1-500 codes of communities (社区 level, 12 digits) inside the jurisdiction; duplicates dropped.',
          validate: z.array(z.any()).max(500),
        }),
        vehicles: t.arg.int({ description: 'Patrol vehicles, 0-1000 (default 0).', validate: z.number().int().min(0).max(1000) }),
        weeklyPatrolHours: t.arg.int({ required: true, description: 'Patrol hours available per week, 0-100000.', validate: z.number().int().min(0).max(100_000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createPatrolBlock(ctx, input, idempotencyKey),
    }),
    recordDisciplineRecord: t.field({
      type: Ack,
      errors: { dataField: { description: 'The discipline record written.' } },
      description:
        'Records a discipline matter of a patrol member, with the points it deducts from the discipline score (needs patrol:manage). Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      authScopes: { permission: 'patrol:manage' },
      args: {
        memberId: t.arg.globalID({ required: true, description: 'The PatrolMember (global id): inside your jurisdiction.' }),
        day: t.arg({ type: 'Date', required: true, description: 'The day it happened.' }),
        description: t.arg.string({ required: true, description: 'What happened, 1-500 characters (trimmed).', validate: z.string().trim().min(1).max(500) }),
        deduction: t.arg.int({ required: true, description: 'Points deducted from the discipline score (100), 0-100.', validate: z.number().int().min(0).max(100) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, memberId, ...input }, ctx) => recordDisciplineRecord(ctx, { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId') }, idempotencyKey),
    }),
    recordCommunityFeedback: t.field({
      type: Ack,
      errors: { dataField: { description: 'The feedback record written.' } },
      description:
        'Records community feedback on a patrol member, a rating from 1 to 5 (needs patrol:duty.record). Errors: CORE_ID_MALFORMED, PATROL_FEEDBACK_RATING_INVALID, CORE_NOT_FOUND, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN.',
      authScopes: { permission: 'patrol:duty.record' },
      args: {
        memberId: t.arg.globalID({ required: true, description: 'The PatrolMember (global id): inside your jurisdiction.' }),
        day: t.arg({ type: 'Date', required: true, description: 'The day of the feedback.' }),
        rating: t.arg.int({ required: true, description: 'Rating from 1 (worst) to 5 (best).' }),
        note: t.arg.string({ description: 'Free-text note, up to 500 characters. Omitted: empty.', validate: z.string().max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Optional key for a safe retry: the same key again returns the first result instead of writing twice.' }),
      },
      resolve: (_r, { idempotencyKey, memberId, ...input }, ctx) => recordCommunityFeedback(ctx, { ...input, memberId: idOf(memberId, 'PatrolMember', 'memberId') }, idempotencyKey),
    }),
  }));
}

import { z, type Builder, requiredText } from '@safecity/core';
import { rectificationStatus } from '../rules/rectification.js';
import { today } from '../service/common.js';
import { completeRectification, concludeInvestigation, issueRectificationOrder, issueYellowCard, openInvestigation } from '../service/rectification.js';
import { INVESTIGATION_OUTCOMES } from '../tables.js';
import { ASSESS, key, rawId, type Refs } from './refs.js';

/** Yellow cards, rectification orders and responsibility investigations. */
export function registerSanctionSchema(builder: Builder, refs: Refs) {
  const { Card, Order, Investigation } = refs;
  const RectStatus = builder.enumType('RectificationStatus', { values: ['open', 'completed', 'completed_late', 'overdue'] as const });
  const Outcome = builder.enumType('InvestigationOutcome', { values: INVESTIGATION_OUTCOMES });

  Card.implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      reason: t.exposeString('reason'),
      issuedOn: t.field({ type: 'Date', resolve: (c) => c.issuedOn }),
      rectificationDeadline: t.field({ type: 'Date', resolve: (c) => c.rectificationDeadline }),
      ruleSetVersion: t.exposeInt('ruleSetVersion'),
      repeatOfId: t.exposeString('repeatOfId', { nullable: true }),
      escalation: t.exposeString('escalation', { nullable: true }),
      explanation: t.exposeString('explanation'),
      issuedBy: t.exposeString('issuedBy'),
    }),
  });

  Order.implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      items: t.exposeStringList('items'),
      issuedOn: t.field({ type: 'Date', resolve: (o) => o.issuedOn }),
      deadline: t.field({ type: 'Date', resolve: (o) => o.deadline }),
      completedOn: t.field({ type: 'Date', nullable: true, resolve: (o) => o.completedOn }),
      status: t.field({ type: RectStatus, description: 'Decided on read by the same rule the sweep uses.', resolve: (o, _x, ctx) => rectificationStatus(o, today(ctx)) }),
      yellowCardId: t.exposeString('yellowCardId', { nullable: true }),
      version: t.exposeInt('version'),
    }),
  });

  Investigation.implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      subject: t.exposeString('subject'),
      eventId: t.exposeString('eventId', { nullable: true }),
      openedOn: t.field({ type: 'Date', resolve: (i) => i.openedOn }),
      outcome: t.field({ type: Outcome, nullable: true, resolve: (i) => i.outcome as (typeof INVESTIGATION_OUTCOMES)[number] | null }),
      outcomeNote: t.exposeString('outcomeNote', { nullable: true }),
      concludedOn: t.field({ type: 'Date', nullable: true, resolve: (i) => i.concludedOn }),
      version: t.exposeInt('version'),
    }),
  });

  builder.mutationFields((t) => ({
    issueYellowCard: t.field({
      type: Card,
      errors: {},
      authScopes: ASSESS,
      args: { unitId: t.arg.id({ required: true }), reason: t.arg.string({ required: true, validate: requiredText(500) }), issuedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueYellowCard(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    issueRectificationOrder: t.field({
      type: Order,
      errors: {},
      authScopes: ASSESS,
      args: {
        unitId: t.arg.id({ required: true }),
        items: t.arg.stringList({ required: true, validate: z.array(requiredText(300)).min(1).max(50) }),
        issuedOn: t.arg({ type: 'Date' }),
        deadline: t.arg({ type: 'Date' }),
        workingDays: t.arg.int({ validate: z.number().int().min(1).max(250) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueRectificationOrder(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    completeRectification: t.field({
      type: Order,
      errors: {},
      authScopes: ASSESS,
      args: { orderId: t.arg.id({ required: true }), version: t.arg.int({ required: true }), completedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => completeRectification(ctx, { ...a, orderId: String(a.orderId) }, idempotencyKey as string | null),
    }),
    openInvestigation: t.field({
      type: Investigation,
      errors: {},
      authScopes: ASSESS,
      args: { unitId: t.arg.id({ required: true }), subject: t.arg.string({ required: true, validate: requiredText(300) }), eventId: t.arg.id(), openedOn: t.arg({ type: 'Date' }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        openInvestigation(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit'), eventId: a.eventId ? String(a.eventId) : null }, idempotencyKey as string | null),
    }),
    concludeInvestigation: t.field({
      type: Investigation,
      errors: {},
      authScopes: ASSESS,
      args: { investigationId: t.arg.id({ required: true }), version: t.arg.int({ required: true }), outcome: t.arg({ type: Outcome, required: true }), note: t.arg.string({ validate: z.string().max(500) }), idempotencyKey: key(t) },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => concludeInvestigation(ctx, { ...a, investigationId: String(a.investigationId) }, idempotencyKey as string | null),
    }),
  }));
}

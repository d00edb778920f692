import { z, type Builder, requiredText, describedValues } from '@safecity/core';
import { rectificationStatus } from '../rules/rectification.js';
import { today } from '../service/common.js';
import { completeRectification, concludeInvestigation, issueRectificationOrder, issueYellowCard, openInvestigation } from '../service/rectification.js';
import { INVESTIGATION_OUTCOMES } from '../tables.js';
import { ASSESS, key, rawId, type Refs } from './refs.js';

/** Yellow cards, rectification orders and responsibility investigations. */
export function registerSanctionSchema(builder: Builder, refs: Refs) {
  const { Card, Order, Investigation } = refs;
  const RectStatus = builder.enumType('RectificationStatus', {
    description: 'Where a rectification order (限期整改) stands today (China time).',
    values: describedValues(['open', 'completed', 'completed_late', 'overdue'] as const, {
      open: 'Not completed; the deadline has not passed.',
      completed: 'Completed on or before the deadline.',
      completed_late: 'Completed after the deadline.',
      overdue: 'Not completed and the deadline has passed: the settle-overdue job moves the unit to the next creation batch.',
    }),
  });
  const Outcome = builder.enumType('InvestigationOutcome', {
    description: 'The outcome of a responsibility investigation (责任查究).',
    values: describedValues(INVESTIGATION_OUTCOMES, {
      veto: 'Concluded with a veto (一票否决) finding; recorded as the outcome, nothing else is issued.',
      yellow_card: 'Concluded with a yellow card (黄牌警告): the card is issued to the unit under the rule set in force.',
      criticism: 'Concluded with a criticism; recorded as the outcome.',
      none: 'Concluded with no sanction.',
    }),
  });

  Card.implement({
    description: 'A yellow-card warning (黄牌警告) to a unit, a lesser sanction than a veto; each card comes with a rectification order due by its deadline.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the card.' }),
      reason: t.exposeString('reason', { description: 'Why the card was issued; also the item of its rectification order.' }),
      issuedOn: t.field({ type: 'Date', description: 'The day the card was issued.', resolve: (c) => c.issuedOn }),
      rectificationDeadline: t.field({
        type: 'Date',
        description: 'Rectify by this day: issuedOn plus the rule set’s working days on the official calendar.',
        resolve: (c) => c.rectificationDeadline,
      }),
      ruleSetVersion: t.exposeInt('ruleSetVersion', { description: 'Version of the veto rule set in force on issuedOn, whose yellow-card policy applied.' }),
      repeatOfId: t.exposeString('repeatOfId', { nullable: true, description: 'Row id of the latest earlier card at the unit within the repeat window; null for a first card.' }),
      escalation: t.exposeString('escalation', { nullable: true, description: 'For a repeat: `red_card` or `veto_review` as the policy says; null for a first card or a policy of `none`.' }),
      explanation: t.exposeString('explanation', { description: 'How the deadline and the escalation were decided, in one sentence.' }),
      issuedBy: t.exposeString('issuedBy', { description: 'User id of the officer who issued it.' }),
    }),
  });

  Order.implement({
    description: 'A rectification order (限期整改): problems a unit must fix by a deadline; left incomplete past it, the unit moves to the next creation batch.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the order (the `orderId` of completeRectification).' }),
      items: t.exposeStringList('items', { description: 'The problems to rectify.' }),
      issuedOn: t.field({ type: 'Date', description: 'The day the order was issued.', resolve: (o) => o.issuedOn }),
      deadline: t.field({ type: 'Date', description: 'The last day to complete it.', resolve: (o) => o.deadline }),
      completedOn: t.field({ type: 'Date', nullable: true, description: 'The day it was completed; null while it is not.', resolve: (o) => o.completedOn }),
      status: t.field({ type: RectStatus, description: 'Decided on read by the same rule the sweep uses.', resolve: (o, _x, ctx) => rectificationStatus(o, today(ctx)) }),
      yellowCardId: t.exposeString('yellowCardId', { nullable: true, description: 'Row id of the yellow card that came with the order; null for an order issued on its own.' }),
      version: t.exposeInt('version', { description: 'Optimistic-lock version: send it to completeRectification.' }),
    }),
  });

  Investigation.implement({
    description: 'A responsibility investigation (责任查究) at a unit, opened and later concluded with an outcome.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of the investigation (the `investigationId` of concludeInvestigation).' }),
      subject: t.exposeString('subject', { description: 'What is investigated.' }),
      eventId: t.exposeString('eventId', { nullable: true, description: 'Row id of the major event (MajorEvent.id) investigated; null when it concerns no recorded event.' }),
      openedOn: t.field({ type: 'Date', description: 'The day it was opened.', resolve: (i) => i.openedOn }),
      outcome: t.field({
        type: Outcome,
        nullable: true,
        description: 'The outcome; null while the investigation is open.',
        resolve: (i) => i.outcome as (typeof INVESTIGATION_OUTCOMES)[number] | null,
      }),
      outcomeNote: t.exposeString('outcomeNote', { nullable: true, description: 'Note on the outcome; null while open or when none was given.' }),
      concludedOn: t.field({ type: 'Date', nullable: true, description: 'The China day it was concluded; null while open.', resolve: (i) => i.concludedOn }),
      version: t.exposeInt('version', { description: 'Optimistic-lock version: send it to concludeInvestigation.' }),
    }),
  });

  builder.mutationFields((t) => ({
    issueYellowCard: t.field({
      type: Card,
      errors: { dataField: { description: 'The card issued (its rectification order is on SafeUnit.rectificationOrders).' } },
      authScopes: ASSESS,
      description:
        'Issues a yellow card (黄牌警告) to a unit under the yellow-card policy of the rule set in force that day, with a rectification order due in that many working days; a repeat within the window escalates. Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, ASSESSMENT_DATE_IN_FUTURE, ASSESSMENT_NO_RULE_SET_IN_FORCE, CORE_CALENDAR_NOT_LOADED.',
      args: {
        unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit, in your jurisdiction.' }),
        reason: t.arg.string({ required: true, validate: requiredText(500), description: 'Why the card is issued; becomes the item of its rectification order.' }),
        issuedOn: t.arg({ type: 'Date', description: 'The day of issue, not in the future; absent: today.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueYellowCard(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    issueRectificationOrder: t.field({
      type: Order,
      errors: { dataField: { description: 'The order issued.' } },
      authScopes: ASSESS,
      description:
        'Orders a unit to rectify problems by a deadline (限期整改), given as a day or as working days on the official calendar. Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND, ASSESSMENT_DATE_IN_FUTURE, CORE_CALENDAR_NOT_LOADED, ASSESSMENT_PERIOD_INVALID.',
      args: {
        unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit, in your jurisdiction.' }),
        items: t.arg.stringList({ required: true, validate: z.array(requiredText(300)).min(1).max(50), description: 'The problems to rectify: 1 to 50.' }),
        issuedOn: t.arg({ type: 'Date', description: 'The day of issue, not in the future; absent: today.' }),
        deadline: t.arg({ type: 'Date', description: 'The last day to complete it, on or after issuedOn; absent: computed from workingDays (one of the two is required).' }),
        workingDays: t.arg.int({
          validate: z.number().int().min(1).max(250),
          description: 'Working days after issuedOn on the official calendar (holidays skipped, make-up days 调休 counted); used when no deadline is given.',
        }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => issueRectificationOrder(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit') }, idempotencyKey as string | null),
    }),
    completeRectification: t.field({
      type: Order,
      errors: { dataField: { description: 'The order, completed.' } },
      authScopes: ASSESS,
      description:
        'Marks a rectification order completed; after its deadline it reads as completed_late. Errors: CORE_NOT_FOUND, ASSESSMENT_RECTIFICATION_ALREADY_COMPLETED, CORE_VERSION_CONFLICT, ASSESSMENT_DATE_IN_FUTURE.',
      args: {
        orderId: t.arg.id({ required: true, description: 'RectificationOrder.id of the order, in your jurisdiction.' }),
        version: t.arg.int({ required: true, description: 'The order’s version you read (RectificationOrder.version).' }),
        completedOn: t.arg({ type: 'Date', description: 'The day it was completed, not in the future; absent: today.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => completeRectification(ctx, { ...a, orderId: String(a.orderId) }, idempotencyKey as string | null),
    }),
    openInvestigation: t.field({
      type: Investigation,
      errors: { dataField: { description: 'The investigation opened.' } },
      authScopes: ASSESS,
      description: 'Opens a responsibility investigation (责任查究) at a unit, optionally about a recorded major event. Errors: CORE_ID_MALFORMED, CORE_NOT_FOUND.',
      args: {
        unitId: t.arg.id({ required: true, description: 'Global ID of the SafeUnit, in your jurisdiction.' }),
        subject: t.arg.string({ required: true, validate: requiredText(300), description: 'What is investigated.' }),
        eventId: t.arg.id({ description: 'MajorEvent.id of the event investigated, in your jurisdiction; absent: none.' }),
        openedOn: t.arg({ type: 'Date', description: 'The day it was opened; absent: today.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        openInvestigation(ctx, { ...a, unitId: rawId(String(a.unitId), 'SafeUnit'), eventId: a.eventId ? String(a.eventId) : null }, idempotencyKey as string | null),
    }),
    concludeInvestigation: t.field({
      type: Investigation,
      errors: { dataField: { description: 'The investigation, concluded.' } },
      authScopes: ASSESS,
      description:
        'Concludes a responsibility investigation today with an outcome; a yellow_card outcome also issues the card. Errors: CORE_NOT_FOUND, ASSESSMENT_INVESTIGATION_ALREADY_CONCLUDED, CORE_VERSION_CONFLICT, ASSESSMENT_NO_RULE_SET_IN_FORCE, CORE_CALENDAR_NOT_LOADED.',
      args: {
        investigationId: t.arg.id({ required: true, description: 'ResponsibilityInvestigation.id, in your jurisdiction.' }),
        version: t.arg.int({ required: true, description: 'The investigation’s version you read.' }),
        outcome: t.arg({ type: Outcome, required: true, description: 'The outcome.' }),
        note: t.arg.string({ validate: z.string().max(500), description: 'Note on the outcome.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => concludeInvestigation(ctx, { ...a, investigationId: String(a.investigationId) }, idempotencyKey as string | null),
    }),
  }));
}

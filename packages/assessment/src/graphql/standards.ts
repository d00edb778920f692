import { chinaDateOf, z, type Builder, requiredText } from '@safecity/core';
import type { Category } from '../rules/categories.js';
import { ruleSetStatus } from '../rules/rule-set-governance.js';
import { decideRuleSet, type RetroactiveEffect } from '../service/governance.js';
import { listRuleSets, listStandards, publishRuleSet, publishStandard, type RuleSetDecisionRow, type RuleSetView, type StandardRow } from '../service/setup.js';
import { CONFIGURE, key, READ, type Refs } from './refs.js';

/** Category standards and the one-vote veto rule sets, both published as immutable versions. */
const POINTS_ARG = z.number().min(0).max(1000);

export function registerStandardSchema(builder: Builder, refs: Refs) {
  const { CategoryEnum, EventKind, VetoScope } = refs;
  const Escalation = builder.enumType('YellowCardEscalation', { values: ['red_card', 'veto_review', 'none'] as const });

  const Standard = builder.objectRef<StandardRow>('AssessmentStandard').implement({
    description: 'One version of a category standard; versions are never changed.',
    fields: (t) => ({
      id: t.exposeID('id'),
      category: t.field({ type: CategoryEnum, resolve: (s) => s.category as Category }),
      version: t.exposeInt('version'),
      title: t.exposeString('title'),
      items: t.field({ type: 'JSON', resolve: (s) => s.items }),
      passMark: t.exposeFloat('passMark'),
      effectiveFrom: t.field({ type: 'Date', resolve: (s) => s.effectiveFrom }),
      publishedBy: t.exposeString('publishedBy'),
    }),
  });

  const Status = builder.enumType('VetoRuleSetStatus', {
    description: 'A retroactive set is in force only once a second officer approves it.',
    values: ['in_force', 'pending_approval', 'rejected'] as const,
  });
  const Decision = builder.objectRef<RuleSetDecisionRow>('VetoRuleSetDecision').implement({
    description: 'A second officer’s verdict on a retroactive rule set.',
    fields: (t) => ({
      action: t.exposeString('action'),
      reason: t.exposeString('reason'),
      affectedAssessments: t.exposeInt('affectedAssessments', { description: 'Decided assessments the approved set now governs (each keeps its version; see the unit history).' }),
      decidedBy: t.exposeString('decidedBy'),
      decidedAt: t.field({ type: 'DateTime', resolve: (d) => d.decidedAt }),
    }),
  });
  const Effect = builder.objectRef<RetroactiveEffect>('RetroactiveRuleSetEffect').implement({
    fields: (t) => ({
      assessmentId: t.exposeString('assessmentId'),
      unitId: t.exposeString('unitId'),
      periodStart: t.field({ type: 'Date', resolve: (e) => e.periodStart }),
      periodEnd: t.field({ type: 'Date', resolve: (e) => e.periodEnd }),
      decidedUnderVersion: t.exposeInt('decidedUnderVersion'),
      decidedPassed: t.exposeBoolean('decidedPassed'),
      wouldPass: t.exposeBoolean('wouldPass'),
      wouldVeto: t.exposeBoolean('wouldVeto'),
      differs: t.exposeBoolean('differs', { description: 'The set would have decided the assessment differently.' }),
    }),
  });

  const RuleSet = builder.objectRef<RuleSetView & { effects?: RetroactiveEffect[] }>('VetoRuleSet').implement({
    description: 'One version of the one-vote veto rules (一票否决), with the yellow-card and grade policies.',
    fields: (t) => ({
      id: t.exposeID('id'),
      version: t.exposeInt('version'),
      effectiveFrom: t.field({ type: 'Date', resolve: (r) => r.effectiveFrom }),
      publishedOn: t.field({ type: 'Date', description: 'The China-time day it was published.', resolve: (r) => chinaDateOf(r.publishedAt) }),
      publishedBy: t.exposeString('publishedBy'),
      retroactive: t.exposeBoolean('retroactive', { description: 'Effective before its publication over days an earlier set governed.' }),
      retroactiveReason: t.exposeString('retroactiveReason', { nullable: true }),
      status: t.field({ type: Status, resolve: (r) => ruleSetStatus(r, r.decision?.action ?? null) }),
      decision: t.field({ type: Decision, nullable: true, resolve: (r) => r.decision }),
      retroactiveEffects: t.field({
        type: [Effect],
        nullable: true,
        description: 'Only in the answer to the approval: the decided assessments the set now governs.',
        resolve: (r) => r.effects ?? null,
      }),
      rules: t.field({ type: 'JSON', resolve: (r) => r.rules }),
      yellowCardPolicy: t.field({ type: 'JSON', resolve: (r) => r.yellowCardPolicy }),
      gradePolicy: t.field({ type: 'JSON', resolve: (r) => r.gradePolicy }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });

  // Points are small non-negative numbers: 1e308 or -1 is a typo, not a standard.
  const POINTS = z.number().min(0).max(1000);
  const DeductionRuleInput = builder.inputType('DeductionRuleInput', {
    fields: (t) => ({ code: t.string({ required: true, validate: requiredText(20) }), description: t.string({ required: true, validate: requiredText(200) }), points: t.float({ required: true, validate: POINTS }) }),
  });
  const StandardItemInput = builder.inputType('StandardItemInput', {
    fields: (t) => ({
      code: t.string({ required: true, validate: requiredText(20) }),
      name: t.string({ required: true, validate: requiredText(100) }),
      maxPoints: t.float({ required: true, validate: POINTS }),
      cap: t.float({ validate: POINTS }),
      deductions: t.field({ type: [DeductionRuleInput], required: true, validate: z.array(z.any()).max(100) }),
    }),
  });
  const VetoRuleInput = builder.inputType('VetoRuleInput', {
    fields: (t) => ({
      id: t.string({ required: true, validate: requiredText(20) }),
      description: t.string({ required: true, validate: requiredText(200) }),
      eventKinds: t.field({ type: [EventKind], required: true, validate: z.array(z.any()).min(1).max(20) }),
      scope: t.field({ type: VetoScope, required: true }),
      categories: t.field({ type: [CategoryEnum], validate: z.array(z.any()).max(20) }),
      minEvents: t.int({ validate: z.number().int().min(1).max(1000) }),
    }),
  });
  const YellowCardPolicyInput = builder.inputType('YellowCardPolicyInput', {
    fields: (t) => ({
      rectificationWorkingDays: t.int({ required: true, validate: z.number().int().min(1).max(365) }),
      repeatWindowDays: t.int({ required: true, validate: z.number().int().min(1).max(3660) }),
      repeatEscalatesTo: t.field({ type: Escalation, required: true }),
    }),
  });

  builder.queryFields((t) => ({
    assessmentStandards: t.field({ type: [Standard], authScopes: READ, args: { category: t.arg({ type: CategoryEnum }) }, resolve: (_r, a, ctx) => listStandards(ctx, a.category) }),
    vetoRuleSets: t.field({ type: [RuleSet], authScopes: READ, resolve: (_r, _a, ctx) => listRuleSets(ctx) }),
  }));

  builder.mutationFields((t) => ({
    publishAssessmentStandard: t.field({
      type: Standard,
      errors: {},
      authScopes: CONFIGURE,
      description: 'Publishes a new version of a category standard; past assessments keep the version they used.',
      args: {
        category: t.arg({ type: CategoryEnum, required: true }),
        title: t.arg.string({ required: true, validate: requiredText(200) }),
        items: t.arg({ type: [StandardItemInput], required: true, validate: z.array(z.any()).max(200) }),
        passMark: t.arg.float({ required: true, validate: POINTS_ARG }),
        effectiveFrom: t.arg({ type: 'Date', required: true }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        publishStandard(ctx, { ...a, items: a.items.map((i) => ({ ...i, cap: i.cap ?? null, deductions: i.deductions })) }, idempotencyKey as string | null),
    }),
    publishVetoRuleSet: t.field({
      type: RuleSet,
      errors: {},
      authScopes: CONFIGURE,
      args: {
        rules: t.arg({ type: [VetoRuleInput], required: true, validate: z.array(z.any()).max(100) }),
        effectiveFrom: t.arg({ type: 'Date', required: true }),
        yellowCardPolicy: t.arg({ type: YellowCardPolicyInput }),
        note: t.arg.string({ validate: z.string().max(500) }),
        retroactive: t.arg.boolean({ description: 'Required when the set takes effect before today over days an earlier set governed; it then awaits a second officer’s approval.' }),
        retroactiveReason: t.arg.string({ validate: z.string().max(1000) }),
        idempotencyKey: key(t),
      },
      resolve: async (_r, { idempotencyKey, ...a }, ctx) => ({ ...(await publishRuleSet(ctx, a, idempotencyKey as string | null)), decision: null }),
    }),
    decideVetoRuleSet: t.field({
      type: RuleSet,
      errors: {},
      authScopes: CONFIGURE,
      description: 'A second officer approves or rejects a retroactive rule set; the publisher may not. Approval puts it in force and marks the decided assessments it now governs in their unit histories.',
      args: {
        ruleSetId: t.arg.id({ required: true }),
        approve: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, validate: z.string().max(1000) }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => decideRuleSet(ctx, { ...a, ruleSetId: String(a.ruleSetId) }, idempotencyKey as string | null),
    }),
  }));
}

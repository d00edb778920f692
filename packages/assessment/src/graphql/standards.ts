import { chinaDateOf, z, type Builder, requiredText, describedValues } from '@safecity/core';
import type { Category } from '../rules/categories.js';
import { ruleSetStatus } from '../rules/rule-set-governance.js';
import { decideRuleSet, type RetroactiveEffect } from '../service/governance.js';
import { listRuleSets, listStandards, publishRuleSet, publishStandard, type RuleSetDecisionRow, type RuleSetView, type StandardRow } from '../service/setup.js';
import { CONFIGURE, key, READ, type Refs } from './refs.js';

/** Category standards and the one-vote veto rule sets, both published as immutable versions. */
const POINTS_ARG = z.number().min(0).max(1000);

export function registerStandardSchema(builder: Builder, refs: Refs) {
  const { CategoryEnum, EventKind, VetoScope } = refs;
  const Escalation = builder.enumType('YellowCardEscalation', {
    description: 'What a repeat yellow card (黄牌警告) at the same unit within the repeat window escalates to; recorded on the card as `YellowCard.escalation`.',
    values: describedValues(['red_card', 'veto_review', 'none'] as const, {
      red_card: 'A repeat card is marked for escalation to a red card.',
      veto_review: 'A repeat card is marked for review for a one-vote veto (一票否决).',
      none: 'A repeat card escalates to nothing (its `escalation` stays null).',
    }),
  });

  const Standard = builder.objectRef<StandardRow>('AssessmentStandard').implement({
    description: 'One version of a category standard; versions are never changed.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of this standard version (what `Assessment.standardId` holds).' }),
      category: t.field({ type: CategoryEnum, description: 'The safe-cell category (平安细胞) the standard scores.', resolve: (s) => s.category as Category }),
      version: t.exposeInt('version', { description: 'Version number within the category: 1, 2, … in publication order.' }),
      title: t.exposeString('title', { description: 'Title of the standard as published.' }),
      items: t.field({
        type: 'JSON',
        description: 'The scored items as published: `[{ code, name, maxPoints, cap, deductions: [{ code, description, points }] }]` (see StandardItemInput).',
        resolve: (s) => s.items,
      }),
      passMark: t.exposeFloat('passMark', { description: 'Total points an assessment needs to pass on score (before any veto).' }),
      effectiveFrom: t.field({
        type: 'Date',
        description: 'First day it is in force: it scores assessments whose period ends on or after this day, until a later version takes over.',
        resolve: (s) => s.effectiveFrom,
      }),
      publishedBy: t.exposeString('publishedBy', { description: 'User id of the officer who published it.' }),
    }),
  });

  const Status = builder.enumType('VetoRuleSetStatus', {
    description: 'A retroactive set is in force only once a second officer approves it.',
    values: describedValues(['in_force', 'pending_approval', 'rejected'] as const, {
      in_force: 'Not retroactive, or retroactive and approved: it governs the days from `effectiveFrom` until a later set takes over.',
      pending_approval: 'Retroactive and awaiting a second officer’s decision (decideVetoRuleSet); not in force.',
      rejected: 'Retroactive and rejected by a second officer; never in force.',
    }),
  });
  const Decision = builder.objectRef<RuleSetDecisionRow>('VetoRuleSetDecision').implement({
    description: 'A second officer’s verdict on a retroactive rule set.',
    fields: (t) => ({
      action: t.exposeString('action', { description: 'The verdict: `approve` or `reject`.' }),
      reason: t.exposeString('reason', { description: 'The deciding officer’s reason, as given.' }),
      affectedAssessments: t.exposeInt('affectedAssessments', { description: 'Decided assessments the approved set now governs (each keeps its version; see the unit history).' }),
      decidedBy: t.exposeString('decidedBy', { description: 'User id of the second officer who decided.' }),
      decidedAt: t.field({ type: 'DateTime', description: 'When the decision was recorded.', resolve: (d) => d.decidedAt }),
    }),
  });
  const Effect = builder.objectRef<RetroactiveEffect>('RetroactiveRuleSetEffect').implement({
    description: 'A decided assessment that an approved retroactive rule set now governs: how it was decided and how the set would have decided it. The assessment itself is not changed.',
    fields: (t) => ({
      assessmentId: t.exposeString('assessmentId', { description: 'Row id (UUID, not the global ID) of the latest version of the assessment concerned.' }),
      unitId: t.exposeString('unitId', { description: 'Row id (UUID, not the global ID) of the assessed unit.' }),
      periodStart: t.field({ type: 'Date', description: 'First day of the assessed period.', resolve: (e) => e.periodStart }),
      periodEnd: t.field({ type: 'Date', description: 'Last day of the assessed period (inclusive).', resolve: (e) => e.periodEnd }),
      decidedUnderVersion: t.exposeInt('decidedUnderVersion', { description: 'Version of the veto rule set the assessment was decided under (and keeps).' }),
      decidedPassed: t.exposeBoolean('decidedPassed', { description: 'Whether the assessment passed as decided.' }),
      wouldPass: t.exposeBoolean('wouldPass', { description: 'Whether it would pass under the approved set: its score passed and the set vetoes nothing.' }),
      wouldVeto: t.exposeBoolean('wouldVeto', { description: 'Whether the approved set would veto it (一票否决).' }),
      differs: t.exposeBoolean('differs', { description: 'The set would have decided the assessment differently.' }),
    }),
  });

  const RuleSet = builder.objectRef<RuleSetView & { effects?: RetroactiveEffect[] }>('VetoRuleSet').implement({
    description: 'One version of the one-vote veto rules (一票否决), with the yellow-card and grade policies.',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Row id of this rule set version (the `ruleSetId` of decideVetoRuleSet).' }),
      version: t.exposeInt('version', { description: 'Version number: 1, 2, … in publication order (one sequence for all sets).' }),
      effectiveFrom: t.field({
        type: 'Date',
        description: 'First day it governs (for assessments, the period’s last day counts), until a later set in force takes over.',
        resolve: (r) => r.effectiveFrom,
      }),
      publishedOn: t.field({ type: 'Date', description: 'The China-time day it was published.', resolve: (r) => chinaDateOf(r.publishedAt) }),
      publishedBy: t.exposeString('publishedBy', { description: 'User id of the officer who published it.' }),
      retroactive: t.exposeBoolean('retroactive', { description: 'Effective before its publication over days an earlier set governed.' }),
      retroactiveReason: t.exposeString('retroactiveReason', { nullable: true, description: 'Why it reaches back; null when the set is not retroactive.' }),
      status: t.field({ type: Status, description: 'Whether it is in force, awaiting approval or rejected.', resolve: (r) => ruleSetStatus(r, r.decision?.action ?? null) }),
      decision: t.field({ type: Decision, nullable: true, description: 'The second officer’s verdict; null for a set that is not retroactive or still awaits one.', resolve: (r) => r.decision }),
      retroactiveEffects: t.field({
        type: [Effect],
        nullable: true,
        description: 'Only in the answer to the approval: the decided assessments the set now governs.',
        resolve: (r) => r.effects ?? null,
      }),
      rules: t.field({
        type: 'JSON',
        description: 'The veto rules as published: `[{ id, description, eventKinds, scope, categories, minEvents }]` (see VetoRuleInput; null categories: all, null minEvents: 1).',
        resolve: (r) => r.rules,
      }),
      yellowCardPolicy: t.field({
        type: 'JSON',
        description: 'Yellow-card policy `{ rectificationWorkingDays, repeatWindowDays, repeatEscalatesTo }` (see YellowCardPolicyInput; default 15, 365, red_card).',
        resolve: (r) => r.yellowCardPolicy,
      }),
      gradePolicy: t.field({
        type: 'JSON',
        description: 'Grade policy (等级化管理) `{ promoteAfter, promoteMinScore }`: that many passes in a row at or above that score promote a unit one grade (default 2 and 90).',
        resolve: (r) => r.gradePolicy,
      }),
      note: t.exposeString('note', { nullable: true, description: 'The publisher’s free-text note; null when none was given.' }),
    }),
  });

  // Points are small non-negative numbers: 1e308 or -1 is a typo, not a standard.
  const POINTS = z.number().min(0).max(1000);
  const DeductionRuleInput = builder.inputType('DeductionRuleInput', {
    description: 'A deduction rule of a standard item: so many points off per occurrence of a problem.',
    fields: (t) => ({
      code: t.string({ required: true, validate: requiredText(20), description: 'Code of the rule within its item (what DeductionInput.code names).' }),
      description: t.string({ required: true, validate: requiredText(200), description: 'The problem the rule deducts for.' }),
      points: t.float({ required: true, validate: POINTS, description: 'Points deducted per occurrence; positive.' }),
    }),
  });
  const StandardItemInput = builder.inputType('StandardItemInput', {
    description: 'One scored item of a category standard.',
    fields: (t) => ({
      code: t.string({ required: true, validate: requiredText(20), description: 'Item code, unique within the standard (what ItemScoreInput.itemCode names).' }),
      name: t.string({ required: true, validate: requiredText(100), description: 'Name of the item.' }),
      maxPoints: t.float({ required: true, validate: POINTS, description: 'Points the item is worth; positive.' }),
      cap: t.float({ validate: POINTS, description: 'Most points deductions can take off the item, between 0 and maxPoints; absent: maxPoints.' }),
      deductions: t.field({ type: [DeductionRuleInput], required: true, validate: z.array(z.any()).max(100), description: 'The deduction rules an assessor can apply to the item (may be empty).' }),
    }),
  });
  const VetoRuleInput = builder.inputType('VetoRuleInput', {
    description: 'A one-vote veto (一票否决) rule: events of these kinds in the assessed period fail the unit whatever its score.',
    fields: (t) => ({
      id: t.string({ required: true, validate: requiredText(20), description: 'Rule id, unique within the set (shown as FiredVetoRule.ruleId).' }),
      description: t.string({ required: true, validate: requiredText(200), description: 'What the rule vetoes for, quoted in the assessment’s explanation.' }),
      eventKinds: t.field({ type: [EventKind], required: true, validate: z.array(z.any()).min(1).max(20), description: 'The major-event kinds that count (at least one).' }),
      scope: t.field({ type: VetoScope, required: true, description: 'Whether only events at the unit count, or also events in its jurisdiction.' }),
      categories: t.field({ type: [CategoryEnum], validate: z.array(z.any()).max(20), description: 'Only units of these categories; absent or empty: every category.' }),
      minEvents: t.int({ validate: z.number().int().min(1).max(1000), description: 'How many matching events in the period fire the rule; absent: 1.' }),
    }),
  });
  const YellowCardPolicyInput = builder.inputType('YellowCardPolicyInput', {
    description: 'The yellow-card (黄牌警告) policy of a rule set version.',
    fields: (t) => ({
      rectificationWorkingDays: t.int({
        required: true,
        validate: z.number().int().min(1).max(365),
        description: 'Rectification limit of a card in working days on the official calendar (holidays skipped, make-up days 调休 counted).',
      }),
      repeatWindowDays: t.int({
        required: true,
        validate: z.number().int().min(1).max(3660),
        description: 'A card within this many calendar days after an earlier card at the same unit is a repeat.',
      }),
      repeatEscalatesTo: t.field({ type: Escalation, required: true, description: 'What a repeat card escalates to.' }),
    }),
  });

  builder.queryFields((t) => ({
    assessmentStandards: t.field({
      type: [Standard],
      description: 'Every version of the category standards (考评标准), by category, then oldest version first.',
      authScopes: READ,
      args: { category: t.arg({ type: CategoryEnum, description: 'Only this category’s versions; absent: all categories.' }) },
      resolve: (_r, a, ctx) => listStandards(ctx, a.category),
    }),
    vetoRuleSets: t.field({
      type: [RuleSet],
      description: 'Every version of the one-vote veto rule sets (一票否决), oldest first, with their approval decisions.',
      authScopes: READ,
      resolve: (_r, _a, ctx) => listRuleSets(ctx),
    }),
  }));

  builder.mutationFields((t) => ({
    publishAssessmentStandard: t.field({
      type: Standard,
      errors: { dataField: { description: 'The standard version published.' } },
      authScopes: CONFIGURE,
      description: 'Publishes a new version of a category standard; past assessments keep the version they used. Errors: ASSESSMENT_STANDARD_INVALID.',
      args: {
        category: t.arg({ type: CategoryEnum, required: true, description: 'The category the standard scores.' }),
        title: t.arg.string({ required: true, validate: requiredText(200), description: 'Title of the standard.' }),
        items: t.arg({ type: [StandardItemInput], required: true, validate: z.array(z.any()).max(200), description: 'The scored items: at least one, codes unique.' }),
        passMark: t.arg.float({ required: true, validate: POINTS_ARG, description: 'Points needed to pass: above 0 and at most the sum of the items’ maxPoints.' }),
        effectiveFrom: t.arg({ type: 'Date', required: true, description: 'First day the version is in force (for periods ending on or after it).' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) =>
        publishStandard(ctx, { ...a, items: a.items.map((i) => ({ ...i, cap: i.cap ?? null, deductions: i.deductions })) }, idempotencyKey as string | null),
    }),
    publishVetoRuleSet: t.field({
      type: RuleSet,
      errors: { dataField: { description: 'The rule set version published (pending approval when retroactive).' } },
      authScopes: CONFIGURE,
      description:
        'Publishes a new version of the one-vote veto rules (一票否决) with its yellow-card policy; a set reaching back over days an earlier set governed must be flagged retroactive with a reason and awaits a second officer. Errors: ASSESSMENT_RULE_SET_INVALID, ASSESSMENT_RETROACTIVE_REASON_REQUIRED, ASSESSMENT_RULE_SET_RETROACTIVE_UNFLAGGED.',
      args: {
        rules: t.arg({ type: [VetoRuleInput], required: true, validate: z.array(z.any()).max(100), description: 'The veto rules; ids unique, each naming at least one event kind.' }),
        effectiveFrom: t.arg({ type: 'Date', required: true, description: 'First day the set governs.' }),
        yellowCardPolicy: t.arg({ type: YellowCardPolicyInput, description: 'The yellow-card policy; absent: 15 working days, a 365-day repeat window, repeats escalate to red_card.' }),
        note: t.arg.string({ validate: z.string().max(500), description: 'Free-text note kept with the version.' }),
        retroactive: t.arg.boolean({ description: 'Required when the set takes effect before today over days an earlier set governed; it then awaits a second officer’s approval.' }),
        retroactiveReason: t.arg.string({ validate: z.string().max(1000), description: 'Why the set reaches back; required (non-blank) when `retroactive` is true.' }),
        idempotencyKey: key(t),
      },
      resolve: async (_r, { idempotencyKey, ...a }, ctx) => ({ ...(await publishRuleSet(ctx, a, idempotencyKey as string | null)), decision: null }),
    }),
    decideVetoRuleSet: t.field({
      type: RuleSet,
      errors: { dataField: { description: 'The rule set with its decision and, on approval, the decided assessments it now governs (`retroactiveEffects`).' } },
      authScopes: CONFIGURE,
      description:
        'A second officer approves or rejects a retroactive rule set; the publisher may not. Approval puts it in force and marks the decided assessments it now governs in their unit histories. Errors: CORE_INPUT_INVALID, CORE_NOT_FOUND, ASSESSMENT_RULE_SET_NOT_PENDING, ASSESSMENT_RULE_SET_SELF_APPROVAL.',
      args: {
        ruleSetId: t.arg.id({ required: true, description: 'VetoRuleSet.id of the retroactive set awaiting approval.' }),
        approve: t.arg.boolean({ required: true, description: 'True approves (puts the set in force), false rejects it.' }),
        reason: t.arg.string({ required: true, validate: z.string().max(1000), description: 'The reason for the verdict; must not be blank.' }),
        idempotencyKey: key(t),
      },
      resolve: (_r, { idempotencyKey, ...a }, ctx) => decideRuleSet(ctx, { ...a, ruleSetId: String(a.ruleSetId) }, idempotencyKey as string | null),
    }),
  }));
}

import { describedValues as described } from '@safecity/core';
import type { Builder } from '@safecity/core';
import type { Measure, Standing } from '../rules.js';
import { creditStanding, creditStandingChecks, MAX_STANDING_CODES, type CreditStandingCheckView, type CreditStandingView } from '../service/standing.js';
import type { Refs } from './refs.js';

const STANDING_LEVELS = ['black', 'red', 'clear', 'unknown'] as const;

const STANDING_TEXT: Record<Standing, string> = {
  black: 'At least one active black-list entry: the punishment measures apply (black outranks red and voids its rewards).',
  red: 'An active red-list entry and no black one: the reward measures apply.',
  clear: 'On file in your jurisdiction with no active entry: no measures.',
  unknown: 'No subject with this code on file in your jurisdiction: no measures.',
};

/** Standing checks for joint reward and punishment (联合奖惩). */
export function registerStandingSchema(builder: Builder, refs: Refs) {
  const { CreditListEntry } = refs;
  const StandingEnum = builder.enumType('CreditStandingLevel', {
    values: described(STANDING_LEVELS, STANDING_TEXT),
    description: "A subject's standing for joint reward and punishment (联合奖惩), from its active entries on the day asked.",
  });

  const MeasureRef = builder.objectRef<Measure>('CreditJointMeasure').implement({
    description: 'A joint reward or punishment measure (联合奖惩措施) that applies to the subject.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'A stable machine name of the measure, e.g. `restrict_public_procurement` or `green_channel`.' }),
      kind: t.exposeString('kind', { description: '`reward` (守信激励, red list) or `punishment` (失信惩戒, black list).' }),
      description: t.exposeString('description', { description: 'The measure in Chinese, as the department applies it (e.g. 限制参与政府采购、工程招投标).' }),
    }),
  });

  const StandingRef = builder.objectRef<CreditStandingView>('CreditStanding').implement({
    description: 'What a department needs before an approval: the list standing, the active entries and the measures that apply.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: 'The code checked (统一社会信用代码).', resolve: (s) => s.creditCode }),
      known: t.boolean({ description: 'True when a subject with this code is on file in your jurisdiction.', resolve: (s) => !!s.subject }),
      name: t.string({ nullable: true, description: "The subject's name; null when no subject with this code is on file in your jurisdiction.", resolve: (s) => s.subject?.name ?? null }),
      standing: t.field({ type: StandingEnum, description: 'Black, red, clear or unknown on `asOf`.', resolve: (s) => s.standing as Standing }),
      activeEntries: t.field({ type: [CreditListEntry], description: 'The entries in force on `asOf`; empty for clear or unknown.', resolve: (s) => s.activeEntries }),
      measures: t.field({ type: [MeasureRef], description: 'The joint reward or punishment measures (联合奖惩措施) that apply; empty for clear or unknown.', resolve: (s) => s.measures }),
      asOf: t.field({ type: 'Date', description: 'The day the standing was derived for (default today, China time).', resolve: (s) => s.asOf }),
    }),
  });

  const CheckStatusEnum = builder.enumType('CreditCodeCheckStatus', {
    description: 'How one code of a bulk standing check fared.',
    values: {
      OK: { value: 'ok', description: 'A subject on file in your jurisdiction: `standing` is its standing.' },
      MALFORMED: { value: 'malformed', description: 'Not a GB 32100-2015 unified social credit code: `standing` is null.' },
      NOT_FOUND: { value: 'not_found', description: 'A valid code with no subject on file in your jurisdiction: `standing` says `unknown`.' },
    } as const,
  });
  const StandingCheckRef = builder.objectRef<CreditStandingCheckView>('CreditStandingCheck').implement({
    description: 'One code of a bulk standing check (联合奖惩核查), with its own status: a malformed code does not fail the batch.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'The code as asked, trimmed and upper-cased when valid (verbatim when malformed).' }),
      status: t.field({ type: CheckStatusEnum, description: 'OK, MALFORMED or NOT_FOUND.', resolve: (c) => c.status }),
      standing: t.field({ type: StandingRef, nullable: true, description: 'The standing; null when the code is MALFORMED.', resolve: (c) => c.standing }),
    }),
  });

  builder.queryFields((t) => ({
    creditStanding: t.field({
      type: StandingRef,
      description: 'One subject’s standing for a joint reward/punishment check (联合奖惩).',
      authScopes: { permission: 'credit:standing.read' },
      args: {
        code: t.arg({ type: 'CreditCode', required: true, description: 'The unified social credit code (统一社会信用代码) to check.' }),
        asOf: t.arg({ type: 'Date', description: 'The day of the standing (default today, China time).' }),
      },
      resolve: (_r, { code, asOf }, ctx) => creditStanding(ctx, code, asOf),
    }),
    creditStandings: t.field({
      type: [StandingCheckRef],
      description: `Bulk standing check (联合奖惩核查) of up to ${MAX_STANDING_CODES} codes in one call: one answer per code, in the order asked, each with its status (OK, MALFORMED, NOT_FOUND), so one malformed code does not fail the batch. Errors: CREDIT_TOO_MANY_CODES above the limit.`,
      authScopes: { permission: 'credit:standing.read' },
      args: {
        codes: t.arg.stringList({ required: true, description: 'Unified social credit codes (统一社会信用代码), as the department has them; malformed ones are answered, not refused.' }),
        asOf: t.arg({ type: 'Date', description: 'The day of the standing (default today, China time).' }),
      },
      resolve: (_r, { codes, asOf }, ctx) => creditStandingChecks(ctx, codes, asOf),
    }),
  }));
}

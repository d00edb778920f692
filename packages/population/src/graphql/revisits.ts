import { connectionOf, plannedOr, z, type Builder } from '@safecity/core';
import { personLoader, dwellingLoader } from '../service/common.js';
import { recordRevisit, revisitTenantPages, sweepOverdueRevisits, type RevisitTenantRow } from '../service/revisits.js';
import { manage, orNull, write, type PopulationTypes } from './refs.js';

/** Revisits (回访) of dwellings and their tenants, and the overdue sweep. */
export function registerRevisitSchema(builder: Builder, T: PopulationTypes) {
  const { Person, Dwelling, Revisit } = T;

  const RevisitTenant = builder.objectRef<RevisitTenantRow>('RevisitTenant').implement({
    description: 'A tenant as a revisit found them.',
    fields: (t) => ({
      person: t.field({
        type: Person,
        nullable: true,
        description: 'The tenant; null if the person now lives outside your jurisdiction.',
        resolve: (r, _a, ctx, info) => plannedOr(r, info, () => orNull(personLoader(ctx).load(r.personId))),
      }),
      outcome: t.string({ description: 'seen, or departed (found to have moved away).', resolve: (r) => r.outcome }),
    }),
  });

  Revisit.implement({
    description: 'A revisit (回访) of a dwelling.',
    fields: (t) => ({
      dwelling: t.field({
        type: Dwelling,
        nullable: true,
        description: 'The dwelling visited; null if it lies outside your jurisdiction.',
        resolve: (r, _a, ctx) => orNull(dwellingLoader(ctx).load(r.dwellingId)),
      }),
      visitorId: t.exposeString('visitorId', { description: 'Subject id of who recorded the visit.' }),
      visitedAt: t.field({ type: 'DateTime', description: 'When the visit took place.', resolve: (r) => r.visitedAt }),
      visitedOn: t.field({ type: 'Date', description: 'The China calendar day of visitedAt.', resolve: (r) => r.visitedOn }),
      matched: t.exposeBoolean('matched', { description: 'The people found match the register (人户一致).' }),
      notes: t.exposeString('notes', { nullable: true, description: 'Free-text notes of the visitor; null when none.' }),
      tenants: t.connection(
        {
          type: RevisitTenant,
          description: 'The tenants seen or found departed on this visit, inside your jurisdiction, by person.',
          resolve: (r, args, ctx, info) => plannedOr(r, info, () => revisitTenantPages(ctx, args).load(r.id)),
        },
        connectionOf(builder, RevisitTenant),
      ),
    }),
  });

  const SweepResult = builder.objectRef<{ asOf: string; dwellings: number; tenants: number }>('OverdueSweep').implement({
    description: 'The outcome of an overdue-revisit sweep.',
    fields: (t) => ({
      asOf: t.field({ type: 'Date', description: 'The day judged on.', resolve: (r) => r.asOf }),
      dwellings: t.exposeInt('dwellings', { description: 'New revisitOverdue events for dwellings (0 for those already notified for the same due date).' }),
      tenants: t.exposeInt('tenants', { description: 'New revisitOverdue events for tenants (0 for those already notified for the same due date).' }),
    }),
  });

  builder.mutationFields((t) => ({
    recordRevisit: t.field({
      type: T.Revisit,
      authScopes: write,
      errors: {},
      description:
        "Records a revisit (回访) of a dwelling with the tenants seen or found departed; the dwelling's and the seen tenants' next due dates follow (a late entry of an older visit does not move them back). Errors: POPULATION_VISIT_IN_FUTURE, POPULATION_NOT_A_TENANT, CORE_NOT_FOUND, CORE_IDEMPOTENCY_KEY_REUSED.",
      args: {
        dwellingId: t.arg.globalID({ required: true, for: T.Dwelling, description: 'The dwelling visited.' }),
        visitedAt: t.arg({ type: 'DateTime', required: true, description: 'When the visit took place (not in the future).' }),
        matched: t.arg.boolean({ required: true, description: 'Whether the people found match the register.' }),
        notes: t.arg.string({ description: 'Free-text notes (at most 1000 characters).', validate: z.string().max(1000) }),
        tenantsSeen: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Default: every current tenant not listed as departed.' }),
        departed: t.arg.globalIDList({ for: T.Person, validate: z.array(z.any()).max(500), description: 'Current tenants found to have moved away.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, dwellingId, tenantsSeen, departed, ...input }, ctx) =>
        recordRevisit(ctx, { ...input, dwellingId: dwellingId.id, tenantsSeen: tenantsSeen?.map((g) => g.id) ?? null, departed: departed?.map((g) => g.id) ?? null }, idempotencyKey),
    }),
    sweepOverdueRevisits: t.field({
      type: SweepResult,
      authScopes: manage,
      errors: {},
      description: 'Emits revisitOverdue once per overdue dwelling or tenant and due date (idempotent). Errors: CORE_NOT_FOUND.',
      args: {
        asOf: t.arg({ type: 'Date', description: 'The day to judge on; default today (China time).' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only this division's subtree (inside yours); default your whole jurisdiction." }),
      },
      resolve: (_r, args, ctx) => sweepOverdueRevisits(ctx, args),
    }),
  }));
}

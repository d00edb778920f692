import { z, type Builder, idOfType, requiredText, connectionOf, isUuid } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { listDisputes, listFollowUpsDue, listOverdueDisputes, recordFollowUpVisit, recordMassIncident, recordMediationSession, registerDispute, routeDispute } from '../service/disputes.js';
import { escalateOverdueDisputes } from '../service/escalation.js';
import { listMediationOrganisations, registerMediationOrganisation } from '../service/organisations.js';
import { disputeRates } from '../service/rates.js';
import { listScreeningRounds, recordScreeningRound } from '../service/screening.js';
import { decideVetoProposal, listVetoProposals, proposeVeto } from '../service/vetoes.js';
import type { DisputesTypes } from './types.js';

export function registerOperations(builder: Builder, T: DisputesTypes) {
  const read = { permission: 'disputes:read' };
  const write = { permission: 'disputes:write' };
  const mediate = { permission: 'disputes:mediate' };
  const manage = { permission: 'disputes:manage' };

  const PartyInput = builder.inputType('DisputePartyInput', {
    description: 'Either personId (a Person on the register) or name, with a role.',
    fields: (t) => ({
      role: t.field({ type: T.PartyRole, required: true }),
      personId: t.id({ description: 'Global id of a Person on the register (stored by reference only).' }),
      name: t.string({ validate: z.string().trim().max(50) }),
      phone: t.string({ validate: z.string().regex(/^[0-9+-]{5,20}$/) }),
    }),
  });
  const UnitInput = builder.inputType('DisputeUnitInput', {
    fields: (t) => ({ creditCode: t.field({ type: 'CreditCode' }), name: t.string({ validate: z.string().trim().max(100) }) }),
  });
  const DisputeFilter = builder.inputType('DisputeFilter', {
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      status: t.field({ type: T.Status }),
      kind: t.field({ type: T.DisputeKind }),
      riskLevel: t.field({ type: T.RiskLevel }),
      level: t.field({ type: T.Level }),
      escalated: t.boolean(),
      massIncidentRisk: t.boolean(),
      screeningRoundId: t.globalID({ for: T.Round }),
      registeredFrom: t.field({ type: 'Date' }),
      registeredTo: t.field({ type: 'Date' }),
    }),
  });

  const Rates = builder.objectRef<Awaited<ReturnType<typeof disputeRates>>>('DisputeRates').implement({
    fields: (t) => ({
      period: t.exposeString('period'),
      start: t.field({ type: 'Date', resolve: (r) => r.start }),
      end: t.field({ type: 'Date', resolve: (r) => r.end }),
      asOf: t.field({ type: 'Date', description: 'The day overdue is counted on: the period’s end, or today within a running period.', resolve: (r) => r.asOf }),
      total: t.field({ type: T.JurisdictionRates, description: 'The jurisdiction asked for (its whole subtree).', resolve: (r) => r.total }),
      children: t.field({ type: [T.JurisdictionRates], description: 'Each child jurisdiction, in code order.', resolve: (r) => r.children }),
    }),
  });
  const Sweep = builder.objectRef<Awaited<ReturnType<typeof escalateOverdueDisputes>>>('DisputeEscalationSweep').implement({
    fields: (t) => ({
      asOf: t.field({ type: 'Date', resolve: (r) => r.asOf }),
      escalated: t.exposeInt('escalated'),
      closedFailed: t.exposeInt('closedFailed', { description: 'Overdue at the city level: closed without agreement.' }),
      remaining: t.exposeInt('remaining', { description: 'Overdue disputes left for another run (a run handles at most 500).' }),
    }),
  });

  builder.queryFields((t) => ({
    disputes: t.connection({
      type: T.Dispute,
      authScopes: read,
      description: 'Disputes in your jurisdiction, newest registration first.',
      args: { filter: t.arg({ type: DisputeFilter }) },
      resolve: (_r, args, ctx) => listDisputes(ctx, { ...(args.filter ?? {}), screeningRoundId: args.filter?.screeningRoundId?.id ?? null }, args),
    }, connectionOf(builder, T.Dispute)),
    overdueDisputes: t.connection({
      type: T.Dispute,
      authScopes: read,
      description: 'Open disputes past their level’s deadline on asOf (default today), most overdue first.',
      args: { asOf: t.arg({ type: 'Date' }), jurisdictionCode: t.arg({ type: 'DivisionCode' }), level: t.arg({ type: T.Level }) },
      resolve: (_r, args, ctx) => listOverdueDisputes(ctx, args, args),
    }, connectionOf(builder, T.Dispute)),
    disputeFollowUpsDue: t.connection({
      type: T.Dispute,
      authScopes: read,
      description: 'Resolved disputes whose follow-up visit (跟踪回访) is due by asOf (default today).',
      args: { asOf: t.arg({ type: 'Date' }), jurisdictionCode: t.arg({ type: 'DivisionCode' }) },
      resolve: (_r, args, ctx) => listFollowUpsDue(ctx, args, args),
    }, connectionOf(builder, T.Dispute)),
    mediationOrganisations: t.connection({
      type: T.Organisation,
      authScopes: read,
      description: 'Mediation organisations inside your jurisdiction.',
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode' }), kind: t.arg({ type: T.OrganisationKind }) },
      resolve: (_r, args, ctx) => listMediationOrganisations(ctx, args, args),
    }, connectionOf(builder, T.Organisation)),
    screeningRounds: t.connection({
      type: T.Round,
      authScopes: read,
      description: 'Screening rounds (排查) in your jurisdiction, latest first.',
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode' }), period: t.arg.string({ validate: z.string().max(7) }) },
      resolve: (_r, args, ctx) => listScreeningRounds(ctx, args, args),
    }, connectionOf(builder, T.Round)),
    vetoProposals: t.connection({
      type: T.Proposal,
      authScopes: read,
      description: 'Comprehensive-governance veto proposals in your jurisdiction, latest first.',
      args: { status: t.arg({ type: T.ProposalStatus }), jurisdictionCode: t.arg({ type: 'DivisionCode' }) },
      resolve: (_r, args, ctx) => listVetoProposals(ctx, args, args),
    }, connectionOf(builder, T.Proposal)),
    disputeRates: t.field({
      type: Rates,
      authScopes: read,
      description: 'Screened, resolved, resolution rate, overdue and escalated disputes of a jurisdiction and its children for a period (YYYY, YYYY-Qn or YYYY-MM), in one SQL statement.',
      args: { jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }), period: t.arg.string({ required: true, validate: z.string().max(7) }) },
      resolve: (_r, args, ctx) => disputeRates(ctx, args),
    }),
  }));

  builder.mutationFields((t) => ({
    registerDispute: t.field({
      type: T.Dispute,
      authScopes: write,
      errors: {},
      description: 'Registers a dispute in a community or grid (受理登记). The deadline follows from kind and risk; the kind of mediation from routing by kind (归口调处).',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        kind: t.arg({ type: T.DisputeKind, required: true }),
        source: t.arg({ type: T.DisputeSource, required: true }),
        screeningRoundId: t.arg.globalID({ for: T.Round }),
        description: t.arg.string({ required: true, validate: requiredText(2000) }),
        riskLevel: t.arg({ type: T.RiskLevel, required: true }),
        massIncidentRisk: t.arg.boolean({ required: true }),
        unit: t.arg({ type: UnitInput }),
        registeredOn: t.arg({ type: 'Date' }),
        parties: t.arg({ type: [PartyInput], required: true, validate: z.array(z.any()).max(50) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, screeningRoundId, parties, ...input }, ctx) =>
        registerDispute(
          ctx,
          {
            ...input,
            screeningRoundId: screeningRoundId?.id ?? null,
            parties: parties.map((p, i) => ({ ...p, personId: p.personId ? personRef(String(p.personId), i) : null })),
          },
          idempotencyKey,
        ),
    }),
    routeDispute: t.field({
      type: T.Dispute,
      authScopes: mediate,
      errors: {},
      description: 'Assigns a dispute to a mediation organisation and a mediator (分流指派) with the kind of mediation (default: by kind).',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute }),
        organisationId: t.arg.globalID({ required: true, for: T.Organisation }),
        mediatorName: t.arg.string({ required: true, validate: requiredText(50) }),
        mediationKind: t.arg({ type: T.MediationKind }),
        on: t.arg({ type: 'Date' }),
        version: t.arg.int(),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, disputeId, organisationId, ...input }, ctx) => routeDispute(ctx, { ...input, disputeId: disputeId.id, organisationId: organisationId.id }, idempotencyKey),
    }),
    recordMediationSession: t.field({
      type: T.Dispute,
      authScopes: mediate,
      errors: {},
      description: 'Records a mediation session: continued, an agreement (then follow-up visits fall due), or a failure (then the dispute goes up one level).',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute }),
        on: t.arg({ type: 'Date', required: true }),
        outcome: t.arg({ type: builder.enumType('MediationSessionOutcome', { values: ['continued', 'agreement', 'failed'] as const }), required: true }),
        notes: t.arg.string({ required: true, validate: requiredText(2000) }),
        agreement: t.arg.string({ validate: requiredText(2000) }),
        version: t.arg.int(),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordMediationSession(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    recordMassIncident: t.field({
      type: T.Dispute,
      authScopes: mediate,
      errors: {},
      description: 'The dispute turned into a mass incident (群体性事件): closes it and raises a major mass incident that assessment’s veto rules count, in the same transaction.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute }),
        occurredAt: t.arg({ type: 'DateTime', required: true }),
        place: t.arg.string({ validate: requiredText(200) }),
        description: t.arg.string({ required: true, validate: requiredText(2000) }),
        participants: t.arg.int({ validate: z.number().int().min(1).max(1_000_000) }),
        unit: t.arg({ type: UnitInput }),
        version: t.arg.int(),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordMassIncident(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    recordDisputeFollowUp: t.field({
      type: T.Dispute,
      authScopes: write,
      errors: {},
      description: 'A follow-up visit (跟踪回访) after an agreement: holding ends the follow-up; not holding makes another due in 7 days.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute }),
        visitedOn: t.arg({ type: 'Date', required: true }),
        holding: t.arg.boolean({ required: true }),
        notes: t.arg.string({ required: true, validate: requiredText(2000) }),
        version: t.arg.int(),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordFollowUpVisit(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    escalateOverdueDisputes: t.field({
      type: Sweep,
      authScopes: manage,
      errors: {},
      description: 'The escalation sweep inside your jurisdiction: open disputes past their deadline go up one level (also `disputes:escalate` on the CLI).',
      args: { asOf: t.arg({ type: 'Date' }) },
      resolve: (_r, args, ctx) => escalateOverdueDisputes(ctx, args),
    }),
    registerMediationOrganisation: t.field({
      type: T.Organisation,
      authScopes: manage,
      errors: {},
      args: {
        name: t.arg.string({ required: true, validate: requiredText(100) }),
        kind: t.arg({ type: T.OrganisationKind, required: true }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        specialty: t.arg({ type: T.DisputeKind }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => registerMediationOrganisation(ctx, input, idempotencyKey),
    }),
    recordScreeningRound: t.field({
      type: T.Round,
      authScopes: write,
      errors: {},
      description: 'Records a screening round (排查); register the disputes it found with its id.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true }),
        period: t.arg.string({ required: true, validate: z.string().max(7) }),
        startedOn: t.arg({ type: 'Date', required: true }),
        endedOn: t.arg({ type: 'Date', required: true }),
        focus: t.arg.string({ required: true, validate: requiredText(200) }),
        hazardsFound: t.arg.int({ validate: z.number().int().min(0).max(1_000_000) }),
        notes: t.arg.string({ validate: requiredText(2000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordScreeningRound(ctx, input, idempotencyKey),
    }),
    proposeVeto: t.field({
      type: T.Proposal,
      authScopes: { permission: 'disputes:veto.propose' },
      errors: {},
      description: 'A mediation centre proposes a comprehensive-governance veto (综治否决建议) against a unit; assessment records it; an assessor decides.',
      args: {
        organisationId: t.arg.globalID({ required: true, for: T.Organisation }),
        disputeId: t.arg.globalID({ for: T.Dispute }),
        unit: t.arg({ type: UnitInput, required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(2000) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, organisationId, disputeId, ...input }, ctx) =>
        proposeVeto(ctx, { ...input, organisationId: organisationId.id, disputeId: disputeId?.id ?? null }, idempotencyKey),
    }),
    decideVetoProposal: t.field({
      type: T.Proposal,
      authScopes: { permission: 'disputes:veto.decide' },
      errors: {},
      args: {
        proposalId: t.arg.globalID({ required: true, for: T.Proposal }),
        accept: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, validate: requiredText(2000) }),
        version: t.arg.int(),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, proposalId, ...input }, ctx) => decideVetoProposal(ctx, { ...input, proposalId: proposalId.id }, idempotencyKey),
    }),
  }));
}

/** A party's person reference: population's Person global id, kept as the raw id (core's decoder, core's error). */
function personRef(globalId: string, index: number): string {
  return idOfType(globalId, 'Person', `parties.${index}.personId`);
}

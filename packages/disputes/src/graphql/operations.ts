import { z, type Builder, idOfType, requiredText, connectionOf } from '@safecity/core';
import { listDisputes, listFollowUpsDue, listOverdueDisputes, recordFollowUpVisit, recordMassIncident, recordMediationSession, registerDispute, routeDispute } from '../service/disputes.js';
import { escalateOverdueDisputes } from '../service/escalation.js';
import { listMediationOrganisations, registerMediationOrganisation } from '../service/organisations.js';
import { disputeRates } from '../service/rates.js';
import { listScreeningRounds, recordScreeningRound } from '../service/screening.js';
import { decideVetoProposal, listVetoProposals, proposeVeto } from '../service/vetoes.js';
import type { DisputesTypes } from './types.js';
import { MAX_PARTIES } from '../rules/vocabulary.js';

const IDEMPOTENCY = 'Optional key of your choosing: a retry with the same key and input returns the first result instead of writing twice.';
const VERSION = 'The version you read; when given and no longer current the write is refused with CORE_VERSION_CONFLICT. Omit to skip the check.';
const DATA = (what: string) => ({ dataField: { description: what } });

export function registerOperations(builder: Builder, T: DisputesTypes) {
  const read = { permission: 'disputes:read' };
  const write = { permission: 'disputes:write' };
  const mediate = { permission: 'disputes:mediate' };
  const manage = { permission: 'disputes:manage' };

  const PartyInput = builder.inputType('DisputePartyInput', {
    description: 'Either personId (a Person on the register) or name, with a role.',
    fields: (t) => ({
      role: t.field({ type: T.PartyRole, required: true, description: 'Applicant, respondent or third party.' }),
      personId: t.id({ description: 'Global id of a Person on the register (stored by reference only).' }),
      name: t.string({ validate: z.string().trim().max(50), description: 'The name of a party not on the register (up to 50 characters); leave empty with personId.' }),
      phone: t.string({ validate: z.string().regex(/^[0-9+-]{5,20}$/), description: 'A phone number for a named party (5 to 20 of 0-9 + -); shown masked; ignored with personId.' }),
    }),
  });
  const UnitInput = builder.inputType('DisputeUnitInput', {
    description: 'A unit (单位) by its credit code, its name, or both.',
    fields: (t) => ({
      creditCode: t.field({ type: 'CreditCode', description: "The unit's unified social credit code (统一社会信用代码)." }),
      name: t.string({ validate: z.string().trim().max(100), description: "The unit's name (up to 100 characters)." }),
    }),
  });
  const DisputeFilter = builder.inputType('DisputeFilter', {
    description: 'Which disputes to list; every field given narrows the list, omitted fields do not filter.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "Only disputes in this jurisdiction's subtree (default: all of yours)." }),
      status: t.field({ type: T.Status, description: 'Only disputes with this status.' }),
      kind: t.field({ type: T.DisputeKind, description: 'Only disputes of this kind.' }),
      riskLevel: t.field({ type: T.RiskLevel, description: 'Only disputes of this risk level.' }),
      level: t.field({ type: T.Level, description: 'Only disputes handled at this level now.' }),
      escalated: t.boolean({ description: 'True: only disputes escalated at least once; false: only those never escalated.' }),
      massIncidentRisk: t.boolean({ description: 'True: only disputes flagged as able to become a mass incident (群体性事件); false: only unflagged ones.' }),
      screeningRoundId: t.globalID({ for: T.Round, description: 'Only disputes registered with this ScreeningRound.' }),
      registeredFrom: t.field({ type: 'Date', description: 'Only disputes registered on or after this day.' }),
      registeredTo: t.field({ type: 'Date', description: 'Only disputes registered on or before this day.' }),
    }),
  });

  const Rates = builder.objectRef<Awaited<ReturnType<typeof disputeRates>>>('DisputeRates').implement({
    description: 'Dispute figures (排查化解) of a jurisdiction and each of its children for a period.',
    fields: (t) => ({
      period: t.exposeString('period', { description: 'The period as asked: YYYY, YYYY-Qn or YYYY-MM.' }),
      start: t.field({ type: 'Date', description: "The period's first day.", resolve: (r) => r.start }),
      end: t.field({ type: 'Date', description: "The period's last day.", resolve: (r) => r.end }),
      asOf: t.field({ type: 'Date', description: 'The day overdue is counted on: the period’s end, or today within a running period.', resolve: (r) => r.asOf }),
      total: t.field({ type: T.JurisdictionRates, description: 'The jurisdiction asked for (its whole subtree).', resolve: (r) => r.total }),
      children: t.field({ type: [T.JurisdictionRates], description: 'Each child jurisdiction, in code order.', resolve: (r) => r.children }),
    }),
  });
  const Sweep = builder.objectRef<Awaited<ReturnType<typeof escalateOverdueDisputes>>>('DisputeEscalationSweep').implement({
    description: 'What one escalation sweep (跟踪督办) did.',
    fields: (t) => ({
      asOf: t.field({ type: 'Date', description: 'The day the sweep ran for: disputes whose deadline was before it were overdue.', resolve: (r) => r.asOf }),
      escalated: t.exposeInt('escalated', { description: "Overdue disputes moved up one level (their new level's clock starts on `asOf`)." }),
      closedFailed: t.exposeInt('closedFailed', { description: 'Overdue at the city level: closed without agreement.' }),
      remaining: t.exposeInt('remaining', { description: 'Overdue disputes left for another run (a run handles at most 500).' }),
    }),
  });

  builder.queryFields((t) => ({
    disputes: t.connection(
      {
        type: T.Dispute,
        authScopes: read,
        description: 'Disputes in your jurisdiction, newest registration first.',
        args: { filter: t.arg({ type: DisputeFilter, description: 'Which disputes (default: all in your jurisdiction).' }) },
        resolve: (_r, args, ctx) => listDisputes(ctx, { ...(args.filter ?? {}), screeningRoundId: args.filter?.screeningRoundId?.id ?? null }, args),
      },
      connectionOf(builder, T.Dispute),
    ),
    overdueDisputes: t.connection(
      {
        type: T.Dispute,
        authScopes: read,
        description: 'Open disputes past their level’s deadline on asOf (default today), most overdue first.',
        args: {
          asOf: t.arg({ type: 'Date', description: 'The day overdue is judged on (default today, China time).' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only disputes in this jurisdiction's subtree (default: all of yours)." }),
          level: t.arg({ type: T.Level, description: 'Only disputes handled at this level now.' }),
        },
        resolve: (_r, args, ctx) => listOverdueDisputes(ctx, args, args),
      },
      connectionOf(builder, T.Dispute),
    ),
    disputeFollowUpsDue: t.connection(
      {
        type: T.Dispute,
        authScopes: read,
        description: 'Resolved disputes whose follow-up visit (跟踪回访) is due by asOf (default today), earliest due first.',
        args: {
          asOf: t.arg({ type: 'Date', description: 'Visits due on or before this day (default today, China time).' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only disputes in this jurisdiction's subtree (default: all of yours)." }),
        },
        resolve: (_r, args, ctx) => listFollowUpsDue(ctx, args, args),
      },
      connectionOf(builder, T.Dispute),
    ),
    mediationOrganisations: t.connection(
      {
        type: T.Organisation,
        authScopes: read,
        description: 'Mediation organisations (调解组织) inside your jurisdiction, by jurisdiction code.',
        args: {
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only organisations in this jurisdiction's subtree (default: all of yours)." }),
          kind: t.arg({ type: T.OrganisationKind, description: 'Only organisations of this kind.' }),
        },
        resolve: (_r, args, ctx) => listMediationOrganisations(ctx, args, args),
      },
      connectionOf(builder, T.Organisation),
    ),
    screeningRounds: t.connection(
      {
        type: T.Round,
        authScopes: read,
        description: 'Screening rounds (排查) in your jurisdiction, latest first.',
        args: {
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only rounds in this jurisdiction's subtree (default: all of yours)." }),
          period: t.arg.string({ validate: z.string().max(7), description: 'Only rounds recorded for exactly this period (YYYY, YYYY-Qn or YYYY-MM, as recorded).' }),
        },
        resolve: (_r, args, ctx) => listScreeningRounds(ctx, args, args),
      },
      connectionOf(builder, T.Round),
    ),
    vetoProposals: t.connection(
      {
        type: T.Proposal,
        authScopes: read,
        description: 'Comprehensive-governance veto proposals (综治否决建议) in your jurisdiction, latest first.',
        args: {
          status: t.arg({ type: T.ProposalStatus, description: 'Only proposals with this status.' }),
          jurisdictionCode: t.arg({ type: 'DivisionCode', description: "Only proposals in this jurisdiction's subtree (default: all of yours)." }),
        },
        resolve: (_r, args, ctx) => listVetoProposals(ctx, args, args),
      },
      connectionOf(builder, T.Proposal),
    ),
    disputeRates: t.field({
      type: Rates,
      authScopes: read,
      description:
        'Screened, resolved, resolution rate, overdue and escalated disputes of a jurisdiction and its children for a period (YYYY, YYYY-Qn or YYYY-MM), in one SQL statement. A malformed period answers DISPUTES_PERIOD_INVALID.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction to count, inside yours; its children are counted too.' }),
        period: t.arg.string({ required: true, validate: z.string().max(7), description: 'YYYY, YYYY-Qn or YYYY-MM: disputes registered in it are counted.' }),
      },
      resolve: (_r, args, ctx) => disputeRates(ctx, args),
    }),
  }));

  builder.mutationFields((t) => ({
    registerDispute: t.field({
      type: T.Dispute,
      authScopes: write,
      errors: DATA('The dispute registered.'),
      description:
        'Registers a dispute in a community or grid (受理登记). The deadline follows from kind and risk; the kind of mediation from routing by kind (归口调处). Errors: DISPUTES_JURISDICTION_LEVEL, DISPUTES_PARTY_REQUIRED, DISPUTES_PARTY_INVALID, DISPUTES_DATE_IN_FUTURE, DISPUTES_SCREENING_ROUND_UNKNOWN.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The community or grid it arose in (12- or 15-digit code), inside your jurisdiction.' }),
        kind: t.arg({ type: T.DisputeKind, required: true, description: 'What it is about; with the source it sets the default kind of mediation.' }),
        source: t.arg({ type: T.DisputeSource, required: true, description: 'How it came to notice.' }),
        screeningRoundId: t.arg.globalID({ for: T.Round, description: 'The ScreeningRound (排查) that found it; the round must cover the jurisdiction.' }),
        description: t.arg.string({ required: true, validate: requiredText(2000), description: 'What the dispute is about (up to 2,000 characters).' }),
        riskLevel: t.arg({ type: T.RiskLevel, required: true, description: 'How grave it is; sets the deadline (30, 15, 7 or 3 calendar days).' }),
        massIncidentRisk: t.arg.boolean({ required: true, description: 'Could it become a mass incident (群体性事件)? If so every level has at most 3 days.' }),
        unit: t.arg({ type: UnitInput, description: 'The unit involved, if any.' }),
        registeredOn: t.arg({ type: 'Date', description: 'The day it was registered (default today; not in the future).' }),
        parties: t.arg({
          type: [PartyInput],
          required: true,
          validate: z.array(z.any()).max(MAX_PARTIES),
          description: `The parties (当事人), 1 to ${MAX_PARTIES}, each a Person on the register or a named party.`,
        }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
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
      errors: DATA('The dispute after routing.'),
      description:
        'Assigns a dispute to a mediation organisation and a mediator (分流指派) with the kind of mediation (default: the dispute’s current one). The organisation must cover the dispute at its current level; routing to a higher level’s organisation (other than a specialised committee) is refused: escalate instead. Errors: DISPUTES_CLOSED, DISPUTES_ORGANISATION_NOT_COVERING, DISPUTES_DATE_IN_FUTURE, DISPUTES_DATE_BEFORE_REGISTRATION.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute, description: 'The global id of the open Dispute to route.' }),
        organisationId: t.arg.globalID({
          required: true,
          for: T.Organisation,
          description: "The global id of the MediationOrganisation that takes it; the dispute's level becomes the organisation's.",
        }),
        mediatorName: t.arg.string({ required: true, validate: requiredText(50), description: 'The mediator (调解员) assigned (up to 50 characters).' }),
        mediationKind: t.arg({ type: T.MediationKind, description: "The kind of mediation (default: keep the dispute's current one)." }),
        on: t.arg({ type: 'Date', description: "The day of the routing (default today; not in the future nor before registration); a higher level's clock starts on it." }),
        version: t.arg.int({ description: VERSION }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, disputeId, organisationId, ...input }, ctx) => routeDispute(ctx, { ...input, disputeId: disputeId.id, organisationId: organisationId.id }, idempotencyKey),
    }),
    recordMediationSession: t.field({
      type: T.Dispute,
      authScopes: mediate,
      errors: DATA('The dispute after the session (escalated, or closed as failed, when the session failed).'),
      description:
        'Records a mediation session: continued, an agreement (then follow-up visits fall due), or a failure (then the dispute goes up one level, or closes as failed at the city level). Errors: DISPUTES_CLOSED, DISPUTES_NOT_ROUTED, DISPUTES_DATE_IN_FUTURE, DISPUTES_DATE_BEFORE_REGISTRATION.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute, description: 'The global id of the Dispute, which must be routed and being mediated.' }),
        on: t.arg({ type: 'Date', required: true, description: 'The day of the session (not in the future nor before registration).' }),
        outcome: t.arg({
          type: builder.enumType('MediationSessionOutcome', {
            description: 'How a mediation session ended.',
            values: {
              continued: { value: 'continued', description: 'Mediation goes on; the dispute stays as it is.' },
              agreement: { value: 'agreement', description: 'An agreement (调解协议) settles it: resolved, follow-up visits fall due.' },
              failed: { value: 'failed', description: 'No agreement: the dispute goes up one level, or closes as failed at the city level.' },
            } as const,
          }),
          required: true,
          description: 'How the session ended.',
        }),
        notes: t.arg.string({ required: true, validate: requiredText(2000), description: 'What happened in the session (up to 2,000 characters).' }),
        agreement: t.arg.string({ validate: requiredText(2000), description: "With outcome agreement: the agreement's text (default: the notes)." }),
        version: t.arg.int({ description: VERSION }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordMediationSession(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    recordMassIncident: t.field({
      type: T.Dispute,
      authScopes: mediate,
      errors: DATA('The dispute, closed as a mass incident.'),
      description:
        'The dispute turned into a mass incident (群体性事件): closes it and raises a major mass incident that assessment’s veto rules count, in the same transaction. Errors: DISPUTES_MASS_INCIDENT_RECORDED, DISPUTES_DATE_IN_FUTURE, DISPUTES_DATE_BEFORE_REGISTRATION.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute, description: 'The global id of the Dispute that turned into a mass incident.' }),
        occurredAt: t.arg({ type: 'DateTime', required: true, description: 'When the incident happened; its China day may not be in the future nor before registration.' }),
        place: t.arg.string({ validate: requiredText(200), description: 'Where it happened (up to 200 characters).' }),
        description: t.arg.string({ required: true, validate: requiredText(2000), description: 'What happened (up to 2,000 characters).' }),
        participants: t.arg.int({ validate: z.number().int().min(1).max(1_000_000), description: 'How many people took part, if known (1 to 1,000,000).' }),
        unit: t.arg({ type: UnitInput, description: "The unit the veto rules count it against (default: the dispute's unit)." }),
        version: t.arg.int({ description: VERSION }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordMassIncident(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    recordDisputeFollowUp: t.field({
      type: T.Dispute,
      authScopes: write,
      errors: DATA('The dispute with its next follow-up date.'),
      description:
        'A follow-up visit (跟踪回访) after an agreement: holding ends the follow-up; not holding makes another due in 7 days. Errors: DISPUTES_NOT_RESOLVED, DISPUTES_DATE_IN_FUTURE, DISPUTES_DATE_BEFORE_REGISTRATION.',
      args: {
        disputeId: t.arg.globalID({ required: true, for: T.Dispute, description: 'The global id of the resolved Dispute visited.' }),
        visitedOn: t.arg({ type: 'Date', required: true, description: 'The day of the visit (not in the future nor before the agreement).' }),
        holding: t.arg.boolean({ required: true, description: 'True: the agreement holds (no more visits due); false: another visit is due 7 days later.' }),
        notes: t.arg.string({ required: true, validate: requiredText(2000), description: 'What the visit found (up to 2,000 characters).' }),
        version: t.arg.int({ description: VERSION }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, disputeId, ...input }, ctx) => recordFollowUpVisit(ctx, { ...input, disputeId: disputeId.id }, idempotencyKey),
    }),
    escalateOverdueDisputes: t.field({
      type: Sweep,
      authScopes: manage,
      errors: DATA('What the sweep did.'),
      description:
        'The escalation sweep inside your jurisdiction: open disputes past their deadline go up one level (also `disputes:escalate` on the CLI); at most 500 per run. Errors: DISPUTES_DATE_IN_FUTURE.',
      args: { asOf: t.arg({ type: 'Date', description: 'The day to sweep for: disputes whose deadline is before it go up (default today; not in the future).' }) },
      resolve: (_r, args, ctx) => escalateOverdueDisputes(ctx, args),
    }),
    registerMediationOrganisation: t.field({
      type: T.Organisation,
      authScopes: manage,
      errors: DATA('The organisation put on the network.'),
      description:
        'Puts a mediation organisation on the big-mediation network (大调解): a room, a centre or a specialised committee, at a level its kind allows. Errors: DISPUTES_ORGANISATION_LEVEL, DISPUTES_ORGANISATION_EXISTS.',
      args: {
        name: t.arg.string({ required: true, validate: requiredText(100), description: 'Its name, unique within the jurisdiction (up to 100 characters).' }),
        kind: t.arg({ type: T.OrganisationKind, required: true, description: 'Room, centre or specialised committee; it decides the levels allowed.' }),
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'Where it sits, inside your jurisdiction: a community, sub-district, district or city code (not a grid).' }),
        specialty: t.arg({ type: T.DisputeKind, description: 'For a specialised committee: the kind of dispute it takes.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => registerMediationOrganisation(ctx, input, idempotencyKey),
    }),
    recordScreeningRound: t.field({
      type: T.Round,
      authScopes: write,
      errors: DATA('The round recorded.'),
      description: 'Records a screening round (排查); register the disputes it found with its id. Errors: DISPUTES_PERIOD_INVALID, DISPUTES_SCREENING_ROUND_DATES.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The jurisdiction screened, inside yours.' }),
        period: t.arg.string({ required: true, validate: z.string().max(7), description: 'The period it covers: YYYY, YYYY-Qn or YYYY-MM.' }),
        startedOn: t.arg({ type: 'Date', required: true, description: 'The first day of the round.' }),
        endedOn: t.arg({ type: 'Date', required: true, description: 'The last day of the round: on or after startedOn, not in the future.' }),
        focus: t.arg.string({ required: true, validate: requiredText(200), description: 'What the round looked for (up to 200 characters).' }),
        hazardsFound: t.arg.int({ validate: z.number().int().min(0).max(1_000_000), description: 'Risks noted that were not (yet) disputes (隐患); default 0.' }),
        notes: t.arg.string({ validate: requiredText(2000), description: 'Free notes (up to 2,000 characters).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordScreeningRound(ctx, input, idempotencyKey),
    }),
    proposeVeto: t.field({
      type: T.Proposal,
      authScopes: { permission: 'disputes:veto.propose' },
      errors: DATA('The proposal, pending.'),
      description:
        'A mediation centre proposes a comprehensive-governance veto (综治否决建议) against a unit; assessment records it; an assessor decides. Errors: DISPUTES_NOT_A_CENTRE, DISPUTES_UNIT_REQUIRED, DISPUTES_ORGANISATION_NOT_COVERING.',
      args: {
        organisationId: t.arg.globalID({
          required: true,
          for: T.Organisation,
          description: 'The global id of the proposing MediationOrganisation: a town, district or city mediation centre in your jurisdiction.',
        }),
        disputeId: t.arg.globalID({ for: T.Dispute, description: "The global id of the Dispute behind it, if any; it must lie within the centre's jurisdiction." }),
        unit: t.arg({ type: UnitInput, required: true, description: 'The unit to veto, by credit code and/or name (at least one).' }),
        reason: t.arg.string({ required: true, validate: requiredText(2000), description: 'Why (up to 2,000 characters).' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, organisationId, disputeId, ...input }, ctx) =>
        proposeVeto(ctx, { ...input, organisationId: organisationId.id, disputeId: disputeId?.id ?? null }, idempotencyKey),
    }),
    decideVetoProposal: t.field({
      type: T.Proposal,
      authScopes: { permission: 'disputes:veto.decide' },
      errors: DATA('The proposal with its decision.'),
      description: 'An assessor accepts or rejects a pending veto proposal (综治否决建议) in their jurisdiction; never the proposer. Errors: DISPUTES_PROPOSAL_DECIDED, DISPUTES_OWN_PROPOSAL.',
      args: {
        proposalId: t.arg.globalID({ required: true, for: T.Proposal, description: 'The global id of the pending VetoProposal.' }),
        accept: t.arg.boolean({ required: true, description: 'True accepts, false rejects.' }),
        reason: t.arg.string({ required: true, validate: requiredText(2000), description: 'The reason for the decision (up to 2,000 characters).' }),
        version: t.arg.int({ description: VERSION }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: IDEMPOTENCY }),
      },
      resolve: (_r, { idempotencyKey, proposalId, ...input }, ctx) => decideVetoProposal(ctx, { ...input, proposalId: proposalId.id }, idempotencyKey),
    }),
  }));
}

/** A party's person reference: population's Person global id, kept as the raw id (core's decoder, core's error). */
function personRef(globalId: string, index: number): string {
  return idOfType(globalId, 'Person', `parties.${index}.personId`);
}

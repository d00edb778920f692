import { connectionOf, describedValues, maskPhone, plannedOr, type Builder, type Ctx, encodeGlobalId } from '@safecity/core';
import { HANDLING_LEVELS } from '../rules/levels.js';
import { DISPUTE_KINDS, DISPUTE_SOURCES, DISPUTE_STATUSES, MAX_PARTIES, MEDIATION_KINDS, ORGANISATION_KINDS, PARTY_ROLES, RISK_LEVELS, STEP_KINDS } from '../rules/vocabulary.js';
import type { Rate } from '../rules/rates.js';
import { disputeLoader, organisationLoader, partiesLoader, proposalLoader, roundLoader, stepPages } from '../service/common.js';
import type { JurisdictionDisputeRates } from '../service/rates.js';
import { roundFindingsLoader } from '../service/screening.js';
import type { DisputeRow, OrganisationRow, PartyRow, ProposalRow, RoundRow, StepRow } from '../tables.js';

/** Resolves to null where the record lies outside the caller's view. */
const orNull = <T>(p: Promise<T>) => p.catch(() => null);

const labelled = <K extends string>(labels: Record<K, string>) =>
  Object.fromEntries(Object.entries(labels).map(([k, label]) => [k, { value: k, description: label as string }])) as { [P in K]: { value: P; description: string } };

/** The global id population gives its persons: we keep the reference, the client resolves it through node(id:). */
export const personGlobalId = (ref: string) => encodeGlobalId('Person', ref);

/** Descriptions of the vocabularies that are plain lists in rules (the values stay those of the lists). */
const STATUS_TEXT: Record<(typeof DISPUTE_STATUSES)[number], string> = {
  registered: 'Open: registered (受理登记), not yet routed to a mediation organisation.',
  mediating: 'Open: routed to an organisation and mediator (分流指派), being mediated.',
  escalated: 'Open: moved up a level (逐级上报), waiting to be routed there.',
  resolved: 'Closed: settled by an agreement (调解成功); follow-up visits (跟踪回访) fall due.',
  failed: 'Closed: no agreement even at the city level.',
  mass_incident: 'Closed: it turned into a mass incident (群体性事件).',
};
const STEP_TEXT: Record<(typeof STEP_KINDS)[number], string> = {
  registered: 'The dispute was registered (受理登记).',
  routed: 'It was routed to an organisation and mediator (分流指派).',
  session: 'A mediation session that continues.',
  agreement: 'A session ended in an agreement (调解协议).',
  failure: 'A session failed, or the dispute closed without agreement at the city level.',
  escalated: 'It moved up one level (逐级上报), after a failed session or a missed deadline.',
  mass_incident: 'It turned into a mass incident (群体性事件).',
  follow_up: 'A follow-up visit (跟踪回访) after the agreement.',
};
const LEVEL_TEXT: Record<(typeof HANDLING_LEVELS)[number], string> = {
  community: "Community or village (社区/村): where every dispute starts; a grid's disputes are its community's.",
  subdistrict: 'Town or sub-district (乡镇/街道), with its mediation centre.',
  district: 'District or county (区/县).',
  city: 'City (市): the top; a dispute failing here closes as failed.',
};
const PROPOSAL_STATUS_TEXT: Record<'pending' | 'accepted' | 'rejected', string> = {
  pending: "Waiting for an assessor's decision.",
  accepted: 'An assessor accepted the veto proposal.',
  rejected: 'An assessor rejected the veto proposal.',
};
const listed = describedValues;

export function registerTypes(builder: Builder) {
  const DisputeKind = builder.enumType('DisputeKind', {
    description: 'What a dispute is about (纠纷类型); with the risk it sets the deadline and the default kind of mediation.',
    values: labelled(DISPUTE_KINDS),
  });
  const DisputeSource = builder.enumType('DisputeSource', { description: 'How the dispute came to notice (来源).', values: labelled(DISPUTE_SOURCES) });
  const RiskLevel = builder.enumType('DisputeRiskLevel', {
    description: 'How grave the dispute is (风险等级): a level has 30, 15, 7 or 3 calendar days to settle it, from low to major (at most 10 for unpaid wages, 3 with mass-incident risk).',
    values: labelled(RISK_LEVELS),
  });
  const MediationKind = builder.enumType('MediationKind', { description: 'The five kinds of mediation joined up (五位一体).', values: labelled(MEDIATION_KINDS) });
  const PartyRole = builder.enumType('DisputePartyRole', { description: "A party's role in the dispute (当事人身份).", values: labelled(PARTY_ROLES) });
  const OrganisationKind = builder.enumType('MediationOrganisationKind', {
    description: 'What kind of mediation organisation (调解组织) it is; each kind sits at given levels of the jurisdiction tree.',
    values: labelled(ORGANISATION_KINDS),
  });
  const Status = builder.enumType('DisputeStatus', {
    description: 'Where a dispute stands: registered, mediating and escalated are open; resolved, failed and mass_incident are closed.',
    values: listed(DISPUTE_STATUSES, STATUS_TEXT),
  });
  const StepKind = builder.enumType('DisputeStepKind', { description: "What one step of a dispute's handling history recorded.", values: listed(STEP_KINDS, STEP_TEXT) });
  const Level = builder.enumType('DisputeHandlingLevel', { description: 'Tiered responsibility (分级负责): the level handling a dispute.', values: listed(HANDLING_LEVELS, LEVEL_TEXT) });
  const ProposalStatus = builder.enumType('VetoProposalStatus', {
    description: 'Where a comprehensive-governance veto proposal (综治否决建议) stands.',
    values: listed(['pending', 'accepted', 'rejected'] as const, PROPOSAL_STATUS_TEXT),
  });

  const Dispute = builder.loadableNodeRef('Dispute', {
    id: { resolve: (d: DisputeRow) => d.id },
    load: (ids: string[], ctx: Ctx) => disputeLoader(ctx).loadMany(ids),
  });
  const Organisation = builder.loadableNodeRef('MediationOrganisation', {
    id: { resolve: (o: OrganisationRow) => o.id },
    load: (ids: string[], ctx: Ctx) => organisationLoader(ctx).loadMany(ids),
  });
  const Round = builder.loadableNodeRef('ScreeningRound', {
    id: { resolve: (r: RoundRow) => r.id },
    load: (ids: string[], ctx: Ctx) => roundLoader(ctx).loadMany(ids),
  });
  const Proposal = builder.loadableNodeRef('VetoProposal', {
    id: { resolve: (p: ProposalRow) => p.id },
    load: (ids: string[], ctx: Ctx) => proposalLoader(ctx).loadMany(ids),
  });

  Organisation.implement({
    description: 'A mediation organisation of the big-mediation network (大调解): a room, a centre or a specialised committee.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Its name, unique within its jurisdiction (e.g. 东岗街道调解中心).' }),
      kind: t.field({ type: OrganisationKind, description: 'Room, centre or specialised committee.', resolve: (o) => o.kind }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "The jurisdiction it sits at; its code's level is the handling level it works at.", resolve: (o) => o.jurisdictionCode }),
      specialty: t.field({ type: DisputeKind, nullable: true, description: 'For a specialised committee: the kind of dispute it takes; null when it has none.', resolve: (o) => o.specialty }),
    }),
  });

  const Party = builder.objectRef<PartyRow>('DisputeParty').implement({
    description: 'A party: a person on the register (by reference: resolve personId with node(id:), masked and scoped by population) or someone named with a role.',
    fields: (t) => ({
      role: t.field({ type: PartyRole, description: 'Applicant, respondent or third party.', resolve: (p) => p.role }),
      personId: t.id({
        nullable: true,
        description: 'Global id of the Person on the register (实有人口); null for a party named without a register entry.',
        resolve: (p) => (p.personRef ? personGlobalId(p.personRef) : null),
      }),
      name: t.exposeString('name', { nullable: true, description: 'For a party not on the register; null for a person on the register (read their name through personId).' }),
      phone: t.string({ nullable: true, description: 'Masked (138****5678); null when none was given or the party is on the register.', resolve: (p) => (p.phone ? maskPhone(p.phone) : null) }),
    }),
  });

  const Step = builder.objectRef<StepRow>('DisputeStep').implement({
    description: 'One step of the handling history (append-only).',
    fields: (t) => ({
      kind: t.field({ type: StepKind, description: 'What the step recorded.', resolve: (s) => s.kind }),
      on: t.field({ type: 'Date', description: 'The day it happened (China calendar day), as given by the recorder.', resolve: (s) => s.on }),
      level: t.field({ type: Level, description: 'The handling level after the step.', resolve: (s) => s.level }),
      organisation: t.field({
        type: Organisation,
        nullable: true,
        description: 'The organisation handling the dispute after the step; null when none (not yet routed, or just escalated) or outside your view.',
        resolve: (s, _a, ctx) => (s.organisationId ? orNull(organisationLoader(ctx).load(s.organisationId)) : null),
      }),
      mediatorName: t.exposeString('mediatorName', { nullable: true, description: 'The mediator (调解员) after the step; null when none is assigned.' }),
      mediationKind: t.field({ type: MediationKind, nullable: true, description: 'The kind of mediation after the step; null on steps recorded without one.', resolve: (s) => s.mediationKind }),
      outcome: t.exposeString('outcome', { description: 'What happened, in words: the session notes, the agreement, or a generated summary of the routing or escalation.' }),
      recordedBy: t.exposeString('recordedBy', { description: 'The user id of whoever recorded it, or `system` for the CLI escalation sweep.' }),
      recordedAt: t.field({ type: 'DateTime', description: 'When it was recorded.', resolve: (s) => s.recordedAt }),
    }),
  });

  const Unit = builder.objectRef<{ name: string | null; creditCode: string | null }>('DisputeUnit').implement({
    description: 'A unit (单位) involved in a dispute or named in a veto proposal, by name and/or credit code.',
    fields: (t) => ({
      name: t.exposeString('name', { nullable: true, description: "The unit's name; null when only its credit code was given." }),
      creditCode: t.expose('creditCode', { type: 'CreditCode', nullable: true, description: "The unit's unified social credit code (统一社会信用代码); null when the party gave none." }),
    }),
  });

  Dispute.implement({
    description: 'A dispute under screening and mediation (矛盾纠纷排查调处).',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The community or grid it arose in.', resolve: (d) => d.jurisdictionCode }),
      kind: t.field({ type: DisputeKind, description: 'What it is about (纠纷类型).', resolve: (d) => d.kind }),
      source: t.field({ type: DisputeSource, description: 'How it came to notice.', resolve: (d) => d.source }),
      screeningRound: t.field({
        type: Round,
        nullable: true,
        description: 'The screening round (排查) that found it; null when it came otherwise or the round is outside your jurisdiction.',
        resolve: (d, _a, ctx) => (d.screeningRoundId ? orNull(roundLoader(ctx).load(d.screeningRoundId)) : null),
      }),
      description: t.exposeString('description', { description: 'What the dispute is about, as registered (up to 2,000 characters).' }),
      riskLevel: t.field({ type: RiskLevel, description: "How grave it is; sets each level's deadline and the follow-up interval.", resolve: (d) => d.riskLevel }),
      massIncidentRisk: t.exposeBoolean('massIncidentRisk', { description: 'Could become a mass incident (群体性事件).' }),
      unit: t.field({
        type: Unit,
        nullable: true,
        description: 'The unit involved (e.g. an employer or a property company); null when none was named.',
        resolve: (d) => (d.unitName || d.unitCreditCode ? { name: d.unitName, creditCode: d.unitCreditCode } : null),
      }),
      registeredOn: t.field({ type: 'Date', description: "The day it was registered (受理); the community level's clock starts then.", resolve: (d) => d.registeredOn }),
      status: t.field({ type: Status, description: 'Where it stands: open (registered, mediating, escalated) or closed (resolved, failed, mass_incident).', resolve: (d) => d.status }),
      level: t.field({ type: Level, description: 'The level handling it now (分级负责); it rises with each escalation.', resolve: (d) => d.level }),
      organisation: t.field({
        type: Organisation,
        nullable: true,
        description: 'The mediation organisation it is routed to; null before routing, after an escalation until the next level routes it, or outside your view.',
        resolve: (d, _a, ctx) => (d.organisationId ? orNull(organisationLoader(ctx).load(d.organisationId)) : null),
      }),
      mediatorName: t.exposeString('mediatorName', { nullable: true, description: 'The assigned mediator (调解员); null when none is assigned (before routing or after an escalation).' }),
      mediationKind: t.field({ type: MediationKind, description: 'The kind of mediation (五位一体): by routing by kind (归口调处) unless the router chose another.', resolve: (d) => d.mediationKind }),
      deadline: t.field({ type: 'Date', description: 'The current level’s deadline (calendar days by kind and risk).', resolve: (d) => d.deadline }),
      escalations: t.exposeInt('escalations', { description: 'How many times it moved up a level (0 to 3).' }),
      resolvedOn: t.field({ type: 'Date', nullable: true, description: 'The day an agreement settled it (化解); null while not resolved.', resolve: (d) => d.resolvedOn }),
      agreement: t.exposeString('agreement', { nullable: true, description: 'The mediation agreement (调解协议), or the session notes when none was written separately; null while not resolved.' }),
      closedOn: t.field({ type: 'Date', nullable: true, description: 'The day it closed as failed or as a mass incident; null while open or when resolved.', resolve: (d) => d.closedOn }),
      massIncidentOn: t.field({ type: 'Date', nullable: true, description: 'The day it turned into a mass incident (群体性事件, China time); null if it did not.', resolve: (d) => d.massIncidentOn }),
      followUpDueOn: t.field({ type: 'Date', nullable: true, description: 'The next follow-up visit (跟踪回访) after an agreement; null once it holds.', resolve: (d) => d.followUpDueOn }),
      version: t.exposeInt('version', { description: 'Goes up by one with every change; pass it back as `version` to a write to refuse it if someone changed the dispute meanwhile.' }),
      createdBy: t.exposeString('createdBy', { description: 'The user id of whoever registered it.' }),
      parties: t.field({
        type: [Party],
        description: `The parties (当事人), in the order registered: a list, not a page, as a dispute is registered with at most ${MAX_PARTIES} and none are added later.`,
        resolve: (d, _a, ctx) => partiesLoader(ctx).load(d.id),
      }),
      steps: t.connection(
        {
          type: Step,
          description: 'The handling history inside your jurisdiction, in recording order.',
          resolve: (d, args, ctx, info) => plannedOr(d, info, () => stepPages(ctx, args).load(d.id)),
        },
        connectionOf(builder, Step),
      ),
    }),
  });

  const Findings = builder.objectRef<{ disputes: number; resolved: number; massIncidentRisk: number }>('ScreeningFindings').implement({
    description: 'Counts of the disputes registered from a screening round, inside your jurisdiction.',
    fields: (t) => ({
      disputes: t.exposeInt('disputes', { description: 'Disputes registered with this round.' }),
      resolved: t.exposeInt('resolved', { description: 'Of those, resolved by an agreement now.' }),
      massIncidentRisk: t.exposeInt('massIncidentRisk', { description: 'Of those, flagged as able to become a mass incident (群体性事件).' }),
    }),
  });

  Round.implement({
    description: 'A screening round (排查) of a jurisdiction for a period.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction screened.', resolve: (r) => r.jurisdictionCode }),
      period: t.exposeString('period', { description: 'The period it covers: YYYY, YYYY-Qn or YYYY-MM.' }),
      startedOn: t.field({ type: 'Date', description: 'The first day of the round.', resolve: (r) => r.startedOn }),
      endedOn: t.field({ type: 'Date', description: 'The last day of the round.', resolve: (r) => r.endedOn }),
      focus: t.exposeString('focus', { description: 'What the round looked for (e.g. wage arrears before the Spring Festival).' }),
      hazardsFound: t.exposeInt('hazardsFound', { description: 'Risks noted that were not (yet) disputes (隐患).' }),
      notes: t.exposeString('notes', { nullable: true, description: 'Free notes; null when none were given.' }),
      conductedBy: t.exposeString('conductedBy', { description: 'The user id of whoever recorded the round.' }),
      findings: t.field({ type: Findings, description: 'The disputes registered from this round (inside your jurisdiction).', resolve: (r, _a, ctx) => roundFindingsLoader(ctx).load(r.id) }),
    }),
  });

  Proposal.implement({
    description: 'A comprehensive-governance veto proposal (综治否决建议) by a mediation centre, decided by an assessor.',
    fields: (t) => ({
      organisation: t.field({
        type: Organisation,
        nullable: true,
        description: 'The mediation centre that proposed it; null when outside your view.',
        resolve: (p, _a, ctx) => orNull(organisationLoader(ctx).load(p.organisationId)),
      }),
      dispute: t.field({
        type: Dispute,
        nullable: true,
        description: 'The dispute behind it; null when none was named or it is outside your jurisdiction.',
        resolve: (p, _a, ctx) => (p.disputeId ? orNull(disputeLoader(ctx).load(p.disputeId)) : null),
      }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "The dispute's jurisdiction when one was named, else the centre's.", resolve: (p) => p.jurisdictionCode }),
      unit: t.field({ type: Unit, description: 'The unit the veto is proposed against.', resolve: (p) => ({ name: p.unitName, creditCode: p.unitCreditCode }) }),
      reason: t.exposeString('reason', { description: "The centre's reason (up to 2,000 characters)." }),
      status: t.field({ type: ProposalStatus, description: 'Pending, accepted or rejected.', resolve: (p) => p.status }),
      proposedBy: t.exposeString('proposedBy', { description: 'The user id of the proposer.' }),
      proposedAt: t.field({ type: 'DateTime', description: 'When it was proposed.', resolve: (p) => p.proposedAt }),
      decidedBy: t.exposeString('decidedBy', { nullable: true, description: 'The user id of the assessor who decided; null while pending.' }),
      decidedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was decided; null while pending.', resolve: (p) => p.decidedAt }),
      decisionReason: t.exposeString('decisionReason', { nullable: true, description: "The assessor's reason; null while pending." }),
      version: t.exposeInt('version', { description: 'Goes up by one with every change; pass it to decideVetoProposal(version:) to refuse a stale decision.' }),
    }),
  });

  const RateRef = builder.objectRef<Rate>('DisputeResolutionRate').implement({
    description: 'resolved / screened; value (four decimals) and percent are null when nothing was screened.',
    fields: (t) => ({
      numerator: t.exposeInt('numerator', { description: 'Disputes resolved (化解).' }),
      denominator: t.exposeInt('denominator', { description: 'Disputes screened (排查).' }),
      value: t.exposeFloat('value', { nullable: true, description: 'numerator / denominator rounded to four decimals (0.9462); null when nothing was screened.' }),
      percent: t.exposeString('percent', { nullable: true, description: 'The same as a percentage with two decimals ("94.62%"); null when nothing was screened.' }),
    }),
  });
  const JurisdictionRates = builder.objectRef<JurisdictionDisputeRates>('JurisdictionDisputeRates').implement({
    description: 'The dispute figures of one jurisdiction (its whole subtree) for a period: disputes registered in the period, and what became of them.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction counted.', resolve: (r) => r.jurisdictionCode }),
      name: t.exposeString('name', { description: 'Its name (e.g. 城关区).' }),
      screened: t.exposeInt('screened', { description: 'Disputes registered in the period (排查).' }),
      resolved: t.exposeInt('resolved', { description: 'Of those, settled by an agreement by the period’s end (化解).' }),
      resolution: t.field({ type: RateRef, description: 'The resolution rate (化解率): resolved / screened.', resolve: (r) => r.resolution }),
      overdue: t.exposeInt('overdue', { description: "Of those screened, still open and past their current level's deadline on `asOf`." }),
      escalated: t.exposeInt('escalated', { description: 'Of those screened, escalated at least once.' }),
      failed: t.exposeInt('failed', { description: 'Of those screened, closed without agreement at the city level.' }),
      massIncidents: t.exposeInt('massIncidents', { description: 'Of those screened, turned into a mass incident (群体性事件).' }),
      massIncidentRisk: t.exposeInt('massIncidentRisk', { description: 'Of those screened, flagged as able to become a mass incident.' }),
    }),
  });

  return { DisputeKind, DisputeSource, RiskLevel, MediationKind, PartyRole, OrganisationKind, Status, Level, ProposalStatus, Dispute, Organisation, Round, Proposal, JurisdictionRates };
}

export type DisputesTypes = ReturnType<typeof registerTypes>;

import { maskPhone, type Builder, type Ctx, encodeGlobalId } from '@safecity/core';
import { HANDLING_LEVELS } from '../rules/levels.js';
import { DISPUTE_KINDS, DISPUTE_SOURCES, DISPUTE_STATUSES, MEDIATION_KINDS, ORGANISATION_KINDS, PARTY_ROLES, RISK_LEVELS, STEP_KINDS } from '../rules/vocabulary.js';
import type { Rate } from '../rules/rates.js';
import { disputeLoader, organisationLoader, partiesLoader, proposalLoader, roundLoader, stepsLoader } from '../service/common.js';
import type { JurisdictionDisputeRates } from '../service/rates.js';
import { roundFindingsLoader } from '../service/screening.js';
import type { DisputeRow, OrganisationRow, PartyRow, ProposalRow, RoundRow, StepRow } from '../tables.js';

/** Resolves to null where the record lies outside the caller's view. */
const orNull = <T>(p: Promise<T>) => p.catch(() => null);

const labelled = <K extends string>(labels: Record<K, string>) =>
  Object.fromEntries(Object.entries(labels).map(([k, label]) => [k, { value: k, description: label as string }])) as { [P in K]: { value: P; description: string } };

/** The global id population gives its persons: we keep the reference, the client resolves it through node(id:). */
export const personGlobalId = (ref: string) => encodeGlobalId('Person', ref);

export function registerTypes(builder: Builder) {
  const DisputeKind = builder.enumType('DisputeKind', { values: labelled(DISPUTE_KINDS) });
  const DisputeSource = builder.enumType('DisputeSource', { values: labelled(DISPUTE_SOURCES) });
  const RiskLevel = builder.enumType('DisputeRiskLevel', { values: labelled(RISK_LEVELS) });
  const MediationKind = builder.enumType('MediationKind', { description: 'The five kinds of mediation joined up (五位一体).', values: labelled(MEDIATION_KINDS) });
  const PartyRole = builder.enumType('DisputePartyRole', { values: labelled(PARTY_ROLES) });
  const OrganisationKind = builder.enumType('MediationOrganisationKind', { values: labelled(ORGANISATION_KINDS) });
  const Status = builder.enumType('DisputeStatus', { values: DISPUTE_STATUSES });
  const StepKind = builder.enumType('DisputeStepKind', { values: STEP_KINDS });
  const Level = builder.enumType('DisputeHandlingLevel', { description: 'Tiered responsibility (分级负责): the level handling a dispute.', values: HANDLING_LEVELS });
  const ProposalStatus = builder.enumType('VetoProposalStatus', { values: ['pending', 'accepted', 'rejected'] as const });

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
      name: t.exposeString('name'),
      kind: t.field({ type: OrganisationKind, resolve: (o) => o.kind }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (o) => o.jurisdictionCode }),
      specialty: t.field({ type: DisputeKind, nullable: true, description: 'For a specialised committee: the kind of dispute it takes.', resolve: (o) => o.specialty }),
    }),
  });

  const Party = builder.objectRef<PartyRow>('DisputeParty').implement({
    description: 'A party: a person on the register (by reference: resolve personId with node(id:), masked and scoped by population) or someone named with a role.',
    fields: (t) => ({
      role: t.field({ type: PartyRole, resolve: (p) => p.role }),
      personId: t.id({ nullable: true, description: 'Global id of the Person on the register.', resolve: (p) => (p.personRef ? personGlobalId(p.personRef) : null) }),
      name: t.exposeString('name', { nullable: true, description: 'For a party not on the register.' }),
      phone: t.string({ nullable: true, description: 'Masked (138****5678).', resolve: (p) => (p.phone ? maskPhone(p.phone) : null) }),
    }),
  });

  const Step = builder.objectRef<StepRow>('DisputeStep').implement({
    description: 'One step of the handling history (append-only).',
    fields: (t) => ({
      kind: t.field({ type: StepKind, resolve: (s) => s.kind }),
      on: t.field({ type: 'Date', resolve: (s) => s.on }),
      level: t.field({ type: Level, resolve: (s) => s.level }),
      organisation: t.field({ type: Organisation, nullable: true, resolve: (s, _a, ctx) => (s.organisationId ? orNull(organisationLoader(ctx).load(s.organisationId)) : null) }),
      mediatorName: t.exposeString('mediatorName', { nullable: true }),
      mediationKind: t.field({ type: MediationKind, nullable: true, resolve: (s) => s.mediationKind }),
      outcome: t.exposeString('outcome'),
      recordedBy: t.exposeString('recordedBy'),
      recordedAt: t.field({ type: 'DateTime', resolve: (s) => s.recordedAt }),
    }),
  });

  const Unit = builder.objectRef<{ name: string | null; creditCode: string | null }>('DisputeUnit').implement({
    fields: (t) => ({ name: t.exposeString('name', { nullable: true }), creditCode: t.expose('creditCode', { type: 'CreditCode', nullable: true, description: 'The unit\'s unified social credit code (统一社会信用代码); null when the party gave none.' }) }),
  });

  Dispute.implement({
    description: 'A dispute under screening and mediation (矛盾纠纷排查调处).',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The community or grid it arose in.', resolve: (d) => d.jurisdictionCode }),
      kind: t.field({ type: DisputeKind, resolve: (d) => d.kind }),
      source: t.field({ type: DisputeSource, resolve: (d) => d.source }),
      screeningRound: t.field({ type: Round, nullable: true, resolve: (d, _a, ctx) => (d.screeningRoundId ? orNull(roundLoader(ctx).load(d.screeningRoundId)) : null) }),
      description: t.exposeString('description'),
      riskLevel: t.field({ type: RiskLevel, resolve: (d) => d.riskLevel }),
      massIncidentRisk: t.exposeBoolean('massIncidentRisk', { description: 'Could become a mass incident (群体性事件).' }),
      unit: t.field({ type: Unit, nullable: true, resolve: (d) => (d.unitName || d.unitCreditCode ? { name: d.unitName, creditCode: d.unitCreditCode } : null) }),
      registeredOn: t.field({ type: 'Date', resolve: (d) => d.registeredOn }),
      status: t.field({ type: Status, resolve: (d) => d.status }),
      level: t.field({ type: Level, resolve: (d) => d.level }),
      organisation: t.field({ type: Organisation, nullable: true, resolve: (d, _a, ctx) => (d.organisationId ? orNull(organisationLoader(ctx).load(d.organisationId)) : null) }),
      mediatorName: t.exposeString('mediatorName', { nullable: true }),
      mediationKind: t.field({ type: MediationKind, resolve: (d) => d.mediationKind }),
      deadline: t.field({ type: 'Date', description: 'The current level’s deadline (calendar days by kind and risk).', resolve: (d) => d.deadline }),
      escalations: t.exposeInt('escalations'),
      resolvedOn: t.field({ type: 'Date', nullable: true, resolve: (d) => d.resolvedOn }),
      agreement: t.exposeString('agreement', { nullable: true }),
      closedOn: t.field({ type: 'Date', nullable: true, resolve: (d) => d.closedOn }),
      massIncidentOn: t.field({ type: 'Date', nullable: true, resolve: (d) => d.massIncidentOn }),
      followUpDueOn: t.field({ type: 'Date', nullable: true, description: 'The next follow-up visit (跟踪回访) after an agreement; null once it holds.', resolve: (d) => d.followUpDueOn }),
      version: t.exposeInt('version'),
      createdBy: t.exposeString('createdBy'),
      parties: t.field({ type: [Party], resolve: (d, _a, ctx) => partiesLoader(ctx).load(d.id) }),
      steps: t.field({ type: [Step], description: 'The handling history, in recording order.', resolve: (d, _a, ctx) => stepsLoader(ctx).load(d.id) }),
    }),
  });

  const Findings = builder.objectRef<{ disputes: number; resolved: number; massIncidentRisk: number }>('ScreeningFindings').implement({
    fields: (t) => ({ disputes: t.exposeInt('disputes'), resolved: t.exposeInt('resolved'), massIncidentRisk: t.exposeInt('massIncidentRisk') }),
  });

  Round.implement({
    description: 'A screening round (排查) of a jurisdiction for a period.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (r) => r.jurisdictionCode }),
      period: t.exposeString('period'),
      startedOn: t.field({ type: 'Date', resolve: (r) => r.startedOn }),
      endedOn: t.field({ type: 'Date', resolve: (r) => r.endedOn }),
      focus: t.exposeString('focus'),
      hazardsFound: t.exposeInt('hazardsFound', { description: 'Risks noted that were not (yet) disputes (隐患).' }),
      notes: t.exposeString('notes', { nullable: true }),
      conductedBy: t.exposeString('conductedBy'),
      findings: t.field({ type: Findings, description: 'The disputes registered from this round (inside your jurisdiction).', resolve: (r, _a, ctx) => roundFindingsLoader(ctx).load(r.id) }),
    }),
  });

  Proposal.implement({
    description: 'A comprehensive-governance veto proposal (综治否决建议) by a mediation centre, decided by an assessor.',
    fields: (t) => ({
      organisation: t.field({ type: Organisation, nullable: true, resolve: (p, _a, ctx) => orNull(organisationLoader(ctx).load(p.organisationId)) }),
      dispute: t.field({ type: Dispute, nullable: true, resolve: (p, _a, ctx) => (p.disputeId ? orNull(disputeLoader(ctx).load(p.disputeId)) : null) }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (p) => p.jurisdictionCode }),
      unit: t.field({ type: Unit, resolve: (p) => ({ name: p.unitName, creditCode: p.unitCreditCode }) }),
      reason: t.exposeString('reason'),
      status: t.field({ type: ProposalStatus, resolve: (p) => p.status }),
      proposedBy: t.exposeString('proposedBy'),
      proposedAt: t.field({ type: 'DateTime', resolve: (p) => p.proposedAt }),
      decidedBy: t.exposeString('decidedBy', { nullable: true }),
      decidedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.decidedAt }),
      decisionReason: t.exposeString('decisionReason', { nullable: true }),
      version: t.exposeInt('version'),
    }),
  });

  const RateRef = builder.objectRef<Rate>('DisputeResolutionRate').implement({
    description: 'resolved / screened; value (four decimals) and percent are null when nothing was screened.',
    fields: (t) => ({
      numerator: t.exposeInt('numerator'),
      denominator: t.exposeInt('denominator'),
      value: t.exposeFloat('value', { nullable: true }),
      percent: t.exposeString('percent', { nullable: true }),
    }),
  });
  const JurisdictionRates = builder.objectRef<JurisdictionDisputeRates>('JurisdictionDisputeRates').implement({
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (r) => r.jurisdictionCode }),
      name: t.exposeString('name'),
      screened: t.exposeInt('screened', { description: 'Disputes registered in the period (排查).' }),
      resolved: t.exposeInt('resolved', { description: 'Of those, settled by an agreement by the period’s end (化解).' }),
      resolution: t.field({ type: RateRef, resolve: (r) => r.resolution }),
      overdue: t.exposeInt('overdue'),
      escalated: t.exposeInt('escalated'),
      failed: t.exposeInt('failed'),
      massIncidents: t.exposeInt('massIncidents'),
      massIncidentRisk: t.exposeInt('massIncidentRisk'),
    }),
  });

  return { DisputeKind, DisputeSource, RiskLevel, MediationKind, PartyRole, OrganisationKind, Status, Level, ProposalStatus, Dispute, Organisation, Round, Proposal, JurisdictionRates };
}

export type DisputesTypes = ReturnType<typeof registerTypes>;

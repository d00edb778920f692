import { eq, gt, lt, lte, type SQL } from 'drizzle-orm';
import { anyOf, assertVersion, CoreErrors, requireWritableJurisdiction, isInScope, isWithin, runMutation, scopedRead, type ConnectionArgs, type Ctx, type TxCtx, chinaDateOf } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { disputeReads } from '../reads.js';
import { followUpDue, mediationDeadline, nextFollowUpAfterVisit } from '../rules/deadlines.js';
import { handlingLevelOf, nextLevel, organisationCovers, type HandlingLevel } from '../rules/levels.js';
import {
  defaultMediationKind,
  isOpen,
  MAX_PARTIES,
  OPEN_STATUSES,
  type DisputeKind,
  type DisputeSource,
  type DisputeStatus,
  type MediationKind,
  type PartyRole,
  type RiskLevel,
  type StepKind,
} from '../rules/vocabulary.js';
import { disputeParties, disputes, disputeSteps, type DisputeRow } from '../tables.js';
import { actorId, lockDispute, organisationLoader, roundLoader, today } from './common.js';

export interface PartyInput {
  role: PartyRole;
  /** A person on the register (population's id, already decoded from its global id). */
  personId?: string | null;
  name?: string | null;
  phone?: string | null;
}

export interface RegisterDisputeInput {
  jurisdictionCode: string;
  kind: DisputeKind;
  source: DisputeSource;
  screeningRoundId?: string | null;
  description: string;
  riskLevel: RiskLevel;
  massIncidentRisk: boolean;
  unit?: { creditCode?: string | null; name?: string | null } | null;
  registeredOn?: string | null;
  parties: PartyInput[];
}

/** Appends one step to a dispute's history and audits it with the dispute's state after it. */
export async function addStep(tx: TxCtx, d: DisputeRow, step: { kind: StepKind; on: string; outcome: string }, before: DisputeRow | null = null) {
  const [row] = await tx.db
    .insert(disputeSteps)
    .values({
      disputeId: d.id,
      jurisdictionCode: d.jurisdictionCode,
      kind: step.kind,
      on: step.on,
      level: d.level,
      organisationId: d.organisationId,
      mediatorName: d.mediatorName,
      mediationKind: d.mediationKind,
      outcome: step.outcome,
      recordedBy: actorId(tx),
      recordedAt: tx.now(),
    })
    .returning();
  tx.audit({ entityType: 'Dispute', entityId: d.id, jurisdictionCode: d.jurisdictionCode, before, after: { ...d, step: { kind: row.kind, on: row.on, outcome: row.outcome } } });
  return row;
}

/** Writes the new state of a dispute (optimistic: the row was locked, the version moves on). */
async function update(tx: TxCtx, before: DisputeRow, set: Partial<DisputeRow>): Promise<DisputeRow> {
  const [after] = await tx.db
    .update(disputes)
    .set({ ...set, version: before.version + 1 })
    .where(eq(disputes.id, before.id))
    .returning();
  return after;
}

function checkDate(tx: TxCtx, d: Pick<DisputeRow, 'registeredOn'> | null, on: string, field: string) {
  if (on > today(tx)) throw DisputesErrors.error('DATE_IN_FUTURE', undefined, { field });
  if (d && on < d.registeredOn) throw DisputesErrors.error('DATE_BEFORE_REGISTRATION', undefined, { field });
}

function assertOpen(d: DisputeRow) {
  if (!isOpen(d.status)) throw DisputesErrors.error('CLOSED', undefined, { field: 'disputeId' });
}

/** A grid worker or anyone writing in the community registers a dispute (受理登记). */
export async function registerDispute(ctx: Ctx, input: RegisterDisputeInput, idempotencyKey?: string | null): Promise<DisputeRow> {
  return runMutation(ctx, { operation: 'registerDispute', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    if (handlingLevelOf(input.jurisdictionCode) !== 'community') throw DisputesErrors.error('JURISDICTION_LEVEL', undefined, { field: 'jurisdictionCode' });
    if (input.parties.length === 0) throw DisputesErrors.error('PARTY_REQUIRED', undefined, { field: 'parties' });
    // The schema refuses more too; a caller from the CLI or another module must not get past the bound the reads rely on.
    if (input.parties.length > MAX_PARTIES) throw CoreErrors.error('INPUT_INVALID', `A dispute has at most ${MAX_PARTIES} parties.`, { field: 'parties' });
    input.parties.forEach((p, i) => {
      if (!!p.personId === !!p.name?.trim()) throw DisputesErrors.error('PARTY_INVALID', undefined, { field: `parties.${i}` });
    });
    const registeredOn = input.registeredOn ?? today(tx);
    checkDate(tx, null, registeredOn, 'registeredOn');
    if (input.screeningRoundId) {
      const round = await roundLoader(tx)
        .load(input.screeningRoundId)
        .catch(() => null);
      if (!round || !isWithin(input.jurisdictionCode, round.jurisdictionCode)) throw DisputesErrors.error('SCREENING_ROUND_UNKNOWN', undefined, { field: 'screeningRoundId' });
    }
    const facts = { kind: input.kind, riskLevel: input.riskLevel, massIncidentRisk: input.massIncidentRisk };
    const [row] = await tx.db
      .insert(disputes)
      .values({
        jurisdictionCode: input.jurisdictionCode,
        kind: input.kind,
        source: input.source,
        screeningRoundId: input.screeningRoundId ?? null,
        description: input.description,
        riskLevel: input.riskLevel,
        massIncidentRisk: input.massIncidentRisk,
        unitName: input.unit?.name?.trim() || null,
        unitCreditCode: input.unit?.creditCode?.toUpperCase() || null,
        registeredOn,
        status: 'registered' satisfies DisputeStatus,
        level: 'community' satisfies HandlingLevel,
        mediationKind: defaultMediationKind(input.kind, input.source),
        deadline: mediationDeadline(facts, registeredOn),
        createdBy: actorId(tx),
        createdAt: tx.now(),
      })
      .returning();
    // Register persons are kept by reference only: their details stay with population.
    await tx.db.insert(disputeParties).values(
      input.parties.map((p, i) => ({
        disputeId: row.id,
        jurisdictionCode: row.jurisdictionCode,
        seq: i + 1,
        role: p.role,
        personRef: p.personId ?? null,
        name: p.personId ? null : p.name!.trim(),
        phone: p.personId ? null : (p.phone ?? null),
      })),
    );
    await addStep(tx, row, { kind: 'registered', on: registeredOn, outcome: `Registered (${input.source}); ${input.parties.length} part${input.parties.length === 1 ? 'y' : 'ies'}.` });
    return row;
  });
}

/** Routes a dispute to a mediation organisation and mediator (分流指派), with the kind of mediation. */
export async function routeDispute(
  ctx: Ctx,
  input: { disputeId: string; organisationId: string; mediatorName: string; mediationKind?: MediationKind | null; on?: string | null; version?: number | null },
  idempotencyKey?: string | null,
): Promise<DisputeRow> {
  return runMutation(ctx, { operation: 'routeDispute', idempotencyKey, input }, async (tx) => {
    const before = await lockDispute(tx, input.disputeId);
    assertVersionOf(before, input.version);
    assertOpen(before);
    const org = await organisationLoader(tx).load(input.organisationId);
    if (!organisationCovers(org, { jurisdictionCode: before.jurisdictionCode, level: before.level as HandlingLevel }))
      throw DisputesErrors.error('ORGANISATION_NOT_COVERING', undefined, { field: 'organisationId' });
    // A level hands a case to its own organisations or refers it to a specialised committee; it does
    // not assign the level above's mediators: that is what escalation is for.
    if (!isInScope(tx, org.jurisdictionCode) && org.kind !== 'specialised_committee') {
      throw DisputesErrors.error('ORGANISATION_NOT_COVERING', 'The organisation belongs to a level above yours: escalate the dispute instead.', { field: 'organisationId' });
    }
    const on = input.on ?? today(tx);
    checkDate(tx, before, on, 'on');
    const level = handlingLevelOf(org.jurisdictionCode)!;
    const levelChanged = level !== before.level;
    const after = await update(tx, before, {
      status: 'mediating',
      organisationId: org.id,
      mediatorName: input.mediatorName,
      mediationKind: input.mediationKind ?? before.mediationKind,
      level,
      // a higher level taking a case starts its own clock; a hand-down keeps the running one
      deadline: levelChanged ? mediationDeadline(factsOf(before), on) : before.deadline,
    });
    await addStep(tx, after, { kind: 'routed', on, outcome: `Routed to ${org.name} (${org.kind}), mediator ${input.mediatorName}, ${after.mediationKind} mediation.` }, before);
    return after;
  });
}

const factsOf = (d: DisputeRow) => ({ kind: d.kind as DisputeKind, riskLevel: d.riskLevel as RiskLevel, massIncidentRisk: d.massIncidentRisk });

function assertVersionOf(d: DisputeRow, expected: number | null | undefined) {
  assertVersion(d.version, expected, 'dispute');
}

/**
 * Moves a dispute one level up (逐级上报): its organisation is cleared until the next level
 * routes it, and that level's clock starts on `on`. Above the city there is nowhere to go:
 * the dispute closes as failed.
 */
export async function escalate(tx: TxCtx, before: DisputeRow, on: string, reason: string): Promise<DisputeRow> {
  const next = nextLevel(before.level as HandlingLevel);
  // supervisors (跟踪督办) follow escalations live through domainEvents
  await tx.emit('disputeEscalated', { disputeId: before.id, jurisdictionCode: before.jurisdictionCode, fromLevel: before.level, toLevel: next, on, reason });
  if (!next) {
    const after = await update(tx, before, { status: 'failed', closedOn: on });
    await addStep(tx, after, { kind: 'failure', on, outcome: `Closed without agreement at the city level: ${reason}` }, before);
    return after;
  }
  const after = await update(tx, before, {
    status: 'escalated',
    level: next,
    organisationId: null,
    mediatorName: null,
    deadline: mediationDeadline(factsOf(before), on),
    escalations: before.escalations + 1,
  });
  await addStep(tx, after, { kind: 'escalated', on, outcome: `Escalated from ${before.level} to ${next}: ${reason}` }, before);
  return after;
}

/** Records a mediation session: it continues, ends in an agreement, or fails (and then goes up a level). */
export async function recordMediationSession(
  ctx: Ctx,
  input: { disputeId: string; on: string; outcome: 'continued' | 'agreement' | 'failed'; notes: string; agreement?: string | null; version?: number | null },
  idempotencyKey?: string | null,
): Promise<DisputeRow> {
  return runMutation(ctx, { operation: 'recordMediationSession', idempotencyKey, input }, async (tx) => {
    const before = await lockDispute(tx, input.disputeId);
    assertVersionOf(before, input.version);
    assertOpen(before);
    if (before.status !== 'mediating' || !before.organisationId) throw DisputesErrors.error('NOT_ROUTED', undefined, { field: 'disputeId' });
    checkDate(tx, before, input.on, 'on');
    if (input.outcome === 'continued') {
      const after = await update(tx, before, {});
      await addStep(tx, after, { kind: 'session', on: input.on, outcome: input.notes }, before);
      return after;
    }
    if (input.outcome === 'agreement') {
      const after = await update(tx, before, {
        status: 'resolved',
        resolvedOn: input.on,
        agreement: input.agreement ?? input.notes,
        followUpDueOn: followUpDue(input.on, before.riskLevel as RiskLevel),
      });
      await addStep(tx, after, { kind: 'agreement', on: input.on, outcome: input.agreement ? `${input.notes} Agreement: ${input.agreement}` : input.notes }, before);
      return after;
    }
    const failed = await update(tx, before, {});
    await addStep(tx, failed, { kind: 'failure', on: input.on, outcome: input.notes }, before);
    return escalate(tx, failed, input.on, `mediation failed at ${before.level} level (${input.notes})`);
  });
}

/**
 * A dispute that turned into a mass incident (群体性事件). The incident goes to the event
 * catalogue as a major mass incident, so assessment's veto rules count it against the unit
 * (or the jurisdiction) in this same transaction.
 */
export async function recordMassIncident(
  ctx: Ctx,
  input: {
    disputeId: string;
    occurredAt: Date;
    place?: string | null;
    description: string;
    participants?: number | null;
    unit?: { creditCode?: string | null; name?: string | null } | null;
    version?: number | null;
  },
  idempotencyKey?: string | null,
): Promise<DisputeRow> {
  return runMutation(ctx, { operation: 'recordMassIncident', idempotencyKey, input }, async (tx) => {
    const before = await lockDispute(tx, input.disputeId);
    assertVersionOf(before, input.version);
    if (before.massIncidentOn) throw DisputesErrors.error('MASS_INCIDENT_RECORDED', undefined, { field: 'disputeId' });
    const on = chinaDateOf(input.occurredAt);
    checkDate(tx, before, on, 'occurredAt');
    const unitName = input.unit?.name?.trim() || before.unitName;
    const unitCreditCode = input.unit?.creditCode?.toUpperCase() || before.unitCreditCode;
    const after = await update(tx, before, {
      status: 'mass_incident',
      massIncidentOn: on,
      closedOn: before.closedOn ?? on,
      unitName,
      unitCreditCode,
      followUpDueOn: null,
    });
    const who = input.participants ? ` (${input.participants} participants)` : '';
    await addStep(tx, after, { kind: 'mass_incident', on, outcome: `Turned into a mass incident${who}: ${input.description}` }, before);
    await tx.emit('majorIncidentRecorded', {
      incidentId: after.id,
      kind: 'major_mass_incident',
      occurredAt: input.occurredAt.toISOString(),
      jurisdictionCode: after.jurisdictionCode,
      unit: unitName || unitCreditCode ? { creditCode: unitCreditCode ?? null, name: unitName ?? null } : null,
      place: input.place ?? null,
      description: `群体性事件 from dispute ${after.id}: ${input.description}`,
      source: 'disputes',
    });
    return after;
  });
}

/** A follow-up visit (跟踪回访) after an agreement: holding closes the follow-up, otherwise another is due. */
export async function recordFollowUpVisit(
  ctx: Ctx,
  input: { disputeId: string; visitedOn: string; holding: boolean; notes: string; version?: number | null },
  idempotencyKey?: string | null,
): Promise<DisputeRow> {
  return runMutation(ctx, { operation: 'recordFollowUpVisit', idempotencyKey, input }, async (tx) => {
    const before = await lockDispute(tx, input.disputeId);
    assertVersionOf(before, input.version);
    if (before.status !== 'resolved' || !before.resolvedOn) throw DisputesErrors.error('NOT_RESOLVED', undefined, { field: 'disputeId' });
    checkDate(tx, { registeredOn: before.resolvedOn }, input.visitedOn, 'visitedOn');
    const after = await update(tx, before, { followUpDueOn: nextFollowUpAfterVisit(input.visitedOn, input.holding) });
    await addStep(tx, after, { kind: 'follow_up', on: input.visitedOn, outcome: `${input.holding ? 'Agreement holding' : 'Agreement NOT holding'}: ${input.notes}` }, before);
    return after;
  });
}

export interface DisputeFilter {
  jurisdictionCode?: string | null;
  status?: DisputeStatus | null;
  kind?: DisputeKind | null;
  riskLevel?: RiskLevel | null;
  level?: HandlingLevel | null;
  escalated?: boolean | null;
  massIncidentRisk?: boolean | null;
  screeningRoundId?: string | null;
  registeredFrom?: string | null;
  registeredTo?: string | null;
}

function conditions(f: DisputeFilter): (SQL | undefined)[] {
  return [
    f.status ? eq(disputes.status, f.status) : undefined,
    f.kind ? eq(disputes.kind, f.kind) : undefined,
    f.riskLevel ? eq(disputes.riskLevel, f.riskLevel) : undefined,
    f.level ? eq(disputes.level, f.level) : undefined,
    f.escalated == null ? undefined : f.escalated ? gt(disputes.escalations, 0) : eq(disputes.escalations, 0),
    f.massIncidentRisk == null ? undefined : eq(disputes.massIncidentRisk, f.massIncidentRisk),
    f.screeningRoundId ? eq(disputes.screeningRoundId, f.screeningRoundId) : undefined,
    f.registeredFrom ? gt(disputes.registeredOn, prevDay(f.registeredFrom)) : undefined,
    f.registeredTo ? lte(disputes.registeredOn, f.registeredTo) : undefined,
  ];
}
const prevDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Disputes in the caller's jurisdiction, newest registration first. */
export function listDisputes(ctx: Ctx, f: DisputeFilter, args: ConnectionArgs) {
  return scopedRead(ctx, disputeReads, { within: f.jurisdictionCode, where: conditions(f), page: { args, direction: 'desc', keys: ['registeredOn', 'id'] } });
}

/** Open disputes past their level's deadline on asOf (default today), most overdue first. */
export function listOverdueDisputes(ctx: Ctx, f: { asOf?: string | null; jurisdictionCode?: string | null; level?: HandlingLevel | null }, args: ConnectionArgs) {
  const asOf = f.asOf ?? today(ctx);
  return scopedRead(ctx, disputeReads, {
    within: f.jurisdictionCode,
    where: [...conditions({ level: f.level }), anyOf(disputes.status, OPEN_STATUSES), lt(disputes.deadline, asOf)],
    page: { args, keys: ['deadline', 'id'] },
  });
}

/** Resolved disputes whose follow-up visit is due by asOf (default today), earliest first. */
export function listFollowUpsDue(ctx: Ctx, f: { asOf?: string | null; jurisdictionCode?: string | null }, args: ConnectionArgs) {
  const asOf = f.asOf ?? today(ctx);
  return scopedRead(ctx, disputeReads, {
    within: f.jurisdictionCode,
    where: [...conditions({ status: 'resolved' }), lte(disputes.followUpDueOn, asOf)],
    page: { args, keys: ['followUpDueOn', 'id'] },
  });
}

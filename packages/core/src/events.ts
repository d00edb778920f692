/**
 * The catalog of domain events modules exchange. It lives in core because it is the
 * contract between modules that never import each other (like Medusa's declared links):
 * the emitter and the subscriber both see these payload types, neither sees the other.
 * Every payload carries `jurisdictionCode` so subscriptions can be filtered by scope.
 */
/** The kinds of major event (重大案事件) that can veto a unit: patrol records them, assessment acts on them. */
export const MAJOR_EVENT_KINDS = ['major_criminal_case', 'major_safety_accident', 'major_mass_incident', 'staff_duty_crime'] as const;
export type MajorEventKind = (typeof MAJOR_EVENT_KINDS)[number];

export interface DomainEvents {
  // population
  residenceRegistered: { registrationId: string; personId: string; dwellingId: string; jurisdictionCode: string; date: string };
  residenceDeregistered: { registrationId: string; personId: string; dwellingId: string; jurisdictionCode: string; date: string; reason: string };
  /**
   * 迁出: a person registered an arrival in another jurisdiction. Scoped to the side they left;
   * it names the district they went to and nothing finer.
   */
  personMovedAway: { departureId: string; personId: string; registrationId: string | null; jurisdictionCode: string; toDistrictCode: string; date: string };
  /** 迁入: the receiving side registered the arrival (the new registration's residenceRegistered follows). Says nothing of where from. */
  personArrived: { personId: string; registrationId: string; dwellingId: string; jurisdictionCode: string; date: string };
  revisitOverdue: { subjectType: 'dwelling' | 'tenant'; subjectId: string; jurisdictionCode: string; dueDate: string; daysOverdue: number };
  // patrol
  alertRecorded: { alertId: string; type: string; occurredAt: string; jurisdictionCode: string; major: boolean };
  jointDutyActivated: { activationId: string; jurisdictionCode: string; day: string; triggeringAlertIds: string[]; pointIds: string[]; deadline: string };
  /** A major incident at a unit or place; assessment turns it into vetoes and plaque revocations. */
  majorIncidentRecorded: {
    incidentId: string;
    kind: MajorEventKind;
    occurredAt: string;
    jurisdictionCode: string;
    /** The unit it happened at, when known: by credit code and/or name. */
    unit: { creditCode: string | null; name: string | null } | null;
    place: string | null;
    description: string;
    /** The emitting module (default patrol), kept with the event for auditors. */
    source?: 'patrol' | 'disputes';
  };
  // disputes
  /** A dispute moved one level up (逐级上报): its mediation failed, or its level's deadline passed (the sweep). */
  disputeEscalated: { disputeId: string; jurisdictionCode: string; fromLevel: string; toLevel: string | null; on: string; reason: string };
  /**
   * A mediation centre proposes a comprehensive-governance veto (综治否决建议) against a unit;
   * an assessor decides. Assessment records it on the unit's history.
   */
  vetoProposed: {
    proposalId: string;
    jurisdictionCode: string;
    unit: { creditCode: string | null; name: string | null };
    organisationName: string;
    disputeId: string | null;
    reason: string;
    proposedOn: string;
  };
  // assessment
  unitAssessed: {
    assessmentId: string;
    unitId: string;
    unitName: string;
    creditCode: string | null;
    jurisdictionCode: string;
    periodStart: string;
    periodEnd: string;
    passed: boolean;
    total: number;
    grade: string | null;
  };
  unitVetoed: {
    assessmentId: string;
    unitId: string;
    unitName: string;
    creditCode: string | null;
    jurisdictionCode: string;
    periodStart: string;
    periodEnd: string;
    ruleSetVersion: number;
    eventIds: string[];
    explanation: string;
  };
  /** `eventId` is null when a correction of the assessment withdrew the plaque. */
  plaqueRevoked: { plaqueId: string; unitId: string; unitName: string; creditCode: string | null; jurisdictionCode: string; eventId: string | null; at: string };
  rectificationOverdue: { orderId: string; unitId: string; unitName: string; creditCode: string | null; jurisdictionCode: string; deadline: string };
  // credit
  blacklistEntryProposed: { entryId: string; subjectId: string; creditCode: string; jurisdictionCode: string; reason: string };
}

export type EventName = keyof DomainEvents;

export interface EmittedEvent<N extends EventName = EventName> {
  name: N;
  payload: DomainEvents[N];
  /** The id of the audit-bearing request that emitted it. */
  requestId: string;
}

/**
 * Who may receive each event: the permission that reads what it is about (declared here, next to
 * the catalogue, so a new event cannot be added without saying who reads it). Subscriptions also
 * deliver only events inside the subscriber's jurisdiction.
 */
export const EVENT_READ_PERMISSIONS: { readonly [N in EventName]: string } = {
  residenceRegistered: 'population:read',
  residenceDeregistered: 'population:read',
  personMovedAway: 'population:read',
  personArrived: 'population:read',
  revisitOverdue: 'population:read',
  alertRecorded: 'patrol:read',
  jointDutyActivated: 'patrol:read',
  majorIncidentRecorded: 'patrol:read',
  unitAssessed: 'assessment:read',
  unitVetoed: 'assessment:read',
  plaqueRevoked: 'assessment:read',
  rectificationOverdue: 'assessment:read',
  blacklistEntryProposed: 'credit:read',
  disputeEscalated: 'disputes:read',
  vetoProposed: 'disputes:read',
};

/** Whether an actor with these permissions and this jurisdiction may receive the event. */
export function mayReceiveEvent(
  name: EventName,
  payload: { jurisdictionCode?: string },
  actor: { permissions: ReadonlySet<string>; jurisdictionCode: string },
  isWithin: (code: string, root: string) => boolean,
): boolean {
  const permission = Object.hasOwn(EVENT_READ_PERMISSIONS, name) ? EVENT_READ_PERMISSIONS[name] : null;
  if (!permission || !actor.permissions.has(permission)) return false;
  return typeof payload.jurisdictionCode === 'string' && isWithin(payload.jurisdictionCode, actor.jurisdictionCode);
}

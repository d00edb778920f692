/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Narrows `alerts`; omitted fields do not filter. */
export type AlertFilter = {
  /** Only alerts that came in at or after this instant (inclusive). */
  from?: string | null | undefined;
  /** Only alerts in this jurisdiction or below it. */
  jurisdictionCode?: string | null | undefined;
  /** Severity: only major (true) or only ordinary (false). */
  major?: boolean | null | undefined;
  /** Only alerts that came in before this instant (exclusive). */
  to?: string | null | undefined;
  /** Only alerts of these types; empty or omitted: all types. */
  types?: Array<AlertType> | null | undefined;
};

/** Alert type (警情类别). Robbery and snatching together are 两抢, the default types of grid joint duty. */
export type AlertType =
  /** Assault (伤害); a criminal type. */
  | 'assault'
  /** Burglary (入室盗窃); a criminal type. */
  | 'burglary'
  /** Fight or brawl (打架斗殴). */
  | 'fight'
  /** Fraud (诈骗); a criminal type. */
  | 'fraud'
  /** Homicide (杀人); a criminal type. */
  | 'homicide'
  /** Any other alert. */
  | 'other'
  /** Public-order incident (治安事件). */
  | 'public_order'
  /** Robbery (抢劫); a criminal type, one of 两抢. */
  | 'robbery'
  /** Snatching (抢夺); a criminal type, one of 两抢. */
  | 'snatching'
  /** Theft (盗窃); a criminal type. */
  | 'theft'
  /** Traffic incident (交通事故). */
  | 'traffic';

/** Staffing of one joint-duty point against the activation deadline. */
export type CheckInStatus =
  /** Arrived after the deadline. */
  | 'late'
  /** Nobody arrived and the deadline has passed. */
  | 'missing'
  /** Arrived at or before the deadline. */
  | 'on_time'
  /** Nobody arrived yet; the deadline has not passed. */
  | 'pending';

/** How one code of a bulk standing check fared. */
export type CreditCodeCheckStatus =
  /** Not a GB 32100-2015 unified social credit code: `standing` is null. */
  | 'MALFORMED'
  /** A valid code with no subject on file in your jurisdiction: `standing` says `unknown`. */
  | 'NOT_FOUND'
  /** A subject on file in your jurisdiction: `standing` is its standing. */
  | 'OK';

/** red 红名单 (守信激励) or black 黑名单 (失信惩戒). */
export type CreditListType =
  /** Black list (黑名单): punished for breaking faith (失信惩戒). */
  | 'black'
  /** Red list (红名单): rewarded for keeping faith (守信激励). */
  | 'red';

/** A subject's standing for joint reward and punishment (联合奖惩), from its active entries on the day asked. */
export type CreditStandingLevel =
  /** At least one active black-list entry: the punishment measures apply (black outranks red and voids its rewards). */
  | 'black'
  /** On file in your jurisdiction with no active entry: no measures. */
  | 'clear'
  /** An active red-list entry and no black one: the reward measures apply. */
  | 'red'
  /** No subject with this code on file in your jurisdiction: no measures. */
  | 'unknown';

/** Rental dwelling class: key 重点户 (revisit every 15 days), general 一般户 (every quarter), trusted 放心户 (every half year). */
export type DwellingClass =
  /** General household (一般户): revisit every quarter. */
  | 'general'
  /** Key household (重点户): revisit every half month (15 days). */
  | 'key'
  /** Trusted household (放心户): revisit every half year. */
  | 'trusted';

/** Every error code the API answers with (a closed set): the modules' DomainError codes (in a mutation's payload, or as `extensions.code` of a top-level error) and the gateway's own top-level codes (UNAUTHENTICATED, FORBIDDEN, QUERY_TOO_DEEP, …). */
export type ErrorCode =
  /** The unit already has an assessment for this period; correct it instead. */
  | 'ASSESSMENT_ALREADY_ASSESSED'
  /** The project already has a batch with this number. */
  | 'ASSESSMENT_BATCH_EXISTS'
  /** A correction needs a reason. */
  | 'ASSESSMENT_CORRECTION_REASON_REQUIRED'
  /** Another unit already has this unified social credit code. */
  | 'ASSESSMENT_CREDIT_CODE_TAKEN'
  /** The date lies in the future. */
  | 'ASSESSMENT_DATE_IN_FUTURE'
  /** The investigation already has an outcome. */
  | 'ASSESSMENT_INVESTIGATION_ALREADY_CONCLUDED'
  /** The item scores do not fit the standard. */
  | 'ASSESSMENT_ITEM_SCORES_INVALID'
  /** Only the latest version of an assessment can be corrected. */
  | 'ASSESSMENT_NOT_LATEST_VERSION'
  /** No veto rule set is in force for the period. */
  | 'ASSESSMENT_NO_RULE_SET_IN_FORCE'
  /** No standard of this category is in force for the period. */
  | 'ASSESSMENT_NO_STANDARD_IN_FORCE'
  /** The period must start on or before its end. */
  | 'ASSESSMENT_PERIOD_INVALID'
  /** The rectification order is already completed. */
  | 'ASSESSMENT_RECTIFICATION_ALREADY_COMPLETED'
  /** A retroactive rule set needs a reason. */
  | 'ASSESSMENT_RETROACTIVE_REASON_REQUIRED'
  /** The veto rule set is not valid. */
  | 'ASSESSMENT_RULE_SET_INVALID'
  /** Only a retroactive rule set awaiting approval can be decided. */
  | 'ASSESSMENT_RULE_SET_NOT_PENDING'
  /** The rule set takes effect before today over days an earlier set governed: publish it as retroactive, with a reason. */
  | 'ASSESSMENT_RULE_SET_RETROACTIVE_UNFLAGGED'
  /** The officer who published a retroactive rule set may not decide it. */
  | 'ASSESSMENT_RULE_SET_SELF_APPROVAL'
  /** The standard is not valid. */
  | 'ASSESSMENT_STANDARD_INVALID'
  /** The three-in-one weights are not valid. */
  | 'ASSESSMENT_WEIGHTS_INVALID'
  /** The holiday arrangement is not consistent. */
  | 'CORE_CALENDAR_ARRANGEMENT_INVALID'
  /** The official holiday arrangement for the year is not loaded. */
  | 'CORE_CALENDAR_NOT_LOADED'
  /** The year is loaded already; replacing it needs its version and a reason. */
  | 'CORE_CALENDAR_YEAR_LOADED'
  /** A CreditCode argument or variable is not a valid GB 32100-2015 code (HTTP 400, nothing ran). */
  | 'CORE_CREDIT_CODE_INVALID'
  /** The database is unavailable; retry shortly. */
  | 'CORE_DATABASE_UNAVAILABLE'
  /** A DivisionCode argument or variable is not a division code (HTTP 400, nothing ran). */
  | 'CORE_DIVISION_CODE_INVALID'
  /** This idempotency key was already used for a different request. */
  | 'CORE_IDEMPOTENCY_KEY_REUSED'
  /** The id is not a valid id of the expected type. */
  | 'CORE_ID_MALFORMED'
  /** The input is invalid. */
  | 'CORE_INPUT_INVALID'
  /** A text input is longer than allowed. */
  | 'CORE_INPUT_TOO_LONG'
  /** The jurisdiction is outside your jurisdiction. */
  | 'CORE_JURISDICTION_OUT_OF_SCOPE'
  /** No such jurisdiction. */
  | 'CORE_JURISDICTION_UNKNOWN'
  /** No such record in your jurisdiction. */
  | 'CORE_NOT_FOUND'
  /** A purpose is required for this access. */
  | 'CORE_PURPOSE_REQUIRED'
  /** Too many requests; retry after the number of seconds in Retry-After. */
  | 'CORE_RATE_LIMITED'
  /** The request was cancelled. */
  | 'CORE_REQUEST_CANCELLED'
  /** The request took longer than its time budget. */
  | 'CORE_REQUEST_TIMEOUT'
  /** A ResidentIdNumber argument or variable is not a valid GB 11643 number (HTTP 400, nothing ran). */
  | 'CORE_RESIDENT_ID_INVALID'
  /** The record was changed by someone else since you read it; reload and retry. */
  | 'CORE_VERSION_CONFLICT'
  /** This proposal or request was already decided. */
  | 'CREDIT_ALREADY_DECIDED'
  /** The end date must be after the start date. */
  | 'CREDIT_DATES_INVALID'
  /** The subject already has a pending or active entry on this list. */
  | 'CREDIT_ENTRY_OPEN_EXISTS'
  /** Not all repair conditions are shown as met. */
  | 'CREDIT_REPAIR_CONDITIONS_UNMET'
  /** Only an active black-list entry can be repaired. */
  | 'CREDIT_REPAIR_NOT_ALLOWED'
  /** A repair request for this entry is still undecided. */
  | 'CREDIT_REPAIR_PENDING_EXISTS'
  /** The entry has not been in force long enough to be repaired. */
  | 'CREDIT_REPAIR_TOO_EARLY'
  /** The proposer of an entry or requester of a repair may not decide it. */
  | 'CREDIT_SELF_DECISION_FORBIDDEN'
  /** A subject with this credit code is already on file. */
  | 'CREDIT_SUBJECT_EXISTS'
  /** No subject with this credit code in your jurisdiction. */
  | 'CREDIT_SUBJECT_UNKNOWN'
  /** At most 1000 credit codes per standing check. */
  | 'CREDIT_TOO_MANY_CODES'
  /** A GET or form-like POST without one of the headers x-graphql-yoga-csrf or x-safecity-client (HTTP 403). */
  | 'CSRF_HEADER_REQUIRED'
  /** The dispute is closed (resolved, failed at the top level, or turned into a mass incident). */
  | 'DISPUTES_CLOSED'
  /** The date lies before the dispute was registered. */
  | 'DISPUTES_DATE_BEFORE_REGISTRATION'
  /** The date lies in the future. */
  | 'DISPUTES_DATE_IN_FUTURE'
  /** Disputes are registered in a community or a grid (12- or 15-digit code). */
  | 'DISPUTES_JURISDICTION_LEVEL'
  /** A mass incident is already recorded for this dispute. */
  | 'DISPUTES_MASS_INCIDENT_RECORDED'
  /** Only a town/sub-district or district mediation centre may propose a comprehensive-governance veto. */
  | 'DISPUTES_NOT_A_CENTRE'
  /** Follow-up visits are recorded for resolved disputes only. */
  | 'DISPUTES_NOT_RESOLVED'
  /** The dispute has not been routed to a mediation organisation yet. */
  | 'DISPUTES_NOT_ROUTED'
  /** The dispute is already handled at the city level; it cannot be escalated further. */
  | 'DISPUTES_NO_HIGHER_LEVEL'
  /** A mediation organisation with this name already exists in this jurisdiction. */
  | 'DISPUTES_ORGANISATION_EXISTS'
  /** This kind of mediation organisation sits at another level of the jurisdiction tree. */
  | 'DISPUTES_ORGANISATION_LEVEL'
  /** The mediation organisation does not cover the dispute’s jurisdiction at its current handling level. */
  | 'DISPUTES_ORGANISATION_NOT_COVERING'
  /** A veto proposal is decided by someone other than its proposer. */
  | 'DISPUTES_OWN_PROPOSAL'
  /** A party is either a person on the register (personId) or someone named with a role, not both and not neither. */
  | 'DISPUTES_PARTY_INVALID'
  /** A dispute names at least one party. */
  | 'DISPUTES_PARTY_REQUIRED'
  /** A period is YYYY, YYYY-Qn or YYYY-MM. */
  | 'DISPUTES_PERIOD_INVALID'
  /** The veto proposal has already been decided. */
  | 'DISPUTES_PROPOSAL_DECIDED'
  /** A screening round ends on or after its start and not in the future. */
  | 'DISPUTES_SCREENING_ROUND_DATES'
  /** No screening round with this id covers the dispute’s jurisdiction. */
  | 'DISPUTES_SCREENING_ROUND_UNKNOWN'
  /** Name the unit by credit code or name. */
  | 'DISPUTES_UNIT_REQUIRED'
  /** You do not have permission for this operation. */
  | 'FORBIDDEN'
  /** The document is not valid GraphQL syntax (HTTP 400). */
  | 'GRAPHQL_PARSE_FAILED'
  /** The document does not match the schema (HTTP 400). */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** An unexpected failure, masked; the server log has the details under the request id. */
  | 'INTERNAL_SERVER_ERROR'
  /** A request body without Content-Length (HTTP 411). */
  | 'LENGTH_REQUIRED'
  /** Dispatch and arrival cannot precede the alert. */
  | 'PATROL_ALERT_TIMES_INVALID'
  /** Blocks group communities (12-digit codes) inside the block jurisdiction. */
  | 'PATROL_BLOCK_COMMUNITY_INVALID'
  /** This point has already checked in for this activation. */
  | 'PATROL_CHECK_IN_DUPLICATE'
  /** Latitude must lie within ±90 and longitude within ±180. */
  | 'PATROL_COORDINATES_INVALID'
  /** The coordinates lie outside China (swapped or missing a sign?). */
  | 'PATROL_COORDINATES_OUTSIDE_CHINA'
  /** A duty log ends after it starts and lasts at most 24 hours. */
  | 'PATROL_DUTY_LOG_INTERVAL_INVALID'
  /** This person already has a duty log overlapping that time. */
  | 'PATROL_DUTY_LOG_OVERLAP'
  /** Ratings run from 1 to 5. */
  | 'PATROL_FEEDBACK_RATING_INVALID'
  /** The checkpoint is not one of the points of this activation. */
  | 'PATROL_POINT_NOT_IN_ACTIVATION'
  /** Joint-duty points must be temporary duty points inside the jurisdiction. */
  | 'PATROL_POINT_NOT_TEMPORARY'
  /** The date range is too long. */
  | 'PATROL_RANGE_TOO_LONG'
  /** A three-shift roster needs exactly three teams at the checkpoint. */
  | 'PATROL_ROSTER_TEAMS_INVALID'
  /** The checkpoint lies outside the jurisdiction of the team. */
  | 'PATROL_TEAM_CHECKPOINT_MISMATCH'
  /** A joint-duty rule names at most 100 temporary duty points. */
  | 'PATROL_TOO_MANY_POINTS'
  /** A dwelling with this standard address is already on the register. */
  | 'POPULATION_ADDRESS_TAKEN'
  /** The person already has an active residence registration. */
  | 'POPULATION_ALREADY_REGISTERED'
  /** The arrival date lies before the start of the person’s current registration. */
  | 'POPULATION_ARRIVAL_BEFORE_CURRENT_REGISTRATION'
  /** The birth date does not match the one encoded in the identity number. */
  | 'POPULATION_BIRTH_DATE_MISMATCH'
  /** The capacity must be at least 1 and the rooms at least 1. */
  | 'POPULATION_CAPACITY_BELOW_ROOMS'
  /** The CSV header lacks required columns. */
  | 'POPULATION_CSV_HEADER_MISSING'
  /** The CSV text cannot be parsed. */
  | 'POPULATION_CSV_MALFORMED'
  /** The CSV text is larger than allowed. */
  | 'POPULATION_CSV_TOO_LARGE'
  /** A CSV value is invalid. */
  | 'POPULATION_CSV_VALUE_INVALID'
  /** No dwelling with this standard address in your jurisdiction. */
  | 'POPULATION_DWELLING_UNKNOWN'
  /** The date lies before the registration date. */
  | 'POPULATION_END_BEFORE_START'
  /** Floating-population estimates are recorded per community (12-digit code). */
  | 'POPULATION_ESTIMATE_LEVEL'
  /** The gender does not match the one encoded in the identity number. */
  | 'POPULATION_GENDER_MISMATCH'
  /** The inflow date lies in the future. */
  | 'POPULATION_INFLOW_DATE_IN_FUTURE'
  /** A floating person needs an inflow reason and an inflow date. */
  | 'POPULATION_INFLOW_REASON_REQUIRED'
  /** The person is on the register in this community: use registerResidence or changeResidence. */
  | 'POPULATION_NOT_AN_ARRIVAL'
  /** The person has no active registration at this dwelling. */
  | 'POPULATION_NOT_A_TENANT'
  /** The five-ones checklist applies to urban-village buildings only. */
  | 'POPULATION_NOT_URBAN_VILLAGE_BUILDING'
  /** A period is YYYY, YYYY-Qn or YYYY-MM. */
  | 'POPULATION_PERIOD_INVALID'
  /** This identity number is already on the register. If the person has moved here, register the arrival (registerArrival). */
  | 'POPULATION_PERSON_EXISTS'
  /** No person with this identity number is on the register: record the person (recordPerson), then register the residence. */
  | 'POPULATION_PERSON_NOT_ON_REGISTER'
  /** The registration date lies before the person’s inflow date. */
  | 'POPULATION_REGISTRATION_BEFORE_INFLOW'
  /** The registration date lies in the future. */
  | 'POPULATION_REGISTRATION_DATE_IN_FUTURE'
  /** The registration has already ended. */
  | 'POPULATION_REGISTRATION_ENDED'
  /** Not a valid resident identity number (GB 11643: 17 digits and a check character). */
  | 'POPULATION_RESIDENT_ID_INVALID'
  /** The person is already registered at this dwelling. */
  | 'POPULATION_SAME_DWELLING'
  /** The visit time lies in the future. */
  | 'POPULATION_VISIT_IN_FUTURE'
  /** The operation's cost or worst-case node count exceeds GRAPHQL_MAX_COST / GRAPHQL_MAX_NODES (HTTP 400, nothing ran): ask for smaller pages. */
  | 'QUERY_TOO_COSTLY'
  /** The operation nests deeper than GRAPHQL_MAX_DEPTH (HTTP 400, nothing ran). */
  | 'QUERY_TOO_DEEP'
  /** The operation has more tokens than allowed (HTTP 400, nothing ran). */
  | 'QUERY_TOO_LARGE'
  /** The operation uses more aliases than GRAPHQL_MAX_ALIASES (HTTP 400, nothing ran). */
  | 'QUERY_TOO_MANY_ALIASES'
  /** The request body is larger than GRAPHQL_MAX_BODY_BYTES (HTTP 413). */
  | 'REQUEST_TOO_LARGE'
  /** The server accepts registered operations only (TRUSTED_DOCUMENTS=only) and got a document, or no hash (HTTP 400, nothing ran). */
  | 'TRUSTED_DOCUMENT_REQUIRED'
  /** extensions.persistedQuery.sha256Hash names no operation in the server's trusted-documents manifest (HTTP 404, nothing ran). */
  | 'TRUSTED_DOCUMENT_UNKNOWN'
  /** No token, or a token that is invalid, expired or revoked (HTTP 401 when no data came back). */
  | 'UNAUTHENTICATED';

/** Gender (性别) as encoded in the resident identity number (17th digit: odd male, even female). */
export type Gender =
  /** Female (女). */
  | 'female'
  /** Male (男). */
  | 'male';

/** Inflow reason (流入原因, GB/T 31000 code table). */
export type InflowReason =
  /** 随迁家属 */
  | 'accompanying'
  /** 经商 */
  | 'business'
  /** 务农 */
  | 'farming'
  /** 婚嫁 */
  | 'marriage'
  /** 就医 */
  | 'medical'
  /** 其他 */
  | 'other'
  /** 投亲靠友 */
  | 'relatives'
  /** 学习培训 */
  | 'study'
  /** 工作调动 */
  | 'transfer'
  /** 务工 */
  | 'work';

/** Narrows `jointDutyActivations`; omitted fields do not filter. */
export type JointDutyActivationFilter = {
  /** Only activations on or after this day (inclusive). */
  fromDay?: string | null | undefined;
  /** Only activations of this jurisdiction or below it. */
  jurisdictionCode?: string | null | undefined;
  /** Only activations on or before this day (inclusive). */
  toDay?: string | null | undefined;
};

/** Kind of a major event (重大案事件) that a one-vote veto (一票否决) rule can name. */
export type MajorEventKind =
  /** major criminal case (重大刑事案件) */
  | 'major_criminal_case'
  /** major mass incident (重大群体性事件) */
  | 'major_mass_incident'
  /** major safety accident (重大安全事故) */
  | 'major_safety_accident'
  /** staff duty crime (职务犯罪) */
  | 'staff_duty_crime';

/** registered 户籍人口 or floating 流动人口. */
export type PersonKind =
  /** Floating population (流动人口): living here without household registration; has an inflow reason and date. */
  | 'floating'
  /** Registered resident (户籍人口): household registration here. */
  | 'registered';

/** Tenant tier: key 重点层 (revisit every 15 days), attention 关注层 (every quarter), stable 稳定层 (every half year). */
export type TenantTier =
  /** Attention tier (关注层): revisit every quarter. */
  | 'attention'
  /** Key tier (重点层): revisit every half month (15 days). */
  | 'key'
  /** Stable tier (稳定层): revisit every half year; the default. */
  | 'stable';

/** Kind of a fact on a unit’s timeline (UnitHistoryEntry.kind); `data` holds the details of each kind. */
export type UnitHistoryKind =
  /** The first version of an assessment (考评) was recorded. */
  | 'assessed'
  /** The unit moved to the next creation batch because a rectification order was overdue (the settle-overdue job). */
  | 'batch_moved'
  /** A corrected version of an assessment was recorded, with its reason. */
  | 'corrected'
  /** The unit’s grade changed (动态升降级). */
  | 'grade_changed'
  /** A responsibility investigation (责任查究) was opened or concluded (`data.stage`). */
  | 'investigation'
  /** A major event (重大案事件) at the unit was recorded. */
  | 'major_event'
  /** The unit was awarded the plaque (授牌) for passing a period; valid from the period’s end. */
  | 'plaque_awarded'
  /** The plaque was revoked (摘牌): by a later major event at the unit, or withdrawn by a correction that failed the period it was earned for. */
  | 'plaque_revoked'
  /** A rectification order was completed. */
  | 'rectification_completed'
  /** A rectification order (限期整改) was issued. */
  | 'rectification_ordered'
  /** The unit was registered in a creation batch (创建批次). */
  | 'registered'
  /** An approved retroactive veto rule set now governs one of the unit’s decided assessments; the summary says whether it would have decided differently. */
  | 'retroactive_rule_set'
  /** A mediation centre proposed a comprehensive-governance veto (综治否决建议); the proposal alone does not veto. */
  | 'veto_proposed'
  /** An assessment version was vetoed (一票否决); the summary names the rules and events. */
  | 'vetoed'
  /** A yellow card (黄牌警告) was issued. */
  | 'yellow_card';

/** Where a comprehensive-governance veto proposal (综治否决建议) stands. */
export type VetoProposalStatus =
  /** An assessor accepted the veto proposal. */
  | 'accepted'
  /** Waiting for an assessor's decision. */
  | 'pending'
  /** An assessor rejected the veto proposal. */
  | 'rejected';

/** Where the events a veto rule counts must have happened. */
export type VetoScope =
  /** Events at the unit or anywhere inside the unit’s jurisdiction (属地). */
  | 'jurisdiction'
  /** Only events recorded at the unit itself. */
  | 'unit';

export type UnitHistoryQueryVariables = Exact<{
  unitId: string;
  onDate: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type UnitHistoryQuery = { unitHistory: { edges: Array<{ node: { id: string, kind: UnitHistoryKind, summary: string, validOn: string, recordedAt: string, actorId: string, refId: string | null, data: import('../json.js').JsonValue } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, unitStanding: { onDate: string, known: boolean, passed: boolean | null, vetoed: boolean | null, total: number | null, grade: string | null, holdsPlaque: boolean, yellowCards: number, lastAssessment: { id: string, total: number, passed: boolean, explanation: string, firedRules: Array<{ ruleId: string, scope: VetoScope, eventKinds: Array<MajorEventKind> }> } | null } | null };

export type VetoProposalsQueryVariables = Exact<{
  jurisdictionCode?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type VetoProposalsQuery = { vetoProposals: { edges: Array<{ node: { id: string, status: VetoProposalStatus, reason: string, proposedAt: string, proposedBy: string, decidedAt: string | null, decisionReason: string | null, unit: { name: string | null, creditCode: string | null } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type CreditStandingQueryVariables = Exact<{
  code: string;
  asOf?: string | null | undefined;
}>;


export type CreditStandingQuery = { creditStanding: { creditCode: string, name: string | null, known: boolean, standing: CreditStandingLevel, asOf: string, activeEntries: Array<{ id: string, listType: CreditListType }>, measures: Array<{ code: string, kind: string, description: string }> } | null };

export type CreditStandingsQueryVariables = Exact<{
  codes: Array<string> | string;
  asOf?: string | null | undefined;
}>;


export type CreditStandingsQuery = { creditStandings: Array<{ code: string, status: CreditCodeCheckStatus, standing: { creditCode: string, name: string | null, known: boolean, standing: CreditStandingLevel } | null }> | null };

export type AlertsWithActivationsQueryVariables = Exact<{
  alertFilter?: AlertFilter | null | undefined;
  activationFilter?: JointDutyActivationFilter | null | undefined;
  first?: number | null | undefined;
}>;


export type AlertsWithActivationsQuery = { alerts: { edges: Array<{ node: { id: string, type: AlertType, place: string, occurredAt: string, day: string, major: boolean, responseSeconds: number | null, jurisdictionCode: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, jointDutyActivations: { edges: Array<{ node: { id: string, day: string, activatedAt: string, deadline: string, threshold: number, alertTypes: Array<AlertType>, jurisdictionCode: string, triggeringAlerts: Array<{ id: string, type: AlertType, occurredAt: string }>, report: Array<{ status: CheckInStatus, arrivedAt: string | null, minutesAfterActivation: number | null, point: { id: string, name: string } }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type DwellingsPageQueryVariables = Exact<{
  jurisdictionCode?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DwellingsPageQuery = { dwellings: { edges: Array<{ cursor: string, node: { id: string, address: string, dwellingClass: DwellingClass, capacity: number, overCapacity: boolean, listedOn: string, lastVisitedOn: string | null, revisitDueOn: string, currentTenants: Array<{ id: string, registeredOn: string, person: { id: string, name: string, tier: TenantTier } | null }>, lastVisit: { id: string, visitedAt: string, visitedOn: string, matched: boolean, visitorId: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type OverdueRevisitsQueryVariables = Exact<{
  jurisdictionCode?: string | null | undefined;
  asOf?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type OverdueRevisitsQuery = { overdueDwellings: { edges: Array<{ node: { id: string, address: string, dwellingClass: DwellingClass, lastVisitedOn: string | null, revisitDueOn: string, daysOverdue: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null, overdueTenants: { edges: Array<{ node: { id: string, name: string, tier: TenantTier, lastVisitedOn: string | null, revisitDueOn: string | null, daysOverdue: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type WriteErrorFragment = { code: ErrorCode, field: string | null, message: string };

export type RecordPersonMutationVariables = Exact<{
  idempotencyKey?: string | null | undefined;
  jurisdictionCode: string;
  hukouPlaceCode: string;
  idNumber: string;
  name: string;
  kind: PersonKind;
  phone?: string | null | undefined;
  inflowDate?: string | null | undefined;
  inflowReason?: InflowReason | null | undefined;
}>;


export type RecordPersonMutation = { recordPerson:
    | { __typename: 'DomainError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'RecordPersonSuccess', data: { id: string, name: string, birthDate: string, gender: Gender, kind: PersonKind, tier: TenantTier, version: number } }
   | null };

export type RegisterResidenceMutationVariables = Exact<{
  idempotencyKey?: string | null | undefined;
  personId: string;
  dwellingId: string;
  registeredOn: string;
}>;


export type RegisterResidenceMutation = { registerResidence:
    | { __typename: 'DomainError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'RegisterResidenceSuccess', data: { id: string, active: boolean, registeredOn: string, overCapacity: boolean, person: { id: string, name: string } | null, dwelling: { id: string, address: string } | null } }
   | null };

export type RecordRevisitMutationVariables = Exact<{
  idempotencyKey?: string | null | undefined;
  dwellingId: string;
  visitedAt: string;
  matched: boolean;
  tenantsSeen?: Array<string> | string | null | undefined;
  departed?: Array<string> | string | null | undefined;
  notes?: string | null | undefined;
}>;


export type RecordRevisitMutation = { recordRevisit:
    | { __typename: 'DomainError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'RecordRevisitSuccess', data: { id: string, visitedAt: string, visitedOn: string, matched: boolean, notes: string | null, dwelling: { id: string, lastVisitedOn: string | null, revisitDueOn: string } | null } }
   | null };

export const WriteErrorFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WriteError"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DomainError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]} as unknown as DocumentNode<WriteErrorFragment, unknown>;
export const UnitHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"onDate"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"100"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unitHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unitId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"validOn"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"refId"}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"unitStanding"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unitId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}}},{"kind":"Argument","name":{"kind":"Name","value":"onDate"},"value":{"kind":"Variable","name":{"kind":"Name","value":"onDate"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"onDate"}},{"kind":"Field","name":{"kind":"Name","value":"known"}},{"kind":"Field","name":{"kind":"Name","value":"passed"}},{"kind":"Field","name":{"kind":"Name","value":"vetoed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"grade"}},{"kind":"Field","name":{"kind":"Name","value":"holdsPlaque"}},{"kind":"Field","name":{"kind":"Name","value":"yellowCards"}},{"kind":"Field","name":{"kind":"Name","value":"lastAssessment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"passed"}},{"kind":"Field","name":{"kind":"Name","value":"explanation"}},{"kind":"Field","name":{"kind":"Name","value":"firedRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"eventKinds"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UnitHistoryQuery, UnitHistoryQueryVariables>;
export const VetoProposalsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VetoProposals"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DivisionCode"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vetoProposals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"jurisdictionCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"proposedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposedBy"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decisionReason"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"creditCode"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<VetoProposalsQuery, VetoProposalsQueryVariables>;
export const CreditStandingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditStanding"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreditCode"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"creditStanding"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"creditCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"known"}},{"kind":"Field","name":{"kind":"Name","value":"standing"}},{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"activeEntries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"listType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"measures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]} as unknown as DocumentNode<CreditStandingQuery, CreditStandingQueryVariables>;
export const CreditStandingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreditStandings"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"codes"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"creditStandings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"codes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"codes"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"standing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"creditCode"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"known"}},{"kind":"Field","name":{"kind":"Name","value":"standing"}}]}}]}}]}}]} as unknown as DocumentNode<CreditStandingsQuery, CreditStandingsQueryVariables>;
export const AlertsWithActivationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlertsWithActivations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"alertFilter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activationFilter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JointDutyActivationFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alerts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"alertFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"place"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"major"}},{"kind":"Field","name":{"kind":"Name","value":"responseSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"jurisdictionCode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"jointDutyActivations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activationFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"activatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"alertTypes"}},{"kind":"Field","name":{"kind":"Name","value":"jurisdictionCode"}},{"kind":"Field","name":{"kind":"Name","value":"triggeringAlerts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"report"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"arrivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"minutesAfterActivation"}},{"kind":"Field","name":{"kind":"Name","value":"point"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<AlertsWithActivationsQuery, AlertsWithActivationsQueryVariables>;
export const DwellingsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DwellingsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DivisionCode"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dwellings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"jurisdictionCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"dwellingClass"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"overCapacity"}},{"kind":"Field","name":{"kind":"Name","value":"listedOn"}},{"kind":"Field","name":{"kind":"Name","value":"lastVisitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"revisitDueOn"}},{"kind":"Field","name":{"kind":"Name","value":"currentTenants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOn"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastVisit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"visitedAt"}},{"kind":"Field","name":{"kind":"Name","value":"visitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"matched"}},{"kind":"Field","name":{"kind":"Name","value":"visitorId"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<DwellingsPageQuery, DwellingsPageQueryVariables>;
export const OverdueRevisitsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OverdueRevisits"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DivisionCode"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"overdueDwellings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"jurisdictionCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"dwellingClass"}},{"kind":"Field","name":{"kind":"Name","value":"lastVisitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"revisitDueOn"}},{"kind":"Field","name":{"kind":"Name","value":"daysOverdue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"overdueTenants"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"jurisdictionCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"lastVisitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"revisitDueOn"}},{"kind":"Field","name":{"kind":"Name","value":"daysOverdue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<OverdueRevisitsQuery, OverdueRevisitsQueryVariables>;
export const RecordPersonDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordPerson"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"IdempotencyKey"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DivisionCode"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hukouPlaceCode"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DivisionCode"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idNumber"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResidentIdNumber"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PersonKind"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inflowDate"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inflowReason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"InflowReason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordPerson"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"jurisdictionCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"jurisdictionCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"hukouPlaceCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hukouPlaceCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"idNumber"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idNumber"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}},{"kind":"Argument","name":{"kind":"Name","value":"inflowDate"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inflowDate"}}},{"kind":"Argument","name":{"kind":"Name","value":"inflowReason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inflowReason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RecordPersonSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}},{"kind":"Field","name":{"kind":"Name","value":"gender"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WriteError"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WriteError"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DomainError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]} as unknown as DocumentNode<RecordPersonMutation, RecordPersonMutationVariables>;
export const RegisterResidenceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterResidence"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"IdempotencyKey"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dwellingId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"registeredOn"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerResidence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"personId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personId"}}},{"kind":"Argument","name":{"kind":"Name","value":"dwellingId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dwellingId"}}},{"kind":"Argument","name":{"kind":"Name","value":"registeredOn"},"value":{"kind":"Variable","name":{"kind":"Name","value":"registeredOn"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterResidenceSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"registeredOn"}},{"kind":"Field","name":{"kind":"Name","value":"overCapacity"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dwelling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"address"}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WriteError"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WriteError"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DomainError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]} as unknown as DocumentNode<RegisterResidenceMutation, RegisterResidenceMutationVariables>;
export const RecordRevisitDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordRevisit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"IdempotencyKey"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dwellingId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"visitedAt"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"matched"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenantsSeen"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"departed"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"notes"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordRevisit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"dwellingId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dwellingId"}}},{"kind":"Argument","name":{"kind":"Name","value":"visitedAt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"visitedAt"}}},{"kind":"Argument","name":{"kind":"Name","value":"matched"},"value":{"kind":"Variable","name":{"kind":"Name","value":"matched"}}},{"kind":"Argument","name":{"kind":"Name","value":"tenantsSeen"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenantsSeen"}}},{"kind":"Argument","name":{"kind":"Name","value":"departed"},"value":{"kind":"Variable","name":{"kind":"Name","value":"departed"}}},{"kind":"Argument","name":{"kind":"Name","value":"notes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"notes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RecordRevisitSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"visitedAt"}},{"kind":"Field","name":{"kind":"Name","value":"visitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"matched"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"dwelling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"lastVisitedOn"}},{"kind":"Field","name":{"kind":"Name","value":"revisitDueOn"}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WriteError"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WriteError"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DomainError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]} as unknown as DocumentNode<RecordRevisitMutation, RecordRevisitMutationVariables>;
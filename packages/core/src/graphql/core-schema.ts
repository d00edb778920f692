import { sql } from 'drizzle-orm';
import { Repeater } from 'graphql-yoga';
import { jurisdictionReads } from '../data/core-reads.js';
import { planOne, plannedOr } from '../data/planner.js';
import { notFound } from '../errors.js';
import type { Page } from '../pagination.js';
import { connectionOf, type Builder } from '../builder.js';
import { requireActor, type Ctx } from '../context.js';
import { listAuditLog } from '../audit-service.js';
import { verifyAuditChain } from '../audit.js';
import { EVENT_READ_PERMISSIONS, mayReceiveEvent, type DomainEvents, type EventName } from '../events.js';
import { isWithin, LEVELS } from '../jurisdiction.js';
import { EVENTS_TOPIC, type EventEnvelope } from '../outbox.js';
import { createGrid, getAncestors, getJurisdiction, getParent, jurisdictionLoader, listJurisdictions, renameJurisdiction, type JurisdictionRow } from '../jurisdiction-service.js';
import type { auditLog } from '../tables.js';
import { revokeToken, type RevocationRow } from '../revocation.js';
import { z } from 'zod';

/** Every event of the catalogue: the keys of its one typed object (events.ts), so none can be left out. */
export const EVENT_NAMES = Object.keys(EVENT_READ_PERMISSIONS) as EventName[];

/**
 * Committed events the caller may read (EVENT_READ_PERMISSIONS in events.ts) inside the caller's
 * jurisdiction, in commit order per chain (district), each once: the relay delivers at least once
 * (again after a crash between delivering and marking), and outbox ids grow in commit order within
 * a chain on one topic, so anything at or below the last id seen of its chain is a repeat.
 */
export function scopedEvents<N extends EventName>(ctx: Ctx, names: N[]): AsyncIterable<{ id: string; name: N; payload: DomainEvents[N] }> {
  const actor = requireActor(ctx);
  const wanted = new Set<string>(names);
  return new Repeater(async (push, stop) => {
    const it = ctx.platform.pubsub.subscribe(EVENTS_TOPIC)[Symbol.asyncIterator]();
    let done = false;
    stop.then(() => {
      done = true;
      void it.return?.();
    });
    const lastIds = new Map<string, bigint>();
    while (!done) {
      const r = await it.next();
      if (r.done) break;
      const ev = r.value as EventEnvelope;
      const id = BigInt(ev.id);
      // An envelope from an older relay (no chain) is in the one city-wide order it had.
      const chain = ev.chain ?? '';
      if (id <= (lastIds.get(chain) ?? 0n)) continue;
      lastIds.set(chain, id);
      if (!wanted.has(ev.name)) continue;
      const payload = ev.payload as DomainEvents[N];
      if (mayReceiveEvent(ev.name as N, payload as { jurisdictionCode?: string }, actor, isWithin)) await push({ id: ev.id, name: ev.name as N, payload });
    }
    stop();
  });
}

export function registerCoreSchema(builder: Builder) {
  const LEVEL_DESCRIPTIONS: Record<(typeof LEVELS)[number], string> = {
    province: 'Province (省): 6-digit code ending in 0000.',
    city: 'City (市): 6-digit code ending in 00.',
    district: 'District or county (区/县): 6-digit code.',
    subdistrict: 'Sub-district or town (街道/乡镇): 9-digit code.',
    community: 'Community or village (社区/村): 12-digit code.',
    grid: 'Grid (网格), the smallest unit a grid worker covers: 15-digit code.',
  };
  const Level = builder.enumType('JurisdictionLevel', {
    description: 'Level of a division in the jurisdiction tree (属地), from province down to grid.',
    values: Object.fromEntries(LEVELS.map((l) => [l, { value: l, description: LEVEL_DESCRIPTIONS[l] }])) as Record<(typeof LEVELS)[number], { value: (typeof LEVELS)[number]; description: string }>,
  });

  const Jurisdiction = builder.loadableNodeRef('Jurisdiction', {
    id: { resolve: (j: JurisdictionRow) => j.code },
    load: (codes: string[], ctx: Ctx) => jurisdictionLoader(ctx).loadMany(codes),
  });
  Jurisdiction.implement({
    description: 'A division of the jurisdiction tree (属地): city → district/county → sub-district/town → community/village → grid.',
    fields: (t) => ({
      code: t.field({ type: 'DivisionCode', description: 'The division code (行政区划代码); its length gives the level.', resolve: (j) => j.code }),
      name: t.exposeString('name', { description: 'The official name (e.g. 城关区).' }),
      level: t.field({ type: Level, description: 'Province, city, district, sub-district, community or grid.', resolve: (j) => j.level as (typeof LEVELS)[number] }),
      depth: t.exposeInt('depth', { description: 'Depth in the tree: 0 province, 1 city, 2 district, 3 sub-district, 4 community, 5 grid.' }),
      version: t.exposeInt('version', { description: 'Send it back with a change (optimistic concurrency).' }),
      parent: t.field({ type: Jurisdiction, nullable: true, description: 'Null above your jurisdiction.', resolve: (j, _a, ctx) => getParent(ctx, j) }),
      ancestors: t.field({ type: [Jurisdiction], description: 'Root first, within your jurisdiction.', resolve: (j, _a, ctx) => getAncestors(ctx, j) }),
      children: t.connection(
        {
          type: Jurisdiction,
          description: 'The divisions directly below this one, in code order.',
          resolve: (j, args, ctx, info) => plannedOr(j, info, () => listJurisdictions(ctx, { parentCode: j.code }, args)) as Promise<Page<JurisdictionRow>>,
        },
        connectionOf(builder, Jurisdiction),
      ),
    }),
  });

  const Viewer = builder.objectRef<{ ctx: Ctx }>('Viewer').implement({
    description: 'The signed-in caller: who they are, their roles and permissions, and the jurisdiction they act in.',
    fields: (t) => ({
      id: t.string({ description: "The caller's subject id (the token's `sub`), as written to the audit log.", resolve: ({ ctx }) => requireActor(ctx).id }),
      roles: t.stringList({ description: 'Role names granted by the token.', resolve: ({ ctx }) => requireActor(ctx).roles }),
      permissions: t.stringList({ description: 'Permissions the roles grant (e.g. population:read), sorted.', resolve: ({ ctx }) => [...requireActor(ctx).permissions].sort() }),
      jurisdiction: t.field({
        type: Jurisdiction,
        description: 'The jurisdiction (属地) the caller belongs to: they see and change data inside its subtree only.',
        resolve: ({ ctx }) => getJurisdiction(ctx, requireActor(ctx).jurisdictionCode),
      }),
    }),
  });

  builder.queryFields((t) => ({
    me: t.field({ type: Viewer, description: 'The signed-in caller.', resolve: (_r, _a, ctx) => ({ ctx }) }),
    jurisdiction: t.field({
      type: Jurisdiction,
      description: 'A jurisdiction in your subtree (NOT_FOUND otherwise).',
      args: { code: t.arg({ type: 'DivisionCode', required: true, description: 'Its division code.' }) },
      resolve: async (_r, { code }, ctx, info) => {
        const j = await planOne<JurisdictionRow>(ctx, info, jurisdictionReads, (t) => sql`${t}.code = ${code}`);
        if (!j) throw notFound('jurisdiction');
        return j;
      },
    }),
    jurisdictions: t.connection(
      {
        type: Jurisdiction,
        description: 'Jurisdictions in your subtree, in code order.',
        args: {
          parentCode: t.arg({ type: 'DivisionCode', description: 'Only the direct children of this division.' }),
          level: t.arg({ type: Level, description: 'Only divisions of this level.' }),
          nameContains: t.arg.string({ description: 'Only names containing this text (at most 50 characters).', validate: z.string().max(50) }),
        },
        resolve: (_r, args, ctx) => listJurisdictions(ctx, args, args),
      },
      connectionOf(builder, Jurisdiction),
    ),
  }));

  builder.mutationFields((t) => ({
    createGrid: t.field({
      type: Jurisdiction,
      description:
        'Draws a new grid (网格) in a community of your jurisdiction; its code is the community code plus the next 3-digit number. Errors: CORE_NOT_FOUND, CORE_INPUT_INVALID, CORE_IDEMPOTENCY_KEY_REUSED.',
      errors: {},
      authScopes: { permission: 'jurisdiction:manage' },
      args: {
        communityCode: t.arg({ type: 'DivisionCode', required: true, description: 'The community or village (社区/村, 12 digits) the grid belongs to.' }),
        name: t.arg.string({ required: true, description: "The grid's name (1-60 characters).", validate: z.string().trim().min(1).max(60) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createGrid(ctx, input, idempotencyKey),
    }),
    renameJurisdiction: t.field({
      type: Jurisdiction,
      description: 'Renames a division of your jurisdiction (its code stays). Errors: CORE_NOT_FOUND, CORE_VERSION_CONFLICT, CORE_IDEMPOTENCY_KEY_REUSED.',
      errors: {},
      authScopes: { permission: 'jurisdiction:manage' },
      args: {
        code: t.arg({ type: 'DivisionCode', required: true, description: 'The division to rename.' }),
        name: t.arg.string({ required: true, description: 'The new name (1-60 characters).', validate: z.string().trim().min(1).max(60) }),
        version: t.arg.int({ required: true, description: 'The version you read.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => renameJurisdiction(ctx, input, idempotencyKey),
    }),
  }));

  // ---- tokens ----
  const TokenRevocation = builder.objectRef<RevocationRow>('TokenRevocation').implement({
    description: 'A revoked token (by jti) or subject (every token issued up to revokedAt). Effective on every API instance within seconds.',
    fields: (t) => ({
      id: t.exposeID('id', { description: "The revocation's id." }),
      jti: t.exposeString('jti', { nullable: true, description: "The revoked token's id (`jti` claim); null when a subject was revoked." }),
      sub: t.exposeString('sub', { nullable: true, description: 'The revoked subject (`sub` claim); null when one token was revoked.' }),
      reason: t.exposeString('reason', { description: 'Why it was revoked, as given.' }),
      revokedAt: t.field({ type: 'DateTime', description: 'When it was revoked; for a subject, tokens issued up to this instant are refused.', resolve: (r) => r.revokedAt }),
      revokedBy: t.exposeString('revokedBy', { description: 'Subject id of who revoked it.' }),
    }),
  });
  builder.mutationFields((t) => ({
    revokeToken: t.field({
      type: TokenRevocation,
      description: 'Revokes one token (`jti`) or every token of a subject issued until now (`sub`); audited. Errors: CORE_INPUT_INVALID, CORE_IDEMPOTENCY_KEY_REUSED.',
      errors: {},
      authScopes: { permission: 'auth:token.revoke' },
      args: {
        jti: t.arg.string({ description: 'The token id (`jti` claim) to revoke; give either jti or sub.', validate: z.string().trim().min(1).max(200) }),
        sub: t.arg.string({ description: 'The subject (`sub` claim) whose tokens issued until now are revoked; give either jti or sub.', validate: z.string().trim().min(1).max(200) }),
        reason: t.arg.string({ required: true, description: 'Why (1-500 characters); kept with the revocation and in the audit log.', validate: z.string().trim().min(1).max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => revokeToken(ctx, input, idempotencyKey),
    }),
  }));

  // ---- audit ----
  type AuditRow = typeof auditLog.$inferSelect;
  const AuditEntry = builder.objectRef<AuditRow>('AuditEntry').implement({
    description: 'One append-only, hash-chained audit record. Personal identifiers are masked.',
    fields: (t) => ({
      seq: t.exposeInt('seq', { description: 'Position in the hash chain (grows by one per entry).' }),
      id: t.exposeID('id', { description: "The entry's id." }),
      at: t.field({ type: 'DateTime', description: 'When the audited operation ran.', resolve: (r) => r.at }),
      actorId: t.exposeString('actorId', { description: 'Subject id of who did it.' }),
      actorRoles: t.exposeStringList('actorRoles', { description: "The actor's roles at the time." }),
      operation: t.exposeString('operation', { description: 'The operation, usually the mutation name (e.g. recordPerson).' }),
      entityType: t.exposeString('entityType', { description: 'Kind of record concerned (e.g. Person, Dwelling).' }),
      entityId: t.exposeString('entityId', { description: 'Id of the record concerned (the database id, not the global id).' }),
      jurisdictionCode: t.expose('jurisdictionCode', {
        type: 'DivisionCode',
        nullable: true,
        description: "The record's jurisdiction; null for system-wide entries (visible to city-level callers only).",
      }),
      before: t.field({
        type: 'JSON',
        nullable: true,
        description: 'The record before the change (personal identifiers masked); null when there was no earlier state (a creation) or none was recorded.',
        resolve: (r) => r.before,
      }),
      after: t.field({ type: 'JSON', nullable: true, description: 'The record after the change (personal identifiers masked); null when none was recorded.', resolve: (r) => r.after }),
      purpose: t.exposeString('purpose', { nullable: true, description: 'The stated purpose of an access to personal data (e.g. an identity-number reveal); null otherwise.' }),
      requestId: t.exposeString('requestId', { description: 'The request id, as in the server log.' }),
      hash: t.exposeString('hash', { description: "Hash of this entry's content and prevHash." }),
      prevHash: t.exposeString('prevHash', { description: 'Hash of the previous entry in the chain.' }),
    }),
  });

  const AuditFilter = builder.inputType('AuditFilter', {
    description: 'Narrows the audit log; every condition given must hold.',
    fields: (t) => ({
      entityType: t.string({ description: 'Exact kind of record (e.g. Person).', validate: z.string().max(60) }),
      entityId: t.string({ description: 'Exact record id (the database id).', validate: z.string().max(200) }),
      actorId: t.string({ description: 'Exact subject id of the actor.', validate: z.string().max(200) }),
      operation: t.string({ description: 'Exact operation name (e.g. recordPerson).', validate: z.string().max(100) }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: "Only entries inside this division's subtree." }),
      from: t.field({ type: 'DateTime', description: 'Only entries at or after this instant.' }),
      to: t.field({ type: 'DateTime', description: 'Only entries at or before this instant.' }),
    }),
  });

  const ChainVerification = builder.objectRef<Awaited<ReturnType<typeof verifyAuditChain>>>('AuditChainVerification').implement({
    description: "The outcome of recomputing the audit log's hash chain.",
    fields: (t) => ({
      ok: t.exposeBoolean('ok', { description: 'True when every entry matches its hash and links to the one before.' }),
      checked: t.exposeInt('checked', { description: 'Entries verified before the end or the first break.' }),
      firstBrokenSeq: t.exposeInt('firstBrokenSeq', { nullable: true, description: 'seq of the first entry that fails; null when ok.' }),
      reason: t.exposeString('reason', { nullable: true, description: 'Why it fails (altered content, or a broken link: an entry removed or inserted); null when ok.' }),
    }),
  });

  builder.queryFields((t) => ({
    auditLog: t.connection(
      {
        type: AuditEntry,
        description: 'The audit log within your jurisdiction, newest first.',
        authScopes: { permission: 'audit:read' },
        args: { filter: t.arg({ type: AuditFilter, description: 'Conditions on the entries; none: all.' }) },
        resolve: (_r, args, ctx) => listAuditLog(ctx, args.filter ?? {}, args),
      },
      connectionOf(builder, AuditEntry),
    ),
    verifyAuditChain: t.field({
      type: ChainVerification,
      description: 'Recomputes the whole hash chain: an altered, inserted or removed entry is reported.',
      authScopes: { permission: 'audit:verify' },
      resolve: (_r, _a, ctx) => verifyAuditChain(ctx.db),
    }),
  }));

  // ---- events ----
  const EVENT_DESCRIPTIONS: Record<EventName, string> = {
    residenceRegistered: 'A residence registration (居住登记) was opened (new, change or arrival).',
    residenceDeregistered: 'A residence registration was deregistered (注销).',
    personMovedAway: '迁出: a person registered an arrival elsewhere; sent to the side they left, naming only the district gone to.',
    personArrived: '迁入: the receiving side registered an arrival; says nothing of where from.',
    revisitOverdue: 'A dwelling or tenant passed its revisit (回访) due date (emitted by the overdue sweep).',
    alertRecorded: 'An alert (警情) was recorded.',
    jointDutyActivated: 'Grid joint duty (网格化防控联勤) was activated: its duty points must be staffed by the deadline.',
    majorIncidentRecorded: 'A major incident (重大案事件) was recorded at a unit or place; assessment turns it into vetoes and plaque revocations.',
    unitAssessed: 'A safe unit (平安单位) was assessed (考评).',
    unitVetoed: 'A unit was failed by one-vote veto (一票否决).',
    plaqueRevoked: "A unit's safe-unit plaque was revoked (摘牌).",
    rectificationOverdue: 'A rectification order (限期整改) passed its deadline unfinished.',
    blacklistEntryProposed: 'A credit black-list (黑名单) entry was proposed.',
    disputeEscalated: "A dispute (矛盾纠纷) moved one level up: its mediation failed or its level's deadline passed.",
    vetoProposed: 'A mediation centre proposed a comprehensive-governance veto (综治否决建议) against a unit.',
  };
  const EventNameEnum = builder.enumType('DomainEventName', {
    description: 'The domain events of the catalogue (events.ts) a subscriber can ask for.',
    values: Object.fromEntries(EVENT_NAMES.map((n) => [n, { value: n, description: EVENT_DESCRIPTIONS[n] }])) as Record<EventName, { value: EventName; description: string }>,
  });
  const DomainEventMessage = builder.objectRef<{ id: string; name: EventName; payload: unknown }>('DomainEventMessage').implement({
    description: 'A committed domain event inside your jurisdiction.',
    fields: (t) => ({
      id: t.id({
        description: 'The outbox id: grows in commit order among the events of one district (the first 6 digits of the jurisdiction code); a repeat delivery carries the same id.',
        resolve: (m) => m.id,
      }),
      name: t.field({ type: EventNameEnum, description: 'Which event.', resolve: (m) => m.name }),
      jurisdictionCode: t.field({
        type: 'DivisionCode',
        description: 'The jurisdiction the event belongs to (inside yours).',
        resolve: (m) => (m.payload as { jurisdictionCode: string }).jurisdictionCode,
      }),
      payload: t.field({ type: 'JSON', description: "The event's payload as emitted (its shape depends on name; database ids, not global ids).", resolve: (m) => m.payload }),
    }),
  });
  builder.subscriptionFields((t) => ({
    domainEvents: t.field({
      type: DomainEventMessage,
      description: 'Committed domain events inside your jurisdiction, delivered after commit.',
      authScopes: { permission: 'events:subscribe' },
      args: { names: t.arg({ type: [EventNameEnum], required: true, description: 'The events wanted; those you lack the read permission for are not delivered.' }) },
      subscribe: (_r, { names }, ctx) => scopedEvents(ctx, names),
      resolve: (m) => m,
    }),
  }));

  return { Jurisdiction };
}

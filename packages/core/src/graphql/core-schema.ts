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
import {
  createGrid,
  getAncestors,
  getJurisdiction,
  getParent,
  jurisdictionLoader,
  listJurisdictions,
  renameJurisdiction,
  type JurisdictionRow,
} from '../jurisdiction-service.js';
import type { auditLog } from '../tables.js';
import { revokeToken, type RevocationRow } from '../revocation.js';
import { z } from 'zod';

/** Every event of the catalogue: the keys of its one typed object (events.ts), so none can be left out. */
export const EVENT_NAMES = Object.keys(EVENT_READ_PERMISSIONS) as EventName[];

/**
 * Committed events the caller may read (EVENT_READ_PERMISSIONS in events.ts) inside the caller's
 * jurisdiction, in commit order, each once: the relay delivers at least once (again after a crash
 * between delivering and marking), and outbox ids grow in commit order on one topic, so anything at
 * or below the last id seen is a repeat.
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
    let lastId = 0n;
    while (!done) {
      const r = await it.next();
      if (r.done) break;
      const ev = r.value as EventEnvelope;
      const id = BigInt(ev.id);
      if (id <= lastId) continue;
      lastId = id;
      if (!wanted.has(ev.name)) continue;
      const payload = ev.payload as DomainEvents[N];
      if (mayReceiveEvent(ev.name as N, payload as { jurisdictionCode?: string }, actor, isWithin)) await push({ id: ev.id, name: ev.name as N, payload });
    }
    stop();
  });
}

export function registerCoreSchema(builder: Builder) {
  const Level = builder.enumType('JurisdictionLevel', { values: LEVELS });

  const Jurisdiction = builder.loadableNodeRef('Jurisdiction', {
    id: { resolve: (j: JurisdictionRow) => j.code },
    load: (codes: string[], ctx: Ctx) => jurisdictionLoader(ctx).loadMany(codes),
  });
  Jurisdiction.implement({
    description: 'A division of the jurisdiction tree (属地): city → district/county → sub-district/town → community/village → grid.',
    fields: (t) => ({
      code: t.field({ type: 'DivisionCode', resolve: (j) => j.code }),
      name: t.exposeString('name'),
      level: t.field({ type: Level, resolve: (j) => j.level as (typeof LEVELS)[number] }),
      depth: t.exposeInt('depth'),
      version: t.exposeInt('version', { description: 'Send it back with a change (optimistic concurrency).' }),
      parent: t.field({ type: Jurisdiction, nullable: true, description: 'Null above your jurisdiction.', resolve: (j, _a, ctx) => getParent(ctx, j) }),
      ancestors: t.field({ type: [Jurisdiction], description: 'Root first, within your jurisdiction.', resolve: (j, _a, ctx) => getAncestors(ctx, j) }),
      children: t.connection({
        type: Jurisdiction,
        resolve: (j, args, ctx, info) => plannedOr(j, info, () => listJurisdictions(ctx, { parentCode: j.code }, args)) as Promise<Page<JurisdictionRow>>,
      }, connectionOf(builder, Jurisdiction)),
    }),
  });

  const Viewer = builder.objectRef<{ ctx: Ctx }>('Viewer').implement({
    fields: (t) => ({
      id: t.string({ resolve: ({ ctx }) => requireActor(ctx).id }),
      roles: t.stringList({ resolve: ({ ctx }) => requireActor(ctx).roles }),
      permissions: t.stringList({ resolve: ({ ctx }) => [...requireActor(ctx).permissions].sort() }),
      jurisdiction: t.field({ type: Jurisdiction, resolve: ({ ctx }) => getJurisdiction(ctx, requireActor(ctx).jurisdictionCode) }),
    }),
  });

  builder.queryFields((t) => ({
    me: t.field({ type: Viewer, resolve: (_r, _a, ctx) => ({ ctx }) }),
    jurisdiction: t.field({
      type: Jurisdiction,
      description: 'A jurisdiction in your subtree (NOT_FOUND otherwise).',
      args: { code: t.arg({ type: 'DivisionCode', required: true }) },
      resolve: async (_r, { code }, ctx, info) => {
        const j = await planOne<JurisdictionRow>(ctx, info, jurisdictionReads, (t) => sql`${t}.code = ${code}`);
        if (!j) throw notFound('jurisdiction');
        return j;
      },
    }),
    jurisdictions: t.connection({
      type: Jurisdiction,
      description: 'Jurisdictions in your subtree, in code order.',
      args: {
        parentCode: t.arg({ type: 'DivisionCode' }),
        level: t.arg({ type: Level }),
        nameContains: t.arg.string({ validate: z.string().max(50) }),
      },
      resolve: (_r, args, ctx) => listJurisdictions(ctx, args, args),
    }, connectionOf(builder, Jurisdiction)),
  }));

  builder.mutationFields((t) => ({
    createGrid: t.field({
      type: Jurisdiction,
      description: 'Draws a new grid (网格) in a community of your jurisdiction.',
      errors: {},
      authScopes: { permission: 'jurisdiction:manage' },
      args: {
        communityCode: t.arg({ type: 'DivisionCode', required: true }),
        name: t.arg.string({ required: true, validate: z.string().trim().min(1).max(60) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => createGrid(ctx, input, idempotencyKey),
    }),
    renameJurisdiction: t.field({
      type: Jurisdiction,
      errors: {},
      authScopes: { permission: 'jurisdiction:manage' },
      args: {
        code: t.arg({ type: 'DivisionCode', required: true }),
        name: t.arg.string({ required: true, validate: z.string().trim().min(1).max(60) }),
        version: t.arg.int({ required: true, description: 'The version you read.' }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => renameJurisdiction(ctx, input, idempotencyKey),
    }),
  }));

  // ---- tokens ----
  const TokenRevocation = builder.objectRef<RevocationRow>('TokenRevocation').implement({
    description: 'A revoked token (by jti) or subject (every token issued up to revokedAt). Effective on every API instance within seconds.',
    fields: (t) => ({
      id: t.exposeID('id'),
      jti: t.exposeString('jti', { nullable: true }),
      sub: t.exposeString('sub', { nullable: true }),
      reason: t.exposeString('reason'),
      revokedAt: t.field({ type: 'DateTime', resolve: (r) => r.revokedAt }),
      revokedBy: t.exposeString('revokedBy'),
    }),
  });
  builder.mutationFields((t) => ({
    revokeToken: t.field({
      type: TokenRevocation,
      description: 'Revokes one token (`jti`) or every token of a subject issued until now (`sub`); audited.',
      errors: {},
      authScopes: { permission: 'auth:token.revoke' },
      args: {
        jti: t.arg.string({ validate: z.string().trim().min(1).max(200) }),
        sub: t.arg.string({ validate: z.string().trim().min(1).max(200) }),
        reason: t.arg.string({ required: true, validate: z.string().trim().min(1).max(500) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => revokeToken(ctx, input, idempotencyKey),
    }),
  }));

  // ---- audit ----
  type AuditRow = typeof auditLog.$inferSelect;
  const AuditEntry = builder.objectRef<AuditRow>('AuditEntry').implement({
    description: 'One append-only, hash-chained audit record. Personal identifiers are masked.',
    fields: (t) => ({
      seq: t.exposeInt('seq'),
      id: t.exposeID('id'),
      at: t.field({ type: 'DateTime', resolve: (r) => r.at }),
      actorId: t.exposeString('actorId'),
      actorRoles: t.exposeStringList('actorRoles'),
      operation: t.exposeString('operation'),
      entityType: t.exposeString('entityType'),
      entityId: t.exposeString('entityId'),
      jurisdictionCode: t.expose('jurisdictionCode', { type: 'DivisionCode', nullable: true }),
      before: t.field({ type: 'JSON', nullable: true, resolve: (r) => r.before }),
      after: t.field({ type: 'JSON', nullable: true, resolve: (r) => r.after }),
      purpose: t.exposeString('purpose', { nullable: true }),
      requestId: t.exposeString('requestId'),
      hash: t.exposeString('hash'),
      prevHash: t.exposeString('prevHash'),
    }),
  });

  const AuditFilter = builder.inputType('AuditFilter', {
    fields: (t) => ({
      entityType: t.string({ validate: z.string().max(60) }),
      entityId: t.string({ validate: z.string().max(200) }),
      actorId: t.string({ validate: z.string().max(200) }),
      operation: t.string({ validate: z.string().max(100) }),
      jurisdictionCode: t.field({ type: 'DivisionCode' }),
      from: t.field({ type: 'DateTime' }),
      to: t.field({ type: 'DateTime' }),
    }),
  });

  const ChainVerification = builder.objectRef<Awaited<ReturnType<typeof verifyAuditChain>>>('AuditChainVerification').implement({
    fields: (t) => ({
      ok: t.exposeBoolean('ok'),
      checked: t.exposeInt('checked'),
      firstBrokenSeq: t.exposeInt('firstBrokenSeq', { nullable: true }),
      reason: t.exposeString('reason', { nullable: true }),
    }),
  });

  builder.queryFields((t) => ({
    auditLog: t.connection({
      type: AuditEntry,
      description: 'The audit log within your jurisdiction, newest first.',
      authScopes: { permission: 'audit:read' },
      args: { filter: t.arg({ type: AuditFilter }) },
      resolve: (_r, args, ctx) => listAuditLog(ctx, args.filter ?? {}, args),
    }, connectionOf(builder, AuditEntry)),
    verifyAuditChain: t.field({
      type: ChainVerification,
      description: 'Recomputes the whole hash chain: an altered, inserted or removed entry is reported.',
      authScopes: { permission: 'audit:verify' },
      resolve: (_r, _a, ctx) => verifyAuditChain(ctx.db),
    }),
  }));

  // ---- events ----
  const EventNameEnum = builder.enumType('DomainEventName', { values: EVENT_NAMES });
  const DomainEventMessage = builder.objectRef<{ id: string; name: EventName; payload: unknown }>('DomainEventMessage').implement({
    description: 'A committed domain event inside your jurisdiction.',
    fields: (t) => ({
      id: t.id({ description: 'The outbox id: grows in commit order; a repeat delivery carries the same id.', resolve: (m) => m.id }),
      name: t.field({ type: EventNameEnum, resolve: (m) => m.name }),
      jurisdictionCode: t.field({ type: 'DivisionCode', resolve: (m) => (m.payload as { jurisdictionCode: string }).jurisdictionCode }),
      payload: t.field({ type: 'JSON', resolve: (m) => m.payload }),
    }),
  });
  builder.subscriptionFields((t) => ({
    domainEvents: t.field({
      type: DomainEventMessage,
      description: 'Committed domain events inside your jurisdiction, delivered after commit.',
      authScopes: { permission: 'events:subscribe' },
      args: { names: t.arg({ type: [EventNameEnum], required: true }) },
      subscribe: (_r, { names }, ctx) => scopedEvents(ctx, names),
      resolve: (m) => m,
    }),
  }));

  return { Jurisdiction };
}


import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { assertInScope, inScope, withinSql, relationPage, requireActor, runMutation, type ConnectionArgs, type Ctx, addDays, chinaDateOf } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { daysOverdue, dwellingRevisitDue, tenantRevisitDue, type DwellingClass, type TenantTier } from '../rules.js';
import { dwellings, overdueNotices, persons, residenceRegistrations, revisitTenants, revisits } from '../tables.js';
import { revisitReads } from '../reads.js';
import { lockDwelling, today } from './common.js';

export interface RecordRevisitInput {
  dwellingId: string;
  visitedAt: Date;
  /** Whether the people found match the register (人户一致). */
  matched: boolean;
  notes?: string | null;
  /** Current tenants seen; default: every current tenant not listed as departed. */
  tenantsSeen?: string[] | null;
  /** Current tenants found to have moved away: known departures (the deregistration rate's denominator). */
  departed?: string[] | null;
}

/** Records a revisit (回访) of a dwelling and its tenants; their revisit clocks restart. */
export async function recordRevisit(ctx: Ctx, input: RecordRevisitInput, idempotencyKey?: string | null) {
  return runMutation(ctx, { operation: 'recordRevisit', idempotencyKey, input }, async (tx) => {
    if (input.visitedAt.getTime() > tx.now().getTime()) throw PopulationErrors.error('VISIT_IN_FUTURE', undefined, { field: 'input.visitedAt' });
    const d = await lockDwelling(tx, input.dwellingId);
    const visitedOn = chinaDateOf(input.visitedAt);
    const current = await tx.db
      .select({
        registrationId: residenceRegistrations.id,
        personId: residenceRegistrations.personId,
        registeredOn: residenceRegistrations.registeredOn,
        tier: persons.tier,
        lastVisitedOn: persons.lastVisitedOn,
      })
      .from(residenceRegistrations)
      .innerJoin(persons, eq(persons.id, residenceRegistrations.personId))
      .where(and(eq(residenceRegistrations.dwellingId, d.id), isNull(residenceRegistrations.endedOn)));
    const byPerson = new Map(current.map((c) => [c.personId, c]));
    const departed = new Set(input.departed ?? []);
    const seen = new Set(input.tenantsSeen ?? current.map((c) => c.personId).filter((p) => !departed.has(p)));
    for (const [field, ids] of [
      ['input.tenantsSeen', seen],
      ['input.departed', departed],
    ] as const) {
      for (const p of ids) if (!byPerson.has(p)) throw PopulationErrors.error('NOT_A_TENANT', `Person ${p} has no active registration at this dwelling.`, { field });
    }
    const [visit] = await tx.db
      .insert(revisits)
      .values({
        id: randomUUID(),
        dwellingId: d.id,
        jurisdictionCode: d.jurisdictionCode,
        visitorId: requireActor(tx).id,
        visitedAt: input.visitedAt,
        visitedOn,
        matched: input.matched,
        notes: input.notes ?? null,
      })
      .returning();
    const tenantRows = [
      ...[...seen].filter((p) => !departed.has(p)).map((p) => ({ personId: p, outcome: 'seen' as const })),
      ...[...departed].map((p) => ({ personId: p, outcome: 'departed' as const })),
    ].map((t) => ({ ...t, revisitId: visit.id, registrationId: byPerson.get(t.personId)!.registrationId, jurisdictionCode: d.jurisdictionCode, visitedOn }));
    if (tenantRows.length) await tx.db.insert(revisitTenants).values(tenantRows);
    // A late entry of an older visit must not move the clock back.
    const last = d.lastVisitedOn && d.lastVisitedOn > visitedOn ? d.lastVisitedOn : visitedOn;
    await tx.db
      .update(dwellings)
      .set({ lastVisitedOn: last, revisitDueOn: dwellingRevisitDue({ lastVisitedOn: last, listedOn: d.listedOn, dwellingClass: d.dwellingClass as DwellingClass }) })
      .where(eq(dwellings.id, d.id));
    for (const t of tenantRows.filter((r) => r.outcome === 'seen')) {
      const c = byPerson.get(t.personId)!;
      const lastT = c.lastVisitedOn && c.lastVisitedOn > visitedOn ? c.lastVisitedOn : visitedOn;
      await tx.db
        .update(persons)
        .set({ lastVisitedOn: lastT, revisitDueOn: tenantRevisitDue({ lastVisitedOn: lastT, registeredOn: c.registeredOn, tier: c.tier as TenantTier }) })
        .where(eq(persons.id, t.personId));
    }
    tx.audit({ entityType: 'Revisit', entityId: visit.id, jurisdictionCode: d.jurisdictionCode, after: { ...visit, tenants: tenantRows.map((t) => ({ personId: t.personId, outcome: t.outcome })) } });
    return visit;
  });
}

export type RevisitTenantRow = typeof revisitTenants.$inferSelect;

/** A page of the tenants of each revisit, by person, inside the caller's jurisdiction (one statement per page of revisits). */
export function revisitTenantPages(ctx: Ctx, args: ConnectionArgs) {
  return relationPage<RevisitTenantRow>(ctx, 'population.revisitTenants', revisitReads.relations!.tenants!, args, 'tenants');
}

/**
 * Emits revisitOverdue once per subject and due date (overdue_notices is the memory), for
 * every dwelling and tenant overdue on `asOf` in the caller's jurisdiction. Batches of 1000
 * notices, each its own transaction; a rerun emits nothing new.
 */
export async function sweepOverdueRevisits(ctx: Ctx, input: { asOf?: string | null; jurisdictionCode?: string | null }) {
  // A division code is a natural key: outside the caller's subtree it is not found (issue #11; the sweep audited into it).
  if (input.jurisdictionCode) assertInScope(ctx, input.jurisdictionCode, 'jurisdiction');
  const asOf = input.asOf ?? today(ctx);
  const cutoff = addDays(asOf, -1);
  // The division as a range (withinSql), as the scope is: a LIKE beside the range was estimated as a condition of its own.
  const scopeD = and(inScope(ctx, dwellings.jurisdictionCode), input.jurisdictionCode ? withinSql(dwellings.jurisdictionCode, input.jurisdictionCode) : undefined);
  const scopeP = and(inScope(ctx, persons.jurisdictionCode), input.jurisdictionCode ? withinSql(persons.jurisdictionCode, input.jurisdictionCode) : undefined);
  const totals = { dwellings: 0, tenants: 0 };
  for (const subjectType of ['dwelling', 'tenant'] as const) {
    for (;;) {
      const emitted = await runMutation(ctx, { operation: 'sweepOverdueRevisits', input: { asOf, subjectType } }, async (tx) => {
        // Candidates not yet noticed for their current due date, oldest due first.
        const t = subjectType === 'dwelling' ? dwellings : persons;
        const candidates = await tx.db
          .select({ id: t.id, dueOn: t.revisitDueOn, jurisdictionCode: t.jurisdictionCode })
          .from(t)
          .where(
            and(
              subjectType === 'dwelling' ? scopeD : scopeP,
              isNotNull(t.revisitDueOn),
              lte(t.revisitDueOn, cutoff),
              sql`not exists (select 1 from ${overdueNotices} n where n.subject_type = ${subjectType} and n.subject_id = ${t.id} and n.due_on = ${t.revisitDueOn})`,
            ),
          )
          .orderBy(t.revisitDueOn, t.id)
          .limit(1000);
        const inserted = candidates.length
          ? await tx.db
              .insert(overdueNotices)
              .values(candidates.map((c) => ({ subjectType, subjectId: c.id, dueOn: c.dueOn!, jurisdictionCode: c.jurisdictionCode, notifiedAt: tx.now() })))
              .onConflictDoNothing()
              .returning()
          : [];
        for (const n of inserted) {
          await tx.emit('revisitOverdue', { subjectType, subjectId: n.subjectId, jurisdictionCode: n.jurisdictionCode, dueDate: n.dueOn, daysOverdue: daysOverdue(n.dueOn, asOf) });
        }
        tx.audit({
          entityType: 'RevisitOverdueSweep',
          entityId: `${subjectType}:${asOf}`,
          jurisdictionCode: input.jurisdictionCode ?? ctx.actor?.jurisdictionCode ?? null,
          after: { asOf, subjectType, notices: inserted.length },
        });
        return inserted.length;
      });
      totals[subjectType === 'dwelling' ? 'dwellings' : 'tenants'] += emitted;
      if (emitted < 1000) break;
    }
  }
  return { asOf, ...totals };
}

import { anyOf, indexBy, loader, lockInScope, notFound, scopedRead, type Ctx, type TxCtx, isUuid } from '@safecity/core';
import { unitReads } from '../reads.js';
import { chinaDateOf, type IsoDate } from '../rules/dates.js';
import type { FactKind } from '../rules/standing.js';
import { safeUnits, unitHistory } from '../tables.js';

export type UnitRow = typeof safeUnits.$inferSelect;

export const today = (ctx: Ctx): IsoDate => chinaDateOf(ctx.now());
export const actorId = (ctx: Ctx) => ctx.actor?.id ?? 'system';

/** Units in the caller's subtree; others (and malformed ids) are NOT_FOUND. */
export function unitLoader(ctx: Ctx) {
  return loader<string, UnitRow>(ctx, 'assessment.unit', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await scopedRead(ctx, unitReads, { where: [anyOf(safeUnits.id, valid)] }) : [];
    return indexBy(ids, rows, (r) => r.id).map((r) => r ?? notFound('safe unit'));
  });
}

/** Locks a unit in the caller's subtree for a write. */
export function unitForWrite(tx: TxCtx, id: string): Promise<UnitRow> {
  return lockInScope(tx, unitReads, id, 'safe unit');
}

export interface FactInput {
  kind: FactKind;
  validOn: IsoDate;
  refId: string | null;
  summary: string;
  data?: Record<string, unknown>;
}

/** Appends facts to the auditor's timeline of a unit. */
export async function appendHistory(tx: TxCtx, unit: Pick<UnitRow, 'id' | 'jurisdictionCode'>, facts: FactInput[]): Promise<void> {
  if (facts.length === 0) return;
  const at = tx.now();
  await tx.db.insert(unitHistory).values(
    facts.map((f) => ({
      unitId: unit.id,
      jurisdictionCode: unit.jurisdictionCode,
      kind: f.kind,
      validOn: f.validOn,
      recordedAt: at,
      actorId: actorId(tx),
      refId: f.refId,
      summary: f.summary,
      data: f.data ?? {},
    })),
  );
}

export function unitEventBase(unit: UnitRow) {
  return { unitId: unit.id, unitName: unit.name, creditCode: unit.creditCode ?? null, jurisdictionCode: unit.jurisdictionCode };
}

import { eq } from 'drizzle-orm';
import { requireWritableJurisdiction, runMutation, scopedRead, type ConnectionArgs, type Ctx } from '@safecity/core';
import { DisputesErrors } from '../errors.js';
import { organisationReads } from '../reads.js';
import { handlingLevelOf, ORGANISATION_LEVELS } from '../rules/levels.js';
import type { DisputeKind, OrganisationKind } from '../rules/vocabulary.js';
import { mediationOrganisations, type OrganisationRow } from '../tables.js';
import { actorId } from './common.js';

/** Puts a mediation organisation on the network (大调解网络): a room, a centre or a specialised committee. */
export async function registerMediationOrganisation(
  ctx: Ctx,
  input: { name: string; kind: OrganisationKind; jurisdictionCode: string; specialty?: DisputeKind | null },
  idempotencyKey?: string | null,
): Promise<OrganisationRow> {
  return runMutation(ctx, { operation: 'registerMediationOrganisation', idempotencyKey, input }, async (tx) => {
    await requireWritableJurisdiction(tx, input.jurisdictionCode);
    const level = handlingLevelOf(input.jurisdictionCode);
    if (!level || !ORGANISATION_LEVELS[input.kind].includes(level) || input.jurisdictionCode.length === 15) {
      throw DisputesErrors.error('ORGANISATION_LEVEL', undefined, { field: 'jurisdictionCode' });
    }
    const [row] = await tx.db
      .insert(mediationOrganisations)
      .values({ name: input.name.trim(), kind: input.kind, jurisdictionCode: input.jurisdictionCode, specialty: input.specialty ?? null, createdBy: actorId(tx), createdAt: tx.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw DisputesErrors.error('ORGANISATION_EXISTS', undefined, { field: 'name' });
    tx.audit({ entityType: 'MediationOrganisation', entityId: row.id, jurisdictionCode: row.jurisdictionCode, after: row });
    return row;
  });
}

/** Organisations inside the caller's jurisdiction, by (jurisdiction, id). */
export function listMediationOrganisations(ctx: Ctx, f: { jurisdictionCode?: string | null; kind?: OrganisationKind | null }, args: ConnectionArgs) {
  return scopedRead(ctx, organisationReads, {
    within: f.jurisdictionCode,
    where: [f.kind ? eq(mediationOrganisations.kind, f.kind) : undefined],
    page: { args, keys: ['jurisdictionCode', 'id'] },
  });
}

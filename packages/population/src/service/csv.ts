import { createHash } from 'node:crypto';
import { asc, eq, isNull } from 'drizzle-orm';
import { assertInScope, recordAccess, scopedRead, type Ctx } from '@safecity/core';
import { registrationReads } from '../reads.js';
import { dwellings, persons, residenceRegistrations } from '../tables.js';

export { importRegistrations as importRegistrationsCsv, type ImportResult, type ImportOptions } from './registration-import.js';

/** The natural key of an imported registration: same person, dwelling and date = same fact. (registration-import.ts computes it in SQL the same way.) */
export const importKeyOf = (idHash: string, dwellingId: string, registeredOn: string) => createHash('sha256').update(`${idHash}|${dwellingId}|${registeredOn}`).digest('hex');

const csvCell = (v: unknown) => {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const EXPORT_COLUMNS = [
  'registrationId',
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'kind',
  'inflowReason',
  'inflowDate',
  'hukouPlace',
  'dwellingAddress',
  'jurisdictionCode',
  'registeredOn',
  'endedOn',
  'endKind',
  'endReason',
  'overCapacity',
] as const;

/**
 * A jurisdiction's registrations as CSV (identity numbers masked), in a stable order. The export
 * is an access to personal data and is written to the audit log.
 */
export async function exportRegistrationsCsv(ctx: Ctx, input: { jurisdictionCode: string; activeOnly?: boolean | null; limit?: number }) {
  assertInScope(ctx, input.jurisdictionCode, 'jurisdiction');
  const limit = input.limit ?? 100_000;
  const rows = await scopedRead(ctx, registrationReads, {
    within: input.jurisdictionCode,
    where: [input.activeOnly ? isNull(residenceRegistrations.endedOn) : undefined],
    orderBy: [asc(residenceRegistrations.jurisdictionCode), asc(residenceRegistrations.registeredOn), asc(residenceRegistrations.id)],
    limit: limit + 1,
    from: (where, orderBy, max) =>
      ctx.db
        .select({ r: residenceRegistrations, p: persons, address: dwellings.address })
        .from(residenceRegistrations)
        .innerJoin(persons, eq(persons.id, residenceRegistrations.personId))
        .innerJoin(dwellings, eq(dwellings.id, residenceRegistrations.dwellingId))
        .where(where)
        .orderBy(...orderBy)
        .limit(max!),
  });
  const truncated = rows.length > limit;
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const { r, p, address } of rows.slice(0, limit)) {
    lines.push(
      [
        r.id,
        p.name,
        p.idNumberMasked,
        p.gender,
        p.birthDate,
        p.kind,
        p.inflowReason,
        p.inflowDate,
        p.hukouPlaceCode,
        address,
        r.jurisdictionCode,
        r.registeredOn,
        r.endedOn,
        r.endKind,
        r.endReason,
        r.overCapacity,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  await recordAccess(ctx, {
    operation: 'exportRegistrations',
    entityType: 'RegistrationExport',
    entityId: input.jurisdictionCode,
    jurisdictionCode: input.jurisdictionCode,
    purpose: 'registration export',
    after: { rows: Math.min(rows.length, limit), activeOnly: !!input.activeOnly },
  });
  return { csv: `${lines.join('\n')}\n`, rows: Math.min(rows.length, limit), truncated };
}

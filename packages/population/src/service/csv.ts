import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { anyOf, assertInScope, inScope, isInScope, recordAccess, requireActor, rowsAsSelect, runMutation, withinSql, type Ctx } from '@safecity/core';
import { PopulationErrors } from '../errors.js';
import { protectPhone, protectResidentId, residentIdHashes } from '../identity.js';
import { checkRegistrationDate, IMPORT_COLUMNS, parseImportRow, REQUIRED_IMPORT_COLUMNS, tenantRevisitDue, type ImportRow, type RowError, type TenantTier } from '../rules.js';
import { dwellings, personTierHistory, persons, residenceRegistrations } from '../tables.js';
import { today } from './common.js';

export interface ImportResult {
  rows: number;
  imported: number;
  /** Rows already on the register from an earlier import of the same data (nothing written). */
  duplicates: number;
  personsCreated: number;
  batches: number;
  errors: RowError[];
}

/** The natural key of an imported registration: same person, dwelling and date = same fact. */
export const importKeyOf = (idHash: string, dwellingId: string, registeredOn: string) => createHash('sha256').update(`${idHash}|${dwellingId}|${registeredOn}`).digest('hex');

/**
 * Imports residence registrations from a contractor's CSV (header: IMPORT_COLUMNS). Every bad row
 * is reported (line number, column, code); the good rows commit in batches, each batch its own
 * transaction. A row whose registration is already on file (same person, dwelling and date) is a
 * duplicate: rerunning a file adds nothing. Unknown persons are created from the row.
 */
export async function importRegistrationsCsv(ctx: Ctx, text: string, opts: { maxBytes?: number; batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ImportResult> {
  requireActor(ctx);
  const maxBytes = opts.maxBytes ?? 2_000_000;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw PopulationErrors.error('CSV_TOO_LARGE', `The CSV text is larger than ${maxBytes} bytes; use the CLI for bigger files.`, { field: 'csv' });
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as never;
  } catch (e) {
    throw PopulationErrors.error('CSV_MALFORMED', `The CSV text cannot be parsed: ${(e as Error).message}`.slice(0, 300), { field: 'csv' });
  }
  const header = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]
    .split(',')
    .map((h) => h.trim());
  const missing = REQUIRED_IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw PopulationErrors.error('CSV_HEADER_MISSING', `Missing columns: ${missing.join(', ')}.`, { field: 'csv', details: { missing, expected: IMPORT_COLUMNS } });

  const day = today(ctx);
  const errors: RowError[] = [];
  const good: { row: number; value: ImportRow }[] = [];
  for (const { record, info } of records) {
    const r = parseImportRow(record, info.lines, day);
    if (r.value) good.push({ row: info.lines, value: r.value });
    else errors.push(...r.errors);
  }
  const result: ImportResult = { rows: records.length, imported: 0, duplicates: 0, personsCreated: 0, batches: 0, errors };
  const size = opts.batchSize ?? 500;
  opts.onProgress?.(records.length - good.length, records.length);
  for (let i = 0; i < good.length; i += size) {
    const batch = good.slice(i, i + size);
    const r = await importBatch(ctx, batch);
    result.imported += r.imported;
    result.duplicates += r.duplicates;
    result.personsCreated += r.personsCreated;
    result.errors.push(...r.errors);
    result.batches++;
    opts.onProgress?.(records.length - good.length + i + batch.length, records.length);
  }
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}

async function importBatch(ctx: Ctx, batch: { row: number; value: ImportRow }[]) {
  return runMutation(ctx, { operation: 'importRegistrations' }, async (tx) => {
    const actor = requireActor(tx);
    const errors: RowError[] = [];
    const fail = (row: number, column: string, key: Parameters<typeof PopulationErrors.error>[0], message?: string) =>
      errors.push({ row, column, code: PopulationErrors.code(key), message: message ?? PopulationErrors.codes[key] });
    const addresses = [...new Set(batch.map((b) => b.value.dwellingAddress))];
    const dws = await tx.db
      .select()
      .from(dwellings)
      .where(and(anyOf(dwellings.address, addresses), inScope(tx, dwellings.jurisdictionCode)));
    const dwellingByAddress = new Map(dws.map((d) => [d.address, d]));
    // Every accepted key's hash: during a key rotation a person may be on file under either.
    const hashes = [...new Set(batch.flatMap((b) => residentIdHashes(b.value.idNumber)))];
    const known = await tx.db.select().from(persons).where(anyOf(persons.idNumberHash, hashes));
    const personByHash = new Map(known.map((p) => [p.idNumberHash, p]));
    const active = known.length
      ? await tx.db
          .select()
          .from(residenceRegistrations)
          .where(
            and(
              anyOf(
                residenceRegistrations.personId,
                known.map((p) => p.id),
              ),
              isNull(residenceRegistrations.endedOn),
            ),
          )
      : [];
    const activeByPerson = new Map(active.map((r) => [r.personId, r]));
    const keys = batch.flatMap((b) => {
      const d = dwellingByAddress.get(b.value.dwellingAddress);
      return d ? residentIdHashes(b.value.idNumber).map((h) => importKeyOf(h, d.id, b.value.registeredOn)) : [];
    });
    const existingKeys = new Set(
      keys.length ? (await tx.db.select({ k: residenceRegistrations.importKey }).from(residenceRegistrations).where(anyOf(residenceRegistrations.importKey, keys))).map((r) => r.k) : [],
    );
    const tenants = dws.length
      ? await tx.db
          .select({ dwellingId: residenceRegistrations.dwellingId, n: sql<number>`count(*)::int` })
          .from(residenceRegistrations)
          .where(
            and(
              anyOf(
                residenceRegistrations.dwellingId,
                dws.map((d) => d.id),
              ),
              isNull(residenceRegistrations.endedOn),
            ),
          )
          .groupBy(residenceRegistrations.dwellingId)
      : [];
    const tenantCount = new Map(tenants.map((t) => [t.dwellingId, Number(t.n)]));

    let duplicates = 0;
    const newPersons: (typeof persons.$inferInsert)[] = [];
    const regs: (typeof residenceRegistrations.$inferInsert)[] = [];
    const personUpdates: { id: string; jurisdictionCode: string; due: string }[] = [];
    const registeredInBatch = new Set<string>();
    for (const { row, value } of batch) {
      const d = dwellingByAddress.get(value.dwellingAddress);
      if (!d) {
        fail(row, 'dwellingAddress', 'DWELLING_UNKNOWN');
        continue;
      }
      const hashesOfRow = residentIdHashes(value.idNumber);
      const hash = hashesOfRow[0]!;
      const key = importKeyOf(hash, d.id, value.registeredOn);
      if (hashesOfRow.some((h) => existingKeys.has(importKeyOf(h, d.id, value.registeredOn)))) {
        duplicates++;
        continue;
      }
      let person = hashesOfRow.map((h) => personByHash.get(h)).find((p) => p !== undefined);
      // On the register outside the caller's jurisdiction: a move, which registerArrival records on
      // both sides. The import neither moves the person silently nor says where they are.
      if (person && !isInScope(tx, person.jurisdictionCode)) {
        fail(row, 'idNumber', 'PERSON_EXISTS');
        continue;
      }
      if (person) {
        const bad = checkRegistrationDate(value.registeredOn, today(tx), person.inflowDate);
        if (bad) {
          fail(row, 'registeredOn', bad);
          continue;
        }
        if (activeByPerson.has(person.id) || registeredInBatch.has(person.id)) {
          fail(row, 'idNumber', 'ALREADY_REGISTERED');
          continue;
        }
      } else {
        const p = {
          id: randomUUID(),
          name: value.name,
          ...protectResidentId(value.idNumber),
          birthDate: value.birthDate,
          gender: value.gender,
          kind: value.kind,
          inflowReason: value.inflowReason,
          inflowDate: value.inflowDate,
          hukouPlaceCode: value.hukouPlaceCode,
          ...protectPhone(value.phone),
          tier: 'stable' as const,
          jurisdictionCode: d.jurisdictionCode,
          lastVisitedOn: null,
          revisitDueOn: null,
        };
        newPersons.push(p);
        person = { ...p, version: 1, createdAt: tx.now() } as (typeof known)[number];
        personByHash.set(hash, person);
      }
      registeredInBatch.add(person.id);
      existingKeys.add(key);
      const n = tenantCount.get(d.id) ?? 0;
      tenantCount.set(d.id, n + 1);
      regs.push({
        id: randomUUID(),
        personId: person.id,
        dwellingId: d.id,
        jurisdictionCode: d.jurisdictionCode,
        registeredOn: value.registeredOn,
        overCapacity: n + 1 > d.capacity,
        source: 'import',
        importKey: key,
        createdBy: actor.id,
      });
      personUpdates.push({
        id: person.id,
        jurisdictionCode: d.jurisdictionCode,
        due: tenantRevisitDue({ lastVisitedOn: person.lastVisitedOn, registeredOn: value.registeredOn, tier: person.tier as TenantTier }),
      });
    }
    let created: { id: string; jurisdictionCode: string }[] = [];
    if (newPersons.length) {
      created = await tx.db.insert(persons).select(rowsAsSelect(persons, newPersons)).onConflictDoNothing().returning({ id: persons.id, jurisdictionCode: persons.jurisdictionCode });
      if (created.length)
        await tx.db.insert(personTierHistory).select(
          rowsAsSelect(
            personTierHistory,
            created.map((p) => ({ personId: p.id, tier: 'stable', setBy: actor.id, setAt: tx.now(), reason: 'initial (import)', jurisdictionCode: p.jurisdictionCode })),
          ),
        );
    }
    const inserted = regs.length ? await tx.db.insert(residenceRegistrations).select(rowsAsSelect(residenceRegistrations, regs)).onConflictDoNothing().returning() : [];
    if (personUpdates.length) {
      const values = sql.join(
        personUpdates.map((u) => sql`(${u.id}::uuid, ${u.jurisdictionCode}, ${u.due}::date)`),
        sql`, `,
      );
      await tx.db.execute(sql`update persons set jurisdiction_code = v.j, revisit_due_on = v.d from (values ${values}) as v(id, j, d) where persons.id = v.id`);
    }
    for (const p of created) tx.audit({ entityType: 'Person', entityId: p.id, jurisdictionCode: p.jurisdictionCode, after: newPersons.find((n) => n.id === p.id) });
    for (const r of inserted) {
      tx.audit({ entityType: 'ResidenceRegistration', entityId: r.id, jurisdictionCode: r.jurisdictionCode, after: r });
      await tx.emit('residenceRegistered', { registrationId: r.id, personId: r.personId, dwellingId: r.dwellingId, jurisdictionCode: r.jurisdictionCode, date: r.registeredOn });
    }
    if (inserted.length === 0 && created.length === 0) tx.audit({ entityType: 'RegistrationImport', entityId: ctx.requestId, after: { rows: batch.length, duplicates, errors: errors.length } });
    return { imported: inserted.length, duplicates: duplicates + (regs.length - inserted.length), personsCreated: created.length, errors };
  });
}

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
  const rows = await ctx.db
    .select({ r: residenceRegistrations, p: persons, address: dwellings.address })
    .from(residenceRegistrations)
    .innerJoin(persons, eq(persons.id, residenceRegistrations.personId))
    .innerJoin(dwellings, eq(dwellings.id, residenceRegistrations.dwellingId))
    .where(
      and(
        inScope(ctx, residenceRegistrations.jurisdictionCode),
        withinSql(residenceRegistrations.jurisdictionCode, input.jurisdictionCode),
        input.activeOnly ? isNull(residenceRegistrations.endedOn) : undefined,
      ),
    )
    .orderBy(asc(residenceRegistrations.jurisdictionCode), asc(residenceRegistrations.registeredOn), asc(residenceRegistrations.id))
    .limit(limit + 1);
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

import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { anyOf, requireActor, runMutation, type Ctx } from '@safecity/core';
import { dataKeyRing, decryptPhone, decryptResidentId, isUnderCurrentKey, protectPhone, protectResidentId, residentIdHashes } from '../identity.js';
import { dataKeyRotations, persons, residenceRegistrations } from '../tables.js';
import { importKeyOf } from './csv.js';

export interface RotationProgress {
  keyId: string;
  rowsRotated: number;
  rowsFailed: number;
  finished: boolean;
  batches: number;
}

/**
 * Re-encrypts and re-hashes identity numbers (and re-encrypts phone numbers) under the current SAFECITY_DATA_KEY, batch by batch,
 * each batch one transaction with its audit entry and its progress row, so the API keeps serving
 * (rows are locked one batch at a time) and an interrupted run resumes where it stopped. Lookups
 * try every accepted key's hash meanwhile (identity.ts). Import keys of imported registrations,
 * derived from the hash, are re-derived in the same transaction so re-imports stay idempotent.
 */
export async function rotateDataKey(ctx: Ctx, opts: { batchSize?: number; maxBatches?: number; onBatch?: (p: RotationProgress) => void } = {}): Promise<RotationProgress> {
  const actor = requireActor(ctx);
  const keyId = dataKeyRing().current.id;
  const batchSize = opts.batchSize ?? 500;
  await ctx.db.insert(dataKeyRotations).values({ keyId, startedBy: actor.id }).onConflictDoNothing();
  let batches = 0;
  for (;;) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) break;
    const step = await runMutation(ctx, { operation: 'rotateDataKey' }, async (tx) => {
      const [progress] = await tx.db.select().from(dataKeyRotations).where(eq(dataKeyRotations.keyId, keyId)).for('update');
      const cursor = progress!.lastPersonId;
      const rows = await tx.db
        .select({ id: persons.id, cipher: persons.idNumberCipher, hash: persons.idNumberHash, phoneCipher: persons.phoneCipher })
        .from(persons)
        .where(cursor ? gt(persons.id, cursor) : undefined)
        .orderBy(asc(persons.id))
        .limit(batchSize)
        .for('update');
      if (!rows.length) {
        if (!progress!.finishedAt) {
          await tx.db.update(dataKeyRotations).set({ finishedAt: tx.now() }).where(eq(dataKeyRotations.keyId, keyId));
          tx.audit({ entityType: 'DataKeyRotation', entityId: keyId, after: { keyId, finished: true, rowsRotated: progress!.rowsRotated, rowsFailed: progress!.rowsFailed } });
        }
        return { done: true, rotated: 0, failed: 0, progress: progress! };
      }
      const updates: { id: string; hash: string; cipher: string; phoneCipher: string | null; oldHashes: string[] }[] = [];
      let failed = 0;
      for (const r of rows) {
        const idCurrent = isUnderCurrentKey(r.cipher);
        const phoneCurrent = !r.phoneCipher || isUnderCurrentKey(r.phoneCipher);
        if (idCurrent && phoneCurrent) continue;
        let number: string;
        let phoneCipher = r.phoneCipher;
        try {
          number = decryptResidentId(r.cipher);
          if (!phoneCurrent) phoneCipher = protectPhone(decryptPhone(r.phoneCipher!)).phoneCipher;
        } catch {
          failed++;
          continue;
        }
        const p = idCurrent ? { idNumberHash: r.hash, idNumberCipher: r.cipher } : protectResidentId(number);
        updates.push({ id: r.id, hash: p.idNumberHash, cipher: p.idNumberCipher, phoneCipher, oldHashes: residentIdHashes(number).filter((h) => h !== p.idNumberHash) });
      }
      if (updates.length) {
        // One statement for the batch, whatever its size.
        await tx.db.execute(sql`update ${persons} as p set id_number_hash = u.hash, id_number_cipher = u.cipher, phone_cipher = u.phone_cipher
          from jsonb_to_recordset(${JSON.stringify(updates.map(({ id, hash, cipher, phoneCipher }) => ({ id, hash, cipher, phone_cipher: phoneCipher })))}::jsonb) as u(id uuid, hash text, cipher text, phone_cipher text)
          where p.id = u.id`);
        const regs = await tx.db
          .select({
            id: residenceRegistrations.id,
            personId: residenceRegistrations.personId,
            dwellingId: residenceRegistrations.dwellingId,
            registeredOn: residenceRegistrations.registeredOn,
            importKey: residenceRegistrations.importKey,
          })
          .from(residenceRegistrations)
          .where(
            and(
              anyOf(
                residenceRegistrations.personId,
                updates.map((u) => u.id),
              ),
              isNotNull(residenceRegistrations.importKey),
            ),
          );
        const byPerson = new Map(updates.map((u) => [u.id, u]));
        const rekeyed = regs.flatMap((g) => {
          const u = byPerson.get(g.personId)!;
          const fromOld = u.oldHashes.some((h) => importKeyOf(h, g.dwellingId, g.registeredOn) === g.importKey);
          return fromOld ? [{ id: g.id, key: importKeyOf(u.hash, g.dwellingId, g.registeredOn) }] : [];
        });
        if (rekeyed.length) {
          await tx.db.execute(sql`update ${residenceRegistrations} as r set import_key = u.key
            from jsonb_to_recordset(${JSON.stringify(rekeyed)}::jsonb) as u(id uuid, key text) where r.id = u.id`);
        }
      }
      const next = { lastPersonId: rows[rows.length - 1]!.id, rowsRotated: progress!.rowsRotated + updates.length, rowsFailed: progress!.rowsFailed + failed };
      await tx.db.update(dataKeyRotations).set(next).where(eq(dataKeyRotations.keyId, keyId));
      // Counts and key ids only: no number, hash or ciphertext in the audit log.
      tx.audit({ entityType: 'DataKeyRotation', entityId: keyId, after: { keyId, batchRows: rows.length, rotated: updates.length, failed, cursor: next.lastPersonId } });
      return { done: false, rotated: updates.length, failed, progress: { ...progress!, ...next } };
    });
    if (step.done) return { keyId, rowsRotated: step.progress.rowsRotated, rowsFailed: step.progress.rowsFailed, finished: true, batches };
    batches++;
    opts.onBatch?.({ keyId, rowsRotated: step.progress.rowsRotated, rowsFailed: step.progress.rowsFailed, finished: false, batches });
  }
  const [p] = await ctx.db.select().from(dataKeyRotations).where(eq(dataKeyRotations.keyId, keyId));
  return { keyId, rowsRotated: p!.rowsRotated, rowsFailed: p!.rowsFailed, finished: !!p!.finishedAt, batches };
}

/** Rows still not under the current key (what a finished rotation leaves: rows no key decrypts). */
export async function rowsNotUnderCurrentKey(ctx: Ctx): Promise<number> {
  const kid = dataKeyRing().current.id;
  const [r] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(persons)
    .where(sql`${persons.idNumberCipher} not like ${`v2.${kid}.%`} or ${persons.phoneCipher} not like ${`v2.${kid}.%`}`);
  return Number(r!.n);
}

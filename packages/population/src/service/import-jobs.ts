import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { maskPersonalText, notFound, requireActor, runMutation, scopedRead, type Ctx } from '@safecity/core';
import { importJobReads } from '../reads.js';
import { registrationImports } from '../tables.js';
import { checkImportText, countCsvRows, importRegistrations, type ImportOptions, type ImportResult } from './registration-import.js';

export type RegistrationImportJob = typeof registrationImports.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Starts an import in the background and returns its job at once: the file is checked first (size,
 * header, CSV syntax; a bad file gets its error and writes nothing), then each chunk's transaction
 * also moves the job's counters, so `registrationImport(id)` shows real progress while it runs.
 * The job belongs to the caller's jurisdiction and is read like any record of it.
 */
export async function startRegistrationImport(
  ctx: Ctx,
  csv: string,
  opts: Pick<ImportOptions, 'maxBytes' | 'batchSize'> & { onSettled?: (job: RegistrationImportJob) => void } = {},
): Promise<RegistrationImportJob> {
  const actor = requireActor(ctx);
  checkImportText(csv, opts.maxBytes);
  const job = await runMutation(ctx, { operation: 'startRegistrationImport' }, async (tx) => {
    const [row] = await tx.db
      .insert(registrationImports)
      .values({ id: randomUUID(), jurisdictionCode: actor.jurisdictionCode, startedBy: actor.id, state: 'running', rowsTotal: countCsvRows(csv), startedAt: tx.now() })
      .returning();
    tx.audit({ entityType: 'RegistrationImportJob', entityId: row!.id, jurisdictionCode: row!.jurisdictionCode, after: { ...row, errors: undefined } });
    return row!;
  });
  // The import outlives the request: its own context, without the request's abort signal.
  const bg: Ctx = { ...ctx, db: ctx.platform.database.db, signal: undefined, loaders: new Map() };
  void runJob(bg, job, csv, opts).then(opts.onSettled, (e) => ctx.log.error({ err: e, importId: job.id }, 'registration import: the job row could not be closed'));
  return job;
}

async function runJob(ctx: Ctx, job: RegistrationImportJob, csv: string, opts: Pick<ImportOptions, 'maxBytes' | 'batchSize'>): Promise<RegistrationImportJob> {
  const counters = (r: ImportResult, done: number) => ({
    rowsDone: done,
    imported: r.imported,
    duplicates: r.duplicates,
    personsCreated: r.personsCreated,
    errors: r.errors.slice().sort((a, b) => a.row - b.row),
  });
  let result: ImportResult | null = null;
  let failure: string | null = null;
  let done = 0;
  try {
    result = await importRegistrations(ctx, csv, {
      ...opts,
      totalHint: job.rowsTotal,
      onProgress: (d) => void (done = d),
      onChunk: async (tx, soFar) => {
        // Rows decided once this chunk commits: every row read so far.
        await tx.db.update(registrationImports).set(counters(soFar, soFar.rows)).where(eq(registrationImports.id, job.id));
      },
    });
  } catch (e) {
    failure = maskPersonalText((e as Error).message ?? String(e)).slice(0, 500);
    ctx.log.warn({ importId: job.id, err: e }, 'registration import failed');
  }
  return runMutation(ctx, { operation: 'finishRegistrationImport' }, async (tx) => {
    const [row] = await tx.db
      .update(registrationImports)
      .set(result ? { ...counters(result, result.rows), rowsTotal: result.rows, state: 'finished', finishedAt: tx.now() } : { rowsDone: done, state: 'failed', failure, finishedAt: tx.now() })
      .where(eq(registrationImports.id, job.id))
      .returning();
    tx.audit({ entityType: 'RegistrationImportJob', entityId: job.id, jurisdictionCode: job.jurisdictionCode, after: { ...row, errors: row?.errors.length ?? 0 } });
    return row!;
  });
}

/** An import job of the caller's subtree; any other is NOT_FOUND (its existence is not leaked). */
export async function registrationImportJob(ctx: Ctx, id: string): Promise<RegistrationImportJob> {
  requireActor(ctx);
  if (!UUID.test(id)) throw notFound('registration import');
  const [row] = await scopedRead(ctx, importJobReads, { where: [eq(registrationImports.id, id)], limit: 1 });
  if (!row) throw notFound('registration import');
  return row;
}

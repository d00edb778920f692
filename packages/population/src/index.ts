import { createReadStream, writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { appendOnly, defineModule, observeJob } from '@safecity/core';
import { PopulationErrors } from './errors.js';
import { registerPopulationSchema } from './graphql/index.js';
import { seedPopulation } from './seed.js';
import { exportRegistrationsCsv, importRegistrationsCsv } from './service/csv.js';
import { DEFAULT_LOG_EVERY, importProgress } from './service/import-progress.js';
import { countFileRows } from './service/registration-import.js';
import { encryptLegacyPhones } from './service/phone-migration.js';
import { rotateDataKey, rowsNotUnderCurrentKey } from './service/data-key.js';
import { sweepOverdueRevisits } from './service/revisits.js';
import { foldRateFacts, rateFactsSql, rebuildRateFacts } from './service/rate-facts.js';
import { dwellingClassHistory, fiveOnesChecks, personTierHistory, tables } from './tables.js';
import { POPULATION_ROW_SECURITY_SQL } from './row-security.js';

/**
 * The population module: floating population and rental housing (流动人口与出租屋).
 *
 * Decisions an operator should know:
 * - Capacity: a registration above a dwelling's capacity is ACCEPTED AND FLAGGED
 *   (`ResidenceRegistration.overCapacity`, `Dwelling.overCapacity`, filter `overCapacity`),
 *   not refused: refusing would keep people who do live there off the register.
 * - Revisit cadence: "half month" is a fixed 15 days; quarter and half year are 3 and 6
 *   calendar months (clamped to month end). A visit on the due date is on time (rules.ts).
 * - Identity numbers are stored as HMAC-SHA256 (search), masked text (display) and AES-256-GCM
 *   ciphertext (audited reveal), keyed by SAFECITY_DATA_KEY (a public development key when unset;
 *   required in production). See identity.ts.
 * - Floating-population estimates (the registration rate's denominator) are recorded per community
 *   and period; rates roll up by summing the communities of a subtree.
 */
export const populationModule = defineModule({
  name: 'population',
  tables,
  permissions: {
    'population:read': {
      description: 'Read persons, dwellings, registrations, revisits and rates in one’s jurisdiction (identity numbers masked).',
      roles: ['city_admin', 'district_officer', 'grid_worker', 'auditor', 'department_service'],
    },
    'population:write': { description: 'Register persons, dwellings, residences and revisits; import registrations.', roles: ['city_admin', 'district_officer', 'grid_worker'] },
    'population:manage': { description: 'Record floating-population estimates and run the overdue sweep.', roles: ['city_admin', 'district_officer'] },
    'population:export': { description: 'Export a jurisdiction’s registrations as CSV (audited).', roles: ['city_admin', 'district_officer', 'auditor'] },
    'population:identity.reveal': { description: 'See full resident identity numbers, stating a purpose (each reveal is audited).', roles: ['city_admin', 'auditor'] },
  },
  errorCodes: PopulationErrors.all,
  register: (builder) => registerPopulationSchema(builder),
  /** The history tables: corrections are new rows. The rates' fact buckets are kept by triggers on every write. */
  postMigrateSql: [...appendOnly([personTierHistory, dwellingClassHistory, fiveOnesChecks]), ...POPULATION_ROW_SECURITY_SQL, ...rateFactsSql()],
  postMigrate: async (db) => void (await encryptLegacyPhones(db)),
  subscribers: [],
  emits: ['residenceRegistered', 'residenceDeregistered', 'personMovedAway', 'personArrived', 'revisitOverdue'],
  seed: seedPopulation,
  jobs: [
    {
      // Writers only append deltas; this moves them into the subtree buckets so a rates query
      // reads a node and its children, not every delta. Answers are exact whether it ran or not:
      // the query adds the deltas not yet folded; the period only bounds how many there are.
      name: 'population.fold-rate-facts',
      everyMs: 2_000,
      async run(ctx) {
        const folded = await foldRateFacts(ctx);
        if (folded) {
          ctx.log.debug({ folded }, 'rate fact deltas folded');
          // Every fold leaves the deltas' pages dead, and a reader scans them (no index, on
          // purpose): vacuum keeps the table a few pages even where autovacuum is off or slow.
          await ctx.db.execute(sql`vacuum population_rate_fact_deltas`);
        }
      },
    },
  ],
  commands: {
    import: {
      description: 'Import residence registrations from a CSV file (a progress bar on a terminal, else a log line every N rows; bad rows reported, reruns add nothing).',
      usage: 'population:import <file.csv> [--as grid_worker] [--log-every 10000] [--batch 10000]',
      async run(ctx, args) {
        const opt = (name: string) => {
          const i = args.indexOf(`--${name}`);
          return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined;
        };
        const every = opt('log-every') ?? (Number(process.env.IMPORT_LOG_EVERY) || DEFAULT_LOG_EVERY);
        const batchSize = opt('batch');
        const file = args[0];
        if (!file) throw new Error('usage: population:import <file.csv>');
        const progress = await importProgress({ tty: !!process.stderr.isTTY, every, write: (line) => process.stderr.write(`${line}\n`) });
        let result: Awaited<ReturnType<typeof importRegistrationsCsv>>;
        try {
          result = await importRegistrationsCsv(ctx, createReadStream(file), { totalHint: await countFileRows(file), batchSize, onProgress: progress.onProgress });
        } finally {
          progress.stop();
        }
        console.log(JSON.stringify({ ...result, errors: result.errors.length }, null, 2));
        for (const e of result.errors) console.log(`line ${e.row}\t${e.column ?? ''}\t${e.code}\t${e.message}`);
      },
    },
    export: {
      description: 'Export a jurisdiction’s registrations as CSV (identity numbers masked).',
      usage: 'population:export <jurisdictionCode> [out.csv] [--active]',
      async run(ctx, args) {
        const activeOnly = args.includes('--active');
        const [code, out] = args.filter((a) => a !== '--active');
        if (!code) throw new Error('usage: population:export <jurisdictionCode> [out.csv] [--active]');
        const r = await exportRegistrationsCsv(ctx, { jurisdictionCode: code, activeOnly, limit: 10_000_000 });
        if (out) {
          writeFileSync(out, r.csv);
          console.log(`wrote ${r.rows} registrations to ${out}`);
        } else process.stdout.write(r.csv);
      },
    },
    'rotate-data-key': {
      description: 'Re-encrypt and re-hash identity numbers under SAFECITY_DATA_KEY (SAFECITY_DATA_KEY_PREVIOUS = the old key); resumable, audited, the API keeps serving.',
      usage: 'population:rotate-data-key [--batch 500] [--max-batches N]',
      async run(ctx, args) {
        const opt = (name: string) => {
          const i = args.indexOf(`--${name}`);
          return i >= 0 ? Number(args[i + 1]) : undefined;
        };
        const p = await observeJob('population:rotate-data-key', () =>
          rotateDataKey(ctx, {
            batchSize: opt('batch') ?? 500,
            maxBatches: opt('max-batches'),
            onBatch: (b) => console.log(`key ${b.keyId}: ${b.rowsRotated} rotated, ${b.rowsFailed} undecryptable, batch ${b.batches}`),
          }),
        );
        const left = await rowsNotUnderCurrentKey(ctx);
        console.log(JSON.stringify({ ...p, rowsNotUnderCurrentKey: left }));
        if (p.finished && left > 0) {
          console.error(`${left} identity numbers are under a key that is neither SAFECITY_DATA_KEY nor SAFECITY_DATA_KEY_PREVIOUS: keep the old key until they are dealt with.`);
          process.exitCode = 1;
        }
      },
    },
    'rebuild-rate-facts': {
      description: 'Recompute the rates’ fact buckets from the registers in one transaction (idempotent; audited).',
      usage: 'population:rebuild-rate-facts',
      async run(ctx) {
        console.log(JSON.stringify(await observeJob('population:rebuild-rate-facts', () => rebuildRateFacts(ctx))));
      },
    },
    'sweep-overdue': {
      description: 'Emit revisitOverdue for every overdue dwelling and tenant (once per due date).',
      usage: 'population:sweep-overdue [YYYY-MM-DD]',
      async run(ctx, args) {
        console.log(JSON.stringify(await sweepOverdueRevisits(ctx, { asOf: args[0] ?? null })));
      },
    },
  },
});

export { PopulationErrors } from './errors.js';
export { generateCityScale, insertBatch, residentIdNumber, type CityScaleOptions, type CityScaleBatch, type CityScaleTable } from './seed.js';
export * as populationRules from './rules.js';

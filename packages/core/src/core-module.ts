import { anchorAuditChains, AUDIT_ROWS_SQL, writeTailSql } from './audit.js';
import { registerCalendarSchema } from './calendar/graphql.js';
import { calendarPostMigrateSql } from './calendar/package-seed.js';
import { loadCalendarCommand } from './calendar/command.js';
import { calendarCoverageOf, calendarReadiness } from './calendar/service.js';
import { chinaDateOf } from './china-day.js';
import { jobTables } from './jobs.js';
import { calendarTables, holidayArrangements } from './calendar/tables.js';
import { cityDivisions } from './divisions.js';
import { CoreErrors, TOP_LEVEL_ERROR_CODES } from './errors.js';
import { registerCoreSchema } from './graphql/core-schema.js';
import { appendOnly, RETIRED_APPEND_ONLY_SQL } from './integrity.js';
import { defineModule } from './module.js';
import { OUTBOX_KEEP_SQL } from './outbox.js';
import { auditLog, coreTables, jurisdictions } from './tables.js';

/** The demo city: 兰州市 (Lanzhou, seed 000), with grids drawn in 城关区 and 七里河区. */
export const DEMO_CITY = { code: '620100', name: '兰州市', gridDistricts: ['620102', '620103'] };

/**
 * Codes top-level (non-union) errors carry, besides the catalog's: the scalars' refusals and the
 * gateway's and server's own (TOP_LEVEL_ERROR_CODES), all in the one `ErrorCode` enum.
 */
const TOP_LEVEL_CODES = Object.keys(TOP_LEVEL_ERROR_CODES);

export const coreModule = defineModule({
  name: 'core',
  tables: { ...coreTables, ...calendarTables, ...jobTables },
  permissions: {
    'jurisdiction:manage': { description: 'Draw grids and rename divisions in one’s jurisdiction.', roles: ['city_admin', 'district_officer'] },
    'audit:read': { description: 'Read the audit log of one’s jurisdiction.', roles: ['city_admin', 'auditor'] },
    'audit:verify': { description: 'Verify the audit hash chain.', roles: ['city_admin', 'auditor'] },
    'auth:token.revoke': { description: 'Revoke API tokens by id or subject.', roles: ['city_admin'] },
    'events:subscribe': {
      description: 'Subscribe to committed domain events in one’s jurisdiction.',
      roles: ['city_admin', 'district_officer', 'grid_worker', 'assessor', 'auditor', 'department_service', 'credit_officer'],
    },
    'calendar:manage': { description: 'Load a year’s official holiday arrangement (the State Council’s notice).', roles: ['city_admin'] },
  },
  unscopedTables: {
    audit_log: 'the hash chain is appended after its last entry, whoever wrote it; auditLog reads filter by scope in the service',
    event_outbox: 'written by every transaction and relayed by the platform; subscriptions filter by scope on delivery',
  },
  errorCodes: [...CoreErrors.all, ...TOP_LEVEL_CODES],
  register: (builder) => {
    registerCoreSchema(builder);
    registerCalendarSchema(builder);
  },
  subscribers: [],
  emits: [],
  get postMigrateSql() {
    // The retired per-module trigger functions go first; every append-only table (core's and the
    // modules') is then guarded by the one shared function.
    return [...RETIRED_APPEND_ONLY_SQL, ...appendOnly([auditLog, holidayArrangements]), ...writeTailSql(), ...AUDIT_ROWS_SQL, ...OUTBOX_KEEP_SQL, ...calendarPostMigrateSql()];
  },
  readiness: [calendarReadiness],
  jobs: [
    {
      // Records the head of every district chain in the city chain, so a removed tail is found.
      name: 'core.audit-anchor',
      everyMs: 10 * 60_000,
      async run(ctx) {
        const heads = await anchorAuditChains(ctx.platform.database.db, ctx.requestId);
        if (heads) ctx.log.info({ chains: Object.keys(heads).length }, 'audit chains anchored');
      },
    },
    {
      // /readiness and the metrics gauge say it when asked; this says it in the log, once per node run.
      name: 'core.calendar-warning',
      everyMs: 6 * 3600_000,
      async run(ctx) {
        const c = await calendarCoverageOf(ctx.platform.database, chinaDateOf(ctx.now()));
        if (c.status !== 'ok') ctx.log.warn({ daysLeft: c.daysLeft, detail: c.detail }, 'the official holiday calendar runs out soon: load the next year (core:load-calendar)');
      },
    },
  ],
  commands: { 'load-calendar': loadCalendarCommand },
  async seed(ctx) {
    const divisions = await cityDivisions(DEMO_CITY.code, { gridDistricts: DEMO_CITY.gridDistricts, gridsPerCommunity: 3 });
    for (let i = 0; i < divisions.length; i += 1000) {
      await ctx.db
        .insert(jurisdictions)
        .values(divisions.slice(i, i + 1000))
        .onConflictDoNothing();
    }
    ctx.log.info({ count: divisions.length }, 'jurisdictions seeded');
  },
});

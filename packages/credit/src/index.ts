import { defineModule } from '@safecity/core';
import { CreditErrors } from './errors.js';
import { registerCreditSchema } from './graphql.js';
import { seedCredit } from './seed.js';
import { creditSubscribers } from './service/events.js';
import { proposeEligibleRedListEntries } from './service/records.js';
import { creditTables } from './tables.js';

/** Records, entries, repair requests and decisions are facts: corrections are new rows, never edits. */
const APPEND_ONLY_TABLES = ['credit_records', 'credit_list_entries', 'credit_repair_requests', 'credit_list_decisions'];
const APPEND_ONLY_SQL = [
  `create or replace function credit_append_only() returns trigger language plpgsql as $$
   begin raise exception '% is append-only', tg_table_name; end $$`,
  ...APPEND_ONLY_TABLES.flatMap((t) => [
    `drop trigger if exists ${t}_append_only on ${t}`,
    `create trigger ${t}_append_only before update or delete on ${t} for each row execute function credit_append_only()`,
  ]),
];

/**
 * The credit module (信用红黑榜): subjects by unified social credit code, credit records,
 * red and black lists with derived status, credit repair, public lists and standing checks.
 * It turns the assessment module's veto and pass events into records without importing it.
 */
export const creditModule = defineModule({
  name: 'credit',
  tables: creditTables,
  permissions: {
    'credit:read': { description: 'Read credit subjects, records and list entries in one’s jurisdiction.', roles: ['city_admin', 'district_officer', 'auditor', 'credit_officer', 'department_service'] },
    'credit:standing.read': { description: 'Check subjects’ credit standing (联合奖惩).', roles: ['department_service', 'credit_officer', 'city_admin', 'auditor', 'district_officer'] },
    'credit:details.read': { description: 'See evidence, internal notes and repair materials (not public).', roles: ['credit_officer', 'auditor', 'city_admin'] },
    'credit:record.write': { description: 'Register subjects and record credit facts.', roles: ['credit_officer', 'city_admin'] },
    'credit:list.propose': { description: 'Propose red/black list entries.', roles: ['credit_officer', 'city_admin'] },
    'credit:list.decide': { description: 'Decide list proposals and credit-repair requests.', roles: ['credit_officer'] },
    'credit:repair.request': { description: 'File credit-repair requests on behalf of a subject.', roles: ['credit_officer', 'district_officer'] },
  },
  errorCodes: CreditErrors.all,
  register: (builder) => registerCreditSchema(builder),
  subscribers: creditSubscribers,
  emits: ['blacklistEntryProposed'],
  seed: seedCredit,
  commands: {
    'propose-red': {
      description: 'Runs the red-list rule over the subjects of your jurisdiction and files proposals (run with --as credit_officer).',
      run: async (ctx) => console.log(`${await proposeEligibleRedListEntries(ctx)} red-list proposals filed`),
    },
  },
  postMigrateSql: APPEND_ONLY_SQL,
});

export { CreditErrors };

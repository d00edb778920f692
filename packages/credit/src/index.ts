import { appendOnly, defineModule } from '@safecity/core';
import { CreditErrors } from './errors.js';
import { registerCreditSchema } from './graphql/index.js';
import { seedCredit } from './seed.js';
import { creditSubscribers } from './service/events.js';
import { proposeEligibleRedListEntries } from './service/records.js';
import { creditListDecisions, creditListEntries, creditRecords, creditRepairRequests, creditTables } from './tables.js';

/**
 * The credit module (信用红黑榜): subjects by unified social credit code, credit records,
 * red and black lists with derived status, credit repair, public lists and standing checks.
 * It turns the assessment module's veto and pass events into records without importing it.
 */
export const creditModule = defineModule({
  name: 'credit',
  tables: creditTables,
  permissions: {
    'credit:read': {
      description: 'Read credit subjects, records and list entries in one’s jurisdiction.',
      roles: ['city_admin', 'district_officer', 'auditor', 'credit_officer', 'department_service'],
    },
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
  /** Records, entries, repair requests and decisions are facts: corrections are new rows, never edits. */
  postMigrateSql: appendOnly([creditRecords, creditListEntries, creditRepairRequests, creditListDecisions]),
});

export { CreditErrors };

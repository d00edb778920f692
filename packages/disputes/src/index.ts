import { appendOnly, defineModule } from '@safecity/core';
import { DisputesErrors } from './errors.js';
import { registerDisputesSchema } from './graphql/index.js';
import { seedDisputes } from './seed.js';
import { escalateOverdueDisputes } from './service/escalation.js';
import { APPEND_ONLY_TABLES, disputesTables } from './tables.js';

/**
 * Dispute screening and mediation (矛盾纠纷排查调处): the big-mediation network (大调解) of
 * rooms, centres and specialised committees; disputes with their parties, routing, steps,
 * escalation and follow-up visits; screening rounds; rates rolled up the tree.
 *
 * Decisions an operator should know:
 * - Deadlines count calendar days (rules/deadlines.ts, one helper to swap for core's
 *   working-day calendar): 30/15/7/3 days by risk, wages at most 10, could-become-mass-incident at most 3.
 * - Escalation is done by the sweep (`disputes:escalate`, or the escalateOverdueDisputes
 *   mutation), never by a read; a failed session escalates at once.
 * - Persons on the register are parties by reference only; this module never reads population.
 * - A mass incident is announced as `majorIncidentRecorded` (kind major_mass_incident), so
 *   assessment's veto rules count it in the same transaction; a veto proposal as `vetoProposed`.
 */
export const disputesModule = defineModule({
  name: 'disputes',
  tables: disputesTables,
  permissions: {
    'disputes:read': {
      description: 'Read disputes, mediation organisations, screening rounds, veto proposals and rates in one’s jurisdiction.',
      roles: ['city_admin', 'district_officer', 'grid_worker', 'assessor', 'auditor'],
    },
    'disputes:write': { description: 'Register disputes, screening rounds and follow-up visits.', roles: ['city_admin', 'district_officer', 'grid_worker'] },
    'disputes:mediate': { description: 'Route disputes, record mediation sessions and mass incidents (mediation centres).', roles: ['city_admin', 'district_officer'] },
    'disputes:manage': { description: 'Register mediation organisations and run the escalation sweep.', roles: ['city_admin', 'district_officer'] },
    'disputes:veto.propose': { description: 'Propose a comprehensive-governance veto (综治否决建议) for a mediation centre.', roles: ['city_admin', 'district_officer'] },
    'disputes:veto.decide': { description: 'Decide veto proposals (the assessor).', roles: ['city_admin', 'assessor'] },
  },
  errorCodes: DisputesErrors.all,
  register: (builder) => registerDisputesSchema(builder),
  subscribers: [],
  emits: ['disputeEscalated', 'majorIncidentRecorded', 'vetoProposed'],
  seed: seedDisputes,
  postMigrateSql: appendOnly(APPEND_ONLY_TABLES),
  commands: {
    escalate: {
      description: 'The escalation sweep: open disputes past their level’s deadline go up one level (at most 500 a run).',
      usage: 'disputes:escalate [YYYY-MM-DD]',
      async run(ctx, args) {
        // recorded as the system: the deadline rule decided, not whoever ran the command
        console.log(JSON.stringify(await escalateOverdueDisputes({ ...ctx, actor: null }, { asOf: args[0] ?? null })));
      },
    },
  },
});

export { DisputesErrors } from './errors.js';
export * as disputesRules from './rules/index.js';

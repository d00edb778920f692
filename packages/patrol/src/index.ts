import { defineModule } from '@safecity/core';
import { PatrolErrors } from './errors.js';
import { registerPatrolSchema } from './graphql/index.js';
import { seedPatrol } from './seed.js';
import { patrolTables } from './tables.js';

/**
 * The patrol module (巡逻防控与卡口): checkpoints and three-shift rosters, duty logs and
 * their compliance, alerts with joint-duty activation, patrol blocks.
 */
export const patrolModule = defineModule({
  name: 'patrol',
  tables: patrolTables,
  permissions: {
    // Patrol's queries are open to every authenticated role; this permission names that grant, so
    // its events (alerts, joint-duty activations, major incidents) declare who reads them.
    'patrol:read': {
      description: 'Read checkpoints, teams, duty logs, alerts and activations in one’s jurisdiction (and receive their events).',
      roles: ['city_admin', 'district_officer', 'grid_worker', 'assessor', 'auditor', 'department_service', 'credit_officer'],
    },
    'patrol:manage': { description: 'Set up checkpoints, teams, members, blocks and joint-duty rules; record discipline.', roles: ['city_admin', 'district_officer'] },
    'patrol:duty.record': { description: 'Record duty logs, joint-duty check-ins and community feedback.', roles: ['city_admin', 'district_officer', 'grid_worker'] },
    'patrol:alert.record': { description: 'Record alerts and cases (police integration).', roles: ['city_admin', 'district_officer', 'department_service'] },
  },
  errorCodes: PatrolErrors.all,
  register: registerPatrolSchema,
  subscribers: [],
  emits: ['alertRecorded', 'jointDutyActivated', 'majorIncidentRecorded'],
  seed: seedPatrol,
});

export * as patrolRules from './rules/index.js';

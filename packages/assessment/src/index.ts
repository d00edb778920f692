import { appendOnly, defineModule, on, systemContext } from '@safecity/core';
import { AssessmentErrors } from './errors.js';
import { registerAssessmentSchema } from './graphql/index.js';
import { seedAssessment } from './seed.js';
import { onMajorIncident, onVetoProposed } from './service/events.js';
import { settleOverdueRectifications } from './service/rectification.js';
import { APPEND_ONLY_TABLES, assessmentTables } from './tables.js';

/** Safe-unit assessment (平安创建考核): standards, scores, one-vote veto, cards, plaques, rectification, history. */
export const assessmentModule = defineModule({
  name: 'assessment',
  tables: assessmentTables,
  permissions: {
    'assessment:read': { description: 'Read safe units, assessments, standards and rates in one’s jurisdiction.', roles: ['city_admin', 'district_officer', 'assessor', 'auditor', 'credit_officer'] },
    'assessment:assess': { description: 'Register and assess units, record events, issue cards and rectification orders in one’s jurisdiction.', roles: ['city_admin', 'assessor'] },
    'assessment:configure': { description: 'Publish standards, veto rule sets, batches and three-in-one weights.', roles: ['city_admin'] },
    'assessment:history.read': { description: 'Read a unit’s full decision history and past standing.', roles: ['city_admin', 'assessor', 'auditor'] },
  },
  errorCodes: AssessmentErrors.all,
  register(builder) {
    registerAssessmentSchema(builder);
  },
  subscribers: [on('majorIncidentRecorded', 'assessment.recordMajorEvent', onMajorIncident), on('vetoProposed', 'assessment.recordVetoProposal', onVetoProposed)],
  emits: ['unitAssessed', 'unitVetoed', 'plaqueRevoked', 'rectificationOverdue'],
  seed: seedAssessment,
  postMigrateSql: appendOnly(APPEND_ONLY_TABLES),
  jobs: [
    {
      // Settling is a write (a batch move, an audit entry, an event): it runs here, on one node
      // under the job runner's lock, never inside a read.
      name: 'assessment.settle-overdue',
      everyMs: 15 * 60_000,
      async run(ctx) {
        const moved = await settleOverdueRectifications(systemContext(ctx.platform), { all: true });
        if (moved) ctx.log.info({ moved }, 'overdue rectifications settled');
      },
    },
  ],
  commands: {
    sweep: {
      description: 'Applies the overdue-rectification rule: moves units into the next batch and emits rectificationOverdue.',
      usage: 'assessment:sweep',
      async run(ctx, _args: string[]) {
        const moved = await settleOverdueRectifications(systemContext(ctx.platform), { all: true });
        ctx.log.info({ moved }, 'overdue rectifications settled');
        console.log(`moved ${moved} unit(s) into their next batch`);
      },
    },
  },
});

export { AssessmentErrors };

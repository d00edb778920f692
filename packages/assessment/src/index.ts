import { defineModule } from '@safecity/core';

/** The assessment module. (Skeleton: filled in by its own issue.) */
export const assessmentModule = defineModule({
  name: 'assessment',
  tables: {},
  permissions: {},
  errorCodes: [],
  register: () => {},
  subscribers: [],
});

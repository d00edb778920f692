import { defineModule } from '@safecity/core';

/** The patrol module. (Skeleton: filled in by its own issue.) */
export const patrolModule = defineModule({
  name: 'patrol',
  tables: {},
  permissions: {},
  errorCodes: [],
  register: () => {},
  subscribers: [],
});

import { defineModule } from '@safecity/core';

/** The credit module. (Skeleton: filled in by its own issue.) */
export const creditModule = defineModule({
  name: 'credit',
  tables: {},
  permissions: {},
  errorCodes: [],
  register: () => {},
  subscribers: [],
});

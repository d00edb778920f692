import { defineModule } from '@safecity/core';

/** The population module. (Skeleton: filled in by its own issue.) */
export const populationModule = defineModule({
  name: 'population',
  tables: {},
  permissions: {},
  errorCodes: [],
  register: () => {},
  subscribers: [],
});

import type { Builder } from '@safecity/core';
import { registerDwellingSchema } from './dwellings.js';
import { registerEventSchema } from './events.js';
import { registerMoves } from './moves.js';
import { registerPersonSchema } from './persons.js';
import { registerRateSchema } from './rates.js';
import { createRefs } from './refs.js';
import { registerRegistrationSchema } from './registrations.js';
import { registerRevisitSchema } from './revisits.js';

/** The population module's part of the schema: a thin skin over the services. */
export function registerPopulationSchema(builder: Builder) {
  const types = createRefs(builder);
  registerPersonSchema(builder, types);
  registerDwellingSchema(builder, types);
  registerRegistrationSchema(builder, types);
  registerRevisitSchema(builder, types);
  registerRateSchema(builder);
  registerEventSchema(builder);
  registerMoves(builder, types);
}

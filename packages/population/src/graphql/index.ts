import type { Builder } from '@safecity/core';
import { registerMoves } from './moves.js';
import { registerOperations } from './operations.js';
import { registerTypes } from './types.js';

/** The population module's part of the schema: a thin skin over the services. */
export function registerPopulationSchema(builder: Builder) {
  const types = registerTypes(builder);
  registerOperations(builder, types);
  registerMoves(builder, types);
}

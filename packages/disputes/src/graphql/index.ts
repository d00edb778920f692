import type { Builder } from '@safecity/core';
import { registerOperations } from './operations.js';
import { registerTypes } from './types.js';

export function registerDisputesSchema(builder: Builder) {
  registerOperations(builder, registerTypes(builder));
}

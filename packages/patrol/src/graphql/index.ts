import type { Builder } from '@safecity/core';
import { registerAlertSchema } from './alerts.js';
import { registerBlockSchema } from './blocks.js';
import { registerCheckpointSchema } from './checkpoints.js';
import { createRefs } from './refs.js';

export function registerPatrolSchema(builder: Builder) {
  const refs = createRefs(builder);
  registerCheckpointSchema(builder, refs);
  registerAlertSchema(builder, refs);
  registerBlockSchema(builder, refs);
}

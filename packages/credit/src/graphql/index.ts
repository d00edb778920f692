import type { Builder } from '@safecity/core';
import { registerListSchema } from './lists.js';
import { registerRecordSchema } from './records.js';
import { createRefs } from './refs.js';
import { registerRepairSchema } from './repair.js';
import { registerStandingSchema } from './standing.js';
import { registerSubjectSchema } from './subjects.js';

export function registerCreditSchema(builder: Builder) {
  const refs = createRefs(builder);
  registerSubjectSchema(builder, refs);
  registerRecordSchema(builder, refs);
  registerListSchema(builder, refs);
  registerRepairSchema(builder, refs);
  registerStandingSchema(builder, refs);
}

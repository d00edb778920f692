import type { Builder } from '@safecity/core';
import { createRefs } from './refs.js';
import { registerReportSchema } from './reports.js';
import { registerSanctionSchema } from './sanctions.js';
import { registerStandardSchema } from './standards.js';
import { registerUnitSchema } from './units.js';

export function registerAssessmentSchema(builder: Builder) {
  const refs = createRefs(builder);
  registerStandardSchema(builder, refs);
  registerUnitSchema(builder, refs);
  registerSanctionSchema(builder, refs);
  registerReportSchema(builder, refs);
  return { SafeUnit: refs.SafeUnit, Assessment: refs.Assessment };
}

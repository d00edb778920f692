import { declarePlannedNode, idOfType, type Builder, type Ctx, describedValues } from '@safecity/core';
import { unitReads } from '../reads.js';
import { CATEGORIES, CATEGORY_KEYS, EVENT_KIND_LABELS, MAJOR_EVENT_KINDS } from '../rules/categories.js';
import { assessmentLoader, type AssessmentRow, type MajorEventRow } from '../service/assessments.js';
import { unitLoader, type UnitRow } from '../service/common.js';
import type { CardRow, InvestigationRow, OrderRow } from '../service/rectification.js';
import type { BatchRow } from '../service/setup.js';

export const READ = { permission: 'assessment:read' } as const;
export const ASSESS = { permission: 'assessment:assess' } as const;
export const CONFIGURE = { permission: 'assessment:configure' } as const;
export const HISTORY = { permission: 'assessment:history.read' } as const;

export const key = (t: any) =>
  t.arg({ type: 'IdempotencyKey', description: 'Optional client-chosen key: a retry with the same key and input returns the first attempt’s result instead of writing again.' });

/** The row id of a global id of `typename`; a malformed id or one of another type is CORE_ID_MALFORMED (core's one decoder). */
export function rawId(globalId: string, typename: string, field = 'id'): string {
  return idOfType(globalId, typename, field);
}

/** The module's GraphQL types used by more than one subdomain file, created once per schema. */
export function createRefs(builder: Builder) {
  // An auditor's `node(id:) { ... on SafeUnit { assessments { … } } }` (the unit's history): one statement.
  declarePlannedNode(builder, 'SafeUnit', unitReads);
  return {
    CategoryEnum: builder.enumType('SafeUnitCategory', {
      description: 'The 11 safe-cell categories (平安细胞).',
      values: Object.fromEntries(CATEGORY_KEYS.map((k) => [k, { value: k, description: CATEGORIES[k].label }])),
    }),
    EventKind: builder.enumType('MajorEventKind', {
      description: 'Kind of a major event (重大案事件) that a one-vote veto (一票否决) rule can name.',
      values: describedValues(MAJOR_EVENT_KINDS, EVENT_KIND_LABELS),
    }),
    VetoScope: builder.enumType('VetoScope', {
      description: 'Where the events a veto rule counts must have happened.',
      values: describedValues(['unit', 'jurisdiction'] as const, {
        unit: 'Only events recorded at the unit itself.',
        jurisdiction: 'Events at the unit or anywhere inside the unit’s jurisdiction (属地).',
      }),
    }),

    SafeUnit: builder.loadableNodeRef('SafeUnit', {
      id: { resolve: (u: UnitRow) => u.id },
      load: (ids: string[], ctx: Ctx) => unitLoader(ctx).loadMany(ids),
    }),
    Assessment: builder.loadableNodeRef('Assessment', {
      id: { resolve: (a: AssessmentRow) => a.id },
      load: (ids: string[], ctx: Ctx) => assessmentLoader(ctx).loadMany(ids),
    }),
    Batch: builder.objectRef<BatchRow>('CreationBatch'),
    MajorEvent: builder.objectRef<MajorEventRow>('MajorEvent'),
    Card: builder.objectRef<CardRow>('YellowCard'),
    Order: builder.objectRef<OrderRow>('RectificationOrder'),
    Investigation: builder.objectRef<InvestigationRow>('ResponsibilityInvestigation'),
  };
}

export type Refs = ReturnType<typeof createRefs>;

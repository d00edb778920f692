import { idOfType, type Builder, type Ctx } from '@safecity/core';
import { entryLoader, type EntryView } from '../service/entries.js';
import type { RepairView } from '../service/repair.js';
import { subjectLoader } from '../service/subjects.js';
import type { DecisionRow, RecordRow, SubjectRow } from '../tables.js';

export const DETAILS = { permission: 'credit:details.read' } as const;
export const IDEMPOTENCY = 'Optional key of your choosing: a retry with the same key and input returns the first result instead of writing twice.';
export const DATA = (what: string) => ({ dataField: { description: what } });

export const entryId = (id: { typename: string; id: string }) => {
  return idOfType(id, 'CreditListEntry', 'entryId');
};

/** The module's GraphQL types used by more than one concept file, created once per schema. */
export function createRefs(builder: Builder) {
  const CreditSubject = builder.loadableNodeRef('CreditSubject', {
    id: { resolve: (s: SubjectRow) => s.id },
    load: (ids: string[], ctx: Ctx) => subjectLoader(ctx).loadMany(ids),
  });
  const CreditListEntry = builder.loadableNodeRef('CreditListEntry', {
    id: { resolve: (e: EntryView) => e.id },
    load: (ids: string[], ctx: Ctx) => entryLoader(ctx).loadMany(ids),
  });
  const CreditRecord = builder.objectRef<RecordRow>('CreditRecord');
  const Decision = builder.objectRef<DecisionRow>('CreditListDecision');
  const RepairRequest = builder.objectRef<RepairView>('CreditRepairRequest');
  return { CreditSubject, CreditListEntry, CreditRecord, Decision, RepairRequest };
}

export type Refs = ReturnType<typeof createRefs>;

import { scopedEvents, type Builder, encodeGlobalId } from '@safecity/core';
import type { DomainEvents } from '@safecity/core';

/** The population module's events, as a subscription. */
export function registerEventSchema(builder: Builder) {
  type PopulationEventName = 'residenceRegistered' | 'residenceDeregistered' | 'personMovedAway' | 'personArrived' | 'revisitOverdue';
  const PopulationEventName = builder.enumType('PopulationEventName', {
    description: "The population module's events.",
    values: {
      residenceRegistered: { value: 'residenceRegistered', description: 'A residence registration (居住登记) was opened (new, change or arrival); date is registeredOn.' },
      residenceDeregistered: { value: 'residenceDeregistered', description: 'A registration was deregistered (注销); date and reason as given.' },
      personMovedAway: { value: 'personMovedAway', description: '迁出: a person registered an arrival elsewhere; sent to the side they left with the district gone to.' },
      personArrived: { value: 'personArrived', description: '迁入: an arrival was registered in your jurisdiction; says nothing of where from.' },
      revisitOverdue: { value: 'revisitOverdue', description: 'A dwelling or tenant passed its revisit due date (from sweepOverdueRevisits).' },
    } as const,
  });
  type Msg = { id: string; name: PopulationEventName; payload: DomainEvents[PopulationEventName] };
  const field = (k: string) => (m: Msg) => ((m.payload as Record<string, unknown>)[k] ?? null) as never;
  // Same encoding as the builder's relay ids, so clients can pass them to node(id:).
  const globalId = (type: string, k: string) => (m: Msg) => {
    const v = (m.payload as Record<string, unknown>)[k];
    return typeof v === 'string' ? encodeGlobalId(type, v) : null;
  };
  const PopulationEvent = builder.objectRef<Msg>('PopulationEvent').implement({
    description: 'A committed population event inside your jurisdiction.',
    fields: (t) => ({
      eventId: t.id({
        description: 'The event’s outbox id: grows in commit order among the events of one district (the first 6 digits of the jurisdiction code); a repeat delivery carries the same id.',
        resolve: (m) => m.id,
      }),
      name: t.field({ type: PopulationEventName, description: 'Which event.', resolve: (m) => m.name }),
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction the event belongs to (inside yours).', resolve: field('jurisdictionCode') }),
      registrationId: t.id({ nullable: true, description: 'Global id of the ResidenceRegistration.', resolve: globalId('ResidenceRegistration', 'registrationId') }),
      personId: t.id({ nullable: true, description: 'Global id of the Person.', resolve: globalId('Person', 'personId') }),
      dwellingId: t.id({ nullable: true, description: 'Global id of the Dwelling.', resolve: globalId('Dwelling', 'dwellingId') }),
      date: t.string({ nullable: true, description: 'The day of the fact (YYYY-MM-DD): registered, deregistered, moved or arrived on; null for revisitOverdue.', resolve: field('date') }),
      reason: t.string({ nullable: true, description: 'residenceDeregistered: the reason given; null otherwise.', resolve: field('reason') }),
      toDistrictCode: t.field({ type: 'DivisionCode', nullable: true, description: 'personMovedAway: the district the person went to.', resolve: field('toDistrictCode') }),
      subjectType: t.string({ nullable: true, description: 'revisitOverdue: dwelling or tenant; null otherwise.', resolve: field('subjectType') }),
      subjectId: t.id({
        nullable: true,
        description: 'Global id of the overdue Dwelling or Person (tenant).',
        resolve: (m) => (m.name === 'revisitOverdue' ? globalId((m.payload as DomainEvents['revisitOverdue']).subjectType === 'dwelling' ? 'Dwelling' : 'Person', 'subjectId')(m) : null),
      }),
      dueDate: t.string({ nullable: true, description: 'revisitOverdue: the missed due date (YYYY-MM-DD); null otherwise.', resolve: field('dueDate') }),
      daysOverdue: t.int({ nullable: true, description: 'revisitOverdue: days past the due date when swept; null otherwise.', resolve: field('daysOverdue') }),
    }),
  });
  builder.subscriptionFields((t) => ({
    populationEvents: t.field({
      type: PopulationEvent,
      description: 'Committed population events inside your jurisdiction, delivered after commit, each once, in commit order within each district.',
      authScopes: { permission: 'events:subscribe' },
      args: { names: t.arg({ type: [PopulationEventName], required: true, description: 'The events wanted.' }) },
      subscribe: (_r, { names }, ctx) => scopedEvents(ctx, names) as AsyncIterable<Msg>,
      resolve: (m) => m,
    }),
  }));
}

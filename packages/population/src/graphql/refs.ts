import type { Builder, Ctx } from '@safecity/core';
import { daysOverdue, type DWELLING_CLASSES, type FILING_STATUSES, INFLOW_REASONS, type PERSON_KINDS, type TENANT_TIERS } from '../rules.js';
import { dwellingLoader, personLoader, registrationLoader, revisitLoader, today } from '../service/common.js';
import type { personTierHistory, DwellingRow, PersonRow, RegistrationRow, RevisitRow } from '../tables.js';

/** Resolves to null where the record lies outside the caller's jurisdiction. */
export const orNull = <T>(p: Promise<T>) => p.catch(() => null);

export const read = { permission: 'population:read' };
export const write = { permission: 'population:write' };
export const manage = { permission: 'population:manage' };

export const daysOverdueField = (t: any) =>
  t.int({
    nullable: true,
    description: 'Days past the revisit due date on asOf (default today); null or ≤ 0 means not overdue.',
    args: { asOf: t.arg({ type: 'Date', description: 'The day to count to; default today (China time).' }) },
    resolve: (r: { revisitDueOn: string | null }, args: { asOf?: string | null }, ctx: Ctx) => (r.revisitDueOn ? daysOverdue(r.revisitDueOn, args.asOf ?? today(ctx)) : null),
  });

/** The module's GraphQL types used by more than one concept file, created once per schema. */
export function createRefs(builder: Builder) {
  const DwellingClass = builder.enumType('DwellingClass', {
    description: 'Rental dwelling class: key 重点户 (revisit every 15 days), general 一般户 (every quarter), trusted 放心户 (every half year).',
    values: {
      key: { value: 'key', description: 'Key household (重点户): revisit every half month (15 days).' },
      general: { value: 'general', description: 'General household (一般户): revisit every quarter.' },
      trusted: { value: 'trusted', description: 'Trusted household (放心户): revisit every half year.' },
    } satisfies Record<(typeof DWELLING_CLASSES)[number], { value: (typeof DWELLING_CLASSES)[number]; description: string }>,
  });
  const TenantTier = builder.enumType('TenantTier', {
    description: 'Tenant tier: key 重点层 (revisit every 15 days), attention 关注层 (every quarter), stable 稳定层 (every half year).',
    values: {
      key: { value: 'key', description: 'Key tier (重点层): revisit every half month (15 days).' },
      attention: { value: 'attention', description: 'Attention tier (关注层): revisit every quarter.' },
      stable: { value: 'stable', description: 'Stable tier (稳定层): revisit every half year; the default.' },
    } satisfies Record<(typeof TENANT_TIERS)[number], { value: (typeof TENANT_TIERS)[number]; description: string }>,
  });
  const PersonKind = builder.enumType('PersonKind', {
    description: 'registered 户籍人口 or floating 流动人口.',
    values: {
      registered: { value: 'registered', description: 'Registered resident (户籍人口): household registration here.' },
      floating: { value: 'floating', description: 'Floating population (流动人口): living here without household registration; has an inflow reason and date.' },
    } satisfies Record<(typeof PERSON_KINDS)[number], { value: (typeof PERSON_KINDS)[number]; description: string }>,
  });
  const FilingStatus = builder.enumType('FilingStatus', {
    description: 'Rental filing (登记备案) status.',
    values: {
      filed: { value: 'filed', description: 'Filed (已备案): has a filing number.' },
      pending: { value: 'pending', description: 'Filing under way (only from seeded or legacy data; no mutation sets it).' },
      unfiled: { value: 'unfiled', description: 'Not filed (未备案): recorded without a filing number.' },
    } satisfies Record<(typeof FILING_STATUSES)[number], { value: (typeof FILING_STATUSES)[number]; description: string }>,
  });
  const Gender = builder.enumType('Gender', {
    description: 'Gender (性别) as encoded in the resident identity number (17th digit: odd male, even female).',
    values: { male: { value: 'male', description: 'Male (男).' }, female: { value: 'female', description: 'Female (女).' } } as const,
  });
  const InflowReason = builder.enumType('InflowReason', {
    description: 'Inflow reason (流入原因, GB/T 31000 code table).',
    values: Object.fromEntries(Object.entries(INFLOW_REASONS).map(([k, label]) => [k, { value: k, description: label }])) as Record<
      keyof typeof INFLOW_REASONS,
      { value: keyof typeof INFLOW_REASONS; description: string }
    >,
  });

  const Person = builder.loadableNodeRef('Person', {
    id: { resolve: (p: PersonRow) => p.id },
    load: (ids: string[], ctx: Ctx) => personLoader(ctx).loadMany(ids),
  });
  const Dwelling = builder.loadableNodeRef('Dwelling', {
    id: { resolve: (d: DwellingRow) => d.id },
    load: (ids: string[], ctx: Ctx) => dwellingLoader(ctx).loadMany(ids),
  });
  const Registration = builder.loadableNodeRef('ResidenceRegistration', {
    id: { resolve: (r: RegistrationRow) => r.id },
    load: (ids: string[], ctx: Ctx) => registrationLoader(ctx).loadMany(ids),
  });
  const Revisit = builder.loadableNodeRef('Revisit', {
    id: { resolve: (r: RevisitRow) => r.id },
    load: (ids: string[], ctx: Ctx) => revisitLoader(ctx).loadMany(ids),
  });

  const TierChange = builder.objectRef<typeof personTierHistory.$inferSelect>('TenantTierChange');

  return { DwellingClass, TenantTier, PersonKind, FilingStatus, Gender, InflowReason, Person, Dwelling, Registration, Revisit, TierChange };
}

export type PopulationTypes = ReturnType<typeof createRefs>;

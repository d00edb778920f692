import { z, type Builder } from '@safecity/core';
import type { Rate } from '../rules.js';
import { populationRates, recordFloatingPopulationEstimate, type JurisdictionRates } from '../service/rates.js';
import { manage, read } from './refs.js';

/** Population-management rates and the floating-population estimates they divide by. */
export function registerRateSchema(builder: Builder) {
  const RateRef = builder.objectRef<Rate>('Rate').implement({
    description: 'numerator / denominator against a target; value and met are null when the denominator is 0.',
    fields: (t) => ({
      numerator: t.exposeInt('numerator', { description: 'The counted cases (e.g. visits that matched).' }),
      denominator: t.exposeInt('denominator', { description: 'The base (e.g. all visits).' }),
      value: t.exposeFloat('value', { nullable: true, description: 'numerator / denominator as a fraction (0.9 = 90%); null when the denominator is 0.' }),
      target: t.exposeFloat('target', { description: 'The target as a fraction (0.9 = 90%).' }),
      met: t.exposeBoolean('met', { nullable: true, description: 'value ≥ target; null when the denominator is 0.' }),
    }),
  });
  const JurisdictionRatesRef = builder.objectRef<JurisdictionRates>('JurisdictionPopulationRates').implement({
    description: 'The population rates of one jurisdiction (its whole subtree) for the period.',
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The jurisdiction.', resolve: (r) => r.jurisdictionCode }),
      name: t.exposeString('name', { description: 'Its name.' }),
      registration: t.field({ type: RateRef, description: '登记率 ≥ 90%: registered floating persons / estimated floating population.', resolve: (r) => r.registration }),
      consistency: t.field({ type: RateRef, description: '人户一致率 ≥ 85%: visits that matched / visits.', resolve: (r) => r.consistency }),
      deregistration: t.field({ type: RateRef, description: '注销率 ≥ 80%: departures deregistered / known departures.', resolve: (r) => r.deregistration }),
      filing: t.field({ type: RateRef, description: '出租房登记备案率 100%: filed / known rental dwellings.', resolve: (r) => r.filing }),
      fiveOnes: t.field({ type: RateRef, description: '五个一: complete urban-village buildings / such buildings.', resolve: (r) => r.fiveOnes }),
    }),
  });

  const PopulationRates = builder.objectRef<Awaited<ReturnType<typeof populationRates>>>('PopulationRates').implement({
    description: 'Population-management rates (登记率, 人户一致率, 注销率, 出租房登记备案率, 五个一) of a jurisdiction and its children for a period.',
    fields: (t) => ({
      period: t.exposeString('period', { description: 'The period asked for: YYYY, YYYY-Qn or YYYY-MM.' }),
      start: t.field({ type: 'Date', description: 'First day of the period.', resolve: (r) => r.start }),
      end: t.field({ type: 'Date', description: 'Last day of the period (inclusive).', resolve: (r) => r.end }),
      total: t.field({ type: JurisdictionRatesRef, description: 'The jurisdiction asked for (its whole subtree).', resolve: (r) => r.total }),
      children: t.field({ type: [JurisdictionRatesRef], description: 'Each child jurisdiction, in code order.', resolve: (r) => r.children }),
    }),
  });

  const Estimate = builder.objectRef<{ jurisdictionCode: string; period: string; estimate: number }>('FloatingPopulationEstimate').implement({
    description: "The estimated floating population (流动人口) of a community for a period: the registration rate's denominator.",
    fields: (t) => ({
      jurisdictionCode: t.field({ type: 'DivisionCode', description: 'The community (社区/村, 12 digits).', resolve: (r) => r.jurisdictionCode }),
      period: t.exposeString('period', { description: 'YYYY, YYYY-Qn or YYYY-MM.' }),
      estimate: t.exposeInt('estimate', { description: 'Estimated number of floating persons.' }),
    }),
  });

  builder.queryFields((t) => ({
    populationRates: t.field({
      type: PopulationRates,
      authScopes: read,
      description: 'Registration, consistency, deregistration and filing rates (and the five-ones share) of a jurisdiction and its children for a period (YYYY, YYYY-Qn or YYYY-MM).',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: "The jurisdiction (in your subtree) whose rates, and its children's, you want." }),
        period: t.arg.string({ required: true, description: 'YYYY, YYYY-Qn (quarter) or YYYY-MM.', validate: z.string().max(7) }),
      },
      resolve: (_r, args, ctx) => populationRates(ctx, args),
    }),
  }));

  builder.mutationFields((t) => ({
    recordFloatingPopulationEstimate: t.field({
      type: Estimate,
      authScopes: manage,
      errors: {},
      description:
        'The estimated floating population of a community for a period: the registration rate’s denominator; a later value for the same community and period supersedes it (history kept). Errors: POPULATION_ESTIMATE_LEVEL, POPULATION_PERIOD_INVALID, CORE_JURISDICTION_OUT_OF_SCOPE, CORE_JURISDICTION_UNKNOWN, CORE_IDEMPOTENCY_KEY_REUSED.',
      args: {
        jurisdictionCode: t.arg({ type: 'DivisionCode', required: true, description: 'The community (社区/村, 12 digits) in your subtree.' }),
        period: t.arg.string({ required: true, description: 'YYYY, YYYY-Qn or YYYY-MM.', validate: z.string().max(7) }),
        estimate: t.arg.int({ required: true, description: 'Estimated number of floating persons (0-10,000,000).', validate: z.number().int().min(0).max(10_000_000) }),
        source: t.arg.string({ description: 'Where the figure comes from (at most 200 characters).', validate: z.string().max(200) }),
        idempotencyKey: t.arg({ type: 'IdempotencyKey', description: 'Retry key: a repeat with the same key returns the first result.' }),
      },
      resolve: (_r, { idempotencyKey, ...input }, ctx) => recordFloatingPopulationEstimate(ctx, input, idempotencyKey),
    }),
  }));
}

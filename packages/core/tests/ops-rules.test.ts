import { describe, expect, it } from 'vitest';
import { bucketRuleFor, clientAddress, DEFAULT_RATE_LIMITS, parseRateLimits, requestOutcome, takeToken } from '../src/ops/index.js';

const rule = { capacity: 3, perSecond: 0.5 };

describe('takeToken (token bucket)', () => {
  it.each([
    ['a new bucket starts full', undefined, 0, true, 2, 0],
    ['the last token is taken', { tokens: 1, at: 0 }, 0, true, 0, 0],
    ['an empty bucket refuses, one token in 2 s at 0.5/s', { tokens: 0, at: 0 }, 0, false, 0, 2],
    ['half a token refills in 1 s', { tokens: 0, at: 0 }, 1000, false, 0.5, 1],
    ['a full token after 2 s is taken', { tokens: 0, at: 0 }, 2000, true, 0, 0],
    ['refill never exceeds capacity', { tokens: 0, at: 0 }, 3_600_000, true, 2, 0],
    ['a clock going back refills nothing', { tokens: 0, at: 5000 }, 1000, false, 0, 2],
  ] as const)('%s', (_name, prev, now, allowed, tokens, retry) => {
    const d = takeToken(prev, rule, now);
    expect(d.allowed).toBe(allowed);
    expect(d.bucket.tokens).toBeCloseTo(tokens, 6);
    expect(d.retryAfterSeconds).toBe(retry);
  });
});

describe('bucketRuleFor', () => {
  const rules = { anonymous: { capacity: 5, perSecond: 1 }, default: { capacity: 50, perSecond: 5 }, department_service: { capacity: 500, perSecond: 50 }, auditor: { capacity: 20, perSecond: 2 } };
  it.each([
    ['no actor: anonymous', null, rules.anonymous],
    ['a role without a rule: default', ['grid_worker'], rules.default],
    ['a role with its rule', ['auditor'], rules.auditor],
    ['several roles: the most generous', ['auditor', 'department_service'], rules.department_service],
  ] as const)('%s', (_n, roles, expected) => expect(bucketRuleFor(roles as string[] | null, rules)).toEqual(expected));
});

describe('clientAddress', () => {
  it.each([
    ['no proxy trusted: the socket', '10.0.0.9', '1.2.3.4', 0, '10.0.0.9'],
    ['one proxy: the address it saw (rightmost)', '10.0.0.9', '6.6.6.6, 1.2.3.4', 1, '1.2.3.4'],
    ['two proxies', '10.0.0.9', '6.6.6.6, 1.2.3.4, 10.0.0.2', 2, '1.2.3.4'],
    ['fewer hops than trusted: the first', '10.0.0.9', '1.2.3.4', 2, '1.2.3.4'],
    ['no header: the socket', '10.0.0.9', null, 1, '10.0.0.9'],
  ] as const)('%s', (_n, socket, xff, hops, expected) => expect(clientAddress(socket, xff, hops)).toBe(expected));
});

describe('parseRateLimits', () => {
  it('merges entries over the defaults', () => {
    expect(parseRateLimits('anonymous=10/0.5,auditor=40/4')).toEqual({ ...DEFAULT_RATE_LIMITS, anonymous: { capacity: 10, perSecond: 0.5 }, auditor: { capacity: 40, perSecond: 4 } });
  });
  it('off disables', () => expect(parseRateLimits('off')).toBeNull());
  it.each(['anonymous=10', 'anonymous=0/1', 'auditor=5/0', 'Auditor=5/1', 'x=a/b'])('refuses %s', (spec) => expect(() => parseRateLimits(spec)).toThrow(/RATE_LIMITS/));
});

describe('requestOutcome', () => {
  it.each([
    [200, [], false, 'ok'],
    [200, ['POPULATION_PERSON_EXISTS'], false, 'error'],
    [401, ['UNAUTHENTICATED'], false, 'refused'],
    [200, ['FORBIDDEN'], false, 'refused'],
    [400, ['GRAPHQL_VALIDATION_FAILED'], false, 'error'],
    [429, ['CORE_RATE_LIMITED'], true, 'rate_limited'],
  ] as const)('%i %j → %s', (status, codes, limited, expected) => expect(requestOutcome(status, codes as unknown as string[], limited)).toBe(expected));
});

describe('job and gauge metrics', () => {
  it('observeJob counts runs by outcome and rethrows; registerGauge is read at scrape time', async () => {
    const { metricsRegistry, observeJob, registerGauge } = await import('../src/ops/index.js');
    expect(await observeJob('test:job', async () => 42)).toBe(42);
    await expect(observeJob('test:job', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let lag = 7;
    registerGauge('safecity_test_outbox_lag_seconds', 'test gauge', () => lag);
    let text = await metricsRegistry.metrics();
    expect(text).toMatch(/safecity_job_runs_total\{job="test:job",outcome="ok"\} 1/);
    expect(text).toMatch(/safecity_job_runs_total\{job="test:job",outcome="failed"\} 1/);
    expect(text).toMatch(/^safecity_test_outbox_lag_seconds 7$/m);
    lag = 3;
    registerGauge('safecity_test_outbox_lag_seconds', 'test gauge', () => lag * 2); // replaced, not duplicated
    text = await metricsRegistry.metrics();
    expect(text).toMatch(/^safecity_test_outbox_lag_seconds 6$/m);
  });
});

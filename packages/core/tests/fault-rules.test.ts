import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { hasSqlState, judgeOwner, relayBackoff, throttledLog, type LockVerdict } from '../src/index.js';

describe('relayBackoff', () => {
  it.each([
    [0, 0],
    [1, 200],
    [2, 400],
    [3, 800],
    [5, 3200],
    [6, 5000],
    [50, 5000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(relayBackoff(failures)).toBe(ms);
  });
});

describe('judgeOwner (who holds an embedded data directory)', () => {
  const here = { hostname: 'vm', bootId: 'boot-a' };
  const owner = { pid: 42, hostname: 'vm', bootId: 'boot-a', processStart: '1000' };
  it.each<[string, Partial<typeof owner>, { pidAlive: boolean; processStart: string | null }, LockVerdict]>([
    ['the owner runs', owner, { pidAlive: true, processStart: '1000' }, 'live'],
    ['the owner was killed', owner, { pidAlive: false, processStart: null }, 'stale'],
    ['the pid now belongs to another process', owner, { pidAlive: true, processStart: '2000' }, 'stale'],
    ['the machine restarted since', { ...owner, bootId: 'boot-old' }, { pidAlive: true, processStart: '1000' }, 'stale'],
    ['no start time recorded, pid alive', { ...owner, processStart: undefined }, { pidAlive: true, processStart: '2000' }, 'live'],
    ['another host: cannot tell', { ...owner, hostname: 'other' }, { pidAlive: false, processStart: null }, 'unknown-host'],
  ])('%s → %s', (_what, o, facts, verdict) => {
    expect(judgeOwner(o, here, facts)).toBe(verdict);
  });
});

describe('throttledLog', () => {
  it('logs a recurring problem once per interval with the count it held back, and the recovery once', () => {
    const lines: any[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const t = throttledLog(log, 60_000);
    for (let i = 0; i < 100; i++) t.problem('redis', { attempt: i }, 'Redis unreachable');
    expect(lines).toHaveLength(1);
    expect(t.active('redis')).toBe(true);
    t.recovered('redis', 'Redis back');
    t.recovered('redis', 'Redis back');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'Redis back', suppressed: 99 });
    expect(t.active('redis')).toBe(false);
  });
});

describe('hasSqlState (a PostgreSQL error however it was wrapped)', () => {
  const pg = (code: string) => Object.assign(new Error('from the server'), { code });
  // drizzle wraps a driver error as `Failed query: …` with the driver's error as its cause.
  const wrapped = (e: Error) => new Error('Failed query: select …', { cause: e });
  it.each([
    { what: 'the error itself', e: pg('SCI01'), states: ['SCI01'], has: true },
    { what: 'a wrapped error', e: wrapped(pg('SCI01')), states: ['SCI01'], has: true },
    { what: 'one of several', e: wrapped(pg('40001')), states: ['40P01', '40001'], has: true },
    { what: 'another state', e: wrapped(pg('23505')), states: ['SCI01'], has: false },
    { what: 'no state at all', e: new Error('socket closed'), states: ['SCI01'], has: false },
    { what: 'not an error', e: null, states: ['SCI01'], has: false },
  ])('$what: $has', ({ e, states, has }) => {
    expect(hasSqlState(e, ...states)).toBe(has);
  });
});

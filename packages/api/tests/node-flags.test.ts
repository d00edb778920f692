import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingServerNodeFlags, SERVER_NODE_FLAGS, servingRuntimeProblem, withServerNodeFlags } from '../src/node-flags.js';

describe('withServerNodeFlags: the serving flags are added once, and a flag given already wins', () => {
  it.each([
    { given: [], out: ['--min-semi-space-size=16', '--v8-pool-size=1', '--no-allocation-site-pretenuring'] },
    { given: ['--enable-source-maps'], out: ['--enable-source-maps', '--min-semi-space-size=16', '--v8-pool-size=1', '--no-allocation-site-pretenuring'] },
    { given: ['--min-semi-space-size=32'], out: ['--min-semi-space-size=32', '--v8-pool-size=1', '--no-allocation-site-pretenuring'] },
    {
      given: ['--min_semi_space_size=8', '--v8-pool-size=4', '--no-allocation-site-pretenuring'],
      out: ['--min_semi_space_size=8', '--v8-pool-size=4', '--no-allocation-site-pretenuring'],
    },
    {
      given: ['--allocation-site-pretenuring'],
      out: ['--allocation-site-pretenuring', '--min-semi-space-size=16', '--v8-pool-size=1'],
    },
  ])('$given', ({ given, out }) => {
    expect(withServerNodeFlags(given)).toEqual(out);
    expect(missingServerNodeFlags(given)).toEqual(out.slice(given.length));
  });
});

describe('the flags do what node-flags.ts says', () => {
  it('this Node takes every one of them (a misspelt V8 flag would fail the start)', () => {
    const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'console.log("ok")'], { encoding: 'utf8' });
    expect({ status: run.status, out: run.stdout.trim(), err: run.stderr.trim() }).toEqual({ status: 0, out: 'ok', err: '' });
  });

  it('a process started with them has a young generation of at least 16 MiB from the start (without: less)', () => {
    const probe = `console.log(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`;
    const size = (flags: readonly string[]) => Number(spawnSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }).stdout.trim());
    expect(size(SERVER_NODE_FLAGS)).toBeGreaterThanOrEqual(16 * 1048576);
    expect(size([])).toBeLessThan(16 * 1048576);
  });

  it.runIf(process.platform === 'linux')('a process started with them has one V8 helper thread: three threads fewer than without (the default pool is four)', () => {
    const probe = `console.log(require('node:fs').readdirSync('/proc/self/task').length)`;
    const threads = (flags: readonly string[]) => Number(spawnSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }).stdout.trim());
    expect(threads([]) - threads(SERVER_NODE_FLAGS)).toBe(3);
  });
});

describe('servingRuntimeProblem: a production server names a Node line past its upstream support', () => {
  it.each([
    { version: 'v20.20.2', today: '2026-04-30', problem: null },
    { version: 'v20.20.2', today: '2026-05-01', problem: /out of upstream support since 2026-04-30/ },
    { version: 'v22.23.3', today: '2026-11-29', problem: null },
    { version: 'v22.23.3', today: '2027-05-01', problem: /since 2027-04-30/ },
    { version: 'v24.21.0', today: '2026-11-29', problem: null },
    { version: 'v24.21.0', today: '2028-05-01', problem: /since 2028-04-30/ },
    { version: 'v26.1.0', today: '2026-11-29', problem: null },
    { version: 'v18.20.0', today: '2026-11-29', problem: /not a release line this project runs on/ },
    { version: 'v23.0.0', today: '2026-11-29', problem: /not a release line/ },
  ])('$version on $today', ({ version, today, problem }) => {
    const p = servingRuntimeProblem(version, today);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});

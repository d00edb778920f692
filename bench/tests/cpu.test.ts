import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuList, readCpus, treeCpuSeconds, which } from '../lib/util.js';

// The report's PostgreSQL column sums a cluster's processes, backends that ended during a run
// included: their CPU is in the postmaster's reaped-children time once they are gone.
describe('CPU of a process tree', () => {
  it.skipIf(process.platform !== 'linux')('counts a child that burned CPU and exited, and one still running', async () => {
    const before = treeCpuSeconds(process.pid);
    const burn = (ms: number) => `const e = Date.now() + ${ms}; while (Date.now() < e);`;
    await new Promise((r) => spawn(process.execPath, ['-e', burn(400)]).on('exit', r));
    const afterExited = treeCpuSeconds(process.pid);
    expect(afterExited - before).toBeGreaterThan(0.25);
    const running = spawn(process.execPath, ['-e', `${burn(400)} setTimeout(() => {}, 5000);`]);
    try {
      await new Promise((r) => setTimeout(r, 700));
      expect(treeCpuSeconds(process.pid) - afterExited).toBeGreaterThan(0.25);
    } finally {
      running.kill();
    }
  });
});

describe('pinning', () => {
  it('reads a kernel CPU list', () => {
    for (const [text, list] of [
      ['0', [0]],
      ['0-1', [0, 1]],
      ['0-3,6', [0, 1, 2, 3, 6]],
      ['2,4-5', [2, 4, 5]],
    ] as const)
      expect(cpuList(text)).toEqual(list);
  });

  // The orchestrator pins itself to cpu 0 before it starts the servers; until 2026-12-02 that
  // made every later check answer "one CPU, no pinning", and each server and wrk inherited cpu 0.
  const canPin = process.platform === 'linux' && !!which('taskset') && readCpus().length >= 2;
  it.skipIf(!canPin)('still pins servers to another cpu from a process pinned to cpu 0', () => {
    const script = `import('${join(import.meta.dirname, '../lib/util.ts')}').then((m) => {
      const { spawnSync } = require('node:child_process');
      const child = spawnSync('taskset', ['-c', '1', 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], { encoding: 'utf8' });
      console.log(JSON.stringify({ own: m.allowedCpus(process.pid), pins: m.hasTaskset(), child: child.stdout.trim() }));
    })`;
    const r = spawnSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.own).toEqual([0]);
    expect(out.pins).toBe(true);
    expect(out.child).toMatch(/Cpus_allowed_list:\s*1$/);
  });
});

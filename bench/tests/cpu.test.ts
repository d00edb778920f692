import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { treeCpuSeconds } from '../lib/util.js';

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

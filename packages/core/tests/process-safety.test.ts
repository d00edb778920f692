import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { repoRoot } from '../src/testing/index.js';

it('survives an unhandled rejection (logged), exits 70 on an uncaught exception (logged)', async () => {
  const script = fileURLToPath(new URL('./fixtures/safety-net.ts', import.meta.url));
  const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot(), timeout: 20_000 }).then(
    (x) => ({ ...x, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.msg)).toEqual(['unhandled promise rejection (process continues)', 'still alive', 'uncaught exception: exiting for a clean restart']);
  expect(lines[0]).toMatchObject({ level: 50, role: 'fixture', err: { message: 'stray rejection' } });
  expect(lines[2]).toMatchObject({ level: 60, err: { message: 'uncaught boom' } });
  expect(r.code).toBe(70);
});

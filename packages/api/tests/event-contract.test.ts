import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlatform, defineModule, EVENT_READ_PERMISSIONS, eventContractProblems, loadConfig, on, withCore } from '@safecity/core';
import { createTestDatabase, repoRoot } from '@safecity/core/testing';
import { modules } from '../src/modules.js';

/** A module reacting to an event that only a module left out of the list would raise. */
const orphanSubscriber = defineModule({
  name: 'orphan-subscriber',
  tables: {},
  permissions: {},
  errorCodes: [],
  register() {},
  emits: [],
  subscribers: [on('blacklistEntryProposed', 'orphan.react', async () => {})],
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the modules’ event contract', () => {
  it('holds for the listed modules: every subscribed event has an emitter', () => {
    expect(eventContractProblems(withCore(modules))).toEqual([]);
  });

  it('a platform whose module subscribes to an event no listed module emits refuses to start', async () => {
    const withoutCredit = modules.filter((m) => m.name !== 'credit');
    // credit emits blacklistEntryProposed; without it the orphan's subscription would never fire.
    expect(eventContractProblems(withCore([...withoutCredit, orphanSubscriber]))).toEqual([expect.stringMatching(/orphan-subscriber subscribes to blacklistEntryProposed/)]);
    const database = await createTestDatabase();
    try {
      await expect(createPlatform({ modules: [...withoutCredit, orphanSubscriber], config: loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), database })).rejects.toThrow(
        /no listed module emits/,
      );
    } finally {
      await database.close();
    }
    // With credit listed again, the same module is accepted.
    expect(eventContractProblems(withCore([...modules, orphanSubscriber]))).toEqual([]);
  });

  it('every event a module raises in its source is one it declares, and every declared event is in the catalogue', () => {
    const root = repoRoot();
    for (const m of modules) {
      const dir = join(root, 'packages', m.name, 'src');
      const raised = new Set(sourceFiles(dir).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\.emit\(\s*'([A-Za-z]+)'/g)].map((x) => x[1]!)));
      expect(
        [...raised].filter((e) => !m.emits.includes(e as never)),
        `${m.name} raises events it does not declare`,
      ).toEqual([]);
      for (const e of m.emits) expect(Object.keys(EVENT_READ_PERMISSIONS)).toContain(e);
    }
  });
});

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { withCore, type ModuleDescriptor } from '@safecity/core';

const require = createRequire(import.meta.url);

interface Journal {
  version: string;
  dialect: 'postgresql';
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

/**
 * What drizzle-kit would emit for the tables of every listed module (not globbed files: the
 * module list is the source of truth) against the last committed snapshot in `folder`. Writes
 * nothing: `check-migrations` fails when this is not empty (tables changed, no migration).
 */
export async function pendingMigration(modules: ModuleDescriptor[], folder: string) {
  const kit = require('drizzle-kit/api') as {
    generateDrizzleJson(imports: Record<string, unknown>, prevId?: string): Record<string, unknown> & { id: string };
    generateMigration(prev: unknown, cur: unknown): Promise<string[]>;
  };
  const tables: Record<string, unknown> = {};
  for (const m of withCore(modules)) {
    for (const [k, t] of Object.entries(m.tables)) {
      if (tables[`${m.name}_${k}`]) throw new Error(`duplicate table key ${m.name}.${k}`);
      tables[`${m.name}_${k}`] = t;
    }
  }
  const journalPath = join(folder, 'meta/_journal.json');
  const journal: Journal = existsSync(journalPath) ? JSON.parse(readFileSync(journalPath, 'utf8')) : { version: '7', dialect: 'postgresql', entries: [] };
  const last = journal.entries[journal.entries.length - 1];
  const prev = last ? JSON.parse(readFileSync(join(folder, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) : emptySnapshot();
  const cur = kit.generateDrizzleJson(tables, prev.id);
  const statements = await kit.generateMigration(prev, cur);
  return { journal, last, cur, statements };
}

/**
 * Generates the next migration in drizzle-kit's own folder format (so drizzle-orm's migrator
 * applies it). Only ever adds a migration: the committed history is never rewritten.
 */
export async function generateMigration(modules: ModuleDescriptor[], folder: string, name = 'change'): Promise<string | null> {
  const { journal, last, cur, statements } = await pendingMigration(modules, folder);
  if (statements.length === 0) return null;
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journalPath = join(folder, 'meta/_journal.json');
  const idx = last ? last.idx + 1 : 0;
  const tag = `${String(idx).padStart(4, '0')}_${name.replace(/[^a-z0-9_]+/gi, '_')}`;
  writeFileSync(join(folder, `${tag}.sql`), `${statements.join('\n--> statement-breakpoint\n')}\n`);
  writeFileSync(join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`), `${JSON.stringify(cur, null, 2)}\n`);
  journal.entries.push({ idx, version: '7', when: Date.now(), tag, breakpoints: true });
  writeFileSync(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
  return tag;
}

function emptySnapshot() {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    prevId: '',
    version: '7',
    dialect: 'postgresql',
    tables: {},
    enums: {},
    schemas: {},
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { schemas: {}, tables: {}, columns: {} },
  };
}

export function listMigrations(folder: string): string[] {
  return existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.sql'))
        .sort()
    : [];
}

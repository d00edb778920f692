/**
 * Generates the client's typed documents and its trusted-documents manifest from the committed
 * schema (packages/api/schema.graphql) and the operations (packages/client/operations/*.graphql).
 *
 *   tsx packages/client/scripts/generate.ts           writes packages/client/src/generated/
 *   tsx packages/client/scripts/generate.ts --check   generates into a temporary folder and fails
 *                                                     when the committed files differ (CI)
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import { generate } from '@graphql-codegen/cli';
import { codegenConfig } from '../codegen.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const committed = join(root, 'packages/client/src/generated');

async function generateInto(out: string): Promise<void> {
  await generate(codegenConfig(out, root), true);
  writeFileSync(join(out, 'operations.json'), `${JSON.stringify(await manifestOf(join(out, 'graphql.ts')), null, 2)}\n`);
}

/**
 * The trusted-documents manifest: sha256 (hex) of each operation's printed document (graphql's
 * `print`, which is also what graphql-request sends) → that document, sorted by hash.
 */
async function manifestOf(generatedModule: string): Promise<Record<string, string>> {
  const mod = (await import(pathToFileURL(generatedModule).href)) as Record<string, unknown>;
  const entries: [string, string][] = [];
  for (const value of Object.values(mod)) {
    const doc = value as DocumentNode;
    if (!doc || typeof doc !== 'object' || doc.kind !== 'Document' || !doc.definitions.some((d) => d.kind === 'OperationDefinition')) continue;
    const text = print(doc);
    entries.push([createHash('sha256').update(text).digest('hex'), text]);
  }
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

const filesOf = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'safecity-client-'));
  try {
    await generateInto(tmp);
    const names = [...new Set([...filesOf(tmp), ...filesOf(committed)])].sort();
    const stale = names.filter((n) => !existsSync(join(tmp, n)) || !existsSync(join(committed, n)) || readFileSync(join(tmp, n), 'utf8') !== readFileSync(join(committed, n), 'utf8'));
    if (stale.length) {
      console.error(`packages/client/src/generated is not current (${stale.join(', ')}): run npm run -s client:generate and commit.`);
      process.exit(1);
    }
    console.log(`packages/client/src/generated is current (${names.length} files).`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'safecity-client-'));
  try {
    await generateInto(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  rmSync(committed, { recursive: true, force: true });
  cpSync(tmp, committed, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  console.log(`wrote ${filesOf(committed).join(', ')} to packages/client/src/generated`);
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema.js';

/**
 * Each mutation's description ends with the error codes it can return ("Errors: A, B." or
 * "Errors: none."), so a portal team knows what to handle. This keeps those lists true: every
 * mutation has one, every code in it is a code of the schema, and every module code listed is
 * thrown somewhere in that module's sources (not only declared).
 */
const packagesDir = join(import.meta.dirname, '..', '..');
const MODULE_OF_PREFIX: Record<string, string> = { POPULATION: 'population', PATROL: 'patrol', ASSESSMENT: 'assessment', CREDIT: 'credit', DISPUTES: 'disputes' };

function sourcesOf(dir: string): string {
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .map((p) => (statSync(p).isDirectory() ? sourcesOf(p) : p.endsWith('.ts') && !p.endsWith('errors.ts') ? readFileSync(p, 'utf8') : ''))
    .join('\n');
}

export function listedErrorCodes(description: string | null | undefined): string[] | null {
  const m = /Errors: ([A-Z0-9_, ]+|none)\.?\s*$/.exec(description ?? '');
  if (!m) return null;
  return m[1] === 'none'
    ? []
    : m[1]
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
}

describe('mutation descriptions name their error codes', () => {
  it.each([
    ['Registers a thing. Errors: POPULATION_X, CORE_NOT_FOUND.', ['POPULATION_X', 'CORE_NOT_FOUND']],
    ['Recomputes a roll-up. Errors: none.', []],
    ['Registers a thing.', null],
    ['Errors: listed in the middle. Then more text.', null],
  ])('the list is read from %j', (description, expected) => {
    expect(listedErrorCodes(description)).toEqual(expected);
  });

  const codes = new Set((schema.getType('ErrorCode') as GraphQLEnumType).getValues().map((v) => v.name));
  const mutations = Object.values(schema.getMutationType()!.getFields());
  const sources = new Map(Object.entries(MODULE_OF_PREFIX).map(([prefix, dir]) => [prefix, sourcesOf(join(packagesDir, dir, 'src'))]));

  it('every mutation lists its codes, and every listed code is an ErrorCode', () => {
    const missing = mutations.filter((m) => listedErrorCodes(m.description) === null).map((m) => m.name);
    expect(missing).toEqual([]);
    const unknown = mutations.flatMap((m) => (listedErrorCodes(m.description) ?? []).filter((c) => !codes.has(c)).map((c) => `${m.name}: ${c}`));
    expect(unknown).toEqual([]);
    expect(mutations.length).toBeGreaterThan(40);
  });

  it("every module code listed is thrown in that module's sources", () => {
    const notThrown = mutations.flatMap((m) =>
      (listedErrorCodes(m.description) ?? []).flatMap((code) => {
        const prefix = code.split('_')[0];
        const src = sources.get(prefix);
        if (!src) return []; // CORE codes come from core's helpers (notFound, assertVersion, the scalars)
        const short = code.slice(prefix.length + 1);
        return src.includes(`'${short}'`) ? [] : [`${m.name}: ${code}`];
      }),
    );
    expect(notThrown).toEqual([]);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Jurisdiction scope on a plain read is applied by core (`scopedRead`, the planner), and on a
 * write's target row by core's `lockInScope`, from each table's declaration, never written out by
 * a module. A module that calls `inScope` or
 * `withinSql` itself is either on a write path (it locks or checks what it is about to change,
 * inside the transaction) or a read that forgot the layer; the first kind is listed here by
 * function, with the reason, so a new read cannot slip in unnoticed.
 */

const packagesDir = join(import.meta.dirname, '..', '..');

/** Modules left out of the scan, with why (each is a debt with a name). */
const NOT_YET_CONVERTED: Record<string, string> = {};
/** Not modules: core owns the mechanism; api and client hold no services. */
const NOT_MODULES = new Set(['core', 'api', 'client']);

/** `package/path#function` → why it may write the scope condition itself. */
const ALLOWED: Record<string, string> = {
  // Writes that pick their rows by a condition of their own inside the transaction (a write's
  // target row by id is core's `lockInScope`, which needs no entry here).
  'patrol/src/service/activation.ts#activateJointDutyIfDue': 'write: counts alerts and picks points within the rule’s jurisdiction (not the caller’s) inside the alert’s transaction',
  'disputes/src/service/escalation.ts#escalateOverdueDisputes': 'write: the sweep locks the overdue disputes it escalates (a system sweep sees all)',
  'credit/src/service/records.ts#proposeEligibleRedListEntries': 'write: the subjects whose entries the transaction proposes',
  'assessment/src/service/assessments.ts#eventsConcerning': 'write: the events a new assessment decides on, within the unit’s jurisdiction (not the caller’s), in its transaction',
  'assessment/src/service/events.ts#unitOfIncident': 'write: the unit an incident is recorded against, in the subscriber’s transaction',
  'assessment/src/service/rectification.ts#openInvestigation': 'write: the event an investigation cites, in its transaction',
  'population/src/service/registrations.ts#lockPersonAndDwelling':
    'write: locks the person and the dwelling of a new registration for update, in one built-once statement (the scope as its LIKE pattern)',
  'population/src/service/registrations.ts#registerGroup':
    'write: locks the persons and dwellings of a group of new registrations for update, in one built-once statement (each member’s scope as its LIKE pattern)',
  'population/src/service/registration-import.ts#verdictSql': 'write: the verdict of each staged row (which dwelling and person a registration may be written for), in the import’s transaction',
  'population/src/service/revisits.ts#sweepOverdueRevisits': 'write: each batch’s transaction picks the overdue subjects it records notices for (overdue_notices)',
  // Nested lists being turned into connections by the nested-list work (issue #12 item 3).
};

/** TypeScript sources of a module, tests excluded. */
function sourcesOf(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourcesOf(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const DECLARATION = /^(?:export\s+)?(?:async\s+)?(?:function\s+(\w+)|const\s+(\w+)\s*=)/;
// withinPattern is the same condition as a value (a built-once statement's LIKE pattern).
const SCOPE_CALL = /\b(inScope|withinSql|withinPattern)\(/g;

/** Each call of `inScope`/`withinSql` in `source`, named by the top-level declaration it stands in. */
export function scopeCallSites(source: string): { fn: string; call: string; line: number }[] {
  const sites: { fn: string; call: string; line: number }[] = [];
  let fn = '(top level)';
  source.split('\n').forEach((text, i) => {
    const d = DECLARATION.exec(text);
    if (d) fn = d[1] ?? d[2]!;
    for (const m of text.matchAll(SCOPE_CALL)) sites.push({ fn, call: m[1]!, line: i + 1 });
  });
  return sites;
}

function scannedModules(): string[] {
  return readdirSync(packagesDir).filter((p) => !NOT_MODULES.has(p) && !(p in NOT_YET_CONVERTED) && statSync(join(packagesDir, p, 'src'), { throwIfNoEntry: false })?.isDirectory());
}

describe('scope on plain reads is core’s', () => {
  it('names each scope call by the declaration it stands in', () => {
    const cases: [string, { fn: string; call: string }[]][] = [
      ['export function a(ctx) {\n  return inScope(ctx, t.c);\n}', [{ fn: 'a', call: 'inScope' }]],
      ['export const b = (ctx) =>\n  x(withinSql(t.c, code));', [{ fn: 'b', call: 'withinSql' }]],
      ['function c(tx) {\n  return run(withinPattern(scope));\n}', [{ fn: 'c', call: 'withinPattern' }]],
      ['async function c() { return isInScope(ctx, code) && assertInScope(ctx, code); }', []],
      ['import { inScope, withinSql } from "@safecity/core";', []],
    ];
    for (const [source, want] of cases) expect(scopeCallSites(source).map(({ fn, call }) => ({ fn, call }))).toEqual(want);
  });

  it('scans the converted modules (and would scan a new one)', () => {
    expect(scannedModules()).toEqual(expect.arrayContaining(['patrol', 'disputes', 'credit', 'assessment', 'population']));
  });

  it('no module read calls inScope/withinSql: only the listed write paths do', () => {
    const found = new Set<string>();
    const unlisted: string[] = [];
    for (const m of scannedModules()) {
      for (const file of sourcesOf(join(packagesDir, m, 'src'))) {
        const rel = relative(packagesDir, file).split('\\').join('/');
        for (const site of scopeCallSites(readFileSync(file, 'utf8'))) {
          const key = `${rel}#${site.fn}`;
          found.add(key);
          if (!(key in ALLOWED)) unlisted.push(`${rel}:${site.line} ${site.call} in ${site.fn}: read through scopedRead (core) instead`);
        }
      }
    }
    expect(unlisted).toEqual([]);
    // A listed site that no longer calls them is taken off the list, so the list stays the truth.
    expect(Object.keys(ALLOWED).filter((k) => !found.has(k))).toEqual([]);
  });
});

/**
 * TEMPORARY known findings: issues the probes find that are being fixed on branch `sec-a`
 * (issue #11: natural-key scoping, phone masking, coded errors for NUL bytes / malformed or
 * wrong-type global ids / lone surrogates, invalid input accepted). Each entry names its
 * finding. The suites report matches as "known" instead of failing; remove an entry once its
 * fix is merged, and the suite proves the fix. An entry that matches nothing is reported too.
 */
export interface Finding {
  suite: 'authorization' | 'fuzz' | 'logs';
  kind: 'leak' | 'unmasked' | 'write-by-refused' | 'write-out-of-scope' | 'node-differs' | 'status-5xx' | 'internal-error' | 'internal-detail' | 'invalid-write' | 'personal-data-in-logs';
  field: string;
  role?: string;
  input?: string;
  detail: string;
}

export interface KnownFinding {
  finding: string;
  matches(f: Finding): boolean;
}

export const KNOWN_FINDINGS: KnownFinding[] = [
  // Empty: every finding of issue #11 is fixed; a new finding fails the suite.
];

export function classify(findings: Finding[]): { known: Map<string, Finding[]>; unknown: Finding[] } {
  const known = new Map<string, Finding[]>();
  const unknown: Finding[] = [];
  for (const f of findings) {
    const k = KNOWN_FINDINGS.find((x) => x.matches(f));
    if (k) known.set(k.finding, [...(known.get(k.finding) ?? []), f]);
    else unknown.push(f);
  }
  return { known, unknown };
}

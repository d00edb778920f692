import { describe, expect, it } from 'vitest';
import { sharedStatementText, STATEMENT_TEXTS_CAP, statementTextsKept } from '../src/db.js';

/** A text built the way drizzle and the planner build one: many pieces concatenated. */
const built = (n: number, tag: string) => {
  let t = `select ${tag}`;
  for (let i = 0; i < n; i++) t += `, '${tag}${i}', t.c${i}`;
  return t;
};

describe('sharedStatementText', () => {
  it('answers each text with the kept text of the same content, one entry per distinct text', () => {
    const before = statementTextsKept();
    const a = sharedStatementText(built(40, 'shared_a'));
    expect(a).toBe(built(40, 'shared_a'));
    expect(statementTextsKept()).toBe(before + 1);
    expect(sharedStatementText(built(40, 'shared_a'))).toBe(a);
    expect(statementTextsKept()).toBe(before + 1);
    expect(sharedStatementText(built(41, 'shared_a'))).toBe(built(41, 'shared_a'));
    expect(statementTextsKept()).toBe(before + 2);
  });

  it('keeps at most its cap of texts, starting over past it', () => {
    for (let i = 0; i < STATEMENT_TEXTS_CAP + 10; i++) sharedStatementText(`select ${i} as capped`);
    expect(statementTextsKept()).toBeLessThanOrEqual(STATEMENT_TEXTS_CAP);
    expect(statementTextsKept()).toBeGreaterThan(0);
    expect(sharedStatementText('select 7 as capped')).toBe('select 7 as capped');
  });
});

import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { worstCaseNodes } from '../src/node-limit.js';

const schema = buildSchema(`
  type Item { id: ID! items(first: Int): ItemConnection! }
  type ItemEdge { node: Item! }
  type ItemConnection { edges: [ItemEdge!]! }
  type Query { items(first: Int): ItemConnection! }
`);
const opts = { defaultPageSize: 20, maxPageSize: 100 };

describe('worstCaseNodes, remembered per document', () => {
  it('answers a literal-only document the same whatever the variables, from the first count', () => {
    const doc = parse('{ items(first: 10) { edges { node { items(first: 5) { edges { node { id } } } } } } }');
    expect(worstCaseNodes(schema, doc, {}, opts)).toBe(10 + 50);
    expect(worstCaseNodes(schema, doc, { first: 99 }, opts)).toBe(10 + 50);
  });

  it('counts again for other variables when the sizes come from variables', () => {
    const doc = parse('query($n: Int) { items(first: $n) { edges { node { id } } } }');
    const small = { n: 3 };
    expect(worstCaseNodes(schema, doc, small, opts)).toBe(3);
    expect(worstCaseNodes(schema, doc, small, opts)).toBe(3);
    expect(worstCaseNodes(schema, doc, { n: 70 }, opts)).toBe(70);
    expect(worstCaseNodes(schema, doc, { n: 500 }, opts)).toBe(100);
    expect(worstCaseNodes(schema, doc, small, opts)).toBe(3);
  });

  it('keeps the page limits apart', () => {
    const doc = parse('{ items { edges { node { id } } } }');
    expect(worstCaseNodes(schema, doc, {}, opts)).toBe(20);
    expect(worstCaseNodes(schema, doc, {}, { defaultPageSize: 7, maxPageSize: 100 })).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { keysetOrder, ledByDivisionCode, type KeysetWriter } from '../src/pagination.js';

// Written as plain text, so the rule reads as the SQL it makes.
const text: KeysetWriter<string> = { text: (s) => s, concat: (parts) => parts.join('') };

describe('keysetOrder: a keyset page’s order and cursor condition', () => {
  it.each([
    ['ascending, first page', ['c', 'id'], null, true, false, undefined, ['c asc', 'id asc']],
    ['descending, after a cursor', ['d', 'id'], ['$1', '$2'], false, false, '(d, id) < ($1, $2)', ['d desc', 'id desc']],
    ['ascending, after a cursor', ['c', 'id'], ['$1', '$2'], true, false, '(c, id) > ($1, $2)', ['c asc', 'id asc']],
    ['by code in byte order, first page', ['code', 'id'], null, true, true, undefined, ['code using ~<~', 'id asc']],
    [
      'by code in byte order, after a cursor: the code bounded first, then past it or equal and later',
      ['code', 'id'],
      ['$1', '$2'],
      true,
      true,
      'code ~>=~ $1 and (code ~>~ $1 or (code = $1 and (id) > ($2)))',
      ['code using ~<~', 'id asc'],
    ],
    ['by code in byte order, backwards', ['code', 'id'], ['$1', '$2'], false, true, 'code ~<=~ $1 and (code ~<~ $1 or (code = $1 and (id) < ($2)))', ['code using ~>~', 'id desc']],
    ['by the code alone', ['code'], ['$1'], true, true, 'code ~>=~ $1 and (code ~>~ $1)', ['code using ~<~']],
  ] as const)('%s', (_name, cols, vals, asc, byteOrdered, where, orderBy) => {
    const r = keysetOrder(text, [...cols], vals ? [...vals] : null, asc, byteOrdered);
    expect(r.where).toBe(where);
    expect(r.orderBy).toEqual(orderBy);
  });
});

describe('ledByDivisionCode: which pages are byte-ordered', () => {
  it.each([
    [['jurisdictionCode', 'id'], 'jurisdictionCode', true],
    [['code'], 'code', true],
    [['name', 'jurisdictionCode', 'id'], 'jurisdictionCode', false],
    [['jurisdictionCode', 'id'], undefined, false],
    [[], 'jurisdictionCode', false],
  ] as const)('%j with the division code %s: %s', (keys, jurisdiction, expected) => {
    expect(ledByDivisionCode(keys, jurisdiction)).toBe(expected);
  });
});

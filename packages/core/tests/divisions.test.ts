import { describe, expect, it } from 'vitest';
import { cityDivisions, linesWithPrefix } from '../src/divisions.js';

const TABLE = 'code,name\n6201,"兰州市"\n620102,"城关区"\n6202,"嘉峪关市"\n620102001,"街道"\n1101,"北京"';

describe('picking a city’s rows out of a code table', () => {
  it.each([
    ['6201', 'code,name\n6201,"兰州市"\n620102,"城关区"\n620102001,"街道"\n'],
    ['620102', 'code,name\n620102,"城关区"\n620102001,"街道"\n'],
    ['6202', 'code,name\n6202,"嘉峪关市"\n'],
    // The last line has no newline after it and is still a row.
    ['1101', 'code,name\n1101,"北京"'],
    ['9999', 'code,name\n'],
    // A prefix longer than a line: no match, no read past the line.
    ['6201020019999', 'code,name\n'],
  ])('prefix %s keeps the header and exactly its rows', (prefix, kept) => {
    expect(linesWithPrefix(Buffer.from(TABLE), prefix)).toBe(kept);
  });

  it('a header-only table is kept as it is', () => {
    expect(linesWithPrefix(Buffer.from('code,name'), '62')).toBe('code,name');
  });

  it('the demo city’s tree: the city at its root, every other division under a parent in the tree', async () => {
    const divisions = await cityDivisions('620100', { gridDistricts: ['620102'], gridsPerCommunity: 2 });
    const codes = new Set(divisions.map((d) => d.code));
    expect(divisions[0]).toMatchObject({ code: '620100', name: '兰州市', level: 'city', parentCode: null });
    expect(divisions.every((d) => d.code.startsWith('6201'))).toBe(true);
    expect(divisions.filter((d) => d.parentCode !== null && !codes.has(d.parentCode))).toEqual([]);
    expect(new Set(divisions.map((d) => d.level))).toEqual(new Set(['city', 'district', 'subdistrict', 'community', 'grid']));
    expect(divisions.filter((d) => d.level === 'grid').every((d) => d.code.startsWith('620102'))).toBe(true);
  });
});

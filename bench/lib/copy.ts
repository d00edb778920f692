import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';

/** A PostgreSQL array literal of text values. */
export function pgArray(xs: unknown[]): string {
  return `{${xs.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** One COPY text-format field (objects and arrays as JSON: convert array columns with pgArray first). */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return copyField(JSON.stringify(v));
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/** Streams rows into `table` with COPY FROM STDIN (text format), batching lines into ~256 KiB chunks. */
export async function copyRows(sql: Sql, table: string, columns: string[], rows: Iterable<unknown[]>, onRows?: (n: number) => void): Promise<number> {
  let count = 0;
  function* chunks() {
    let buf: string[] = [];
    let size = 0;
    let pending = 0;
    for (const r of rows) {
      const line = `${r.map(copyField).join('\t')}\n`;
      buf.push(line);
      size += line.length;
      pending++;
      count++;
      if (size > 256 * 1024) {
        yield buf.join('');
        onRows?.(pending);
        buf = [];
        size = 0;
        pending = 0;
      }
    }
    if (buf.length) {
      yield buf.join('');
      onRows?.(pending);
    }
  }
  const cols = columns.map((c) => `"${c}"`).join(', ');
  const writable = await sql.unsafe(`copy "${table}" (${cols}) from stdin`).writable();
  await pipeline(Readable.from(chunks()), writable);
  return count;
}

import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';

/**
 * Ids for the rows of one bulk write (a chunk of an import, its audit entries): version-4 UUIDs
 * whose first 48 bits are random per batch and whose next 26 bits number the batch's rows in order
 * (the last 48 bits random). A batch's rows then sit side by side in every index keyed by the id
 * (the primary key, `(jurisdiction_code, id)`, the audit log's entity index…) instead of on one
 * random page each: a 10k-row chunk dirties a few dozen pages of such an index rather than nearly
 * all of them, and after every checkpoint each page dirtied costs a full-page image in the WAL
 * (82,882 of them, 650 MB, for 100k imported registrations with random ids). Unique within a
 * batch by the number (up to 2^26 rows), across batches by their 96 random bits. What they tell
 * beyond a random id: which rows were written in the same batch, and in which order.
 */
export function batchIds(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let n = 0;
  return () => {
    const hex = `${prefix}${numbered(n++)}${randomUUID().slice(24)}`;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** The 5 bytes after the prefix: version 4, the row's number in 26 bits around the variant bits. */
function numbered(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 26) throw new Error(`batch id number out of range: ${n}`);
  return `4${(n >> 14).toString(16).padStart(3, '0')}${(8 | ((n >> 12) & 3)).toString(16)}${(n & 4095).toString(16).padStart(3, '0')}`;
}

/** `batchIds` in SQL: the id of the row numbered `n` (0-based, e.g. `row_number() over (…) - 1`) in a batch of its own. */
export function batchIdSql(n: SQL): SQL {
  const prefix = randomBytes(6).toString('hex');
  // Past 2^26 rows no id (null): the insert fails instead of numbering two rows alike.
  return sql`case when (${n}) between 0 and 67108863 then
               (${prefix}::text || '4' || lpad(to_hex((${n}) >> 14), 3, '0') || to_hex(8 | (((${n}) >> 12) & 3)) || lpad(to_hex((${n}) & 4095), 3, '0')
                || right(gen_random_uuid()::text, 12))::uuid end`;
}

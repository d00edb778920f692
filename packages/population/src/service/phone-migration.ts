import { isNotNull, sql } from 'drizzle-orm';
import type { Db } from '@safecity/core';
import { protectPhone } from '../identity.js';
import { persons } from '../tables.js';

/**
 * Phones were once stored in clear. On every `migrate`, rows still holding a plaintext phone get
 * its masked form and ciphertext and the plaintext is cleared, 1,000 rows per statement; a
 * database already migrated costs one indexed probe. Idempotent and resumable.
 */
export async function encryptLegacyPhones(db: Db, batchSize = 1000): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db.select({ id: persons.id, phone: persons.phone }).from(persons).where(isNotNull(persons.phone)).limit(batchSize);
    if (rows.length === 0) return done;
    const values = sql.join(
      rows.map((r) => {
        const p = protectPhone(r.phone);
        return sql`(${r.id}::uuid, ${p.phoneMasked}, ${p.phoneCipher})`;
      }),
      sql`, `,
    );
    await db.execute(sql`update persons set phone_masked = v.m, phone_cipher = v.c, phone = null from (values ${values}) as v(id, m, c) where persons.id = v.id`);
    done += rows.length;
  }
}

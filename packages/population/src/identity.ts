import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { anyOf, maskPhone, maskResidentId } from '@safecity/core';
import { normalizeResidentId } from './rules.js';

/**
 * How identity numbers are kept. Key material comes from SAFECITY_DATA_KEY (any string; set a
 * long random one in every real deployment). Without it a fixed, public development key is used,
 * so local databases and tests work out of the box; production refuses to start without one.
 * Three keys are derived from it: one for the HMAC (exact search), one for AES-256-GCM (reveal),
 * and one for AES-256-GCM of phone numbers.
 *
 * Rotation (README, Runbook): SAFECITY_DATA_KEY_PREVIOUS names a second key that is accepted
 * for reading, never for writing: ciphertexts under it decrypt, and lookups by number try its
 * hash too, so searching works while `population:rotate-data-key` re-keys the rows.
 */
export const DEV_DATA_KEY = 'safecity-population-development-key-not-a-secret';

export interface DataKey {
  /** A public fingerprint of the key material (a one-way hash): names the key in ciphertexts. */
  id: string;
  hmac: Buffer;
  enc: Buffer;
  phone: Buffer;
}

function deriveKey(material: string): DataKey {
  return {
    id: createHash('sha256').update('safecity:population:key-id:').update(material).digest('hex').slice(0, 12),
    hmac: createHash('sha256').update('safecity:population:hmac:').update(material).digest(),
    enc: createHash('sha256').update('safecity:population:aes-gcm:').update(material).digest(),
    phone: createHash('sha256').update('safecity:population:phone:aes-gcm:').update(material).digest(),
  };
}

let cached: { source: string; ring: { current: DataKey; previous: DataKey | null } } | null = null;
/** The current key (writes) and the previous one (reads during a rotation). */
export function dataKeyRing(): { current: DataKey; previous: DataKey | null } {
  const current = process.env.SAFECITY_DATA_KEY || '';
  const previous = process.env.SAFECITY_DATA_KEY_PREVIOUS || '';
  if (!current && process.env.NODE_ENV === 'production') throw new Error('SAFECITY_DATA_KEY must be set in production (identity numbers are encrypted with it).');
  const source = `${current}\u0000${previous}`;
  if (cached?.source === source) return cached.ring;
  const cur = deriveKey(current || DEV_DATA_KEY);
  const prev = previous ? deriveKey(previous) : null;
  cached = { source, ring: { current: cur, previous: prev && prev.id !== cur.id ? prev : null } };
  return cached.ring;
}

const keysForReading = () => {
  const r = dataKeyRing();
  return r.previous ? [r.current, r.previous] : [r.current];
};

function hmacWith(key: DataKey, idNumber: string): string {
  return createHmac('sha256', key.hmac).update(normalizeResidentId(idNumber)).digest('hex');
}

/** HMAC-SHA256 of the normalized number under the current key: what is stored. */
export function hashResidentId(idNumber: string): string {
  return hmacWith(dataKeyRing().current, idNumber);
}

/** Every hash the number may be stored under (current key first): what lookups compare with. */
export function residentIdHashes(idNumber: string): string[] {
  return keysForReading().map((k) => hmacWith(k, idNumber));
}

/** `column` holds the number's hash under any accepted key: the one way to look a number up. */
export function idNumberMatches(column: PgColumn, idNumber: string): SQL {
  return anyOf(column, residentIdHashes(idNumber));
}

type Purpose = 'enc' | 'phone';

// IVs are drawn from the CSPRNG in bulk: one call per encryption cost more than the encryption
// itself in a bulk write (the import: 100k rows, 0.6 s of randomBytes(12) alone).
const ivPool = Buffer.alloc(12 * 4096);
let ivNext = ivPool.length;
function freshIv(): Buffer {
  if (ivNext + 12 > ivPool.length) {
    randomFillSync(ivPool);
    ivNext = 0;
  }
  ivNext += 12;
  return Buffer.from(ivPool.subarray(ivNext - 12, ivNext));
}

function encryptWith(key: DataKey, text: string, purpose: Purpose = 'enc'): string {
  const iv = freshIv();
  const c = createCipheriv('aes-256-gcm', key[purpose], iv);
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return `v2.${key.id}.${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
}

/** AES-256-GCM: `v2.<key id>.` + base64url(iv ‖ tag ‖ ciphertext). (`v1.` had no key id.) */
export function encryptResidentId(idNumber: string): string {
  return encryptWith(dataKeyRing().current, normalizeResidentId(idNumber));
}

function decryptWith(key: DataKey, payload: string, purpose: Purpose = 'enc'): string {
  const buf = Buffer.from(payload, 'base64url');
  const d = createDecipheriv('aes-256-gcm', key[purpose], buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}

/** The key id a ciphertext names (`v1.` ciphertexts name none). */
export function cipherKeyId(cipher: string): string | null {
  const m = /^v2\.([0-9a-f]+)\./.exec(cipher);
  return m ? m[1]! : null;
}

export function decryptResidentId(cipher: string): string {
  return decryptUnder(cipher, 'enc', 'identity');
}

function decryptUnder(cipher: string, purpose: Purpose, what: string): string {
  if (cipher.startsWith('v2.')) {
    const kid = cipherKeyId(cipher);
    const key = keysForReading().find((k) => k.id === kid);
    if (!key) throw new Error(`${what} cipher under key ${kid}, which is neither SAFECITY_DATA_KEY nor SAFECITY_DATA_KEY_PREVIOUS`);
    return decryptWith(key, cipher.slice(4 + kid!.length), purpose);
  }
  if (!cipher.startsWith('v1.')) throw new Error(`unknown ${what} cipher version`);
  // v1 names no key: the authentication tag tells which one fits.
  for (const key of keysForReading()) {
    try {
      return decryptWith(key, cipher.slice(3), purpose);
    } catch {
      /* try the next key */
    }
  }
  throw new Error(`${what} cipher fits neither SAFECITY_DATA_KEY nor SAFECITY_DATA_KEY_PREVIOUS`);
}

/**
 * Phone numbers are kept like identity numbers, minus the search hash: a masked form (core's
 * masking policy) for display and an AES-256-GCM ciphertext (its own derived key, named in the
 * ciphertext like identity numbers' so a key rotation re-keys them too) for the audited reveal.
 * The legacy plaintext column `phone` is emptied by `migrate` (see encryptLegacyPhones).
 */
export function protectPhone(phone: string | null | undefined): { phone: null; phoneMasked: string | null; phoneCipher: string | null } {
  if (!phone) return { phone: null, phoneMasked: null, phoneCipher: null };
  return { phone: null, phoneMasked: maskPhone(phone), phoneCipher: encryptWith(dataKeyRing().current, phone, 'phone') };
}

export function decryptPhone(cipher: string): string {
  return decryptUnder(cipher, 'phone', 'phone');
}

/** Whether a stored ciphertext is already under the current key (rotation skips it). */
export function isUnderCurrentKey(cipher: string): boolean {
  return cipherKeyId(cipher) === dataKeyRing().current.id;
}

/** The three stored forms of a number. */
export function protectResidentId(idNumber: string) {
  const id = normalizeResidentId(idNumber);
  return { idNumberHash: hashResidentId(id), idNumberMasked: maskResidentId(id), idNumberCipher: encryptResidentId(id) };
}

/**
 * The three stored forms of a number and its hash under the previous key (null outside a
 * rotation), with the keys looked up once and each hash computed once: what a bulk write (the
 * import) needs per row.
 */
export function protectResidentIdForBulk(idNumber: string) {
  const ring = dataKeyRing();
  const id = normalizeResidentId(idNumber);
  return {
    idNumberHash: hmacWith(ring.current, id),
    idNumberHashPrevious: ring.previous ? hmacWith(ring.previous, id) : null,
    idNumberMasked: maskResidentId(id),
    idNumberCipher: encryptWith(ring.current, id),
  };
}

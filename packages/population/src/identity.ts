import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { maskPhone, maskResidentId } from '@safecity/core';
import { normalizeResidentId } from './rules.js';

/**
 * How identity numbers are kept. Key material comes from SAFECITY_DATA_KEY (any string; set a
 * long random one in every real deployment). Without it a fixed, public development key is used,
 * so local databases and tests work out of the box; production refuses to start without one.
 * Two keys are derived from it: one for the HMAC (exact search), one for AES-256-GCM (reveal).
 */
export const DEV_DATA_KEY = 'safecity-population-development-key-not-a-secret';

let cached: { source: string; hmac: Buffer; enc: Buffer; phone: Buffer } | null = null;
function keys() {
  const source = process.env.SAFECITY_DATA_KEY || '';
  if (!source && process.env.NODE_ENV === 'production') throw new Error('SAFECITY_DATA_KEY must be set in production (identity numbers are encrypted with it).');
  if (cached?.source === source) return cached;
  const material = source || DEV_DATA_KEY;
  cached = {
    source,
    hmac: createHash('sha256').update('safecity:population:hmac:').update(material).digest(),
    enc: createHash('sha256').update('safecity:population:aes-gcm:').update(material).digest(),
    phone: createHash('sha256').update('safecity:population:phone:aes-gcm:').update(material).digest(),
  };
  return cached;
}

/** HMAC-SHA256 of the normalized number: equal numbers give equal hashes, nothing more. */
export function hashResidentId(idNumber: string): string {
  return createHmac('sha256', keys().hmac).update(normalizeResidentId(idNumber)).digest('hex');
}

/** AES-256-GCM: `v1.` + base64url(iv ‖ tag ‖ ciphertext). */
function seal(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return `v1.${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
}

function unseal(key: Buffer, cipher: string): string {
  if (!cipher.startsWith('v1.')) throw new Error('unknown cipher version');
  const buf = Buffer.from(cipher.slice(3), 'base64url');
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}

export function encryptResidentId(idNumber: string): string {
  return seal(keys().enc, normalizeResidentId(idNumber));
}

export function decryptResidentId(cipher: string): string {
  return unseal(keys().enc, cipher);
}

/**
 * Phone numbers are kept like identity numbers, minus the search hash: a masked form (core's
 * masking policy) for display and an AES-256-GCM ciphertext (its own derived key) for the audited
 * reveal. The legacy plaintext column `phone` is emptied by `migrate` (see encryptLegacyPhones).
 */
export function protectPhone(phone: string | null | undefined): { phone: null; phoneMasked: string | null; phoneCipher: string | null } {
  if (!phone) return { phone: null, phoneMasked: null, phoneCipher: null };
  return { phone: null, phoneMasked: maskPhone(phone), phoneCipher: seal(keys().phone, phone) };
}

export function decryptPhone(cipher: string): string {
  return unseal(keys().phone, cipher);
}

/** The three stored forms of a number. */
export function protectResidentId(idNumber: string) {
  const id = normalizeResidentId(idNumber);
  return { idNumberHash: hashResidentId(id), idNumberMasked: maskResidentId(id), idNumberCipher: encryptResidentId(id) };
}

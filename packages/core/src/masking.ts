/**
 * The one masking policy of the platform. GraphQL answers (masked fields), audit entries
 * (`maskPersonal` before hashing) and logs (the gateway's redaction) all decide here which keys
 * are personal and how a value of each kind is shown. Change it here and every output follows.
 */

/** Personal identifiers and how each kind is masked. Keys are matched case-insensitively at the end of a property name. */
export const PERSONAL_KEYS = {
  residentId: /(idNumber|residentId|identityNumber|id_number)$/i,
  phone: /(phone|mobile|phoneNumber|phone_number)$/i,
} as const;

/** Stored forms of personal identifiers that never leave the database (hashes and ciphertexts). */
export const SECRET_KEYS = /^(idNumberHash|idNumberCipher|phoneCipher|id_number_hash|id_number_cipher|phone_cipher)$/;

export type PersonalKind = keyof typeof PERSONAL_KEYS;

/** GB 11643 numbers keep their first 4 and last 4 characters: 6201**********123X. */
export function maskResidentId(id: string): string {
  if (id.length < 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** Phone numbers keep their first 3 and last 4 digits: 138****5678. Short numbers are masked whole. */
export function maskPhone(p: string): string {
  return p.length <= 7 ? '*'.repeat(p.length) : p.slice(0, 3) + '*'.repeat(p.length - 7) + p.slice(-4);
}

/** The kind of personal identifier a property name holds, if any. */
export function personalKindOf(key: string): PersonalKind | null {
  if (PERSONAL_KEYS.residentId.test(key)) return 'residentId';
  if (PERSONAL_KEYS.phone.test(key)) return 'phone';
  return null;
}

/** Masks one value of a known kind. */
export function maskAs(kind: PersonalKind, value: string): string {
  return kind === 'residentId' ? maskResidentId(value) : maskPhone(value);
}

/** Matches unmasked identifiers inside free text: 18-character identity numbers and mainland mobile numbers. */
const RESIDENT_ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g;

/** Masks identity numbers and phone numbers found inside free text (log messages, error texts). */
export function maskPersonalText(text: string): string {
  return text.replace(RESIDENT_ID_IN_TEXT, (m) => maskResidentId(m)).replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/**
 * A copy of `value` with personal identifiers masked by key and stored secrets left out.
 * Used for audit entries (before hashing) and for anything written to logs.
 */
export function maskPersonal(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(maskPersonal);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.test(k)) continue;
      const kind = personalKindOf(k);
      if (kind && typeof v === 'string') out[k] = maskAs(kind, v);
      else out[k] = maskPersonal(v);
    }
    return out;
  }
  return value;
}

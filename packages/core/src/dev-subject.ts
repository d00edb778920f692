import { SEEDED_USERS, type Role, type TokenClaims } from './auth.js';

/**
 * Who a development token speaks for. The seeded user of a role exists in one jurisdiction; a
 * token for the same role elsewhere is another officer, so it gets its own subject, derived
 * from role and jurisdiction (`district_officer@620103`), unless one is given. Otherwise writes
 * made with it would be audited under the seeded officer's id. Deterministic, so two tokens for
 * the same role and place are the same person in the audit log.
 */
export function devTokenClaims(role: Role, opts: { jurisdiction?: string | null; sub?: string | null } = {}): Pick<TokenClaims, 'sub' | 'roles' | 'jurisdiction' | 'name'> {
  const seeded = SEEDED_USERS[role];
  const jurisdiction = opts.jurisdiction || seeded.jurisdiction;
  const own = jurisdiction === seeded.jurisdiction;
  const sub = opts.sub || (own ? seeded.sub : `${role}@${jurisdiction}`);
  return { sub, roles: [role], jurisdiction, ...(sub === seeded.sub ? { name: seeded.name } : {}) };
}

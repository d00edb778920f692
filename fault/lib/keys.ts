import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * The suite runs the API as production does: tokens verified with a public key (ES256), never the
 * public development secret, which production refuses. One key pair per suite run.
 */
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const SUITE_PUBLIC_KEY_PEM = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export function mintSuiteToken(claims: { sub: string; roles: string[]; jurisdiction: string; name?: string }, expiresIn = '2h'): Promise<string> {
  return new SignJWT({ roles: claims.roles, jurisdiction: claims.jurisdiction, name: claims.name })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer('safecity')
    .setAudience('safecity-api')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(pair.privateKey);
}

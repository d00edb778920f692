import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

/** A real ES256 key pair: the API verifies with the public key, the bench signs with the private one. */
export async function benchKeys() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  const sign = (claims: { sub: string; roles: string[]; jurisdiction: string }) =>
    new SignJWT({ roles: claims.roles, jurisdiction: claims.jurisdiction })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer('safecity')
      .setAudience('safecity-api')
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(privateKey);
  return { publicKeyPem, sign };
}

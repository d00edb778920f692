import { describe, expect, it } from 'vitest';
import { createAuthenticator, mintDevToken, type TokenIdentity } from '../src/index.js';

const SECRET = 'a-development-secret-of-enough-length-0123456789';
const config = {
  issuer: 'safecity',
  audience: 'safecity-api',
  jwksUrl: null,
  publicKeyPem: null,
  publicKeyAlg: 'ES256' as const,
  devSecret: SECRET,
  maxTokenAgeSeconds: 12 * 3600,
  clockSkewSeconds: 60,
  revocationRefreshMs: 1000,
};
const permissions = new Map([['grid_worker', new Set<string>()]]);

function authenticator() {
  const asked: TokenIdentity[] = [];
  const auth = createAuthenticator(config as never, permissions, {
    revocations: {
      isRevoked: async (t) => {
        asked.push(t);
        return false;
      },
      refresh: async () => {},
    },
  });
  return { auth, asked };
}
const request = (authorization?: string) => new Request('http://api/graphql', { method: 'POST', headers: authorization ? { authorization } : {} });

describe('one authentication per request', () => {
  it('settles once however many plugins ask, consulting the revocation list once; another request asks again', async () => {
    const { auth, asked } = authenticator();
    const token = await mintDevToken(SECRET, { sub: 'u1', roles: ['grid_worker'], jurisdiction: '620102001001001' });
    const r = request(`Bearer ${token}`);
    const [a, b, c] = await Promise.all([auth.authenticateRequest(r), auth.authenticateRequest(r), auth.authenticateRequest(r)]);
    expect(a?.id).toBe('u1');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(asked).toHaveLength(1);
    await auth.authenticateRequest(request(`Bearer ${token}`));
    expect(asked).toHaveLength(2);
  });
  it('a bad token is refused to every caller of the request, a missing one is anonymous', async () => {
    const { auth } = authenticator();
    const r = request('Bearer not.a.token');
    await expect(auth.authenticateRequest(r)).rejects.toThrow(/Invalid token/);
    await expect(auth.authenticateRequest(r)).rejects.toThrow(/Invalid token/);
    expect(await auth.authenticateRequest(request())).toBeNull();
  });
});

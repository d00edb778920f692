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

function authenticator(list: { revoked?: Set<string>; due?: boolean } = {}) {
  const asked: TokenIdentity[] = [];
  const auth = createAuthenticator(config as never, permissions, {
    revocations: {
      isRevoked: async (t) => {
        asked.push(t);
        return list.revoked?.has(t.sub) ?? false;
      },
      isRevokedNow: (t) => (list.due ? undefined : (list.revoked?.has(t.sub) ?? false)),
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

describe('the actor without waiting (peekRequest)', () => {
  const mint = (sub: string) => mintDevToken(SECRET, { sub, roles: ['grid_worker'], jurisdiction: '620102001001001' });
  it('knows an anonymous request and a token verified before; not a token it has not verified', async () => {
    const { auth } = authenticator();
    expect(auth.peekRequest(request())).toBeNull();
    const token = await mint('u1');
    expect(auth.peekRequest(request(`Bearer ${token}`))).toBeUndefined();
    await auth.authenticateRequest(request(`Bearer ${token}`));
    const r = request(`Bearer ${token}`);
    const actor = auth.peekRequest(r);
    expect(actor?.id).toBe('u1');
    // The request's later callers get the same actor, without a second verification or list check.
    expect(await auth.authenticateRequest(r)).toBe(actor);
  });
  it.each([
    ['a token the list names since', (l: { revoked: Set<string>; due: boolean }) => l.revoked.add('u1'), /revoked/],
    ['a list due a reload', (l: { revoked: Set<string>; due: boolean }) => (l.due = true), null],
  ])('leaves %s to authenticateRequest', async (_what, change, refusal) => {
    const list = { revoked: new Set<string>(), due: false };
    const { auth } = authenticator(list);
    const token = await mint('u1');
    await auth.authenticateRequest(request(`Bearer ${token}`));
    expect(auth.peekRequest(request(`Bearer ${token}`))?.id).toBe('u1');
    change(list);
    const r = request(`Bearer ${token}`);
    expect(auth.peekRequest(r)).toBeUndefined();
    if (refusal) await expect(auth.authenticateRequest(r)).rejects.toThrow(refusal);
    else expect((await auth.authenticateRequest(r))?.id).toBe('u1');
  });
  it('never answers for a malformed or forged header', async () => {
    const { auth } = authenticator();
    const token = await mint('u1');
    await auth.authenticateRequest(request(`Bearer ${token}`));
    expect(auth.peekRequest(request('Basic abc'))).toBeUndefined();
    expect(auth.peekRequest(request(`Bearer ${token.slice(0, -2)}xx`))).toBeUndefined();
  });
});

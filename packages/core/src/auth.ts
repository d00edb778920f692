import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from './config.js';
import { unauthenticated } from './errors.js';
import { isDivisionCode } from './jurisdiction.js';
import type { RevocationList } from './revocation.js';
import { requestSlot } from './request-slot.js';

/** The seeded roles. Modules grant permissions to them in their descriptors. */
export const ROLES = {
  city_admin: 'City administrator: everything in the city.',
  district_officer: 'District officer: reads and changes data of one district.',
  grid_worker: 'Community grid worker: registers people and dwellings, records visits.',
  assessor: 'Assessor: scores safe units of a jurisdiction.',
  auditor: 'Auditor: read-only, everything in scope, histories included.',
  department_service: 'Department service account: integrating queries (credit standing, registration status).',
  credit_officer: 'Credit officer: decides on red/black list proposals and repairs.',
} as const;
export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

/**
 * Whether `name` is one of the fixed roles. An own-property check of a frozen set: `"constructor"`,
 * `"__proto__"` or `"toString"` are members of every object's prototype, not roles.
 */
export function isRole(name: unknown): name is Role {
  return typeof name === 'string' && Object.hasOwn(ROLES, name);
}

/** The seeded user of each role: jurisdiction codes in the demo city (兰州市 620100). */
export const SEEDED_USERS: Record<Role, { sub: string; jurisdiction: string; name: string }> = {
  city_admin: { sub: 'city-admin', jurisdiction: '620100', name: '市平安办管理员' },
  district_officer: { sub: 'chengguan-officer', jurisdiction: '620102', name: '城关区综治干部' },
  grid_worker: { sub: 'changjiaxiang-grid-worker', jurisdiction: '620102001001', name: '畅家巷社区网格员' },
  assessor: { sub: 'chengguan-assessor', jurisdiction: '620102', name: '城关区考评员' },
  auditor: { sub: 'city-auditor', jurisdiction: '620100', name: '市审计员' },
  department_service: { sub: 'svc-market-regulation', jurisdiction: '620100', name: '市场监管局接口账号' },
  credit_officer: { sub: 'credit-officer', jurisdiction: '620100', name: '市信用办' },
};

export interface Actor {
  id: string;
  roles: Role[];
  jurisdictionCode: string;
  permissions: ReadonlySet<string>;
}

export interface TokenClaims {
  sub: string;
  roles: Role[];
  jurisdiction: string;
  permissions?: string[];
  name?: string;
}

export interface Authenticator {
  /** Null for an anonymous request; throws UNAUTHENTICATED (401) for a bad token. */
  authenticate(authorization: string | null | undefined): Promise<Actor | null>;
  /**
   * The same for one HTTP request, settled once however many plugins ask (the rate limiter, the
   * introspection policy, the context): the revocation check and the cache lookup run once.
   */
  authenticateRequest(request: Request): Promise<Actor | null>;
  /**
   * The request's actor when it is known without waiting: no token (null), or a token verified
   * before whose cached verification is still valid and which the current revocation list does not
   * name. Undefined when only `authenticateRequest` can tell (a new token, a list due a reload, a
   * token that will be refused): the plugins that run for every request (the rate limiter, the
   * introspection policy, the context) then take no promise and no turn of the microtask queue.
   */
  peekRequest(request: Request): Actor | null | undefined;
}

export interface AuthenticatorOptions {
  /** Revoked tokens (by jti or subject); checked on every request, cached tokens included. */
  revocations?: RevocationList;
}

export function createAuthenticator(config: Config['auth'], rolePermissions: ReadonlyMap<string, ReadonlySet<string>>, opts: AuthenticatorOptions = {}): Authenticator {
  let keyPromise: Promise<{ key: JWTVerifyGetKey | CryptoKey | Uint8Array; algorithms: string[] }> | null = null;
  const key = () =>
    (keyPromise ??= (async () => {
      if (config.jwksUrl) return { key: createRemoteJWKSet(new URL(config.jwksUrl)), algorithms: ['ES256', 'RS256'] };
      if (config.publicKeyPem) {
        return { key: await importSPKI(config.publicKeyPem, config.publicKeyAlg), algorithms: [config.publicKeyAlg] };
      }
      return { key: new TextEncoder().encode(config.devSecret!), algorithms: ['HS256'] };
    })());

  // A token verified once is cached until it expires (integrating services send the same token
  // thousands of times, and a signature check costs more than the rest of a small request), but
  // the revocation list is consulted on every request, so a revoked token stops within seconds.
  const verified = new Map<string, { actor: Actor; exp: number; identity: { jti: string | null; sub: string; iat: number } }>();
  const MAX_CACHED = 10_000;
  const maxAge = config.maxTokenAgeSeconds ?? 12 * 3600;
  const skew = config.clockSkewSeconds ?? 60;
  const refuseIfRevoked = async (identity: { jti: string | null; sub: string; iat: number }) => {
    if (opts.revocations && (await opts.revocations.isRevoked(identity))) throw unauthenticated('Invalid token: revoked.');
  };

  const TOKEN = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/;
  // A cached verification still in force, or undefined (never verified, expired: the full path decides).
  const cachedVerification = (token: string) => {
    const hit = verified.get(token);
    if (!hit) return undefined;
    const now = Date.now() / 1000;
    return hit.exp + skew > now && now - hit.identity.iat <= maxAge + skew ? hit : undefined;
  };

  const byRequest = requestSlot<Request, Promise<Actor | null>>('actor');
  const peeked = requestSlot<Request, Actor | null>('peekedActor');
  const authenticator: Authenticator = {
    peekRequest(request) {
      const known = peeked.get(request);
      if (known !== undefined) return known;
      const header = request.headers.get('authorization');
      let actor: Actor | null | undefined;
      if (!header) actor = null;
      else {
        const m = TOKEN.exec(header.trim());
        const hit = m ? cachedVerification(m[1]) : undefined;
        actor = hit && (opts.revocations ? opts.revocations.isRevokedNow(hit.identity) : false) === false ? hit.actor : undefined;
      }
      if (actor !== undefined) peeked.set(request, actor);
      return actor;
    },
    authenticateRequest(request) {
      let p = byRequest.get(request);
      if (!p) {
        const known = peeked.get(request);
        if (known !== undefined) {
          p = Promise.resolve(known);
          byRequest.set(request, p);
          return p;
        }
        p = authenticator.authenticate(request.headers.get('authorization'));
        // Callers that only peek (the rate limiter) catch; the context rethrows the 401.
        p.catch(() => {});
        byRequest.set(request, p);
      }
      return p;
    },
    async authenticate(header) {
      if (!header) return null;
      const m = TOKEN.exec(header.trim());
      if (!m) throw unauthenticated('Malformed Authorization header: expected "Bearer <JWT>".');
      const hit = cachedVerification(m[1]);
      if (hit) {
        await refuseIfRevoked(hit.identity);
        return hit.actor;
      }
      verified.delete(m[1]);
      let payload: JWTPayload;
      try {
        const k = await key();
        ({ payload } = await jwtVerify(m[1], k.key as never, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: k.algorithms,
          requiredClaims: ['sub', 'exp', 'iat'],
          // jose refuses an `iat` in the future (beyond the tolerance) and one older than maxTokenAge.
          maxTokenAge: maxAge,
          clockTolerance: skew,
        }));
      } catch (e) {
        throw unauthenticated(`Invalid token: ${(e as { code?: string }).code ?? 'verification failed'}.`);
      }
      const problem = tokenLifetimeProblem(payload, { maxAgeSeconds: maxAge, skewSeconds: skew, nowSeconds: Date.now() / 1000 });
      if (problem) throw unauthenticated(`Invalid token: ${problem}.`);
      const actor = actorFromClaims(payload, rolePermissions);
      const identity = { jti: typeof payload.jti === 'string' ? payload.jti : null, sub: payload.sub!, iat: payload.iat! };
      await refuseIfRevoked(identity);
      if (verified.size >= MAX_CACHED) verified.delete(verified.keys().next().value!);
      verified.set(m[1], { actor, exp: payload.exp!, identity });
      return actor;
    },
  };
  return authenticator;
}

/**
 * Pure rule: what is wrong with a token's lifetime, if anything. `iat` is required and may not lie
 * in the future; a token may not ask to live longer than the maximum age (`exp − iat`), so an
 * `exp` in the year 3000 is refused even while the token is young.
 */
export function tokenLifetimeProblem(payload: Pick<JWTPayload, 'iat' | 'exp'>, o: { maxAgeSeconds: number; skewSeconds: number; nowSeconds: number }): string | null {
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return 'iat missing';
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return 'exp missing';
  if (payload.iat > o.nowSeconds + o.skewSeconds) return 'issued in the future';
  if (payload.exp - payload.iat > o.maxAgeSeconds + o.skewSeconds) return `lifetime longer than ${o.maxAgeSeconds} s`;
  if (o.nowSeconds - payload.iat > o.maxAgeSeconds + o.skewSeconds) return 'too old';
  return null;
}

/**
 * The actor of verified claims. Every role must be one of the fixed roles and every extra
 * permission one some role is granted (own-property checks, never `in`): a token naming anything
 * else is refused as a whole rather than half-honoured.
 */
export function actorFromClaims(payload: JWTPayload, rolePermissions: ReadonlyMap<string, ReadonlySet<string>>): Actor {
  const claimed: unknown[] = Array.isArray(payload.roles) ? payload.roles : [];
  const jurisdiction = typeof payload.jurisdiction === 'string' ? payload.jurisdiction : '';
  if (!payload.sub || typeof payload.sub !== 'string' || claimed.length === 0 || !isDivisionCode(jurisdiction)) {
    throw unauthenticated('Token lacks subject, a known role or a valid jurisdiction claim.');
  }
  if (!claimed.every(isRole)) throw unauthenticated('Token names an unknown role.');
  const roles = [...new Set(claimed as Role[])];
  const known = new Set<string>();
  for (const set of rolePermissions.values()) for (const p of set) known.add(p);
  const extra: unknown[] = payload.permissions === undefined ? [] : Array.isArray(payload.permissions) ? payload.permissions : [null];
  if (!extra.every((p) => typeof p === 'string' && known.has(p))) throw unauthenticated('Token names an unknown permission.');
  const permissions = new Set<string>(extra as string[]);
  for (const r of roles) for (const p of rolePermissions.get(r) ?? []) permissions.add(p);
  return { id: payload.sub, roles, jurisdictionCode: jurisdiction, permissions };
}

/** Mints an HS256 token for local development (the `token` CLI and tests). */
export async function mintDevToken(secret: string, claims: TokenClaims, opts: { issuer?: string; audience?: string; expiresIn?: string | number } = {}): Promise<string> {
  return new SignJWT({ roles: claims.roles, jurisdiction: claims.jurisdiction, permissions: claims.permissions, name: claims.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(opts.issuer ?? 'safecity')
    .setAudience(opts.audience ?? 'safecity-api')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(secret));
}

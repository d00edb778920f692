import { createLocalJWKSet, createRemoteJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from './config.js';
import { unauthenticated } from './errors.js';
import { isDivisionCode } from './jurisdiction.js';

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
}

export function createAuthenticator(config: Config['auth'], rolePermissions: ReadonlyMap<string, ReadonlySet<string>>): Authenticator {
  let keyPromise: Promise<{ key: JWTVerifyGetKey | CryptoKey | Uint8Array; algorithms: string[] }> | null = null;
  const key = () =>
    (keyPromise ??= (async () => {
      if (config.jwksUrl) return { key: createRemoteJWKSet(new URL(config.jwksUrl)), algorithms: ['ES256', 'RS256'] };
      if (config.publicKeyPem) {
        return { key: await importSPKI(config.publicKeyPem, config.publicKeyAlg), algorithms: [config.publicKeyAlg] };
      }
      return { key: new TextEncoder().encode(config.devSecret!), algorithms: ['HS256'] };
    })());

  // A token verified once stays valid until it expires: integrating services send the same token
  // thousands of times, and a signature check costs more than the rest of a small request.
  const verified = new Map<string, { actor: Actor; exp: number }>();
  const MAX_CACHED = 10_000;

  return {
    async authenticate(header) {
      if (!header) return null;
      const m = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/.exec(header.trim());
      if (!m) throw unauthenticated('Malformed Authorization header: expected "Bearer <JWT>".');
      const hit = verified.get(m[1]);
      if (hit) {
        if (hit.exp * 1000 > Date.now()) return hit.actor;
        verified.delete(m[1]);
      }
      let payload: JWTPayload;
      try {
        const k = await key();
        ({ payload } = await jwtVerify(m[1], k.key as never, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: k.algorithms,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (e) {
        throw unauthenticated(`Invalid token: ${(e as { code?: string }).code ?? 'verification failed'}.`);
      }
      const actor = actorFromClaims(payload, rolePermissions);
      if (verified.size >= MAX_CACHED) verified.delete(verified.keys().next().value!);
      verified.set(m[1], { actor, exp: payload.exp! });
      return actor;
    },
  };
}

export function actorFromClaims(payload: JWTPayload, rolePermissions: ReadonlyMap<string, ReadonlySet<string>>): Actor {
  const roles = Array.isArray(payload.roles) ? (payload.roles as string[]).filter((r): r is Role => r in ROLES) : [];
  const jurisdiction = typeof payload.jurisdiction === 'string' ? payload.jurisdiction : '';
  if (!payload.sub || roles.length === 0 || !isDivisionCode(jurisdiction)) {
    throw unauthenticated('Token lacks subject, a known role or a valid jurisdiction claim.');
  }
  const permissions = new Set<string>(Array.isArray(payload.permissions) ? (payload.permissions as string[]) : []);
  for (const r of roles) for (const p of rolePermissions.get(r) ?? []) permissions.add(p);
  return { id: payload.sub, roles, jurisdictionCode: jurisdiction, permissions };
}

/** Mints an HS256 token for local development (the `token` CLI and tests). */
export async function mintDevToken(
  secret: string,
  claims: TokenClaims,
  opts: { issuer?: string; audience?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT({ roles: claims.roles, jurisdiction: claims.jurisdiction, permissions: claims.permissions, name: claims.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(opts.issuer ?? 'safecity')
    .setAudience(opts.audience ?? 'safecity-api')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(secret));
}

export { createLocalJWKSet };

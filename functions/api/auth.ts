import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { config } from '../shared/config.ts';
import { UnauthorizedError } from '../shared/errors.ts';
import { principalSchema, roles as knownRoles, type Principal, type Role } from '../platform/principal.ts';

/**
 * Bearer JWT verification. HS256 with JWT_SECRET (the local host), RS256 from JWKS_URL (Cognito);
 * when both are configured the token's `alg` picks the key, and no other algorithm is accepted.
 * Keys are prepared once per configuration, not per request.
 */
interface Verifier {
  readonly configKey: string;
  /**
   * Tokens already verified, until their `exp`: a client sends the same token with every request,
   * and re-checking the signature each time was most of the API's own per-request cost. Only
   * successes are kept, at most `maxCachedTokens`, and the cache goes with the key configuration.
   */
  readonly verified: Map<string, { readonly principal: Principal; readonly expiresAtMs: number }>;
  readonly getKey: JWTVerifyGetKey;
  readonly algorithms: string[];
  readonly issuer: string | undefined;
  readonly audience: string[] | undefined;
}

let verifier: Verifier | undefined;
const maxCachedTokens = 10_000;

/**
 * Lifetime rules, checked on every token whatever its issuer: `exp` is required (a token without it
 * would never expire), a token may live at most {@link maxTokenLifetimeSeconds} (12 h: Cognito's ID
 * and access tokens last 1 h here, local tokens 1 h by default and at most 12 h), and an `iat` more
 * than {@link clockSkewSeconds} in the future is refused (a token from a clock far ahead, or forged
 * to outlive its rotation). No skew is allowed on `exp`.
 */
export const maxTokenLifetimeSeconds = 12 * 3600;
export const clockSkewSeconds = 60;

function checkLifetime(payload: JWTPayload, nowSeconds: number): void {
  if (typeof payload.exp !== 'number') throw new UnauthorizedError('Token rejected: it has no exp (expiry) claim');
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + clockSkewSeconds) {
    throw new UnauthorizedError('Token rejected: its iat (issued at) is in the future');
  }
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : nowSeconds;
  // Without `iat` the remaining lifetime is bounded instead.
  if (payload.exp - issuedAt > maxTokenLifetimeSeconds || payload.exp - nowSeconds > maxTokenLifetimeSeconds + clockSkewSeconds) {
    throw new UnauthorizedError(`Token rejected: it lives longer than ${maxTokenLifetimeSeconds / 3600} hours`);
  }
}

async function currentVerifier(): Promise<Verifier> {
  const { JWT_SECRET, JWKS_URL, JWT_ISSUER, JWT_AUDIENCE } = config();
  const configKey = `${JWT_SECRET ?? ''}|${JWKS_URL ?? ''}|${JWT_ISSUER ?? ''}|${JWT_AUDIENCE ?? ''}`;
  if (verifier?.configKey === configKey) return verifier;
  if (!JWT_SECRET && !JWKS_URL) throw new Error('Neither JWT_SECRET nor JWKS_URL is configured');
  const hmacKey = JWT_SECRET
    ? await crypto.subtle.importKey('raw', new TextEncoder().encode(JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    : undefined;
  const jwks = JWKS_URL ? createRemoteJWKSet(new URL(JWKS_URL)) : undefined;
  const algorithms = [...(hmacKey ? ['HS256'] : []), ...(jwks ? ['RS256'] : [])];
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && hmacKey) return hmacKey;
    if (header.alg === 'RS256' && jwks) return jwks(header, token);
    throw new UnauthorizedError(`Token algorithm ${String(header.alg)} is not accepted`);
  };
  // Several app clients sign users in to the same pool (the CLI's, the web console's): any of them may be the `aud`.
  const audience = JWT_AUDIENCE?.split(',').map((a) => a.trim()).filter(Boolean);
  verifier = { configKey, verified: new Map(), getKey, algorithms, issuer: JWT_ISSUER, audience: audience?.length ? audience : undefined };
  return verifier;
}

function stringClaim(claims: JWTPayload, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  // Some issuers put lists in one space- or comma-separated string.
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * The one mapping from token claims to a Principal. Accepts our own claims (`roles`, `division`,
 * `unitId`, `position`) and Cognito's (`cognito:groups` as roles, `custom:division`,
 * `custom:unitId`, `custom:position`). Groups that are not roles of this product are ignored.
 * Throws 401 naming the claim that is missing or malformed.
 */
export function principalFromClaims(claims: JWTPayload): Principal {
  const roleNames = new Set([...listClaim(claims.roles), ...listClaim(claims['cognito:groups'])]);
  const roles = knownRoles.filter((r: Role) => roleNames.has(r));
  const candidate = {
    sub: claims.sub,
    roles,
    division: stringClaim(claims, 'division', 'custom:division'),
    unitId: stringClaim(claims, 'unitId', 'custom:unitId'),
    position: stringClaim(claims, 'position', 'custom:position'),
  };
  const parsed = principalSchema.safeParse(candidate);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `claim ${i.path.join('.') || '(token)'}: ${i.message}`).join('; ');
    throw new UnauthorizedError(`Token claims are not usable: ${detail}`);
  }
  return parsed.data;
}

/** Verify an `Authorization` header value and return the caller; 401 when missing, invalid or expired. */
export async function authenticate(authorization: string | undefined): Promise<Principal> {
  if (!authorization) throw new UnauthorizedError('Missing Authorization header (Bearer token)');
  const match = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new UnauthorizedError('Authorization header must be "Bearer <JWT>"');
  const token = match[1];
  const v = await currentVerifier();
  const cached = v.verified.get(token);
  if (cached && Date.now() < cached.expiresAtMs) return cached.principal;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, v.getKey, {
      algorithms: v.algorithms,
      ...(v.issuer ? { issuer: v.issuer } : {}),
      ...(v.audience ? { audience: v.audience } : {}),
    }));
  } catch (err) {
    if (err instanceof UnauthorizedError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('Token has expired');
    if (err instanceof joseErrors.JOSEError) throw new UnauthorizedError(`Token rejected: ${err.code}`);
    throw err;
  }
  checkLifetime(payload, Math.floor(Date.now() / 1000));
  const principal = principalFromClaims(payload);
  const expiresAtMs = (payload.exp as number) * 1000;
  if (v.verified.size >= maxCachedTokens) v.verified.delete(v.verified.keys().next().value as string);
  v.verified.set(token, { principal, expiresAtMs });
  return principal;
}

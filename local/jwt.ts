import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '../functions/platform/principal.ts';

/** Claims of a local token: our own claim names (the API also accepts Cognito's). */
export type TokenClaims = Principal;

let memorySecret: string | undefined;

/**
 * The local host's HS256 secret: read from `<dataDir>/jwt-secret`, generated there (48 random
 * bytes, base64url, file mode 0600) on first use. Without a data dir (in-memory runs, tests) one
 * secret is generated per process.
 */
export function ensureJwtSecret(dataDir: string | undefined): string {
  if (!dataDir) {
    memorySecret ??= randomBytes(48).toString('base64url');
    return memorySecret;
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** Sign an HS256 token for `claims`, valid for `ttlSeconds` (default one hour). */
export async function signToken(claims: TokenClaims, secret: string, ttlSeconds = 3600): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

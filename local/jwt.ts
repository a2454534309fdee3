import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
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
  const existing = readJwtSecret(dataDir);
  if (existing) return existing;
  const file = join(dataDir, 'jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** The secret in `<dataDir>/jwt-secret` if there is a usable one; never writes. */
export function readJwtSecret(dataDir: string): string | undefined {
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) return undefined;
  const secret = readFileSync(file, 'utf8').trim();
  return secret.length >= 32 ? secret : undefined;
}

export interface HostJwtSecret {
  readonly secret: string;
  /** What to add to `npm run token -- …` so that it signs with {@link secret}. */
  readonly tokenArgs: readonly string[];
}

/**
 * The secret the local host signs and verifies with, and how `npm run token` gets the same one.
 * A normal run uses (and on first start creates) `<dataDir>/jwt-secret`, which `npm run token`
 * reads. An in-memory run writes nothing: it uses that file if it already exists (so tokens from
 * `npm run token` keep working), and otherwise a secret of its own, which the token command is then
 * given with `--secret`.
 */
export function hostJwtSecret(dataDir: string, memory: boolean): HostJwtSecret {
  const fromFile = memory ? readJwtSecret(dataDir) : ensureJwtSecret(dataDir);
  if (fromFile) return { secret: fromFile, tokenArgs: dataDirArgs(dataDir) };
  const secret = ensureJwtSecret(undefined);
  return { secret, tokenArgs: ['--secret', secret] };
}

/** Where npm runs the project's scripts, so where `npm run token` looks for `.data`. */
const projectRoot = resolve(import.meta.dirname, '..');

/** `--data-dir <dir>` (relative to the project when inside it) unless `dir` is the project's default `.data`. */
function dataDirArgs(dataDir: string): string[] {
  const dir = resolve(dataDir);
  const rel = relative(projectRoot, dir);
  if (rel === '.data') return [];
  return ['--data-dir', rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir];
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

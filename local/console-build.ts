import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's build for the local host: `npm start` calls {@link ensureConsoleBuilt}, which builds
 * console/dist only when it is missing or stale. Stale means the hash of the console's sources and
 * the lock file differs from the one written beside dist after the last build (console/.dist-hash),
 * so a start whose build is current only reads and hashes a few hundred kilobytes.
 */
export const consoleDir = resolve(import.meta.dirname, '../console');
export const distDir = join(consoleDir, 'dist');
const hashFile = join(consoleDir, '.dist-hash');
const lockFile = resolve(import.meta.dirname, '../package-lock.json');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Hash of every console source (path and content, dist and dot-files left out) and the lock file:
 * what a build depends on.
 */
export function consoleSourceHash(dir = consoleDir, lock = lockFile): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(dir).sort()) {
    hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(readFileSync(lock));
  return hash.digest('hex');
}

export function consoleBuildIsCurrent(hash = consoleSourceHash()): boolean {
  return existsSync(join(distDir, 'index.html')) && existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === hash;
}

/** Builds the console with Vite, showing its progress, then records the source hash. */
export async function buildConsole(hash = consoleSourceHash()): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(consoleDir, 'vite.config.ts'), root: consoleDir, logLevel: 'info', clearScreen: false });
  writeFileSync(hashFile, `${hash}\n`);
}

/** Builds the console unless its build is current; says which, and how long a build took. */
export async function ensureConsoleBuilt(log: (line: string) => void = console.log): Promise<'current' | 'built'> {
  const hash = consoleSourceHash();
  if (consoleBuildIsCurrent(hash)) return 'current';
  log(existsSync(join(distDir, 'index.html')) ? 'Console sources changed: rebuilding the console (Vite)…' : 'Building the console (Vite, first start)…');
  const started = performance.now();
  await buildConsole(hash);
  log(`Console built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return 'built';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole();
}

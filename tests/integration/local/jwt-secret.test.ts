import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { hostJwtSecret } from '../../../local/jwt.ts';

// The local host and `npm run token` must sign with the same secret, whichever way the host runs.
const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'village-flow-jwt-'));
  dirs.push(dir);
  return dir;
}

/** What `npm run token -- …` runs, with the host's extra arguments; the token it prints. */
async function tokenCli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/token.ts', '--role', 'finance', '--division', '120225', '--sub', 'f1', ...args], { cwd: root });
  return stdout.trim();
}

async function verifies(token: string, secret: string): Promise<boolean> {
  return jwtVerify(token, new TextEncoder().encode(secret)).then(
    () => true,
    () => false,
  );
}

describe('the local JWT secret shared by the host and npm run token', () => {
  it('a normal run creates <data-dir>/jwt-secret and names the folder for the token command', async () => {
    const dataDir = join(tmp(), 'data');
    const host = hostJwtSecret(dataDir, false);
    expect(readdirSync(dataDir)).toEqual(['jwt-secret']);
    expect(host.tokenArgs).toEqual(['--data-dir', dataDir]);
    expect(await verifies(await tokenCli(...host.tokenArgs), host.secret)).toBe(true);
    expect(hostJwtSecret(dataDir, false).secret).toBe(host.secret);
  });

  it('an in-memory run uses an existing secret file without writing, so plain token commands keep working', async () => {
    const dataDir = join(tmp(), 'data');
    const persistent = hostJwtSecret(dataDir, false);
    const memory = hostJwtSecret(dataDir, true);
    expect(memory).toEqual(persistent);
    expect(readdirSync(dataDir)).toEqual(['jwt-secret']);
    expect(await verifies(await tokenCli('--data-dir', dataDir), memory.secret)).toBe(true);
  });

  it('an in-memory run without a secret file writes nothing and hands its own secret to the token command', async () => {
    const dataDir = join(tmp(), 'never');
    const memory = hostJwtSecret(dataDir, true);
    expect(existsSync(dataDir)).toBe(false);
    expect(memory.tokenArgs).toEqual(['--secret', memory.secret]);
    const token = await tokenCli(...memory.tokenArgs);
    expect(await verifies(token, memory.secret)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('the token command refuses --secret together with --data-dir, and a short secret', async () => {
    const failure = (...args: string[]) => tokenCli(...args).then(() => '', (e: { stderr?: string }) => String(e.stderr));
    expect(await failure('--secret', 'x'.repeat(40), '--data-dir', tmp())).toMatch(/give one of them/);
    expect(await failure('--secret', 'short')).toMatch(/--secret: must be the secret the local host printed/);
  });
});

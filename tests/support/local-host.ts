import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../local/ports.ts';
import { waitUntil } from './wait.ts';

const root = resolve(import.meta.dirname, '../..');
const started: ChildProcess[] = [];
const tmpDirs: string[] = [];

export interface LocalHostPorts {
  port: number;
  sfnPort: number;
  dynamodbPort: number;
}

export interface SpawnedLocalHost {
  readonly child: ChildProcess;
  /** Everything the host printed so far, stdout and stderr interleaved. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

export interface LocalHost extends SpawnedLocalHost {
  readonly api: string;
  readonly sfnEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** The token the start-up banner prints for `role` (admin, finance, v-head …) in the demo district. */
  readonly token: (role: string) => string;
}

export async function freePorts(): Promise<LocalHostPorts> {
  return { port: await freePort(), sfnPort: await freePort(), dynamodbPort: await freePort() };
}

/** A fresh temporary folder, removed by {@link cleanUpLocalHosts}. */
export function tmpDataDir(prefix = 'village-flow-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** Spawn the local host as `npm start` does with the given ports and extra flags, without waiting. */
export function spawnLocalHost(p: LocalHostPorts, extra: string[]): SpawnedLocalHost {
  // An in-memory host still reads the JWT secret of its data folder if one exists (so that tokens of
  // `npm run token` work): a fresh empty folder keeps a developer's `.data` from an earlier `npm start`
  // out of the tests (it would also change the banner, which then prints no --secret).
  const isolated = extra.includes('--memory') && !extra.includes('--data-dir') ? ['--data-dir', tmpDataDir('village-flow-e2e-memory-')] : [];
  const args = ['--import', 'tsx', 'local/main.ts', '--port', String(p.port), '--sfn-port', String(p.sfnPort), '--dynamodb-port', String(p.dynamodbPort), ...isolated, ...extra];
  // Its own process group, so clean-up can take DynamoDB Local's Java down with it. The hosts of
  // parallel test files must not all build the console into the same folder: they skip the build.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LOG_LEVEL: 'WARN', SKIP_CONSOLE_BUILD: '1' } });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => out, exited };
}

/** "the local host's last line is …", for the message of a wait that timed out. */
function lastLine(host: SpawnedLocalHost): string {
  const last = host.output().trimEnd().split('\n').at(-1);
  return last ? `the local host's last line is "${last}"` : 'the local host has printed nothing';
}

/** How long the local host may take to print its banner (DynamoDB Local's JVM, the demo data). */
const startTimeoutMs = 120_000;

/** Spawn the local host and wait for its start-up banner (or fail with its output if it exits first or takes too long). */
export async function startLocalHost(p: LocalHostPorts, extra: string[]): Promise<LocalHost> {
  const host = spawnLocalHost(p, extra);
  let exit: { code: number | null } | undefined;
  void host.exited.then((code) => (exit = { code }));
  await waitUntil(
    async () => {
      if (host.output().includes('Ctrl-C to stop')) return { done: true, seen: 'the start-up banner' };
      if (exit) throw new Error(`local host exited (${exit.code}) before starting:\n${host.output()}`);
      return { done: false, seen: lastLine(host) };
    },
    { what: 'the start-up banner', timeoutMs: startTimeoutMs, intervalMs: 100, detail: async () => `its output:\n${host.output().slice(-4_000)}` },
  );
  const token = (role: string) => {
    const found = new RegExp(`^ {2}${role}\\s+\\(\\d+\\) (\\S+)$`, 'm').exec(host.output())?.[1];
    if (!found) throw new Error(`no ${role} token in the banner:\n${host.output()}`);
    return found;
  };
  return {
    ...host,
    api: `http://127.0.0.1:${p.port}`,
    sfnEndpoint: `http://127.0.0.1:${p.sfnPort}`,
    dynamodbEndpoint: `http://127.0.0.1:${p.dynamodbPort}`,
    token,
  };
}

/**
 * The exit code of the host (after a signal or a start-up error), waited for with a deadline; a
 * timeout says that it still runs and what it printed last.
 */
export async function exitCode(host: SpawnedLocalHost, timeoutMs = 60_000): Promise<number | null> {
  let exit: { code: number | null } | undefined;
  void host.exited.then((code) => (exit = { code }));
  const { code } = await waitUntil(
    async () => (exit ? { done: true, seen: `the local host exited (${exit.code})`, code: exit.code } : { done: false, seen: `pid ${host.child.pid} still runs; ${lastLine(host)}` }),
    { what: 'the local host to exit', timeoutMs, intervalMs: 50 },
  );
  return code;
}

/** SIGKILL every host this file started (whole process group) and remove the temporary folders; for `afterAll`. */
export function cleanUpLocalHosts(): void {
  for (const child of started) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
}

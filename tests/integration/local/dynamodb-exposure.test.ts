import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../../local/dynamodb.ts';
import { freePort } from '../../../local/ports.ts';

// Review finding A: DynamoDB Local listened on *:port whatever --host said, and its database file
// was world-readable. It must be reachable from this machine only, and its files owner-only.
const root = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
const running: RunningDynamoDbLocal[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'village-flow-ddb-'));
  dirs.push(dir);
  return dir;
}

/** A non-loopback address of this machine, or undefined when it has none. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv6' && !a.address.startsWith('fe80')) return a.address;
  }
  return undefined;
}

/** 'connected' or the connect error code (ECONNREFUSED expected). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const st = statSync(p);
    out[rel] = (st.mode & 0o777).toString(8);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e), rel ? `${rel}/${e}` : e);
  };
  walk(dir, '.');
  return out;
}

describe('DynamoDB Local as the local host starts it', () => {
  it('answers on 127.0.0.1 and refuses connections through the machine\'s other addresses', async () => {
    const dataDir = join(tmp(), 'dynamodb');
    const port = await freePort();
    const ddb = await startDynamoDbLocal({ port, dataDir });
    running.push(ddb);
    expect(ddb.loopbackOnly).toBe(true);
    expect(await tryConnect('127.0.0.1', port)).toBe('connected');
    const external = externalAddress();
    if (!external) {
      console.warn('SKIPPED the non-loopback probe: this machine has no non-loopback network address');
    } else {
      expect(await tryConnect(external, port), `connecting through ${external}:${port}`).toBe('ECONNREFUSED');
    }
    // The database file the Java process created, and its folder, are the owner's only.
    const m = modes(dataDir);
    expect(Object.keys(m).some((k) => k.endsWith('.db')), JSON.stringify(m)).toBe(true);
    for (const [path, mode] of Object.entries(m)) expect(`${path} ${mode}`).toBe(`${path} ${statSync(join(dataDir, path)).isDirectory() ? '700' : '600'}`);
  });

  it('does not outlive a host killed with SIGKILL', async () => {
    const port = await freePort();
    const script = `import { startDynamoDbLocal } from './local/dynamodb.ts';
      const d = await startDynamoDbLocal({ port: ${port} });
      console.log('PID ' + d.process.pid);
      setInterval(() => undefined, 1000);`;
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const javaPid = await new Promise<number>((done, fail) => {
      let out = '';
      host.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PID (\d+)/.exec(out);
        if (m) done(Number(m[1]));
      });
      host.once('exit', () => fail(new Error(`host exited early: ${out}`)));
    });
    expect(existsSync(`/proc/${javaPid}`) || process.platform !== 'linux').toBe(true);
    host.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    let alive = true;
    while (Date.now() < deadline) {
      try {
        process.kill(javaPid, 0);
      } catch {
        alive = false;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (alive) process.kill(javaPid, 'SIGKILL');
    expect(alive, 'DynamoDB Local outlived its SIGKILLed host').toBe(false);
  });
});

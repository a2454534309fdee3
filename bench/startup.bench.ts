import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { freePort } from '../local/ports.ts';

/**
 * Start-up: wall time from spawning `npm start -- --memory` (ports free) to the first successful
 * authenticated request (GET /villages/{code} of the demo data with the printed admin token), and
 * the peak resident memory of the process tree (VmHWM of every process under npm, summed: node
 * and DynamoDB Local's Java). Baseline, same run: DynamoDB Local alone, from spawn to answering.
 */
/** Every process whose ancestry leads to `root`, with its command name and peak RSS in kB. */
function tree(root: number): { pid: number; name: string; hwmKb: number }[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  const out: { pid: number; name: string; hwmKb: number }[] = [];
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      out.push({ pid, name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?', hwmKb: Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export default async function (): Promise<void> {
  const t0 = performance.now();
  const bare = await startDynamoDbLocal({ port: await freePort() });
  const bareMs = performance.now() - t0;
  await bare.stop();

  const port = await freePort();
  const args = ['start', '--', '--memory', '--port', String(port), '--sfn-port', String(await freePort()), '--dynamodb-port', String(await freePort())];
  const started = performance.now();
  const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LOG_LEVEL: 'WARN' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let bannerMs = 0;
  let firstOkMs = 0;
  try {
    let token: string | undefined;
    while (!token) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${out}`);
      token = /^ {2}admin\s+\(120225\) (\S+)$/m.exec(out)?.[1];
      if (!token) await new Promise((r) => setTimeout(r, 20));
    }
    bannerMs = performance.now() - started;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/villages/120225104201`, { headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    firstOkMs = performance.now() - started;
    const procs = tree(child.pid!);
    const totalMb = procs.reduce((s, p) => s + p.hwmKb, 0) / 1024;
    console.log(`DynamoDB Local alone (baseline):          ${(bareMs / 1000).toFixed(2)} s`);
    console.log(`npm start -- --memory → banner printed:   ${(bannerMs / 1000).toFixed(2)} s`);
    console.log(`npm start -- --memory → first 200 (auth): ${(firstOkMs / 1000).toFixed(2)} s  (target < 10 s)`);
    console.log(`ratio   start-up / DynamoDB Local alone: ${(firstOkMs / bareMs).toFixed(2)}×`);
    console.log(`peak RSS of the process tree (sum of VmHWM): ${totalMb.toFixed(0)} MB`);
    for (const p of procs.filter((x) => x.hwmKb > 10_000)) console.log(`  ${p.name.padEnd(10)} pid ${p.pid}: ${(p.hwmKb / 1024).toFixed(0)} MB`);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // stopped cleanly
    }
  }
}

import '../local/polyfills.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SFNClient, StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal } from '../local/stepfunctions/index.ts';
import { RETENTION_MACHINES, RETENTION_PREFIX, RETENTION_REGION } from './stepfunctions-retention-machines.ts';

/**
 * How long the local host can live: the local Step Functions endpoint's resident memory and start-up
 * time with 100 finished executions in its data folder, and with 10,000 (each about 25 KB of history,
 * like a reward application). Finished executions live in their own files, read on demand, and the
 * journal holds only running ones, so both figures should stay flat. Target: 10,000 within 1.2× of 100.
 *
 * Figures: the filling process's RSS after 100 and after all executions (memory while running), and
 * a fresh process's start-up time and RSS on each folder (median of 3 starts).
 */
const SMALL = 100;
const LARGE = Number(process.env.SFN_RETENTION_EXECUTIONS ?? 10_000);
const PAYLOAD = 'x'.repeat(Number(process.env.SFN_RETENTION_INPUT_BYTES ?? 4_000));
const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

async function fill(dataDir: string, from: number, to: number, sfn: SFNClient): Promise<void> {
  let next = from;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < to) {
      const i = next++;
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${RETENTION_PREFIX}fill`, name: `fill-${i}`, input: JSON.stringify({ i, payload: PAYLOAD }) }));
      for (;;) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }));
}

async function startOn(dataDir: string): Promise<{ startupMs: number; rssMb: number }> {
  const samples: { startupMs: number; rssMb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/stepfunctions-retention-child.ts', dataDir], { cwd: root, maxBuffer: 1 << 20 });
    samples.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as { startupMs: number; rssMb: number });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  return { startupMs: median(samples.map((s) => s.startupMs)), rssMb: median(samples.map((s) => s.rssMb)) };
}

function folderMb(dir: string): number {
  let bytes = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else bytes += st.size;
  };
  walk(dir);
  return bytes / 2 ** 20;
}

export default async function (): Promise<void> {
  const small = mkdtempSync(join(tmpdir(), 'vf-sfn-retention-'));
  const large = mkdtempSync(join(tmpdir(), 'vf-sfn-retention-'));
  try {
    // The small folder: 100 executions.
    {
      const sf = await startStepFunctionsLocal({ port: 0, region: RETENTION_REGION, stateMachineArnPrefix: RETENTION_PREFIX, stateMachines: RETENTION_MACHINES, handlers: new Map(), dataDir: small });
      const sfn = new SFNClient({ endpoint: sf.endpoint, region: RETENTION_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
      await fill(small, 0, SMALL, sfn);
      sfn.destroy();
      await sf.stop();
    }
    // The large folder, filled by one process: its RSS after 100 and after all of them.
    const sf = await startStepFunctionsLocal({ port: 0, region: RETENTION_REGION, stateMachineArnPrefix: RETENTION_PREFIX, stateMachines: RETENTION_MACHINES, handlers: new Map(), dataDir: large });
    const sfn = new SFNClient({ endpoint: sf.endpoint, region: RETENTION_REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    const t0 = performance.now();
    await fill(large, 0, SMALL, sfn);
    global.gc?.();
    const runningSmall = process.memoryUsage().rss / 2 ** 20;
    const heapSmall = process.memoryUsage().heapUsed / 2 ** 20;
    await fill(large, SMALL, LARGE, sfn);
    global.gc?.();
    const runningLarge = process.memoryUsage().rss / 2 ** 20;
    const heapLarge = process.memoryUsage().heapUsed / 2 ** 20;
    const fillSeconds = (performance.now() - t0) / 1000;
    sfn.destroy();
    await sf.stop();

    const a = await startOn(small);
    const b = await startOn(large);
    const f = (n: number) => n.toFixed(1);
    console.log(`data folder: ${SMALL} executions ${f(folderMb(small))} MB, ${LARGE} executions ${f(folderMb(large))} MB (filled in ${f(fillSeconds)} s)`);
    console.log(`filling process RSS: after ${SMALL} ${f(runningSmall)} MB, after ${LARGE} ${f(runningLarge)} MB (×${(runningLarge / runningSmall).toFixed(2)})`);
    console.log(`filling process heap used${global.gc ? ' after gc' : ' (run with NODE_OPTIONS=--expose-gc to collect first)'}: after ${SMALL} ${f(heapSmall)} MB, after ${LARGE} ${f(heapLarge)} MB (×${(heapLarge / heapSmall).toFixed(2)})`);
    console.log(`fresh start on ${SMALL}:   start-up ${f(a.startupMs)} ms, RSS ${f(a.rssMb)} MB`);
    console.log(`fresh start on ${LARGE}: start-up ${f(b.startupMs)} ms, RSS ${f(b.rssMb)} MB`);
    console.log(`ratios ${LARGE}/${SMALL}: start-up ×${(b.startupMs / a.startupMs).toFixed(2)}, RSS ×${(b.rssMb / a.rssMb).toFixed(2)}   (target: within ×1.2)`);
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(large, { recursive: true, force: true });
  }
}

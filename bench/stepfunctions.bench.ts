import '../local/polyfills.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { startStepFunctionsLocal } from '../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION } from '../tests/fixtures/workflows/handlers.ts';

// Executions/s of a 3-task workflow started and awaited through @aws-sdk/client-sfn against the
// local endpoint (journaled to a temp folder), against the same definition run in-process by
// aws-local-stepfunctions with no persistence and no HTTP. Target: at least 100 executions/s.
const EXECUTIONS = Number(process.env.SFN_BENCH_EXECUTIONS ?? 500);
const CONCURRENCY = Number(process.env.SFN_BENCH_CONCURRENCY ?? 32);

async function pool(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await one(next++);
  }));
  return total / ((performance.now() - started) / 1000);
}

export default async function (): Promise<void> {
  const f = fixture();
  const machine = f.stateMachines.find((s) => s.name === 'fixture-three-tasks');
  if (!machine) throw new Error('fixture-three-tasks missing');

  // Baseline: the interpreter alone, each Task answered by the same trivial handler in-process.
  const step = f.handlers.get(`arn:aws:lambda:${REGION}:000000000000:function:village-flow-fixture-step`);
  if (!step) throw new Error('step handler missing');
  const invoke = async (input: unknown) => ({ ExecutedVersion: '$LATEST', Payload: await step((input as { Payload: unknown }).Payload), StatusCode: 200 });
  const sm = new StateMachine(JSON.parse(machine.definition) as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkArn: false } });
  const overrides = { taskResourceLocalHandlers: { One: invoke, Two: invoke, Three: invoke } } as NonNullable<Parameters<StateMachine['run']>[1]>['overrides'];
  const baseline = await pool(EXECUTIONS, CONCURRENCY, async (i) => {
    await sm.run({ n: i }, { overrides }).result;
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'vf-sfn-bench-'));
  const sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: [machine], handlers: f.handlers, dataDir });
  const sfn = new SFNClient({ endpoint: sf.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const stateMachineArn = `${ARN_PREFIX}${machine.name}`;
  let failed = 0;
  let polls = 0;
  const endpoint = await pool(EXECUTIONS, CONCURRENCY, async (i) => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `bench-${i}`, input: JSON.stringify({ n: i }) }));
    // Poll as a caller would: soon at first, then backing off, so the client does not dominate.
    for (let delay = 4; ; delay = Math.min(delay * 2, 64)) {
      await new Promise((r) => setTimeout(r, delay));
      polls++;
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status === 'RUNNING') continue;
      if (d.status !== 'SUCCEEDED') failed++;
      break;
    }
  });
  sfn.destroy();
  await sf.stop();
  rmSync(dataDir, { recursive: true, force: true });

  console.log(`${EXECUTIONS} executions of 3 lambda:invoke tasks, ${CONCURRENCY} in flight`);
  console.log(`endpoint (SDK over HTTP, journaled): ${endpoint.toFixed(0)} executions/s, ${(polls / EXECUTIONS).toFixed(1)} DescribeExecution per execution${failed ? ` (${failed} did not succeed)` : ''}`);
  console.log(`baseline (aws-local-stepfunctions in-process, no persistence): ${baseline.toFixed(0)} executions/s`);
  console.log(`ratio endpoint/baseline: ${(endpoint / baseline).toFixed(2)} (target: endpoint >= 100 executions/s)`);
}

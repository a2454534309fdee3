import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION } from '../../fixtures/workflows/handlers.ts';
import { waitUntil } from '../../support/wait.ts';

// The real AWS CLI v2 against the local endpoint: proves the wire protocol, not just our SDK usage.
const run = promisify(execFile);
const f = fixture();
const THREE = `${ARN_PREFIX}fixture-three-tasks`;
let sf: RunningStepFunctionsLocal;

beforeAll(async () => {
  sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: f.stateMachines, handlers: f.handlers });
});
afterAll(async () => {
  await sf.stop();
});

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const { stdout } = await run('/usr/bin/aws', ['stepfunctions', ...args, '--endpoint-url', sf.endpoint, '--region', REGION, '--output', 'json'], { env });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('local Step Functions endpoint through the AWS CLI v2', () => {
  it('lists state machines, starts and describes an execution, and reads its history', async () => {
    const listed = (await aws('list-state-machines')) as { stateMachines: { stateMachineArn: string; name: string }[] };
    expect(listed.stateMachines.map((s) => s.stateMachineArn)).toContain(THREE);

    const started = (await aws('start-execution', '--state-machine-arn', THREE, '--name', 'cli-1', '--input', '{"n":1}')) as { executionArn: string };
    expect(started.executionArn).toBe(`${THREE.replace(':stateMachine:', ':execution:')}:cli-1`);

    const { described } = await waitUntil(
      async () => {
        const described = (await aws('describe-execution', '--execution-arn', started.executionArn)) as { status: string; output?: string };
        return { done: described.status !== 'RUNNING', seen: `cli-1 is ${described.status}`, described };
      },
      { what: 'the execution to end', timeoutMs: 30_000, intervalMs: 0 },
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({ n: 1 });

    const hist = (await aws('get-execution-history', '--execution-arn', started.executionArn)) as { events: { type: string; stateEnteredEventDetails?: { name: string } }[] };
    expect(hist.events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name)).toEqual(['One', 'Two', 'Three']);
    expect(hist.events[0]?.type).toBe('ExecutionStarted');
    expect(hist.events.at(-1)?.type).toBe('ExecutionSucceeded');
  });

  it('reports AWS error codes the CLI understands', async () => {
    const failure = await aws('describe-execution', '--execution-arn', `${THREE.replace(':stateMachine:', ':execution:')}:missing`).then(
      () => '',
      (e: unknown) => String((e as { stderr?: string }).stderr),
    );
    expect(failure).toContain('ExecutionDoesNotExist');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION } from '../../fixtures/workflows/handlers.ts';
import { waitUntil } from '../../support/wait.ts';

// The real AWS CLI (v1 or v2, whichever `aws` is on the PATH) against the local endpoint: proves the
// wire protocol, not just our SDK usage. Both versions print the same JSON for these commands and the
// same "An error occurred (Code) when calling the Operation operation: …" line for errors.
const run = promisify(execFile);
const f = fixture();
const THREE = `${ARN_PREFIX}fixture-three-tasks`;
let sf: RunningStepFunctionsLocal;
let cli: string;

/** The `aws` executable on the PATH, or a failure saying what is missing and how to get it. */
function awsOnPath(): string {
  const names = process.platform === 'win32' ? ['aws.exe', 'aws.cmd'] : ['aws'];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = join(dir, name);
      try {
        if (!statSync(file).isFile()) continue;
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    'This test needs the AWS CLI (v1 or v2) as `aws` on the PATH, and none was found.\n' +
      '  Debian 12: sudo apt-get install -y awscli   (v2)\n' +
      '  elsewhere: pip install awscli (v1), AWS\'s installer for v2, or brew install awscli (macOS)',
  );
}

beforeAll(async () => {
  cli = awsOnPath();
  sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: f.stateMachines, handlers: f.handlers });
});
afterAll(async () => {
  await sf?.stop();
});

/** The caller's environment without its AWS settings (profiles, endpoints, output format), plus dummy credentials. */
function cliEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    // v2 pages output through `less` unless this is empty; v1 has no pager and ignores it.
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli, ['stepfunctions', ...args, '--endpoint-url', sf.endpoint, '--region', REGION, '--output', 'json'], { env: cliEnv() });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('local Step Functions endpoint through the AWS CLI', () => {
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
    expect(failure).toMatch(/An error occurred \(ExecutionDoesNotExist\) when calling the DescribeExecution operation/);
  });
});

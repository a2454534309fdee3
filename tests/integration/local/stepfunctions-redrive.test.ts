import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, RedriveExecutionCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION, type Fixture } from '../../fixtures/workflows/handlers.ts';
import { executionEnded, history, statesEntered, untilEntered } from '../../support/stepfunctions.ts';

// RedriveExecution on the local endpoint, through @aws-sdk/client-sfn: a failed execution runs again
// under its ARN, replayed from its journal like after a restart (completed steps answered from their
// outcomes), with the failed step run again.
const MAIN = `${ARN_PREFIX}fixture-main`;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vf-sfn-redrive-'));
  dirs.push(d);
  return d;
}

async function start(f: Fixture, dataDir: string | undefined): Promise<{ sf: RunningStepFunctionsLocal; sfn: SFNClient }> {
  const sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: f.stateMachines, handlers: f.handlers, waitScale: 0.001, ...(dataDir ? { dataDir } : {}) });
  return { sf, sfn: new SFNClient({ endpoint: sf.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }) };
}

async function stop(host: { sf: RunningStepFunctionsLocal; sfn: SFNClient }): Promise<void> {
  host.sfn.destroy();
  await host.sf.stop();
}

const settled = (sfn: SFNClient, executionArn: string) => executionEnded(executionArn, { client: sfn, intervalMs: 10 });

// Flaky fails `flakyFailures` times; its Retry allows 3 retries, so 4 failures fail the execution.
const input = (key: string, flakyFailures: number) => JSON.stringify({ items: [1, 2], key, block: false, flakyFailures });

describe('RedriveExecution on the local endpoint', () => {
  it('runs the failed step again, not the completed ones, and survives a restart before and after', async () => {
    const f = fixture();
    const dataDir = tempDir();
    const one = await start(f, dataDir);
    const { executionArn } = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'r', input: input('r', 4) }));
    const failed = await settled(one.sfn, executionArn!);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'FlakyError', redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    expect(f.calls.get('flaky:r')).toBe(4);
    await stop(one);

    // Restarted: the failed execution is now only in its file of finished executions.
    const two = await start(f, dataDir);
    await two.sf.resumed;
    const { redriveDate } = await two.sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const running = await two.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(running).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' });
    expect(running.redriveDate?.getTime()).toBe(redriveDate!.getTime());
    expect(running.stopDate).toBeUndefined();
    await expect(two.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
    // The redriven Flaky (its retries start over) succeeds at its fifth call; the callback step is reached.
    await untilEntered(executionArn!, 'Approve', 1, { client: two.sfn });
    await stop(two);

    // Restarted after the redrive: the execution resumes from the journal like any other.
    const three = await start(f, dataDir);
    await three.sf.resumed;
    await three.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('r'), output: '{"approvedBy":"f"}' }));
    const done = await settled(three.sfn, executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' });
    expect(JSON.parse(done.output!)).toMatchObject({ doubled: [2, 4], flaky: { attempts: 5 }, approval: { approvedBy: 'f' } });

    // The steps completed before the failure ran once; Flaky ran four times, then once after the redrive.
    expect(Object.fromEntries(f.calls)).toEqual({ 'double:1': 1, 'double:2': 1, 'gate:r': 1, 'flaky:r': 5, 'approval:r': 1 });
    const events = await history(executionArn!, three.sfn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(statesEntered(events)).toEqual(['Prepare', 'HasItems', 'Pages', 'Double', 'Double', 'Gate', 'Flaky', 'Flaky', 'Pause', 'Approve', 'Done']);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'ExecutionFailed')).toHaveLength(1);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(4);
    const redriven = events.filter((e) => e.type === 'ExecutionRedriven');
    expect(redriven).toHaveLength(1);
    expect(redriven[0]!.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    // Redriven after the failure, and the failed state is entered again after it.
    expect(types.indexOf('ExecutionRedriven')).toBe(types.indexOf('ExecutionFailed') + 1);
    expect(events[types.indexOf('ExecutionRedriven') + 1]).toMatchObject({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Flaky' } });
    await expect(three.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
    await stop(three);
  });

  it('redrives a stopped execution in memory too, once per client token', async () => {
    const f = fixture();
    const host = await start(f, undefined);
    const { executionArn } = await host.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 's', input: input('s', 0) }));
    await f.token('s');
    await host.sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await settled(host.sfn, executionArn!)).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
    const first = await host.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    // The same request again (an SDK retry) is the same redrive.
    const again = await host.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    expect(again.redriveDate?.getTime()).toBe(first.redriveDate?.getTime());
    // The callback step that was waiting when it was stopped runs again (same step, same token).
    await host.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('s'), output: '{}' }));
    expect(await settled(host.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(f.calls.get('approval:s')).toBe(2);
    expect(f.calls.get('flaky:s')).toBe(1);
    expect((await history(executionArn!, host.sfn)).filter((e) => e.type === 'ExecutionRedriven')).toHaveLength(1);
    await stop(host);
  });

  it('refuses running, succeeded and unknown executions as AWS does', async () => {
    const f = fixture();
    const host = await start(f, tempDir());
    const { executionArn } = await host.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'n', input: input('n', 0) }));
    await f.token('n');
    await expect(host.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable', $metadata: { httpStatusCode: 400 } });
    await host.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('n'), output: '{}' }));
    expect((await settled(host.sfn, executionArn!)).status).toBe('SUCCEEDED');
    await expect(host.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
    await expect(host.sfn.send(new RedriveExecutionCommand({ executionArn: `${executionArn}-unknown` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(host.sfn.send(new RedriveExecutionCommand({ executionArn: 'arn:aws:states:cn-north-1:000000000000:stateMachine:x' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await stop(host);
  });
});

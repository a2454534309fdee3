import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand, DescribeStateMachineCommand, DescribeStateMachineForExecutionCommand, GetExecutionHistoryCommand,
  ListExecutionsCommand, ListStateMachinesCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand,
  SFNClient, StartExecutionCommand, StopExecutionCommand, type DescribeExecutionCommandOutput, type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION } from '../../fixtures/workflows/handlers.ts';
import { executionEnded } from '../../support/stepfunctions.ts';

// Drives the local endpoint with the real SDK over HTTP, as application code does.
const f = fixture();
const MAIN = `${ARN_PREFIX}fixture-main`;
const EXPIRING = `${ARN_PREFIX}fixture-expiring`;
let sf: RunningStepFunctionsLocal;
let sfn: SFNClient;

beforeAll(async () => {
  sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: f.stateMachines, handlers: f.handlers, waitScale: 0.001 });
  sfn = new SFNClient({ endpoint: sf.endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sfn.destroy();
  await sf.stop();
});

const input = (key: string, extra: Record<string, unknown> = {}) => JSON.stringify({ items: [1, 2, 3], key, block: false, flakyFailures: 2, ...extra });

const settled = (executionArn: string): Promise<DescribeExecutionCommandOutput> => executionEnded(executionArn, { client: sfn, intervalMs: 10 });

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 7, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

const entered = (events: HistoryEvent[]) => events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => `${e.type}:${e.stateEnteredEventDetails?.name}`);

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof Error ? e.name : String(e);
  }
  return 'no error';
}

describe('local Step Functions endpoint through @aws-sdk/client-sfn', () => {
  it('lists and describes state machines with their definitions byte for byte', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((s) => s.stateMachineArn)).toContain(MAIN);
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: MAIN }));
    expect(d.definition).toBe(f.stateMachines.find((s) => s.name === 'fixture-main')?.definition);
    expect(d.name).toBe('village-flow-fixture-main');
    expect(d.creationDate).toBeInstanceOf(Date);
  });

  it('runs Map, Retry on a custom error, Wait and a callback step, and records the path taken', async () => {
    const { executionArn, startDate } = await sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'happy', input: input('happy') }));
    expect(startDate).toBeInstanceOf(Date);
    const token = await f.token('happy');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'f1' }) }));
    const d = await settled(executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toMatchObject({ doubled: [2, 4, 6], gate: { passed: true }, flaky: { attempts: 3 }, approval: { approvedBy: 'f1' } });
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());

    const events = await history(executionArn!);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(entered(events)).toEqual([
      'PassStateEntered:Prepare', 'ChoiceStateEntered:HasItems', 'MapStateEntered:Pages',
      'TaskStateEntered:Double', 'TaskStateEntered:Double', 'TaskStateEntered:Double',
      'TaskStateEntered:Gate', 'TaskStateEntered:Flaky', 'WaitStateEntered:Pause', 'TaskStateEntered:Approve', 'SucceedStateEntered:Done',
    ]);
    expect(events.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.mapIterationSucceededEventDetails?.index).sort()).toEqual([0, 1, 2]);
    expect(events.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails?.length).toBe(3);
    // The retried step: failed twice with the handler's error name and Lambda's cause, then succeeded.
    const flakyStart = events.findIndex((e) => e.stateEnteredEventDetails?.name === 'Flaky');
    const flaky = events.slice(flakyStart + 1, flakyStart + 10);
    expect(flaky.map((e) => e.type)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded']);
    expect(flaky[2]?.taskFailedEventDetails?.error).toBe('FlakyError');
    expect(JSON.parse(flaky[2]?.taskFailedEventDetails?.cause ?? '{}')).toEqual({ errorType: 'FlakyError', errorMessage: 'attempt 1 of happy failed' });
    const approve = events.slice(events.findIndex((e) => e.stateEnteredEventDetails?.name === 'Approve'));
    expect(approve.slice(0, 6).map((e) => e.type)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited']);
    expect(approve[1]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: REGION, timeoutInSeconds: 3600 });
    expect(approve[4]?.taskSucceededEventDetails?.output).toBe('{"approvedBy":"f1"}');
    // The token reached the handler in place of $$.Task.Token and is not reusable once answered.
    expect(token).not.toContain('PLACEHOLDER');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
    expect(await errorName(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token })))).toBe('TaskTimedOut');

    const described = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(described.stateMachineArn).toBe(MAIN);

    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, includeExecutionData: false, maxResults: 1 }));
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(reversed.events?.[0]?.executionSucceededEventDetails?.output).toBeUndefined();
  });

  it('catches a custom error thrown inside a Map iteration and fails through a Fail state', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, input: input('neg', { items: [5, -7] }) }));
    const d = await settled(executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'InvalidItems', cause: 'an item was negative' });
    const events = await history(executionArn!);
    const failed = events.find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('NegativeItem');
    expect(entered(events).at(-1)).toBe('FailStateEntered:Invalid');
    expect(events.map((e) => e.type)).toContain('MapIterationFailed');
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({ error: 'InvalidItems', cause: 'an item was negative' });
  });

  it('routes SendTaskFailure through Catch on its error name', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, input: input('reject', { flakyFailures: 0 }) }));
    const token = await f.token('reject');
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'budget exhausted' }));
    const d = await settled(executionArn!);
    expect(d).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected' });
    const events = await history(executionArn!);
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({ error: 'Rejected', cause: 'budget exhausted', resource: 'invoke.waitForTaskToken' });
    expect(await errorName(sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' })))).toBe('TaskTimedOut');
  });

  it('times a callback step out after TimeoutSeconds, catches States.Timeout, and refuses a late answer', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: EXPIRING, input: JSON.stringify({ key: 'late' }) }));
    const token = await f.token('late');
    const d = await settled(executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toMatchObject({ outcome: 'expired', error: { Error: 'States.Timeout' } });
    const events = await history(executionArn!);
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout', resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
  });

  it('fails a callback step whose heartbeats stop with States.HeartbeatTimeout, which States.TaskFailed catches', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}fixture-heartbeat`, input: JSON.stringify({ key: 'silent' }) }));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: await f.token('silent') }));
    const d = await settled(executionArn!);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toMatchObject({ outcome: 'silent', error: { Error: 'States.HeartbeatTimeout' } });
    const events = await history(executionArn!);
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({ heartbeatInSeconds: 1, timeoutInSeconds: 600 });
  });

  it('is idempotent on name + input only while running, as AWS is; stops executions and lists them by status', async () => {
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'once', input: input('once') }));
    await f.token('once');
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'once', input: input('once') }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'once', input: input('other') })))).toBe('ExecutionAlreadyExists');

    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.executionArn)).toContain(first.executionArn);

    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Operator', cause: 'no longer needed' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'no longer needed' });
    const events = await history(first.executionArn!);
    expect(events.at(-1)?.type).toBe('ExecutionAborted');
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({ error: 'Operator', cause: 'no longer needed' });
    // Once closed, the same name is taken even with the same input.
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'once', input: input('once') })))).toBe('ExecutionAlreadyExists');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('once'), output: '{}' })))).toBe('TaskTimedOut');

    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, statusFilter: 'ABORTED' }));
    expect(aborted.executions?.map((e) => e.executionArn)).toEqual([first.executionArn]);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, statusFilter: 'RUNNING' }))).executions?.map((e) => e.executionArn)).not.toContain(first.executionArn);

    // Newest first, page by page.
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN }));
    const starts = all.executions?.map((e) => e.startDate!.getTime()) ?? [];
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const pageOne = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, maxResults: 1 }));
    const pageTwo = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, maxResults: 1, nextToken: pageOne.nextToken }));
    expect([...(pageOne.executions ?? []), ...(pageTwo.executions ?? [])].map((e) => e.executionArn)).toEqual(all.executions?.slice(0, 2).map((e) => e.executionArn));
  });

  it('answers bad requests with the exceptions AWS names', async () => {
    const execArn = MAIN.replace(':stateMachine:', ':execution:') + ':nope';
    expect(await errorName(sfn.send(new DescribeExecutionCommand({ executionArn: execArn })))).toBe('ExecutionDoesNotExist');
    expect(await errorName(sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })))).toBe('InvalidArn');
    expect(await errorName(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}missing` })))).toBe('StateMachineDoesNotExist');
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'bad name' })))).toBe('InvalidName');
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, input: '{oops' })))).toBe('InvalidExecutionInput');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })))).toBe('InvalidToken');
    const token = await f.token('happy');
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' })))).toBe('InvalidToken');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })))).toBe('InvalidOutput');
    expect(await errorName(sfn.send(new ListExecutionsCommand({ stateMachineArn: MAIN, maxResults: 5000 })))).toBe('ValidationException');
    const raw = await fetch(sf.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' }, body: '{}' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

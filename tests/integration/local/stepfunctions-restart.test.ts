import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { ARN_PREFIX, fixture, REGION, type Fixture } from '../../fixtures/workflows/handlers.ts';
import { executionEnded, executionName } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// A restart in-process: stop() abandons running interpreters exactly as a crash would (nothing is
// recorded on the way down), and the next start on the same folder must finish every execution.
const MAIN = `${ARN_PREFIX}fixture-main`;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vf-sfn-'));
  dirs.push(d);
  return d;
}

async function start(f: Fixture, dataDir: string, waitScale: number): Promise<{ sf: RunningStepFunctionsLocal; sfn: SFNClient }> {
  const sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: ARN_PREFIX, stateMachines: f.stateMachines, handlers: f.handlers, dataDir, waitScale });
  return { sf, sfn: new SFNClient({ endpoint: sf.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }) };
}

const settled = (sfn: SFNClient, executionArn: string) => executionEnded(executionArn, { client: sfn, intervalMs: 10 });

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

/** Waits until the execution's history has an event of `type`; a timeout names the last event it has. */
const untilEvent = (sfn: SFNClient, executionArn: string, type: string) =>
  waitUntil(
    async () => {
      const events = await history(sfn, executionArn);
      return { done: events.some((e) => e.type === type), seen: `execution ${executionName(executionArn)}'s last event is ${events.at(-1)?.type ?? 'none'}` };
    },
    { what: type, intervalMs: 5 },
  );

const input = (key: string, items: number[], block: boolean, flakyFailures: number) => JSON.stringify({ items, key, block, flakyFailures });
const typeCounts = (events: HistoryEvent[]) => events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.type!]: (acc[e.type!] ?? 0) + 1 }), {});

describe('local Step Functions endpoint across a restart', () => {
  it('finishes interrupted executions without re-running completed steps or duplicating history', async () => {
    const f = fixture();
    const dataDir = tempDir();
    const one = await start(f, dataDir, 0.001);
    // A is blocked inside its Gate step; B waits for a callback token.
    const a = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'a', input: input('a', [1, 2], true, 0) }));
    const b = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'b', input: input('b', [3], false, 1) }));
    // C waits for a token too, and is answered only after its replay has long reached that step.
    const c = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'c', input: input('c', [4], false, 0) }));
    await waitUntil(async () => ({ done: f.calls.get('gate:a') === 1, seen: `gate:a has run ${f.calls.get('gate:a') ?? 0} times` }), { what: 'gate:a to run once', intervalMs: 5 });
    const tokenB = await f.token('b');
    const tokenC = await f.token('c');
    for (const run of [b, c]) await untilEvent(one.sfn, run.executionArn!, 'TaskSubmitted');
    one.sfn.destroy();
    await one.sf.stop();

    const two = await start(f, dataDir, 0.001);
    await two.sf.resumed;
    // Answered right away: the replay may not have reached the step yet, and the answer must still count.
    await two.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenB, output: JSON.stringify({ approvedBy: 'after-restart' }) }));
    f.latch.open();
    await two.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('a'), output: '{"approvedBy":"a"}' }));
    const da = await settled(two.sfn, a.executionArn!);
    const db = await settled(two.sfn, b.executionArn!);
    expect(da.status).toBe('SUCCEEDED');
    expect(db.status).toBe('SUCCEEDED');
    expect(JSON.parse(db.output!)).toMatchObject({ doubled: [6], flaky: { attempts: 2 }, approval: { approvedBy: 'after-restart' } });
    expect(JSON.parse(da.output!)).toMatchObject({ doubled: [2, 4], approval: { approvedBy: 'a' } });
    await two.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenC, output: '{"approvedBy":"c"}' }));
    expect(JSON.parse((await settled(two.sfn, c.executionArn!)).output!)).toMatchObject({ doubled: [8], approval: { approvedBy: 'c' } });

    // Completed steps ran once; the Gate that was cut short ran again; B's callback was not re-sent.
    expect(Object.fromEntries(f.calls)).toEqual({
      'double:1': 1, 'double:2': 1, 'double:3': 1, 'double:4': 1,
      'gate:a': 2, 'gate:b': 1, 'gate:c': 1, 'flaky:a': 1, 'flaky:b': 2, 'flaky:c': 1, 'approval:a': 1, 'approval:b': 1, 'approval:c': 1,
    });

    // The same history as executions that never saw a restart.
    const refA = await two.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, input: input('ra', [7, 8], false, 0) }));
    const refB = await two.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, input: input('rb', [9], false, 1) }));
    for (const key of ['ra', 'rb']) await two.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token(key), output: '{}' }));
    await settled(two.sfn, refA.executionArn!);
    await settled(two.sfn, refB.executionArn!);
    for (const [run, ref] of [[a, refA], [b, refB]] as const) {
      const events = await history(two.sfn, run.executionArn!);
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
      expect(typeCounts(events)).toEqual(typeCounts(await history(two.sfn, ref.executionArn!)));
    }
    two.sfn.destroy();
    await two.sf.stop();

    // Same secret, no records (journal, finished executions): the token is well-formed and ours, but its task is unknown.
    for (const kept of ['journal.jsonl', 'executions.jsonl', 'executions']) rmSync(join(dataDir, kept), { recursive: true, force: true });
    const three = await start(f, dataDir, 0.001);
    await expect(three.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenB, output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    three.sfn.destroy();
    await three.sf.stop();
  });

  it('does not wait again for time a Wait state already waited', async () => {
    const f = fixture();
    const dataDir = tempDir();
    const one = await start(f, dataDir, 0.5);
    const e = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: MAIN, name: 'w', input: input('w', [1], false, 0) }));
    await untilEvent(one.sfn, e.executionArn!, 'WaitStateEntered');
    one.sfn.destroy();
    await one.sf.stop();
    // Were the Wait recomputed with this scale it would last 2000 s; the persisted deadline is 1 s away.
    const two = await start(f, dataDir, 1000);
    await two.sfn.send(new SendTaskSuccessCommand({ taskToken: await f.token('w'), output: '{}' }));
    expect((await settled(two.sfn, e.executionArn!)).status).toBe('SUCCEEDED');
    const types = (await history(two.sfn, e.executionArn!)).map((x) => x.type);
    expect(types.filter((t) => t === 'WaitStateEntered')).toHaveLength(1);
    expect(types.filter((t) => t === 'WaitStateExited')).toHaveLength(1);
    two.sfn.destroy();
    await two.sf.stop();
  });
});

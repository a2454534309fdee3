import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';

// Review finding C: the endpoint kept every execution in memory and its journal grew forever. A
// finished execution is now written to executions/<id>.json, dropped from memory and from the
// journal (compacted), and still answers DescribeExecution, GetExecutionHistory and ListExecutions.
const REGION = 'cn-north-1';
const PREFIX = `arn:aws:states:${REGION}:000000000000:stateMachine:fin-`;
const SM = `${PREFIX}pass`;
const machines = [{ name: 'pass', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.r', End: true } } }) }];
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<{ sf: RunningStepFunctionsLocal; sfn: SFNClient }> {
  const sf = await startStepFunctionsLocal({ port: 0, region: REGION, stateMachineArnPrefix: PREFIX, stateMachines: machines, handlers: new Map(), dataDir });
  return { sf, sfn: new SFNClient({ endpoint: sf.endpoint, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }) };
}

async function settled(sfn: SFNClient, executionArn: string) {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function snapshot(sfn: SFNClient, arns: string[]) {
  const out = [];
  for (const executionArn of arns) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    out.push({ status: d.status, input: d.input, output: d.output, stopDate: d.stopDate?.getTime(), events: h.events?.map((e) => [e.id, e.type, e.timestamp?.getTime()]) });
  }
  return out;
}

describe('finished executions of the local Step Functions endpoint', () => {
  it('leave the journal, stay readable across restarts, and keep their names taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vf-sfn-fin-'));
    dirs.push(dataDir);
    const one = await start(dataDir);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await one.sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: `run-${i}`, input: JSON.stringify({ i }) }));
      arns.push(r.executionArn!);
    }
    for (const arn of arns) expect((await settled(one.sfn, arn)).status).toBe('SUCCEEDED');
    const before = await snapshot(one.sfn, arns);
    expect(before[0]!.output).toBe('{"i":0,"r":{"ok":true}}');
    // Each finished execution is kept on its own, owner-only.
    const kept = readdirSync(join(dataDir, 'executions'));
    expect(kept).toHaveLength(5);
    for (const f of kept) expect((statSync(join(dataDir, 'executions', f)).mode & 0o777).toString(8)).toBe('600');
    const fullJournal = readFileSync(join(dataDir, 'journal.jsonl'));
    one.sfn.destroy();
    await one.sf.stop();

    const two = await start(dataDir);
    // Compacted at start: nothing runs, so the journal holds nothing.
    expect(readFileSync(join(dataDir, 'journal.jsonl'), 'utf8')).toBe('');
    expect(await snapshot(two.sfn, arns)).toEqual(before);
    const listed = await two.sfn.send(new ListExecutionsCommand({ stateMachineArn: SM }));
    expect(listed.executions?.map((e) => [e.name, e.status])).toEqual([4, 3, 2, 1, 0].map((i) => [`run-${i}`, 'SUCCEEDED']));
    await expect(two.sfn.send(new StartExecutionCommand({ stateMachineArn: SM, name: 'run-0', input: '{"i":0}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    two.sfn.destroy();
    await two.sf.stop();

    // A data folder from before (everything in the journal, nothing kept apart) is converted at start.
    rmSync(join(dataDir, 'executions'), { recursive: true });
    rmSync(join(dataDir, 'executions.jsonl'));
    writeFileSync(join(dataDir, 'journal.jsonl'), fullJournal);
    const three = await start(dataDir);
    expect(readFileSync(join(dataDir, 'journal.jsonl'), 'utf8')).toBe('');
    expect(existsSync(join(dataDir, 'executions.jsonl'))).toBe(true);
    expect(await snapshot(three.sfn, arns)).toEqual(before);
    three.sfn.destroy();
    await three.sf.stop();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, resetClients, sfn, tableName } from '../../../functions/shared/clients.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { ConflictError } from '../../../functions/shared/errors.ts';
import { ledgerEntryPut, ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { writeTransaction, TransactionConditionFailed } from '../../../functions/platform/store/transact.ts';
import {
  completeDecision,
  decisionId,
  getDecision,
  listInbox,
  listQueue,
  markEscalated,
  openDecisionPut,
  recordPartial,
} from '../../../functions/platform/decisions/store.ts';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { executionEnded } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

const REGION = 'cn-north-1';
const PREFIX = `arn:aws:states:${REGION}:000000000000:stateMachine:village-flow-`;
const OPEN_ARN = `arn:aws:lambda:${REGION}:000000000000:function:test-open-decision`;

// One callback step whose handler stores its token as a pending decision: the API side of the
// contract (completeDecision) must wake exactly this execution with the answer.
const definition = JSON.stringify({
  StartAt: 'Wait for decision',
  States: {
    'Wait for decision': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: OPEN_ARN, Payload: { 'id.$': '$.id', 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
});

let sf: RunningStepFunctionsLocal;

beforeAll(async () => {
  sf = await startStepFunctionsLocal({
    port: 0,
    region: REGION,
    stateMachineArnPrefix: PREFIX,
    stateMachines: [{ name: 'test-decision', definition }],
    handlers: new Map([
      [
        OPEN_ARN,
        async (input: unknown) => {
          const { id, token } = input as { id: string; token: string };
          await openDecisionPut({
            id,
            kind: 'reward.township-review',
            subjectType: 'test',
            subjectId: id,
            division: '120225100201',
            role: 'township',
            taskToken: token,
            summary: { title: id },
            queue: 'test-queue',
          });
          return {};
        },
      ],
    ]),
    waitScale: 0.001,
  });
  process.env.SFN_ENDPOINT = sf.endpoint;
  process.env.STATE_MACHINE_ARN_PREFIX = PREFIX;
  resetConfig();
  resetClients();
});
afterAll(async () => {
  await sf.stop();
});

async function start(id: string): Promise<string> {
  const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: `${PREFIX}test-decision`, name: id, input: JSON.stringify({ id }) }));
  await waitUntil(
    async () => {
      const d = await getDecision(id);
      return { done: d?.status === 'open', seen: `decision ${id} ${d ? `is ${d.status}` : 'does not exist'}` };
    },
    { what: 'the decision to open', intervalMs: 10 },
  );
  return out.executionArn!;
}

const settled = (executionArn: string): Promise<DescribeExecutionCommandOutput> => executionEnded(executionArn, { intervalMs: 10 });

const township = { sub: 'township-1', roles: ['township' as const] };

describe('ledger', () => {
  it('writes one entry per source, whatever the repeats', async () => {
    const entry = { program: 'reward' as const, programId: 'p-ledger', sourceId: 'app-1', division: '120225100201', amountFen: 12_345, purpose: 'test' };
    await writeTransaction([ledgerEntryPut(entry)]);
    await expect(writeTransaction([ledgerEntryPut({ ...entry, at: new Date(0) })])).rejects.toBeInstanceOf(TransactionConditionFailed);
    await writeTransaction([ledgerEntryPut({ ...entry, sourceId: 'app-2', amountFen: 5 })]);
    expect(await ledgerTotals('reward', 'p-ledger')).toEqual({ count: 2, totalFen: 12_350 });
    expect(await ledgerTotals('funding', 'p-ledger')).toEqual({ count: 0, totalFen: 0 });
    expect(() => ledgerEntryPut({ ...entry, amountFen: 0 })).toThrow(RangeError);
  });
});

describe('pending decisions', () => {
  it('an answer wakes the execution with its output; the token is never returned', async () => {
    const id = decisionId('reward.township-review', 'pd-1', 1);
    const arn = await start(id);
    const decision = await getDecision(id);
    expect(decision).toMatchObject({ id, status: 'open', version: 1, role: 'township', summary: { title: id } });
    expect(JSON.stringify(decision)).not.toContain('token');
    const inbox = await listInbox({ roles: ['township'], division: '120225100' }, { limit: 50 });
    expect(inbox.items.map((d) => d.id)).toContain(id);
    expect(JSON.stringify(inbox)).not.toMatch(/taskToken/);
    expect((await listInbox({ roles: ['township'], division: '120225101' }, { limit: 50 })).items.map((d) => d.id)).not.toContain(id);
    expect((await listQueue('test-queue', { limit: 50 })).items.map((d) => d.id)).toContain(id);

    const result = await completeDecision(id, { actor: township, completion: { output: { decision: 'approve' } } });
    expect(result).toMatchObject({ delivered: true, replayed: false });
    const done = await settled(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ decision: 'approve' });
    expect((await listInbox({ roles: ['township'], division: '120225' }, { limit: 50 })).items.map((d) => d.id)).not.toContain(id);
    expect((await listQueue('test-queue', { limit: 50 })).items.map((d) => d.id)).not.toContain(id);
    // The same answer again is a harmless replay; another answer is a conflict.
    expect(await completeDecision(id, { actor: township, completion: { output: { decision: 'approve' } } })).toMatchObject({ replayed: true, delivered: true });
    await expect(completeDecision(id, { actor: township, completion: { output: { decision: 'reject' } } })).rejects.toBeInstanceOf(ConflictError);
  });

  it('of 20 simultaneous answers exactly one wins, the rest are 409', async () => {
    const id = decisionId('reward.township-review', 'pd-2', 1);
    const arn = await start(id);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => completeDecision(id, { actor: { sub: `t-${i}`, roles: ['township'] }, completion: { output: { by: i } } })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    expect((await settled(arn)).status).toBe('SUCCEEDED');
  });

  it('partials are conditional on the version read', async () => {
    const id = decisionId('reward.township-review', 'pd-3', 1);
    await start(id);
    const after = await recordPartial(id, { expectedVersion: 1, partial: { sig: 'a' }, actor: township, action: 'test.partial' });
    expect(after).toMatchObject({ version: 2, partials: [{ sig: 'a' }] });
    await expect(recordPartial(id, { expectedVersion: 1, partial: { sig: 'b' }, actor: township, action: 'test.partial' })).rejects.toBeInstanceOf(ConflictError);
    expect(await markEscalated(id, { key: 'deadline-1', notified: 'admin', note: 'late' })).toBe(true);
    expect(await markEscalated(id, { key: 'deadline-1', notified: 'admin', note: 'late' })).toBe(false);
    expect(await getDecision(id)).toMatchObject({ version: 3, partials: [{ sig: 'a' }], escalations: [{ key: 'deadline-1', notified: 'admin' }] });
    await completeDecision(id, { actor: township, completion: { output: {} } });
    expect(await markEscalated(id, { key: 'deadline-2', notified: 'admin', note: 'late' })).toBe(false);
  });

  it('an answer committed but not delivered (crash between the two) is delivered by a repeat', async () => {
    const id = decisionId('reward.township-review', 'pd-4', 1);
    const arn = await start(id);
    // Step Functions unreachable: the answer commits, the call fails.
    process.env.SFN_ENDPOINT = 'http://127.0.0.1:9';
    resetConfig();
    resetClients();
    await expect(completeDecision(id, { actor: township, completion: { output: { decision: 'approve' } } })).rejects.toThrow();
    process.env.SFN_ENDPOINT = sf.endpoint;
    resetConfig();
    resetClients();
    const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: { pk: `DECISION#${id}`, sk: 'DECISION' } }));
    expect(Item).toMatchObject({ status: 'answered', delivered: false });
    await expect(completeDecision(id, { actor: { sub: 'other', roles: ['township'] }, completion: { output: { decision: 'approve' } } })).rejects.toBeInstanceOf(ConflictError);
    expect(await completeDecision(id, { actor: township, completion: { output: { decision: 'approve' } } })).toMatchObject({ replayed: true, delivered: true });
    expect((await settled(arn)).status).toBe('SUCCEEDED');
  });
});

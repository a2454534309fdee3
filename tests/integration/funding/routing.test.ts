import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { randomUUID } from 'node:crypto';
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { snapshotInputSchema } from '../../../functions/programs/funding/tasks/snapshot.ts';
import { computePageInputSchema } from '../../../functions/programs/funding/tasks/compute-page.ts';
import { FundingRunIncomplete, summariseInputSchema } from '../../../functions/programs/funding/tasks/summarise.ts';
import { requestApprovalInputSchema } from '../../../functions/programs/funding/tasks/request-approval.ts';
import { disbursePageInputSchema } from '../../../functions/programs/funding/tasks/disburse-page.ts';
import { FundingRunNotFullyPaid, markPaidInputSchema } from '../../../functions/programs/funding/tasks/mark-paid.ts';
import { markRunFailedInputSchema } from '../../../functions/programs/funding/tasks/mark-failed.ts';
import type { TaskHandler } from '../../../local/stepfunctions/index.ts';
import { endedExecution, executionStatus, untilEntered, useLocalStepFunctions, type EndedExecution } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// Routing of the funding run: the real ASL (with the registry's standard Retry) on the local Step
// Functions endpoint, every task handler replaced by a stub that follows a script per run and writes
// nothing. Each test drives one way through the state machine and asserts the exact states entered
// and how the execution ended; what the real handlers do is tested in run.test.ts.
//
// The stubs parse their payloads with the real tasks' input schemas. The approval stub keeps its
// token; the test answers it as the approve / reject routes do (SendTaskSuccess, or SendTaskFailure
// with FundingRunRejected).

const waitScale = 0.001; // a second of retry interval lasts a millisecond
const pageCount = 3; // below the Maps' MaxConcurrency (4): every page of a Map starts at once

type MapTask = 'compute-page' | 'disburse-page';

interface Script {
  readonly dryRun: boolean;
  /** Snapshot reports the run settled (paid, rejected, failed or a finished dry run) already. */
  readonly settled?: boolean;
  /** A page of `task` that fails with `error` once every page of its Map has been started. */
  readonly failingPage?: { readonly task: MapTask; readonly page: number; readonly error: Error };
  /** Errors the named task throws on its first calls, in order, before it answers normally. */
  readonly throws?: Partial<Record<'snapshot' | 'summarise' | 'mark-paid' | 'mark-failed', readonly Error[]>>;
}

class ScriptedRun {
  /** Task calls in order: `snapshot`, `compute-page:0`, `request-approval`, `mark-failed:Error` … */
  readonly calls: string[] = [];
  /** What MarkFailed was given as `error` (from the Catch's ResultPath). */
  failure: unknown;
  token: string | undefined;
  private readonly thrown = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly script: Script,
  ) {}

  maybeThrow(task: keyof NonNullable<Script['throws']>): void {
    const errors = this.script.throws?.[task] ?? [];
    const i = this.thrown.get(task) ?? 0;
    if (i < errors.length) {
      this.thrown.set(task, i + 1);
      throw errors[i]!;
    }
  }

  /** Fails the scripted page once all pages of its Map have been started (so the path does not depend on timing). */
  async maybeFailPage(task: MapTask, page: number): Promise<void> {
    const failing = this.script.failingPage;
    if (!failing || failing.task !== task || failing.page !== page) return;
    await waitUntil(async () => {
      const started = this.calls.filter((c) => c.startsWith(`${task}:`)).length;
      return { done: started === pageCount, seen: `${started} of ${pageCount} ${task} calls` };
    }, { what: `every ${task} call`, intervalMs: 1 });
    throw failing.error;
  }

  /** Finance approves, as POST /funding/runs/{id}/approve does. */
  async approve(): Promise<void> {
    await sfn().send(new SendTaskSuccessCommand({ taskToken: this.token, output: JSON.stringify({ approved: true, by: 'finance-a' }) }));
  }

  /** Finance rejects, as POST /funding/runs/{id}/reject does. */
  async reject(reason: string): Promise<void> {
    await sfn().send(new SendTaskFailureCommand({ taskToken: this.token, error: 'FundingRunRejected', cause: reason }));
  }
}

const scripts = new Map<string, ScriptedRun>();

function stub<I extends { runId: string }>(schema: z.ZodType<I>, label: (input: I) => string, answer: (s: ScriptedRun, input: I) => Promise<unknown>): TaskHandler {
  return async (event) => {
    const input = schema.parse(event);
    const s = scripts.get(input.runId);
    if (!s) throw new Error(`no script for ${input.runId}`);
    s.calls.push(label(input));
    return answer(s, input);
  };
}

const pages = Array.from({ length: pageCount }, (_, i) => i);

const stubs: Record<string, TaskHandler> = {
  'funding-run-snapshot': stub(snapshotInputSchema, () => 'snapshot', async (s, { runId }) => {
    s.maybeThrow('snapshot');
    return { runId, dryRun: s.script.dryRun, villageCount: pageCount * 1000, pages, settled: s.script.settled ?? false };
  }),
  'funding-run-compute-page': stub(computePageInputSchema, ({ page }) => `compute-page:${page}`, async (s, { page }) => {
    await s.maybeFailPage('compute-page', page);
    return { page, villages: 1000 };
  }),
  'funding-run-summarise': stub(summariseInputSchema, () => 'summarise', async (s, { runId }) => {
    s.maybeThrow('summarise');
    return { runId, dryRun: s.script.dryRun, status: s.script.dryRun ? 'dry-run-complete' : 'awaiting-approval' };
  }),
  'funding-run-request-approval': stub(requestApprovalInputSchema, () => 'request-approval', async (s, { runId, taskToken }) => {
    s.token = taskToken;
    return { decisionId: `funding.run-approval.${runId}` };
  }),
  'funding-run-disburse-page': stub(disbursePageInputSchema, ({ page }) => `disburse-page:${page}`, async (s, { page }) => {
    await s.maybeFailPage('disburse-page', page);
    return { page, villages: 1000 };
  }),
  'funding-run-mark-paid': stub(markPaidInputSchema, () => 'mark-paid', async (s, { runId }) => {
    s.maybeThrow('mark-paid');
    return { runId, status: 'paid', paidVillages: pageCount * 1000, paidFen: 123_456 };
  }),
  'funding-run-mark-failed': stub(markRunFailedInputSchema, ({ error }) => `mark-failed:${error?.Error ?? '?'}`, async (s, { runId, error }) => {
    s.failure = error;
    s.maybeThrow('mark-failed');
    return { runId, status: 'failed' };
  }),
};

useLocalStepFunctions({ waitScale, stubs });

async function start(script: Script): Promise<{ s: ScriptedRun; executionArn: string }> {
  const id = `fr-${script.dryRun ? 'dry-' : ''}${randomUUID()}`;
  const s = new ScriptedRun(id, script);
  scripts.set(id, s);
  const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('funding-run'), name: id, input: JSON.stringify({ runId: id }) }));
  return { s, executionArn: out.executionArn! };
}

/** Starts a real run and waits until it asks finance for approval; returns the states entered so far. */
async function awaitingApproval(script: Omit<Script, 'dryRun'> = {}): Promise<{ s: ScriptedRun; executionArn: string; waiting: string[] }> {
  const { s, executionArn } = await start({ dryRun: false, ...script });
  const waiting = await untilEntered(executionArn, 'AwaitApproval');
  await waitUntil(async () => ({ done: s.token !== undefined, seen: `the approval stub has had ${s.calls.filter((c) => c === 'request-approval').length} calls` }), { what: 'the approval token' });
  return { s, executionArn, waiting };
}

const ended = (executionArn: string): Promise<EndedExecution> => endedExecution(executionArn, { timeoutMs: 10_000 });

const each = (state: string) => pages.map(() => state);
const computed = ['Snapshot', 'IsSettled', 'ComputePages', ...each('ComputePage'), 'Summarise', 'IsDryRun'];

describe('funding run routing, every task stubbed', () => {
  it('settled already: Snapshot → IsSettled → AlreadySettled, nothing computed or asked', async () => {
    const { s, executionArn } = await start({ dryRun: false, settled: true });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual(['Snapshot', 'IsSettled', 'AlreadySettled']);
    expect(r.status).toBe('SUCCEEDED');
    expect(s.calls).toEqual(['snapshot']);
  });

  it('dry run: Snapshot → ComputePages (a ComputePage per page) → Summarise → IsDryRun → DryRunComplete', async () => {
    const { s, executionArn } = await start({ dryRun: true });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'DryRunComplete']);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ runId: s.id, dryRun: true, pages, summarised: { result: { status: 'dry-run-complete' } } });
    expect(s.calls).toEqual(['snapshot', 'compute-page:0', 'compute-page:1', 'compute-page:2', 'summarise']);
  });

  it('approved: … → AwaitApproval → DisbursePages (a DisbursePage per page) → MarkPaid', async () => {
    const { s, executionArn, waiting } = await awaitingApproval();
    expect(waiting).toEqual([...computed, 'AwaitApproval']);
    expect(await executionStatus(executionArn)).toBe('RUNNING');
    await s.approve();
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'AwaitApproval', 'DisbursePages', ...each('DisbursePage'), 'MarkPaid']);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ runId: s.id, status: 'paid', paidVillages: 3000, paidFen: 123_456 });
    expect(s.calls.filter((c) => c.startsWith('disburse-page:')).sort()).toEqual(['disburse-page:0', 'disburse-page:1', 'disburse-page:2']);
  });

  it('rejected: AwaitApproval fails with FundingRunRejected → caught → Rejected, nothing disbursed', async () => {
    const { s, executionArn } = await awaitingApproval();
    await s.reject('增量标准需重新核定');
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'AwaitApproval', 'Rejected']);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ rejection: { Error: 'FundingRunRejected', Cause: '增量标准需重新核定' } });
    expect(s.calls.some((c) => c.startsWith('disburse-page:') || c === 'mark-paid' || c.startsWith('mark-failed'))).toBe(false);
  });

  it('a failing disbursement page fails its Map → caught → MarkFailed (given the error) → RunFailed', async () => {
    const { s, executionArn } = await awaitingApproval({ failingPage: { task: 'disburse-page', page: 1, error: new Error('bank file rejected') } });
    await s.approve();
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'AwaitApproval', 'DisbursePages', ...each('DisbursePage'), 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('FundingRunFailed');
    expect(s.failure).toMatchObject({ Error: 'Error', Cause: expect.stringContaining('bank file rejected') });
    expect(s.calls).not.toContain('mark-paid');
  });

  it('a failing computation page fails its Map → caught → MarkFailed → RunFailed, never asking for approval', async () => {
    const { s, executionArn } = await start({ dryRun: false, failingPage: { task: 'compute-page', page: 2, error: new Error('village 120225100201 has no population') } });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual(['Snapshot', 'IsSettled', 'ComputePages', ...each('ComputePage'), 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(s.failure).toMatchObject({ Error: 'Error', Cause: expect.stringContaining('has no population') });
  });

  it('a failing Snapshot → caught → MarkFailed → RunFailed', async () => {
    const { s, executionArn } = await start({ dryRun: false, throws: { snapshot: [new Error('registry unreadable')] } });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual(['Snapshot', 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('FundingRunFailed');
    expect(s.calls).toEqual(['snapshot', 'mark-failed:Error']);
  });

  it('an approval answered with another failure than a rejection → caught by States.ALL → MarkFailed → RunFailed', async () => {
    const { s, executionArn } = await awaitingApproval();
    await sfn().send(new SendTaskFailureCommand({ taskToken: s.token, error: 'DecisionLost', cause: 'the decision was deleted' }));
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'AwaitApproval', 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(s.failure).toEqual({ Error: 'DecisionLost', Cause: 'the decision was deleted' });
  });

  it('Summarise retries FundingRunIncomplete (pages still being counted) in place, then goes on', async () => {
    const { s, executionArn } = await start({ dryRun: true, throws: { summarise: [new FundingRunIncomplete('2 of 3 pages summarised'), new FundingRunIncomplete('2 of 3 pages summarised')] } });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'DryRunComplete']);
    expect(r.status).toBe('SUCCEEDED');
    expect(s.calls.filter((c) => c === 'summarise')).toHaveLength(3);
  });

  it('MarkPaid retries FundingRunNotFullyPaid three times, then the run is caught → MarkFailed → RunFailed', async () => {
    const notPaid = Array.from({ length: 4 }, () => new FundingRunNotFullyPaid('2 of 3 pages paid'));
    const { s, executionArn } = await awaitingApproval({ throws: { 'mark-paid': notPaid } });
    await s.approve();
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual([...computed, 'AwaitApproval', 'DisbursePages', ...each('DisbursePage'), 'MarkPaid', 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(s.calls.filter((c) => c === 'mark-paid')).toHaveLength(4);
    expect(s.failure).toMatchObject({ Error: 'FundingRunNotFullyPaid' });
  });

  it('MarkFailed failing is retried in place (States.ALL, up to 3 retries) before the run ends in RunFailed', async () => {
    const { s, executionArn } = await start({ dryRun: false, throws: { snapshot: [new Error('registry unreadable')], 'mark-failed': [new Error('table busy'), new Error('table busy')] } });
    const r = await ended(executionArn);
    expect(r.path, r.cause).toEqual(['Snapshot', 'MarkFailed', 'RunFailed']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('FundingRunFailed');
    expect(s.calls).toEqual(['snapshot', 'mark-failed:Error', 'mark-failed:Error', 'mark-failed:Error']);
  });
});

import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { randomUUID } from 'node:crypto';
import { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { ConflictError } from '../../../functions/shared/errors.ts';
import { computeInputSchema } from '../../../functions/programs/reward/tasks/compute.ts';
import { awaitInputSchema } from '../../../functions/programs/reward/tasks/await.ts';
import { outcomeInputSchema } from '../../../functions/programs/reward/tasks/decision-outcome.ts';
import { escalateInputSchema } from '../../../functions/programs/reward/tasks/escalate.ts';
import { reserveInputSchema } from '../../../functions/programs/reward/tasks/reserve.ts';
import { disburseInputSchema } from '../../../functions/programs/reward/tasks/disburse.ts';
import { notifyInputSchema } from '../../../functions/programs/reward/tasks/notify.ts';
import type { RewardStep } from '../../../functions/programs/reward/steps.ts';
import type { TaskHandler } from '../../../local/stepfunctions/index.ts';
import { endedExecution, executionStatus, untilEntered, useLocalStepFunctions, type EndedExecution } from '../../support/stepfunctions.ts';

// Routing of the reward workflow: the real ASL (as the registry deploys it, with the standard Retry)
// on the local Step Functions endpoint, every task handler replaced by a stub that follows a script
// per application and writes nothing. Each test drives one branch of the state machine and asserts
// the exact states entered (GetExecutionHistory) and how the execution ended. What the real
// handlers do at each step is tested in workflow.test.ts; here only the state machine is.
//
// The stubs parse their payload with the real tasks' input schemas, so a state that passes the wrong
// payload fails here too. Callback stubs answer their token after a tick (SendTaskSuccess /
// SendTaskFailure through the configured SFN client) or keep it for the test to answer.

const waitScale = 0.001; // a second of Wait (or retry interval) lasts a millisecond
const neverSeconds = 10_000_000; // a deadline that does not pass during a test (~2.8 h scaled)

/** The steps in a Parallel beside their deadline: the answer is read back by decision-outcome. */
const deadlineSteps: readonly RewardStep[] = ['township-review', 'finance-approval'];

/** How a stubbed human step is answered: a decision (after a tick), kept for the test, or failed. */
type Answer = string | { readonly keep: true } | { readonly fail: string; readonly cause: string };

interface Script {
  /** Compute's `eligible`, one per round. */
  readonly eligible: readonly boolean[];
  /** The answers of each human step, in order. */
  readonly answers?: Partial<Record<RewardStep, readonly Answer[]>>;
  /** Reserve's `reserved`, one per call. */
  readonly reserved?: readonly boolean[];
  /** Errors the named task throws on its first calls, in order, before it follows the script. */
  readonly throws?: Partial<Record<string, readonly Error[]>>;
  /** The Wait states' deadlines in (unscaled) seconds; default: never. */
  readonly townshipDeadlineSeconds?: number;
  readonly financeDeadlineSeconds?: number;
  /** From this escalation period on, the escalate stub blocks until the test releases it (the path stops there). */
  readonly blockEscalationAt?: number;
}

/** One application's script and what its stubs were asked. */
class Scripted {
  /** Task calls in order: `compute`, `await:village-signoff`, `escalate:township-review:2` … */
  readonly calls: string[] = [];
  readonly tokens = new Map<RewardStep, string>();
  /** What decision-outcome reads: the answer of each deadline step. */
  readonly decided = new Map<RewardStep, string>();
  /** The execution names the payloads carried (the registry adds `execution` to every payload). */
  readonly executionNames = new Set<string>();
  /** Answers sent by a stub that the endpoint refused. */
  readonly problems: string[] = [];
  private readonly used = new Map<string, number>();
  private release: () => void = () => undefined;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(
    readonly id: string,
    readonly script: Script,
  ) {}

  /** The next scripted value of `what`; an unscripted call fails the task, naming it. */
  next<T>(what: string, values: readonly T[] | undefined): T {
    const i = this.used.get(what) ?? 0;
    this.used.set(what, i + 1);
    if (!values || i >= values.length) throw new Error(`${this.id}: call ${i + 1} of ${what} is not in the script`);
    return values[i]!;
  }

  /** Throws the scripted error of `task`'s call, if any. */
  maybeThrow(task: string): void {
    const errors = this.script.throws?.[task] ?? [];
    const i = this.used.get(`throw:${task}`) ?? 0;
    if (i < errors.length) {
      this.used.set(`throw:${task}`, i + 1);
      throw errors[i]!;
    }
  }

  /** Answer a human step: a deadline step's answer is read by decision-outcome, the others' is the callback's output. */
  async answer(step: RewardStep, decision: string): Promise<void> {
    const taskToken = this.tokens.get(step);
    if (!taskToken) throw new Error(`${this.id}: no token for ${step}`);
    if (deadlineSteps.includes(step)) this.decided.set(step, decision);
    const output = deadlineSteps.includes(step) ? { decisionId: `stub.${step}.${this.id}` } : { decision };
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(step: RewardStep, error: string, cause: string): Promise<void> {
    await sfn().send(new SendTaskFailureCommand({ taskToken: this.tokens.get(step), error, cause }));
  }

  unblock(): void {
    this.release();
  }
}

const scripts = new Map<string, Scripted>();

function scripted(applicationId: string): Scripted {
  const s = scripts.get(applicationId);
  if (!s) throw new Error(`no script for ${applicationId}`);
  return s;
}

/** After the handler has returned (as a Lambda would have), run `send`; a refusal is recorded. */
function soon(s: Scripted, what: string, send: () => Promise<void>): void {
  setTimeout(() => {
    send().catch((e: unknown) => s.problems.push(`${what}: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`));
  }, 0);
}

/**
 * A stub of `task`: parses the payload with the real task's schema, records the call (`label`) and
 * the execution's name the registry adds to every payload, throws what the script says this call
 * throws, and otherwise answers what `answer` returns.
 */
function stub<I extends { applicationId: string }>(task: string, schema: z.ZodType<I>, label: (input: I) => string, answer: (s: Scripted, input: I) => Promise<unknown>): TaskHandler {
  return async (event) => {
    const input = schema.parse(event);
    const s = scripted(input.applicationId);
    s.calls.push(label(input));
    s.executionNames.add(String((event as { execution?: { Name?: unknown } }).execution?.Name));
    s.maybeThrow(task);
    return answer(s, input);
  };
}

const stubs: Record<string, TaskHandler> = {
  'reward-compute': stub('reward-compute', computeInputSchema, () => 'compute', async (s, { applicationId }) => ({
    applicationId,
    eligible: s.next('eligible', s.script.eligible),
    round: s.calls.filter((c) => c === 'compute').length,
    townshipDeadlineSeconds: s.script.townshipDeadlineSeconds ?? neverSeconds,
    financeDeadlineSeconds: s.script.financeDeadlineSeconds ?? neverSeconds,
    escalation: { next: 1 },
  })),
  'reward-await': stub('reward-await', awaitInputSchema, ({ step }) => `await:${step}`, async (s, { applicationId, step, taskToken }) => {
    s.tokens.set(step, taskToken);
    const answer = s.next(`answer:${step}`, s.script.answers?.[step]);
    if (typeof answer === 'string') soon(s, `${step} ${answer}`, () => s.answer(step, answer));
    else if ('fail' in answer) soon(s, `${step} failure`, () => s.fail(step, answer.fail, answer.cause));
    return { decisionId: `stub.${step}.${applicationId}` };
  }),
  'reward-decision-outcome': stub('reward-decision-outcome', outcomeInputSchema, ({ step }) => `outcome:${step}`, async (s, { applicationId, step }) => {
    const decision = s.decided.get(step);
    if (!decision) throw new Error(`${applicationId}: ${step} has no answer`);
    return { decision };
  }),
  'reward-escalate': stub('reward-escalate', escalateInputSchema, ({ step, period }) => `escalate:${step}:${period}`, async (s, { period }) => {
    if (s.script.blockEscalationAt !== undefined && period >= s.script.blockEscalationAt) await s.released;
    return { escalated: true, nextPeriod: period + 1 };
  }),
  'reward-reserve': stub('reward-reserve', reserveInputSchema, () => 'reserve', async (s) => ({ reserved: s.next('reserved', s.script.reserved) })),
  'reward-disburse': stub('reward-disburse', disburseInputSchema, () => 'disburse', async () => ({ paid: true })),
  'reward-notify': stub('reward-notify', notifyInputSchema, () => 'notify', async () => ({ status: 'notified' })),
};

useLocalStepFunctions({ waitScale, stubs });

/** Start an execution for a new application following `script`, as the API starts one. */
async function start(script: Script): Promise<{ s: Scripted; executionArn: string }> {
  const id = `ra-route-${randomUUID()}`;
  const s = new Scripted(id, script);
  scripts.set(id, s);
  const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('reward-application'), name: id, input: JSON.stringify({ applicationId: id }) }));
  return { s, executionArn: out.executionArn! };
}

/** Run `script` to its end. */
async function run(script: Script): Promise<EndedExecution & { s: Scripted }> {
  const { s, executionArn } = await start(script);
  const end = await endedExecution(executionArn, { timeoutMs: 10_000 });
  expect(s.problems).toEqual([]);
  return { ...end, s };
}

// The two Parallels when answered before their deadline: the decision's branch ends in the Fail
// state that the Parallel catches (Decided), the deadline branch has only entered its Wait.
const township = ['TownshipReview', 'AwaitTownship', 'TownshipDeadline', 'TownshipDecided', 'TownshipOutcome', 'TownshipRoute'];
const finance = ['FinanceApproval', 'AwaitFinance', 'FinanceDeadline', 'FinanceDecided', 'FinanceOutcome', 'FinanceRoute'];
const signOff = ['VillageSignOff', 'VillageOutcome'];
const resubmission = ['AwaitResubmission', 'ResubmissionOutcome'];
const notified = ['Notify', 'Done'];

interface Branch {
  readonly name: string;
  readonly script: Script;
  readonly path: readonly string[];
  /** What the execution's output shows of the routing (the outcome of the last decision, the reservation). */
  readonly output: Record<string, unknown>;
}

// Every Choice's every way out, each in one execution that runs to its end.
const branches: readonly Branch[] = [
  {
    name: 'ineligible → Notify (closed with the reasons)',
    script: { eligible: [false] },
    path: ['Compute', 'Eligible', ...notified],
    output: { eligible: false, result: { status: 'notified' } },
  },
  {
    name: 'signed → township approve → finance approve → reserved → Disburse → Notify (the happy path)',
    script: { eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'] }, reserved: [true] },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve', 'Funded', 'Disburse', ...notified],
    output: { outcome: { decision: 'approve' }, reserve: { reserved: true }, result: { status: 'notified' } },
  },
  {
    name: 'village sign-off refused → returned → resubmitted → computed again → signed → township reject',
    script: { eligible: [true, true], answers: { 'village-signoff': ['refused', 'signed'], resubmission: ['resubmit'], 'township-review': ['reject'] } },
    path: ['Compute', 'Eligible', ...signOff, ...resubmission, 'Compute', 'Eligible', ...signOff, ...township, ...notified],
    output: { round: 2, outcome: { decision: 'reject' } },
  },
  {
    name: 'village sign-off refused → returned → withdrawn → Notify',
    script: { eligible: [true], answers: { 'village-signoff': ['refused'], resubmission: ['withdraw'] } },
    path: ['Compute', 'Eligible', ...signOff, ...resubmission, ...notified],
    output: { outcome: { decision: 'withdraw' } },
  },
  {
    name: 'accounts changed during the village sign-off → computed again (now ineligible)',
    script: { eligible: [true, false], answers: { 'village-signoff': ['accounts-changed'] } },
    path: ['Compute', 'Eligible', ...signOff, 'Compute', 'Eligible', ...notified],
    output: { round: 2, eligible: false },
  },
  {
    name: 'township reject → Notify',
    script: { eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['reject'] } },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...notified],
    output: { outcome: { decision: 'reject' } },
  },
  {
    name: 'township return → returned → resubmitted → computed again (now ineligible)',
    script: { eligible: [true, false], answers: { 'village-signoff': ['signed'], 'township-review': ['return'], resubmission: ['resubmit'] } },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...resubmission, 'Compute', 'Eligible', ...notified],
    output: { round: 2, eligible: false },
  },
  {
    name: 'accounts changed during the township review → computed again (now ineligible)',
    script: { eligible: [true, false], answers: { 'village-signoff': ['signed'], 'township-review': ['accounts-changed'] } },
    path: ['Compute', 'Eligible', ...signOff, ...township, 'Compute', 'Eligible', ...notified],
    output: { round: 2, eligible: false },
  },
  {
    name: 'finance reject → Notify',
    script: { eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['reject'] } },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, ...notified],
    output: { outcome: { decision: 'reject' } },
  },
  {
    name: 'accounts changed during the finance approval → computed again (now ineligible)',
    script: { eligible: [true, false], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['accounts-changed'] } },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Compute', 'Eligible', ...notified],
    output: { round: 2, eligible: false },
  },
  {
    name: 'budget insufficient → unfunded → closed by an admin → Notify',
    script: { eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'], unfunded: ['close'] }, reserved: [false] },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve', 'Funded', 'AwaitBudget', 'BudgetOutcome', ...notified],
    output: { reserve: { reserved: false }, outcome: { decision: 'close' } },
  },
  {
    name: 'budget insufficient → unfunded → budget raised → reserved again → Disburse → Notify',
    script: { eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'], unfunded: ['retry'] }, reserved: [false, true] },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve', 'Funded', 'AwaitBudget', 'BudgetOutcome', 'Reserve', 'Funded', 'Disburse', ...notified],
    output: { reserve: { reserved: true }, outcome: { decision: 'retry' } },
  },
  {
    name: 'accounts changed while unfunded → computed again (now ineligible)',
    script: { eligible: [true, false], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'], unfunded: ['accounts-changed'] }, reserved: [false] },
    path: ['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve', 'Funded', 'AwaitBudget', 'BudgetOutcome', 'Compute', 'Eligible', ...notified],
    output: { round: 2, eligible: false },
  },
];

describe('reward workflow routing, every task stubbed', () => {
  for (const { name, script, path, output } of branches) {
    it(name, async () => {
      const r = await run(script);
      expect(r.path, r.cause).toEqual(path);
      expect(r.status).toBe('SUCCEEDED');
      expect(r.output).toMatchObject({ applicationId: r.s.id, ...output });
    });
  }

  // Deadlines: the Wait beside a decision escalates once per missed period while the decision keeps waiting.
  const escalationLoop = (step: 'Township' | 'Finance') => [`${step}Deadline`, `Escalate${step}`, `${step}EscalateAgain`];

  it('a missed township deadline → EscalateTownship once per period → the decision still waits; its answer then routes on', async () => {
    // A 20-s deadline (20 ms); the third escalation is held until the decision is answered.
    const { s, executionArn } = await start({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': [{ keep: true }], 'finance-approval': ['reject'] },
      townshipDeadlineSeconds: 20,
      blockEscalationAt: 3,
    });
    try {
      const waiting = ['Compute', 'Eligible', ...signOff, 'TownshipReview', 'AwaitTownship', ...escalationLoop('Township'), ...escalationLoop('Township'), 'TownshipDeadline', 'EscalateTownship'];
      expect(await untilEntered(executionArn, 'EscalateTownship', 3)).toEqual(waiting);
      expect(await executionStatus(executionArn)).toBe('RUNNING');
      expect(s.calls.filter((c) => c.startsWith('escalate:'))).toEqual(['escalate:township-review:1', 'escalate:township-review:2', 'escalate:township-review:3']);

      await s.answer('township-review', 'approve');
      const r = await endedExecution(executionArn, { timeoutMs: 10_000 });
      expect(r.path, r.cause).toEqual([...waiting, 'TownshipDecided', 'TownshipOutcome', 'TownshipRoute', ...finance, ...notified]);
      expect(r.status).toBe('SUCCEEDED');
      expect(s.problems).toEqual([]);
    } finally {
      s.unblock();
    }
  });

  it('a missed finance deadline → EscalateFinance once per period → the decision still waits; its answer then routes on', async () => {
    const { s, executionArn } = await start({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': [{ keep: true }] },
      reserved: [true],
      financeDeadlineSeconds: 20,
      blockEscalationAt: 2,
    });
    try {
      const waiting = ['Compute', 'Eligible', ...signOff, ...township, 'FinanceApproval', 'AwaitFinance', ...escalationLoop('Finance'), 'FinanceDeadline', 'EscalateFinance'];
      expect(await untilEntered(executionArn, 'EscalateFinance', 2)).toEqual(waiting);
      expect(await executionStatus(executionArn)).toBe('RUNNING');

      await s.answer('finance-approval', 'approve');
      const r = await endedExecution(executionArn, { timeoutMs: 10_000 });
      expect(r.path, r.cause).toEqual([...waiting, 'FinanceDecided', 'FinanceOutcome', 'FinanceRoute', 'Reserve', 'Funded', 'Disburse', ...notified]);
      expect(r.status).toBe('SUCCEEDED');
      expect(s.calls.filter((c) => c.startsWith('escalate:'))).toEqual(['escalate:finance-approval:1', 'escalate:finance-approval:2']);
    } finally {
      s.unblock();
    }
  });

  it('after 100 missed periods the escalations end (TownshipEscalationsEnd) and the decision still waits', async () => {
    // A 1-s deadline (1 ms): the hundred periods pass at once.
    const { s, executionArn } = await start({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': [{ keep: true }] },
      townshipDeadlineSeconds: 1,
    });
    const hundredPeriods = Array.from({ length: 100 }, () => escalationLoop('Township')).flat();
    const waiting = ['Compute', 'Eligible', ...signOff, 'TownshipReview', 'AwaitTownship', ...hundredPeriods, 'TownshipEscalationsEnd'];
    expect(await untilEntered(executionArn, 'TownshipEscalationsEnd', 1)).toEqual(waiting);
    expect(await executionStatus(executionArn)).toBe('RUNNING');
    expect(s.calls.filter((c) => c.startsWith('escalate:'))).toEqual(Array.from({ length: 100 }, (_, i) => `escalate:township-review:${i + 1}`));

    await s.answer('township-review', 'reject');
    const r = await endedExecution(executionArn, { timeoutMs: 10_000 });
    expect(r.path, r.cause).toEqual([...waiting, 'TownshipDecided', 'TownshipOutcome', 'TownshipRoute', ...notified]);
    expect(r.status).toBe('SUCCEEDED');
  });

  // Failures. The state machine has one Catch per Parallel, for Decided (the answer); Lambda tasks
  // carry the registry's standard Retry. Everything else fails the execution where it happens.

  it('a task error that no Retry lists fails the execution at that state (Compute)', async () => {
    const r = await run({ eligible: [], throws: { 'reward-compute': [new Error('Application ra-x does not exist')] } });
    expect(r.path).toEqual(['Compute']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('Error');
    expect(r.cause).toContain('Application ra-x does not exist');
    expect(r.s.calls).toEqual(['compute']);
  });

  it('a transient error (ConflictError) is retried by the standard Retry without leaving the state', async () => {
    const r = await run({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'] },
      reserved: [true],
      throws: { 'reward-reserve': [new ConflictError('the application changed meanwhile')] },
    });
    expect(r.path, r.cause).toEqual(['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve', 'Funded', 'Disburse', ...notified]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.s.calls.filter((c) => c === 'reserve')).toHaveLength(2);
    expect(r.events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error)).toEqual(['ConflictError']);
  });

  it('a transient error that outlasts the Retry (13 attempts) fails the execution at that state (Reserve)', async () => {
    const conflicts = Array.from({ length: 13 }, () => new ConflictError('the application changed meanwhile'));
    const r = await run({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'] },
      reserved: [true],
      throws: { 'reward-reserve': conflicts },
    });
    expect(r.path).toEqual(['Compute', 'Eligible', ...signOff, ...township, ...finance, 'Reserve']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('ConflictError');
    expect(r.s.calls.filter((c) => c === 'reserve')).toHaveLength(13);
  });

  it('a human step answered with SendTaskFailure fails the execution (VillageSignOff has no Catch)', async () => {
    const r = await run({ eligible: [true], answers: { 'village-signoff': [{ fail: 'SignOffCancelled', cause: 'the village withdrew the sign-off' }] } });
    expect(r.path).toEqual(['Compute', 'Eligible', 'VillageSignOff']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('SignOffCancelled');
    expect(r.cause).toBe('the village withdrew the sign-off');
  });

  it('a deadline decision answered with SendTaskFailure fails the execution: the Parallel catches only Decided', async () => {
    const r = await run({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': [{ fail: 'ReviewCancelled', cause: 'the township cannot review' }] },
    });
    expect(r.path).toEqual(['Compute', 'Eligible', ...signOff, 'TownshipReview', 'AwaitTownship', 'TownshipDeadline']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('ReviewCancelled');
  });

  it('an escalation that fails for good fails the execution, though its decision still waited', async () => {
    const r = await run({
      eligible: [true],
      answers: { 'village-signoff': ['signed'], 'township-review': [{ keep: true }] },
      townshipDeadlineSeconds: 20,
      throws: { 'reward-escalate': [new Error('Application ra-x does not exist')] },
    });
    expect(r.path).toEqual(['Compute', 'Eligible', ...signOff, 'TownshipReview', 'AwaitTownship', 'TownshipDeadline', 'EscalateTownship']);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('Error');
  });

  it('the happy path calls each task once, with the payload the real tasks accept and the execution named after the application', async () => {
    const r = await run({ eligible: [true], answers: { 'village-signoff': ['signed'], 'township-review': ['approve'], 'finance-approval': ['approve'] }, reserved: [true] });
    expect(r.s.calls).toEqual([
      'compute', 'await:village-signoff', 'await:township-review', 'outcome:township-review',
      'await:finance-approval', 'outcome:finance-approval', 'reserve', 'disburse', 'notify',
    ]);
    expect([...r.s.executionNames]).toEqual([r.s.id]);
  });
});

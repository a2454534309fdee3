import '../polyfills.ts';
import { createHash, randomUUID } from 'node:crypto';
import { StateMachine, ExecutionError } from 'aws-local-stepfunctions';
import { prepareDefinition, simplePath, type JsonObject, type JsonValue, type PreparedDefinition, type TaskStateInfo, type WaitStateInfo } from './definition.ts';
import { Journal, mintToken, parseToken, type FinishedExecutionRecord, type HistoryEventRecord, type JournalRecord } from './journal.ts';
import { setLongTimeout, type LongTimer } from './timers.ts';
import type { WaitClock } from './clock.ts';

export type TaskHandler = (event: unknown) => Promise<unknown>;
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An error answered to the caller as `{"__type": name, "message": …}` (HTTP 400). */
export class ServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A task failure as the interpreter matches it in Retry/Catch: by `name`; Catch reports `message` as Cause. */
class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** Unwinds an abandoned run: neither Retry nor Catch may intercept it. */
class Abandoned extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor() {
    super('abandoned');
    this.name = 'VillageFlow.Abandoned';
  }
}

interface Outcome {
  readonly ok: boolean;
  readonly out?: JsonValue;
  readonly error?: string;
  readonly cause?: string;
  readonly timedOut?: boolean;
}

interface Waiter {
  resolve(o: Outcome): void;
  reject(e: Error): void;
}

export interface Machine {
  readonly arn: string;
  readonly name: string;
  readonly definition: string;
  readonly prepared: PreparedDefinition;
  readonly interpreter: StateMachine;
  readonly createdAt: number;
}

export interface Execution {
  readonly id: string;
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  readonly events: HistoryEventRecord[];
  readonly eventKeys: Set<string>;
  readonly memo: Map<string, Outcome>;
  readonly taskStarts: Map<string, number>;
  readonly submitted: Set<string>;
  readonly heartbeats: Map<string, number>;
  readonly waits: Map<string, number>;
  readonly waiters: Map<string, Waiter>;
  run?: Run;
  /** Its line in ListExecutions. */
  readonly summary: ExecutionSummary;
  /** Finished and written to executions/<id>.json: nothing more is recorded for it. */
  archived?: boolean;
  /** The key of the task whose failure ended it: what a redrive runs again. */
  failedStep?: string;
  redriveCount?: number;
  redriveDate?: number;
  /** The clientToken of the last redrive, so that a retried request does not redrive twice. */
  redriveToken?: string;
  /** Kept on disk without what a replay needs (by a version without redrive): not redrivable. */
  withoutReplayState?: boolean;
}

/** What ListExecutions shows of an execution; the only thing kept in memory of a finished one. */
export interface ExecutionSummary {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly startDate: number;
  stopDate?: number;
}

interface Run {
  abandoned: boolean;
  readonly counts: Map<string, number>;
  readonly cancels: Set<(e: Error) => void>;
  readonly retryFromMemo: Set<string>;
  abort?: () => void;
  timer?: LongTimer;
}

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/village-flow-local-states';
const TOKEN_PLACEHOLDER = 'VILLAGE-FLOW-LOCAL-TASK-TOKEN-PLACEHOLDER';

/** The step key (see `stepKey`) of the task that threw an error, so a failed execution knows its failed step. */
const failedSteps = new WeakMap<object, string>();
function fromStep<E extends Error>(e: E, key: string): E {
  failedSteps.set(e, key);
  return e;
}

/** Step keys are `<state name>#<input hash>#<occurrence>`; the name itself may contain '#'. */
const stepName = (key: string): string => key.split('#').slice(0, -2).join('#');

const hash = (text: string): string => createHash('sha1').update(text).digest('base64url').slice(0, 16);
const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
const toJson = (v: unknown): JsonValue => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as JsonValue));

function next(counts: Map<string, number>, key: string): number {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n;
}

// The interpreter exempts its own timeout error from States.TaskFailed by class, not by name, so our
// timeouts must be instances of that (unexported) class: obtain it once from a run that times out.
let timeoutErrorClass: (new () => Error) | undefined;
async function statesTimeoutErrorClass(): Promise<new () => Error> {
  if (timeoutErrorClass) return timeoutErrorClass;
  const probe = new StateMachine(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const never = () => new Promise<JsonValue>(() => undefined);
  try {
    await probe.run(null, { overrides: { taskResourceLocalHandlers: { T: never } } }).result;
  } catch (e) {
    const cause = e instanceof ExecutionError ? e.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') timeoutErrorClass = cause.constructor as new () => Error;
  }
  if (!timeoutErrorClass) throw new Error('aws-local-stepfunctions: could not obtain its States.Timeout error class');
  return timeoutErrorClass;
}

/** Why an execution cannot be redriven (AWS's `redriveStatusReason`), or undefined when it can. */
export function notRedrivable(ex: Execution, machineRegistered: boolean): string | undefined {
  if (ex.status === 'RUNNING' || ex.status === 'SUCCEEDED') return `Execution is ${ex.status} and cannot be redriven`;
  if (!machineRegistered) return 'State machine is not registered on this host';
  if (ex.withoutReplayState) return 'Execution was kept by a version of this host without redrive';
  return undefined;
}

export interface EngineOptions {
  readonly region: string;
  readonly accountId: string;
  readonly stateMachineArnPrefix: string;
  readonly stateMachines: readonly { readonly name: string; readonly definition: string }[];
  readonly handlers: ReadonlyMap<string, TaskHandler>;
  readonly dataDir?: string;
  readonly waitScale: number;
  /** What Wait states wait by (default: the wall clock, scaled by waitScale). */
  readonly clock?: WaitClock;
}

/**
 * Executions, their history and their runs. Every fact that must survive a restart goes to the
 * journal before anyone is told about it; a restart replays each unfinished execution from its
 * start, answering the steps that already finished from the journal.
 */
export class Engine {
  readonly machines = new Map<string, Machine>();
  /** Executions in memory: the running ones (and, without a data folder, the finished ones too). */
  readonly executions = new Map<string, Execution>();
  private readonly byId = new Map<string, Execution>();
  /** Every execution's summary, by ARN, and newest first. */
  private readonly summaries = new Map<string, ExecutionSummary>();
  private readonly order: ExecutionSummary[] = [];
  private readonly journal: Journal;
  private stopped = false;
  private timeoutClass!: new () => Error;

  constructor(private readonly o: EngineOptions) {
    for (const sm of o.stateMachines) {
      const prepared = prepareDefinition(sm.definition);
      // Validate what users wrote once; the transformed copy is trusted.
      new StateMachine(JSON.parse(sm.definition) as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkArn: false } });
      const interpreter = new StateMachine(prepared.interpreted as unknown as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { noValidate: true } });
      const arn = o.stateMachineArnPrefix + sm.name;
      this.machines.set(arn, { arn, name: arn.slice(arn.indexOf(':stateMachine:') + ':stateMachine:'.length), definition: sm.definition, prepared, interpreter, createdAt: Date.now() });
    }
    this.journal = new Journal(o.dataDir);
  }

  /** Load the journal and resume every unfinished execution; resolves once each replay is under way. */
  async open(): Promise<{ resumed: Promise<void> }> {
    this.timeoutClass = await statesTimeoutErrorClass();
    for await (const r of this.journal.records()) this.load(r);
    if (this.journal.persistent) {
      // Finished in the journal but not yet kept on its own (a kill in between, or an older data folder).
      for (const ex of [...this.executions.values()]) if (ex.status !== 'RUNNING') this.archive(ex);
      this.journal.rewrite(this.liveRecords());
    }
    this.order.sort((a, b) => b.startDate - a.startDate);
    // Finished executions' summaries are only for ListExecutions: read them after start-up, in the background.
    this.finishedLoaded = this.loadFinished();
    this.finishedLoaded.catch(() => undefined);
    const unfinished = [...this.executions.values()].filter((e) => e.status === 'RUNNING').sort((a, b) => b.startDate - a.startDate);
    for (const ex of unfinished) {
      if (!this.machines.has(ex.stateMachineArn)) continue;
      this.launch(ex);
    }
    return { resumed: immediate() };
  }

  private finishedLoaded: Promise<void> = Promise.resolve();

  private async loadFinished(): Promise<void> {
    for await (const f of this.journal.finished()) {
      // A redriven execution runs again: its line from when it had finished is out of date.
      if (this.executions.get(f.arn)?.status === 'RUNNING') continue;
      const known = this.summaries.get(f.arn);
      const summary: ExecutionSummary = { arn: f.arn, stateMachineArn: f.sm, name: f.name, status: f.status as ExecutionStatus, startDate: f.at, stopDate: f.stop };
      if (known) Object.assign(known, summary);
      else {
        this.summaries.set(f.arn, summary);
        this.order.push(summary);
      }
    }
    this.order.sort((a, b) => b.startDate - a.startDate);
  }

  private load(r: JournalRecord): void {
    if (r.t === 'start') {
      const ex = this.newExecution(r.arn, r.sm, r.name, r.input, r.at);
      ex.status = 'RUNNING';
      return;
    }
    const ex = this.byId.get(r.x);
    if (!ex) return;
    switch (r.t) {
      case 'ev':
        ex.events.push(r.e);
        if (r.k) ex.eventKeys.add(r.k);
        break;
      case 'keys':
        for (const k of r.ks) ex.eventKeys.add(k);
        break;
      case 'memo':
        ex.memo.set(r.k, { ok: r.ok, out: r.out, error: r.error, cause: r.cause, timedOut: r.timedOut });
        break;
      case 'tstart':
        ex.taskStarts.set(r.k, r.at);
        break;
      case 'tsub':
        ex.submitted.add(r.k);
        break;
      case 'hb':
        ex.heartbeats.set(r.k, r.at);
        break;
      case 'wait':
        ex.waits.set(r.k, r.until);
        break;
      case 'end':
        Object.assign(ex, { status: r.status as ExecutionStatus, stopDate: r.at, output: r.output, error: r.error, cause: r.cause, failedStep: r.step });
        Object.assign(ex.summary, { status: r.status as ExecutionStatus, stopDate: r.at });
        break;
      case 'redrive':
        Object.assign(ex, { status: 'RUNNING', stopDate: undefined, output: undefined, error: undefined, cause: undefined, failedStep: undefined, redriveCount: r.count, redriveDate: r.at, redriveToken: r.token });
        Object.assign(ex.summary, { status: 'RUNNING', stopDate: undefined });
        for (const k of r.drop) {
          // The step runs again as new: its outcome is forgotten and its timeout counts from the redrive.
          ex.memo.delete(k);
          ex.submitted.delete(k);
          ex.heartbeats.delete(k);
          if (ex.taskStarts.has(k)) ex.taskStarts.set(k, r.at);
        }
        for (const k of r.events) ex.eventKeys.delete(k);
        break;
    }
  }

  private newExecution(arn: string, sm: string, name: string, input: string, at: number): Execution {
    let summary = this.summaries.get(arn);
    if (summary) Object.assign(summary, { status: 'RUNNING', stopDate: undefined });
    else {
      summary = { arn, stateMachineArn: sm, name, status: 'RUNNING', startDate: at };
      this.summaries.set(arn, summary);
      this.order.unshift(summary);
    }
    const ex: Execution = {
      id: hash(arn), arn, stateMachineArn: sm, name, input, startDate: at, status: 'RUNNING',
      events: [], eventKeys: new Set(), memo: new Map(), taskStarts: new Map(), submitted: new Set(),
      heartbeats: new Map(), waits: new Map(), waiters: new Map(), summary,
    };
    this.executions.set(arn, ex);
    this.byId.set(ex.id, ex);
    return ex;
  }

  /** Keep a finished execution on disk and drop it from memory (with a data folder). */
  private archive(ex: Execution): void {
    if (!this.journal.persistent || ex.archived) return;
    const record: FinishedExecutionRecord = {
      arn: ex.arn, sm: ex.stateMachineArn, name: ex.name, input: ex.input, at: ex.startDate, status: ex.status, stop: ex.stopDate ?? Date.now(),
      ...(ex.output !== undefined ? { output: ex.output } : {}), ...(ex.error !== undefined ? { error: ex.error } : {}), ...(ex.cause !== undefined ? { cause: ex.cause } : {}),
      events: ex.events, tasks: [...ex.taskStarts.keys()], ...(ex.failedStep !== undefined ? { step: ex.failedStep } : {}),
      records: [...this.recordsOf(ex)].filter((r) => r.t !== 'start' && r.t !== 'ev'),
    };
    this.journal.archive(ex.id, record);
    ex.archived = true;
    this.executions.delete(ex.arn);
    this.byId.delete(ex.id);
  }

  /** The running executions' state as journal records: what a compacted journal holds. */
  private *liveRecords(): Generator<JournalRecord> {
    for (const ex of this.executions.values()) if (ex.status === 'RUNNING') yield* this.recordsOf(ex);
  }

  /** One execution's state as journal records (without its end): loading them rebuilds it for a replay. */
  private *recordsOf(ex: Execution): Generator<JournalRecord> {
    const x = ex.id;
    yield { t: 'start', x, arn: ex.arn, sm: ex.stateMachineArn, name: ex.name, input: ex.input, at: ex.startDate };
    if (ex.redriveCount !== undefined && ex.redriveDate !== undefined) {
      yield { t: 'redrive', x, at: ex.redriveDate, count: ex.redriveCount, ...(ex.redriveToken !== undefined ? { token: ex.redriveToken } : {}), drop: [], events: [] };
    }
    for (const e of ex.events) yield { t: 'ev', x, e };
    if (ex.eventKeys.size) yield { t: 'keys', x, ks: [...ex.eventKeys] };
    for (const [k, o] of ex.memo) yield { t: 'memo', x, k, ok: o.ok, out: o.out, error: o.error, cause: o.cause, timedOut: o.timedOut };
    for (const [k, at] of ex.taskStarts) yield { t: 'tstart', x, k, at };
    for (const k of ex.submitted) yield { t: 'tsub', x, k };
    for (const [k, at] of ex.heartbeats) yield { t: 'hb', x, k, at };
    for (const [k, until] of ex.waits) yield { t: 'wait', x, k, until };
  }

  /** A finished execution read back from disk, shaped like a live one (no run state). */
  private archived(id: string, arn?: string): Execution | undefined {
    const r = this.journal.readArchived(id);
    if (!r || (arn !== undefined && r.arn !== arn)) return undefined;
    const summary = this.summaries.get(r.arn) ?? { arn: r.arn, stateMachineArn: r.sm, name: r.name, status: r.status as ExecutionStatus, startDate: r.at, stopDate: r.stop };
    return {
      id, arn: r.arn, stateMachineArn: r.sm, name: r.name, input: r.input, startDate: r.at, status: r.status as ExecutionStatus, stopDate: r.stop,
      ...(r.output !== undefined ? { output: r.output } : {}), ...(r.error !== undefined ? { error: r.error } : {}), ...(r.cause !== undefined ? { cause: r.cause } : {}),
      events: r.events, eventKeys: new Set(), memo: new Map(), taskStarts: new Map(r.tasks.map((k) => [k, r.at])), submitted: new Set(),
      heartbeats: new Map(), waits: new Map(), waiters: new Map(), summary, archived: true,
      ...(r.step !== undefined ? { failedStep: r.step } : {}), ...(r.records ? {} : { withoutReplayState: true }),
      ...this.redriveOf(r.records ?? []),
    };
  }

  /** The redrive count, date and token among an archived execution's records. */
  private redriveOf(records: readonly JournalRecord[]): Pick<Execution, 'redriveCount' | 'redriveDate' | 'redriveToken'> {
    const r = records.findLast((x) => x.t === 'redrive');
    if (r?.t !== 'redrive') return {};
    return { redriveCount: r.count, redriveDate: r.at, ...(r.token !== undefined ? { redriveToken: r.token } : {}) };
  }

  /** Abandon every run without recording an outcome, so that the next start resumes them. */
  stop(): void {
    this.stopped = true;
    for (const ex of this.executions.values()) if (ex.run) this.abandon(ex);
    this.journal.close();
  }

  async list(stateMachineArn: string): Promise<ExecutionSummary[]> {
    await this.finishedLoaded;
    return this.order.filter((e) => e.stateMachineArn === stateMachineArn);
  }

  machine(arn: string): Machine {
    const m = this.machines.get(arn);
    if (!m) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  execution(arn: string): Execution {
    const ex = this.executions.get(arn) ?? this.archived(hash(arn), arn);
    if (!ex) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return ex;
  }

  // ---- operations -------------------------------------------------------------------------------

  start(stateMachineArn: string, name: string | undefined, input: string): { ex: Execution; existing: boolean } {
    const m = this.machine(stateMachineArn);
    const execName = name ?? randomUUID();
    const arn = `${m.arn.replace(':stateMachine:', ':execution:')}:${execName}`;
    const existing = this.executions.get(arn);
    if (!existing && (this.summaries.has(arn) || this.journal.isArchived(hash(arn)))) throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    if (existing) {
      // As AWS: idempotent only while the earlier one runs with the very same input.
      if (existing.status === 'RUNNING' && existing.input === input) return { ex: existing, existing: true };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const at = Date.now();
    const ex = this.newExecution(arn, m.arn, execName, input, at);
    this.write({ t: 'start', x: ex.id, arn, sm: m.arn, name: execName, input, at });
    this.emit(ex, 'ExecutionStarted', 'executionStartedEventDetails', { input, inputDetails: { truncated: false }, roleArn: ROLE_ARN }, 'ExecutionStarted');
    this.launch(ex);
    return { ex, existing: false };
  }

  stopExecution(arn: string, error: string | undefined, cause: string | undefined): Execution {
    const ex = this.execution(arn);
    if (ex.status !== 'RUNNING') return ex;
    this.abandon(ex);
    const details: Record<string, unknown> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    this.emit(ex, 'ExecutionAborted', 'executionAbortedEventDetails', details);
    this.finish(ex, 'ABORTED', { error, cause });
    return ex;
  }

  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution runs again under its ARN. It is
   * replayed from its start exactly as after a restart (completed steps answered from their
   * outcomes), except for the failed step (with its retries) and the steps that were still running,
   * which run again. A finished execution kept on disk is first put back into the journal with the
   * records a compaction would write for it, so a restart after the redrive resumes it like any other.
   */
  redrive(arn: string, clientToken: string | undefined): Execution {
    let ex = this.execution(arn);
    if (clientToken !== undefined && ex.redriveToken === clientToken && ex.redriveDate !== undefined) return ex;
    const reason = notRedrivable(ex, this.machines.has(ex.stateMachineArn));
    if (reason) throw new ServiceError('ExecutionNotRedrivable', `Execution Not Redrivable: '${arn}': ${reason}`);
    if (ex.archived) ex = this.reinstate(ex);
    const drop = new Set<string>();
    // The failed step and the failed attempts before it (its retries start over, as on AWS).
    if (ex.failedStep) {
      const base = ex.failedStep.slice(0, ex.failedStep.lastIndexOf('#'));
      for (let n = Number(ex.failedStep.slice(base.length + 1)); n >= 1; n--) {
        const o = ex.memo.get(`${base}#${n}`);
        if (!o || o.ok) break;
        drop.add(`${base}#${n}`);
      }
    }
    // Steps that were running when it was stopped or timed out.
    for (const k of ex.taskStarts.keys()) if (!ex.memo.has(k)) drop.add(k);
    const events = new Set<string>(['ExecutionFailed']);
    const names = new Set([...drop].map(stepName));
    const exits = new Map<string, number>();
    for (const k of ex.eventKeys) {
      if (!k.startsWith('StateExited|')) continue;
      const base = k.slice('StateExited'.length, k.lastIndexOf('|'));
      exits.set(base, (exits.get(base) ?? 0) + 1);
    }
    for (const k of ex.eventKeys) {
      const sep = k.indexOf('|');
      // The task events of the dropped steps (`TaskScheduled|<step key>` …).
      if (drop.has(k.slice(sep + 1))) events.add(k);
      // The entries of their states that never exited: the state is entered again.
      if (k.startsWith('StateEntered|') && names.has(k.split('|')[1] ?? '')) {
        const base = k.slice('StateEntered'.length, k.lastIndexOf('|'));
        if (Number(k.slice(k.lastIndexOf('|') + 1)) > (exits.get(base) ?? 0)) events.add(k);
      }
    }
    const record: JournalRecord = { t: 'redrive', x: ex.id, at: Date.now(), count: (ex.redriveCount ?? 0) + 1, ...(clientToken !== undefined ? { token: clientToken } : {}), drop: [...drop], events: [...events] };
    this.write(record);
    this.load(record);
    this.emit(ex, 'ExecutionRedriven', 'executionRedrivenEventDetails', { redriveCount: record.count });
    this.launch(ex);
    return ex;
  }

  /** Put a finished execution kept on disk back into the journal and memory, as a restart would load it. */
  private reinstate(archived: Execution): Execution {
    const r = this.journal.readArchived(archived.id);
    if (!r?.records) throw new ServiceError('ExecutionNotRedrivable', `Execution Not Redrivable: '${archived.arn}'`);
    const x = archived.id;
    const records: JournalRecord[] = [{ t: 'start', x, arn: r.arn, sm: r.sm, name: r.name, input: r.input, at: r.at }, ...r.events.map((e): JournalRecord => ({ t: 'ev', x, e })), ...r.records];
    for (const rec of records) {
      this.write(rec);
      this.load(rec);
    }
    const ex = this.byId.get(x)!;
    if (r.step !== undefined) ex.failedStep = r.step;
    return ex;
  }

  private taskFor(token: string): { ex: Execution; key: string; info: TaskStateInfo } {
    const parsed = parseToken(this.journal.secret, token);
    if (!parsed) throw new ServiceError('InvalidToken', 'Invalid Token');
    const ex = this.byId.get(parsed.executionId) ?? this.archived(parsed.executionId);
    // Step keys are `<state name>#<input hash>#<occurrence>`; the name itself may contain '#'.
    const name = parsed.stepKey.split('#').slice(0, -2).join('#');
    const m = ex ? this.machines.get(ex.stateMachineArn) : undefined;
    const info = m?.prepared.states.get(name);
    if (!ex || !info || info.kind !== 'task' || info.task !== 'invoke.waitForTaskToken' || !ex.taskStarts.has(parsed.stepKey)) {
      throw new ServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    }
    // As AWS: a token whose task is closed (answered, timed out, or its execution ended) has "timed out".
    if (ex.memo.has(parsed.stepKey) || ex.status !== 'RUNNING') {
      throw new ServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return { ex, key: parsed.stepKey, info };
  }

  sendTaskSuccess(token: string, output: JsonValue): void {
    const { ex, key, info } = this.taskFor(token);
    this.complete(ex, key, info, { ok: true, out: output });
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    const { ex, key, info } = this.taskFor(token);
    this.complete(ex, key, info, { ok: false, error: error ?? '', cause: cause ?? '' });
  }

  sendTaskHeartbeat(token: string): void {
    const { ex, key } = this.taskFor(token);
    const at = Date.now();
    this.write({ t: 'hb', x: ex.id, k: key, at });
    ex.heartbeats.set(key, at);
  }

  // ---- runs -------------------------------------------------------------------------------------

  private write(r: JournalRecord): void {
    if (!this.stopped) this.journal.append(r);
  }

  /** Nothing more is recorded for an execution once it is finished and kept on disk. */
  private closed(ex: Execution): boolean {
    return this.stopped || ex.archived === true;
  }

  /** Append a history event unless one with the same key was recorded by an earlier run. */
  private emit(ex: Execution, type: string, field: string | undefined, value: Record<string, unknown> | undefined, key?: string): void {
    if (this.closed(ex)) return;
    if (key !== undefined) {
      if (ex.eventKeys.has(key)) return;
      ex.eventKeys.add(key);
    }
    const id = ex.events.length + 1;
    const e: HistoryEventRecord = field && value ? { id, previousEventId: id - 1, type, timestamp: Date.now(), details: { field, value } } : { id, previousEventId: id - 1, type, timestamp: Date.now() };
    this.write(key === undefined ? { t: 'ev', x: ex.id, e } : { t: 'ev', x: ex.id, e, k: key });
    ex.events.push(e);
  }

  private finish(ex: Execution, status: ExecutionStatus, r: { output?: string; error?: string; cause?: string }, step?: string): void {
    if (this.closed(ex)) return;
    const at = Date.now();
    this.write({ t: 'end', x: ex.id, status, at, ...r, ...(step !== undefined ? { step } : {}) });
    Object.assign(ex, { status, stopDate: at, ...r, failedStep: step });
    Object.assign(ex.summary, { status, stopDate: at });
    this.archive(ex);
    if (this.journal.wantsCompaction) this.journal.rewrite(this.liveRecords());
  }

  private abandon(ex: Execution): void {
    const run = ex.run;
    if (!run) return;
    run.abandoned = true;
    ex.run = undefined;
    run.timer?.clear();
    const err = new Abandoned();
    for (const cancel of [...run.cancels]) cancel(err);
    run.cancels.clear();
    for (const w of ex.waiters.values()) w.reject(err);
    ex.waiters.clear();
    run.abort?.();
  }

  /** Run (or replay) an execution from its start. */
  private launch(ex: Execution): void {
    const m = this.machine(ex.stateMachineArn);
    const run: Run = { abandoned: false, counts: new Map(), cancels: new Set(), retryFromMemo: new Set() };
    ex.run = run;
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const info of m.prepared.states.values()) {
      if (info.kind === 'task') handlers[info.name] = (input) => this.runTask(ex, run, info, input);
      if (info.kind === 'wait') handlers[info.name] = (input) => this.runWait(ex, run, info, input);
    }
    // A retry of an attempt answered from the journal must not wait its interval again; other
    // intervals are scaled like waits.
    const retryIntervals = new Proxy({} as Record<string, number>, {
      get: (_t, prop) => {
        if (typeof prop !== 'string') return undefined;
        if (run.retryFromMemo.has(prop)) return 0;
        const info = m.prepared.states.get(prop);
        if (this.o.waitScale === 1 || info?.kind !== 'task') return undefined;
        return info.retryIntervals.map((s) => s * 1000 * this.o.waitScale);
      },
    });
    if (m.prepared.timeoutSeconds !== undefined) {
      // From the start of this attempt: the first run or the last redrive.
      const left = (ex.redriveDate ?? ex.startDate) + m.prepared.timeoutSeconds * 1000 - Date.now();
      run.timer = setLongTimeout(() => {
        if (run.abandoned) return;
        this.abandon(ex);
        this.emit(ex, 'ExecutionTimedOut', 'executionTimedOutEventDetails', { error: 'States.Timeout', cause: 'The execution timed out.' });
        this.finish(ex, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out.' });
      }, Math.max(0, left));
    }
    const handle = m.interpreter.run(JSON.parse(ex.input) as JsonValue, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: retryIntervals },
      context: {
        Execution: { Id: ex.arn, Name: ex.name, RoleArn: ROLE_ARN },
        StateMachine: { Id: m.arn, Name: m.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    run.abort = handle.abort;
    void this.consume(ex, run, m, handle.eventLogs);
    handle.result.then(
      async (output) => {
        await immediate();
        if (run.abandoned || this.stopped) return;
        ex.run = undefined;
        run.timer?.clear();
        const text = JSON.stringify(output ?? null);
        this.emit(ex, 'ExecutionSucceeded', 'executionSucceededEventDetails', { output: text, outputDetails: { truncated: false } }, 'ExecutionSucceeded');
        this.finish(ex, 'SUCCEEDED', { output: text });
      },
      async (e: unknown) => {
        await immediate();
        if (run.abandoned || this.stopped) return;
        ex.run = undefined;
        run.timer?.clear();
        const cause = e instanceof ExecutionError ? e.cause : e;
        let error = cause instanceof Error ? cause.name : 'States.Runtime';
        let text: string | undefined = cause instanceof Error ? cause.message : String(cause);
        // The interpreter fills in defaults for a Fail state without Error/Cause; AWS leaves them out.
        if (error === 'FailStateError') error = '';
        if (text === 'Execution failed because of a Fail state') text = undefined;
        const details: Record<string, unknown> = { error };
        if (text !== undefined) details.cause = text;
        this.emit(ex, 'ExecutionFailed', 'executionFailedEventDetails', details, 'ExecutionFailed');
        const step = cause instanceof Error ? failedSteps.get(cause) : undefined;
        this.finish(ex, 'FAILED', text === undefined ? { error } : { error, cause: text }, step);
      },
    );
  }

  /** Translate the interpreter's event log into AWS history events. */
  private async consume(ex: Execution, run: Run, m: Machine, events: AsyncGenerator<unknown>): Promise<void> {
    for await (const raw of events) {
      if (run.abandoned || this.stopped) return;
      const ev = raw as { type: string; state?: { name: string; input: JsonValue; output?: JsonValue }; parentState?: { name: string; input: JsonValue }; index?: number };
      const keyOf = (type: string, payload: unknown, extra = ''): string => {
        const base = `${type}|${ev.state?.name ?? ev.parentState?.name ?? ''}|${extra}|${hash(JSON.stringify(payload ?? null))}`;
        return `${base}|${next(run.counts, base)}`;
      };
      if (ev.state) {
        const name = ev.state.name;
        const type = m.prepared.typeOf.get(name) ?? 'Task';
        if (ev.type === 'StateEntered') {
          const input = JSON.stringify(ev.state.input ?? null);
          this.emit(ex, `${type}StateEntered`, 'stateEnteredEventDetails', { name, input, inputDetails: { truncated: false } }, keyOf('StateEntered', ev.state.input));
          if (type === 'Map') {
            const info = m.prepared.states.get(name);
            let items: JsonValue | undefined = ev.state.input;
            if (info?.kind === 'other') {
              if (info.inputPath) items = simplePath(info.inputPath, items ?? null);
              if (info.itemsPath) items = simplePath(info.itemsPath, items ?? null);
            }
            const details = Array.isArray(items) ? { length: items.length } : {};
            this.emit(ex, 'MapStateStarted', 'mapStateStartedEventDetails', details, keyOf('MapStateStarted', ev.state.input));
          }
          if (type === 'Parallel') this.emit(ex, 'ParallelStateStarted', undefined, undefined, keyOf('ParallelStateStarted', ev.state.input));
        } else if (ev.type === 'StateExited') {
          if (type === 'Map') this.emit(ex, 'MapStateSucceeded', undefined, undefined, keyOf('MapStateSucceeded', ev.state.input));
          if (type === 'Parallel') this.emit(ex, 'ParallelStateSucceeded', undefined, undefined, keyOf('ParallelStateSucceeded', ev.state.input));
          const output = JSON.stringify(ev.state.output ?? null);
          this.emit(ex, `${type}StateExited`, 'stateExitedEventDetails', { name, output, outputDetails: { truncated: false } }, keyOf('StateExited', ev.state.input));
        } else if (ev.type === 'StateFailed' && (type === 'Map' || type === 'Parallel')) {
          this.emit(ex, `${type}StateFailed`, undefined, undefined, keyOf('StateFailed', ev.state.input));
        }
      } else if (ev.parentState && ev.type.startsWith('MapIteration')) {
        const field = `mapIteration${ev.type.slice('MapIteration'.length)}EventDetails`;
        this.emit(ex, ev.type, field.replace(/^mapIteration/, 'mapIteration'), { name: ev.parentState.name, index: ev.index ?? 0 }, keyOf(ev.type, ev.parentState.input, String(ev.index ?? 0)));
      }
    }
  }

  private stepKey(run: Run, name: string, input: JsonValue): string {
    const base = `${name}#${hash(JSON.stringify(input))}`;
    return `${base}#${next(run.counts, base)}`;
  }

  /** Wait for the task's outcome, or for the run to be abandoned. */
  private outcome(ex: Execution, run: Run, key: string): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const done = ex.memo.get(key);
      if (done) return resolve(done);
      ex.waiters.set(key, {
        resolve: (o) => {
          run.cancels.delete(reject);
          resolve(o);
        },
        reject,
      });
      run.cancels.add(reject);
    });
  }

  /** Record a task's outcome once (first one wins) and wake whoever waits for it. */
  private complete(ex: Execution, key: string, info: TaskStateInfo, o: Outcome): void {
    if (ex.memo.has(key) || this.closed(ex)) return;
    const resourceType = 'lambda';
    const resource = info.task === 'function' ? undefined : info.task;
    this.write({ t: 'memo', x: ex.id, k: key, ok: o.ok, out: o.out, error: o.error, cause: o.cause, timedOut: o.timedOut });
    ex.memo.set(key, o);
    const failure: Record<string, unknown> = { error: o.error };
    if (o.cause) failure.cause = o.cause;
    if (info.task === 'function') {
      if (o.ok) this.emit(ex, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', { output: JSON.stringify(o.out ?? null), outputDetails: { truncated: false } }, `LambdaFunctionSucceeded|${key}`);
      else if (o.timedOut) this.emit(ex, 'LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', failure, `LambdaFunctionTimedOut|${key}`);
      else this.emit(ex, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', failure, `LambdaFunctionFailed|${key}`);
    } else {
      if (o.ok) this.emit(ex, 'TaskSucceeded', 'taskSucceededEventDetails', { resourceType, resource, output: JSON.stringify(o.out ?? null), outputDetails: { truncated: false } }, `TaskSucceeded|${key}`);
      else if (o.timedOut) this.emit(ex, 'TaskTimedOut', 'taskTimedOutEventDetails', { resourceType, resource, ...failure }, `TaskTimedOut|${key}`);
      else this.emit(ex, 'TaskFailed', 'taskFailedEventDetails', { resourceType, resource, ...failure }, `TaskFailed|${key}`);
    }
    const w = ex.waiters.get(key);
    ex.waiters.delete(key);
    w?.resolve(o);
  }

  private failure(e: unknown): Outcome {
    const errorType = e instanceof Error ? e.name : 'Error';
    const errorMessage = e instanceof Error ? e.message : String(e);
    return { ok: false, error: errorType, cause: JSON.stringify({ errorType, errorMessage }) };
  }

  private handler(functionName: unknown): TaskHandler {
    const name = typeof functionName === 'string' ? functionName : '';
    const found = this.o.handlers.get(name) ?? [...this.o.handlers].find(([arn]) => arn.endsWith(`:function:${name}`))?.[1];
    if (!found) throw new TaskError('Lambda.ResourceNotFoundException', JSON.stringify({ errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${name}` }));
    return found;
  }

  private async runTask(ex: Execution, run: Run, info: TaskStateInfo, input: JsonValue): Promise<JsonValue> {
    const key = this.stepKey(run, info.name, input);
    // Let the interpreter's queued events (this state's Entered) be recorded before ours.
    await immediate();
    if (run.abandoned) throw new Abandoned();
    let done = ex.memo.get(key);
    if (!done) {
      run.retryFromMemo.delete(info.name);
      done = await this.attempt(ex, run, info, input, key);
    } else {
      run.retryFromMemo.add(info.name);
    }
    if (run.abandoned) throw new Abandoned();
    if (done.ok) return done.out ?? null;
    if (done.timedOut && done.error === 'States.Timeout') throw fromStep(new this.timeoutClass(), key);
    throw fromStep(new TaskError(done.error ?? '', done.cause ?? ''), key);
  }

  private async attempt(ex: Execution, run: Run, info: TaskStateInfo, input: JsonValue, key: string): Promise<Outcome> {
    const resourceType = 'lambda';
    let startedAt = ex.taskStarts.get(key);
    if (startedAt === undefined) {
      startedAt = Date.now();
      this.write({ t: 'tstart', x: ex.id, k: key, at: startedAt });
      ex.taskStarts.set(key, startedAt);
    }
    if (info.task === 'function') {
      const details: Record<string, unknown> = { resource: info.resource, input: JSON.stringify(input), inputDetails: { truncated: false } };
      if (info.timeoutSeconds !== undefined) details.timeoutInSeconds = info.timeoutSeconds;
      this.emit(ex, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', details, `LambdaFunctionScheduled|${key}`);
      this.emit(ex, 'LambdaFunctionStarted', undefined, undefined, `LambdaFunctionStarted|${key}`);
    } else {
      const details: Record<string, unknown> = { resourceType, resource: info.task, region: this.o.region, parameters: JSON.stringify(input) };
      if (info.timeoutSeconds !== undefined) details.timeoutInSeconds = info.timeoutSeconds;
      if (info.heartbeatSeconds !== undefined) details.heartbeatInSeconds = info.heartbeatSeconds;
      this.emit(ex, 'TaskScheduled', 'taskScheduledEventDetails', details, `TaskScheduled|${key}`);
      this.emit(ex, 'TaskStarted', 'taskStartedEventDetails', { resourceType, resource: info.task }, `TaskStarted|${key}`);
    }
    const timers: LongTimer[] = [];
    if (info.timeoutSeconds !== undefined) {
      timers.push(setLongTimeout(() => this.complete(ex, key, info, { ok: false, error: 'States.Timeout', cause: '', timedOut: true }), startedAt + info.timeoutSeconds * 1000 - Date.now()));
    }
    if (info.task === 'invoke.waitForTaskToken' && info.heartbeatSeconds !== undefined) {
      const hb = info.heartbeatSeconds * 1000;
      const check = (): void => {
        const last = Math.max(startedAt, ex.heartbeats.get(key) ?? 0);
        const left = last + hb - Date.now();
        if (left <= 0) this.complete(ex, key, info, { ok: false, error: 'States.HeartbeatTimeout', cause: '', timedOut: true });
        else timers.push(setLongTimeout(check, left));
      };
      check();
    }
    const waiting = this.outcome(ex, run, key);
    void this.invoke(ex, run, info, input, key);
    try {
      return await waiting;
    } finally {
      for (const t of timers) t.clear();
    }
  }

  /** Call the handler; a waitForTaskToken step then waits for SendTask* (its outcome comes from there). */
  private async invoke(ex: Execution, run: Run, info: TaskStateInfo, input: JsonValue, key: string): Promise<void> {
    try {
      if (info.task === 'function') {
        const out = toJson(await this.handler(info.resource)(input));
        if (!run.abandoned) this.complete(ex, key, info, { ok: true, out });
        return;
      }
      const params = (input ?? {}) as JsonObject;
      const fn = this.handler(params.FunctionName);
      if (info.task === 'invoke') {
        const payload = toJson(await fn(params.Payload ?? null));
        if (!run.abandoned) this.complete(ex, key, info, { ok: true, out: { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 } });
        return;
      }
      if (ex.submitted.has(key)) return;
      const token = mintToken(this.journal.secret, ex.id, key);
      const payload = JSON.parse(JSON.stringify(params.Payload ?? null).split(TOKEN_PLACEHOLDER).join(token)) as JsonValue;
      const result = toJson(await fn(payload));
      if (run.abandoned || ex.memo.has(key)) return;
      this.write({ t: 'tsub', x: ex.id, k: key });
      ex.submitted.add(key);
      this.emit(ex, 'TaskSubmitted', 'taskSubmittedEventDetails', { resourceType: 'lambda', resource: info.task, output: JSON.stringify({ ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }), outputDetails: { truncated: false } }, `TaskSubmitted|${key}`);
    } catch (e) {
      if (run.abandoned) return;
      this.complete(ex, key, info, e instanceof TaskError ? { ok: false, error: e.name, cause: e.message } : this.failure(e));
    }
  }

  private async runWait(ex: Execution, run: Run, info: WaitStateInfo, input: JsonValue): Promise<JsonValue> {
    const key = this.stepKey(run, info.name, input);
    if (ex.memo.has(key)) return input;
    const clock = this.o.clock;
    let until = ex.waits.get(key);
    if (until === undefined) {
      const now = clock ? clock.now() : Date.now();
      let ms = 0;
      const seconds = info.seconds ?? (info.secondsPath ? simplePath(info.secondsPath, input) : undefined);
      const stamp = info.timestamp ?? (info.timestampPath ? simplePath(info.timestampPath, input) : undefined);
      if (typeof seconds === 'number') ms = seconds * 1000;
      else if (typeof stamp === 'string') ms = Date.parse(stamp) - now;
      else throw new TaskError('States.Runtime', `Wait state ${info.name}: no duration in its input`);
      until = now + Math.max(0, ms) * (clock ? 1 : this.o.waitScale);
      this.write({ t: 'wait', x: ex.id, k: key, until });
      ex.waits.set(key, until);
    }
    const left = until - (clock ? clock.now() : Date.now());
    if (left > 0) {
      const end = until;
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          run.cancels.delete(cancel);
          resolve();
        };
        let stop: () => void;
        if (clock) stop = clock.at(end, done);
        else {
          const t = setLongTimeout(done, left);
          stop = () => t.clear();
        }
        const cancel = (e: Error): void => {
          stop();
          reject(e);
        };
        run.cancels.add(cancel);
      });
    }
    if (run.abandoned) throw new Abandoned();
    this.write({ t: 'memo', x: ex.id, k: key, ok: true });
    ex.memo.set(key, { ok: true });
    return input;
  }
}

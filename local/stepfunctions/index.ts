import '../polyfills.ts';
import type { WaitClock } from './clock.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Engine, notRedrivable, ROLE_ARN, ServiceError, type Execution, type TaskHandler } from './engine.ts';
import type { JsonValue } from './definition.ts';

export type { TaskHandler } from './engine.ts';

export interface LocalStateMachine {
  readonly name: string;
  /** ASL JSON text after substitution */
  readonly definition: string;
}

export interface StepFunctionsLocalOptions {
  /** 0 = pick a free port */
  readonly port: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  readonly region: string;
  /** default '000000000000' */
  readonly accountId?: string;
  /** ARN = prefix + name */
  readonly stateMachineArnPrefix: string;
  readonly stateMachines: readonly LocalStateMachine[];
  /** Lambda function ARN -> handler */
  readonly handlers: ReadonlyMap<string, TaskHandler>;
  /** persistence folder; undefined = in memory */
  readonly dataDir?: string;
  /** multiply Wait-state durations (and retry intervals); default 1 */
  readonly waitScale?: number;
  /** What Wait states wait by (default: the wall clock); tests pass a ManualClock (clock.ts). */
  readonly clock?: WaitClock;
}

export interface RunningStepFunctionsLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
  /** resolves when every unfinished execution found at start-up has been resumed */
  readonly resumed: Promise<void>;
}

type Body = Record<string, unknown>;
const seconds = (ms: number): number => ms / 1000;

function str(body: Body, field: string, required: true): string;
function str(body: Body, field: string, required?: false): string | undefined;
function str(body: Body, field: string, required = false): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new ServiceError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ServiceError('ValidationException', `Value at '${field}' must be a string`);
  return v;
}

function maxResults(body: Body): number {
  const v = body.maxResults;
  if (v === undefined || v === null || v === 0) return 100;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(v)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  return v;
}

/** Opaque page tokens: they name the listing they belong to, so a token cannot be replayed elsewhere. */
function page<T>(items: readonly T[], body: Body, scope: string): { items: T[]; nextToken?: string } {
  const size = maxResults(body);
  const token = str(body, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const d = decoded as { s?: unknown; o?: unknown } | undefined;
    if (!d || d.s !== scope || typeof d.o !== 'number') throw new ServiceError('InvalidToken', 'Invalid Token: pagination token is not valid');
    start = d.o;
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return end < items.length ? { items: slice, nextToken: Buffer.from(JSON.stringify({ s: scope, o: end })).toString('base64url') } : { items: slice };
}

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(stateMachine|execution):[^:]+(:[^:]+)?$/;
function arn(body: Body, field: string, kind: 'stateMachine' | 'execution'): string {
  const v = str(body, field, true);
  const m = ARN.exec(v);
  if (!m || m[1] !== kind || (kind === 'stateMachine') !== (m[2] === undefined)) throw new ServiceError('InvalidArn', `Invalid Arn: '${v}'`);
  return v;
}

// AWS's rule for execution names: 1–80 characters, none of whitespace, brackets, wildcards,
// special punctuation or control characters.
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

function parseJson(text: string, errorName: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ServiceError(errorName, `Invalid ${what}: not valid JSON`);
  }
}

function describe(ex: Execution, machineRegistered: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = {
    executionArn: ex.arn, stateMachineArn: ex.stateMachineArn, name: ex.name, status: ex.status,
    startDate: seconds(ex.startDate), input: ex.input, inputDetails: { included: true },
  };
  if (ex.stopDate !== undefined) r.stopDate = seconds(ex.stopDate);
  if (ex.output !== undefined) {
    r.output = ex.output;
    r.outputDetails = { included: true };
  }
  if (ex.error !== undefined) r.error = ex.error;
  if (ex.cause !== undefined) r.cause = ex.cause;
  // As AWS: redriveCount always, redriveDate once redriven, redriveStatus and (when not) its reason.
  r.redriveCount = ex.redriveCount ?? 0;
  if (ex.redriveDate !== undefined) r.redriveDate = seconds(ex.redriveDate);
  const reason = notRedrivable(ex, machineRegistered);
  r.redriveStatus = reason === undefined ? 'REDRIVABLE' : 'NOT_REDRIVABLE';
  if (reason !== undefined) r.redriveStatusReason = reason;
  return r;
}

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

function operations(engine: Engine): Record<string, (body: Body) => unknown | Promise<unknown>> {
  const machineInfo = (arnValue: string) => engine.machine(arnValue);
  return {
    ListStateMachines: (body) => {
      const all = [...engine.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: seconds(m.createdAt) }));
      const { items, nextToken } = page(all, body, 'sm');
      return { stateMachines: items, nextToken };
    },
    DescribeStateMachine: (body) => {
      const m = machineInfo(arn(body, 'stateMachineArn', 'stateMachine'));
      return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: m.definition, roleArn: ROLE_ARN, type: 'STANDARD', creationDate: seconds(m.createdAt), loggingConfiguration: { level: 'OFF', includeExecutionData: false } };
    },
    DescribeStateMachineForExecution: (body) => {
      const ex = engine.execution(arn(body, 'executionArn', 'execution'));
      const m = machineInfo(ex.stateMachineArn);
      return { stateMachineArn: m.arn, name: m.name, definition: m.definition, roleArn: ROLE_ARN, updateDate: seconds(m.createdAt) };
    },
    StartExecution: (body) => {
      const smArn = arn(body, 'stateMachineArn', 'stateMachine');
      const name = str(body, 'name');
      if (name !== undefined && (name.length < 1 || name.length > 80 || BAD_NAME.test(name))) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
      const input = str(body, 'input') ?? '{}';
      if (Buffer.byteLength(input) > 256 * 1024) throw new ServiceError('InvalidExecutionInput', 'Invalid Execution Input: larger than 262144 bytes');
      parseJson(input, 'InvalidExecutionInput', 'Execution Input');
      const { ex } = engine.start(smArn, name, input);
      return { executionArn: ex.arn, startDate: seconds(ex.startDate) };
    },
    DescribeExecution: (body) => {
      const ex = engine.execution(arn(body, 'executionArn', 'execution'));
      return describe(ex, engine.machines.has(ex.stateMachineArn));
    },
    ListExecutions: async (body) => {
      const smArn = arn(body, 'stateMachineArn', 'stateMachine');
      engine.machine(smArn);
      const filter = str(body, 'statusFilter');
      if (filter !== undefined && !STATUSES.has(filter)) throw new ServiceError('ValidationException', `Value '${filter}' at 'statusFilter' failed to satisfy constraint`);
      const all = (await engine.list(smArn)).filter((e) => filter === undefined || e.status === filter);
      const { items, nextToken } = page(all, body, `ex:${smArn}:${filter ?? ''}`);
      return {
        executions: items.map((e) => {
          const r: Record<string, unknown> = { executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: seconds(e.startDate) };
          if (e.stopDate !== undefined) r.stopDate = seconds(e.stopDate);
          return r;
        }),
        nextToken,
      };
    },
    GetExecutionHistory: (body) => {
      const ex = engine.execution(arn(body, 'executionArn', 'execution'));
      const includeData = body.includeExecutionData !== false;
      const ordered = body.reverseOrder === true ? [...ex.events].reverse() : ex.events;
      const { items, nextToken } = page(ordered, body, `h:${ex.arn}:${body.reverseOrder === true ? 'r' : 'f'}`);
      return {
        events: items.map((e) => {
          const r: Record<string, unknown> = { timestamp: seconds(e.timestamp), type: e.type, id: e.id, previousEventId: e.previousEventId };
          if (e.details) {
            r[e.details.field] = includeData ? e.details.value : Object.fromEntries(Object.entries(e.details.value).filter(([k]) => !DATA_FIELDS.has(k)));
          }
          return r;
        }),
        nextToken,
      };
    },
    StopExecution: (body) => {
      const ex = engine.stopExecution(arn(body, 'executionArn', 'execution'), str(body, 'error'), str(body, 'cause'));
      return { stopDate: seconds(ex.stopDate ?? Date.now()) };
    },
    RedriveExecution: (body) => {
      const executionArn = arn(body, 'executionArn', 'execution');
      const clientToken = str(body, 'clientToken');
      if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) {
        throw new ServiceError('ValidationException', "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64");
      }
      const ex = engine.redrive(executionArn, clientToken);
      return { redriveDate: seconds(ex.redriveDate ?? Date.now()) };
    },
    SendTaskSuccess: (body) => {
      const token = str(body, 'taskToken', true);
      const output = parseJson(str(body, 'output', true), 'InvalidOutput', 'Output');
      engine.sendTaskSuccess(token, output);
      return {};
    },
    SendTaskFailure: (body) => {
      engine.sendTaskFailure(str(body, 'taskToken', true), str(body, 'error'), str(body, 'cause'));
      return {};
    },
    SendTaskHeartbeat: (body) => {
      engine.sendTaskHeartbeat(str(body, 'taskToken', true));
      return {};
    },
  };
}

function send(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
  const text = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * The largest request body accepted: AWS Step Functions' own quota, "Maximum request size: 1 MB per
 * request ... the total data size per Step Functions API request, including the request header"
 * (Step Functions Developer Guide, Service quotas, General quotas:
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). Execution input and task
 * output are further held to 256 KiB by the operations themselves.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Bytes discarded after a 413 before the connection is cut (so the client can read the answer). */
const DRAIN_AFTER_REFUSAL = 64 * 1024 * 1024;

/**
 * Collect a request body of at most `limit` bytes, then call `done`. A larger body (by Content-Length
 * or as it streams in) gets 413 in the awsJson1_0 error shape; the rest is discarded, never buffered.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number, done: (raw: string) => void): void {
  const tooLarge = () => {
    const message = `Request body is larger than ${limit} bytes, the Step Functions request size quota (1 MB)`;
    // The connection stays open while the rest is discarded: closing it now would cut off a client
    // still sending (EPIPE) before it reads this answer.
    send(res, 413, { __type: 'RequestEntityTooLargeException', message }, 'RequestEntityTooLargeException');
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (c: Buffer) => {
      discarded += c.length;
      if (discarded > DRAIN_AFTER_REFUSAL) req.destroy();
    });
    req.resume();
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > limit) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (!refused) done(Buffer.concat(chunks).toString('utf8'));
  });
}

/**
 * Start the local Step Functions endpoint (awsJson1_0, as `@aws-sdk/client-sfn` and the AWS CLI speak
 * it). With a data folder, executions and their history are journaled and resumed on the next start.
 */
export async function startStepFunctionsLocal(o: StepFunctionsLocalOptions): Promise<RunningStepFunctionsLocal> {
  const engine = new Engine({
    region: o.region, accountId: o.accountId ?? '000000000000', stateMachineArnPrefix: o.stateMachineArnPrefix,
    stateMachines: o.stateMachines, handlers: o.handlers, dataDir: o.dataDir, waitScale: o.waitScale ?? 1, ...(o.clock ? { clock: o.clock } : {}),
  });
  const ops = operations(engine);
  const fail = (res: ServerResponse, e: unknown): void => {
    if (res.headersSent) return void res.destroy();
    if (e instanceof ServiceError) send(res, 400, { __type: e.name, message: e.message }, e.name);
    else send(res, 500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) }, 'InternalFailure');
  };
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AWSStepFunctions.') ? ops[target.slice('AWSStepFunctions.'.length)] : undefined;
    try {
      if (req.method !== 'POST' || !op) throw new ServiceError('UnknownOperationException', `Unknown operation ${target}`);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw) : {};
      } catch {
        throw new ServiceError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServiceError('SerializationException', 'Request body must be a JSON object');
      const result = op(body as Body);
      if (result instanceof Promise) result.then((r) => send(res, 200, r), (e: unknown) => fail(res, e));
      else send(res, 200, result);
    } catch (e) {
      fail(res, e);
    }
  };
  const server = createServer((req, res) => {
    // Errors stay with their request: nothing thrown here may reach the process (it also runs the API and the tasks).
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    readBody(req, res, MAX_REQUEST_BYTES, (raw) => {
      try {
        handle(req, res, raw);
      } catch (e) {
        if (!res.headersSent) send(res, 500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) }, 'InternalFailure');
        else res.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const { resumed } = await engine.open();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${host}:${address.port}`,
    resumed,
    stop: async () => {
      engine.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

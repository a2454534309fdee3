/**
 * What the endpoint needs to know about a state machine definition before running it: every state
 * by name (ASL state names are unique across the whole machine, nested ones included), and the
 * definition actually handed to the interpreter, which differs from the described one so that the
 * endpoint keeps control of what must survive a restart (task timeouts, waits, execution timeout).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TaskKind = 'invoke' | 'invoke.waitForTaskToken' | 'function';

export interface TaskStateInfo {
  readonly kind: 'task';
  readonly name: string;
  readonly resource: string;
  readonly task: TaskKind;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** IntervalSeconds of each retrier, in order (scaled like waits when waitScale is set). */
  readonly retryIntervals: readonly number[];
}

export interface WaitStateInfo {
  readonly kind: 'wait';
  readonly name: string;
  readonly seconds?: number;
  readonly timestamp?: string;
  readonly secondsPath?: string;
  readonly timestampPath?: string;
}

export interface OtherStateInfo {
  readonly kind: 'other';
  readonly name: string;
  readonly type: string;
  readonly itemsPath?: string;
  readonly inputPath?: string | null;
}

export type StateInfo = TaskStateInfo | WaitStateInfo | OtherStateInfo;

export interface PreparedDefinition {
  /** Original type of every state, by name (a Wait state runs as a Task internally). */
  readonly states: ReadonlyMap<string, StateInfo>;
  readonly typeOf: ReadonlyMap<string, string>;
  /** Definition for the interpreter. */
  readonly interpreted: JsonObject;
  readonly timeoutSeconds?: number;
}

// The interpreter races every Task against its own timer (60 s when none is given); ours enforces the
// real TimeoutSeconds from a persisted start time, so the interpreter's must never fire first. It stays
// below setTimeout's 2^31 ms ceiling, past which Node fires the timer at once.
const INTERPRETER_TASK_TIMEOUT_SECONDS = 2_000_000;
const WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:village-flow-local-wait';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function taskKind(resource: string): TaskKind | undefined {
  if (resource === 'arn:aws:states:::lambda:invoke') return 'invoke';
  if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') return 'invoke.waitForTaskToken';
  if (/^arn:aws[a-z-]*:lambda:[^:]+:[^:]*:function:.+/.test(resource)) return 'function';
  return undefined;
}

/** Parse, index and transform a definition; throws naming the first unsupported state. */
export function prepareDefinition(text: string): PreparedDefinition {
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error('Definition must be a JSON object');
  const interpreted = structuredClone(parsed);
  const states = new Map<string, StateInfo>();
  const typeOf = new Map<string, string>();

  const walk = (machine: JsonObject): void => {
    const all = machine.States;
    if (!isObject(all)) throw new Error('Definition has no States');
    for (const [name, state] of Object.entries(all)) {
      if (!isObject(state)) throw new Error(`State ${name} is not an object`);
      if (states.has(name)) throw new Error(`State name ${name} is used twice`);
      const type = str(state.Type) ?? '';
      typeOf.set(name, type);
      if (type === 'Task') {
        const resource = str(state.Resource) ?? '';
        const task = taskKind(resource);
        if (!task) throw new Error(`Task state ${name}: resource ${resource} is not supported by the local endpoint`);
        states.set(name, { kind: 'task', name, resource, task, timeoutSeconds: num(state.TimeoutSeconds), heartbeatSeconds: num(state.HeartbeatSeconds),
          retryIntervals: Array.isArray(state.Retry) ? state.Retry.map((r) => (isObject(r) ? num(r.IntervalSeconds) ?? 1 : 1)) : [] });
        state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
        delete state.TimeoutSecondsPath;
        delete state.HeartbeatSeconds;
        delete state.HeartbeatSecondsPath;
      } else if (type === 'Wait') {
        states.set(name, {
          kind: 'wait', name, seconds: num(state.Seconds), timestamp: str(state.Timestamp),
          secondsPath: str(state.SecondsPath), timestampPath: str(state.TimestampPath),
        });
        // Run as a Task whose local handler waits until a persisted deadline and returns its input:
        // with ResultPath left at `$`, the output is the (InputPath-filtered) input, as a Wait's is.
        for (const k of ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']) delete state[k];
        state.Type = 'Task';
        state.Resource = WAIT_RESOURCE;
        state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
      } else {
        states.set(name, { kind: 'other', name, type, itemsPath: str(state.ItemsPath), inputPath: state.InputPath === null ? null : str(state.InputPath) });
      }
      if (type === 'Map') {
        const inner = isObject(state.ItemProcessor) ? state.ItemProcessor : isObject(state.Iterator) ? state.Iterator : undefined;
        if (!inner) throw new Error(`Map state ${name} has no ItemProcessor`);
        if (isObject(inner.ProcessorConfig) && inner.ProcessorConfig.Mode === 'DISTRIBUTED') {
          throw new Error(`Map state ${name}: distributed mode is not supported by the local endpoint`);
        }
        walk(inner);
      }
      if (type === 'Parallel') {
        const branches = state.Branches;
        if (!Array.isArray(branches)) throw new Error(`Parallel state ${name} has no Branches`);
        for (const b of branches) if (isObject(b)) walk(b);
      }
    }
  };
  walk(interpreted);
  const timeoutSeconds = num(interpreted.TimeoutSeconds);
  delete interpreted.TimeoutSeconds;
  return { states, typeOf, interpreted, timeoutSeconds };
}

/** The value at a simple reference path (`$`, `$.a.b`, `$['a']`, `$.a[0]`); undefined when absent. */
export function simplePath(path: string, value: JsonValue): JsonValue | undefined {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  const parts = path.slice(1).match(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g);
  if (!parts || parts.join('') !== path.slice(1)) return undefined;
  let cur: JsonValue | undefined = value;
  for (const p of parts) {
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
    const key = p.startsWith('.') ? p.slice(1) : p.startsWith("['") ? p.slice(2, -2) : Number(p.slice(1, -1));
    cur = Array.isArray(cur) ? (typeof key === 'number' ? cur[key] : undefined) : (cur as JsonObject)[String(key)];
  }
  return cur;
}

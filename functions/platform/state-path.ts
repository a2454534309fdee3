/**
 * The path an execution took: the states it entered, in order, from its history, as the console
 * draws it. Pure: it reads history events already fetched (the API's view of them).
 */
export interface PathEvent {
  readonly type: string;
  readonly timestamp?: string | undefined;
  readonly state?: string | undefined;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
}

export interface PathStep {
  readonly state: string;
  readonly enteredAt?: string;
  exitedAt?: string;
  /**
   * The last error seen while this state was open (a failed task, a failed Map, the execution
   * failing in it). A task that Retry ran again successfully keeps it too, with `exitedAt` set.
   */
  error?: string;
  cause?: string;
}

/**
 * One step per state entered (a state entered again, by a loop or a Map iteration, is a step
 * again). A failure is put on the most recent state still open when it happens, and a failure of
 * the execution itself on the last state if that state has no error of its own.
 */
export function statePath(events: readonly PathEvent[]): PathStep[] {
  const steps: PathStep[] = [];
  const open: PathStep[] = [];
  for (const e of events) {
    if (e.type.endsWith('StateEntered') && e.state !== undefined) {
      const step: PathStep = { state: e.state, ...(e.timestamp !== undefined ? { enteredAt: e.timestamp } : {}) };
      steps.push(step);
      open.push(step);
    } else if (e.type.endsWith('StateExited') && e.state !== undefined) {
      const i = open.map((s) => s.state).lastIndexOf(e.state);
      if (i >= 0) {
        const [step] = open.splice(i, 1);
        if (step && e.timestamp !== undefined) step.exitedAt = e.timestamp;
      }
    } else if (e.type.endsWith('Failed') || e.type.endsWith('TimedOut') || e.type === 'ExecutionAborted') {
      const step = open.at(-1) ?? steps.at(-1);
      // The execution failing repeats the error of the state that failed: keep the state's own.
      if (step && !(e.type.startsWith('Execution') && step.error !== undefined)) {
        step.error = e.error ?? e.type;
        if (e.cause !== undefined) step.cause = e.cause;
        else delete step.cause;
      }
    }
  }
  return steps;
}

/**
 * A small walker over Amazon States Language definitions: every state with the path that reaches it,
 * through Parallel branches and Map processors.
 */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Arguments?: Record<string, unknown>;
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[]; readonly MaxAttempts?: number }[];
  readonly Branches?: readonly AslMachine[];
  readonly ItemProcessor?: AslMachine;
  readonly Iterator?: AslMachine;
}
export interface AslMachine {
  readonly States: Readonly<Record<string, AslState>>;
}

export function* allStates(machine: AslMachine, path = ''): Generator<{ path: string; state: AslState }> {
  for (const [name, state] of Object.entries(machine.States)) {
    const here = path ? `${path}/${name}` : name;
    yield { path: here, state };
    for (const [i, branch] of (state.Branches ?? []).entries()) yield* allStates(branch, `${here}[branch ${i}]`);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) yield* allStates(processor, here);
  }
}

const lambdaIntegration = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

/** Whether a Task state calls Lambda (the optimised integration, or a function ARN as its resource). */
export function isLambdaTask(state: AslState): boolean {
  if (state.Type !== 'Task' || !state.Resource) return false;
  return lambdaIntegration.test(state.Resource) || /^\$\{[A-Za-z0-9_]+\}$/.test(state.Resource) || state.Resource.startsWith('arn:aws:lambda:');
}

/** The substitution variable naming the function a Lambda task calls, or undefined when it names none. */
export function functionVariable(state: AslState): string | undefined {
  const target = state.Resource && lambdaIntegration.test(state.Resource) ? (state.Parameters ?? state.Arguments)?.FunctionName : state.Resource;
  const match = typeof target === 'string' ? /^\$\{([A-Za-z0-9_]+)\}$/.exec(target) : null;
  return match?.[1];
}

/** The errors AWS recommends retrying on every Lambda task (the console adds exactly these). */
export const lambdaServiceErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** Lambda service errors a state does not retry (a retrier with MaxAttempts 0 retries nothing). */
export function unretriedLambdaErrors(state: AslState): string[] {
  const retried = new Set((state.Retry ?? []).filter((r) => (r.MaxAttempts ?? 3) > 0).flatMap((r) => r.ErrorEquals));
  if (retried.has('States.ALL')) return [];
  return lambdaServiceErrors.filter((e) => !retried.has(e));
}

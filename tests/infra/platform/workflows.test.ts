import { describe, expect, it } from 'vitest';
import { definitionText, taskFunctions, workflows } from '../../../workflows/registry.ts';
import { allStates, functionVariable, isLambdaTask, unretriedLambdaErrors, type AslMachine } from '../asl.ts';

// Static checks over the ASL files in workflows/: no synthesis needed, so they fail fast and name the state.

/** "<workflow>/<state path>: missing …" for every Lambda task without the recommended retry. */
function missingRetries(workflowName: string, machine: AslMachine): string[] {
  return [...allStates(machine)]
    .filter(({ state }) => isLambdaTask(state))
    .flatMap(({ path, state }) => {
      const missing = unretriedLambdaErrors(state);
      return missing.length > 0 ? [`${workflowName}/${path}: no Retry for ${missing.join(', ')}`] : [];
    });
}

describe('workflow definitions', () => {
  it('has at least one workflow, each parsing as JSON', () => {
    expect(workflows.length).toBeGreaterThan(0);
    for (const wf of workflows) expect(() => JSON.parse(definitionText(wf)) as unknown, wf.name).not.toThrow();
  });

  it('retries the Lambda service errors AWS recommends on every Lambda task', () => {
    const problems = workflows.flatMap((wf) => missingRetries(wf.name, JSON.parse(definitionText(wf)) as AslMachine));
    expect(problems).toEqual([]);
  });

  it('names, in every Lambda task, a function registered in taskFunctions', () => {
    const registered = new Set(taskFunctions.map((fn) => fn.substitution));
    const problems = workflows.flatMap((wf) =>
      [...allStates(JSON.parse(definitionText(wf)) as AslMachine)]
        .filter(({ state }) => isLambdaTask(state))
        .flatMap(({ path, state }) => {
          const variable = functionVariable(state);
          if (!variable) return [`${wf.name}/${path}: the function is not a \${…} substitution variable`];
          return registered.has(variable) ? [] : [`${wf.name}/${path}: \${${variable}} is not in taskFunctions`];
        }),
    );
    expect(problems).toEqual([]);
  });

  it('reports the state by name when a Lambda task lacks the retry (the check can fail)', () => {
    const machine: AslMachine = {
      States: {
        Outer: {
          Type: 'Map',
          ItemProcessor: {
            States: {
              Inner: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${F}' }, Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }] },
            },
          },
        },
        Fine: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'] }],
        },
        Disabled: { Type: 'Task', Resource: '${G}', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] },
      },
    };
    expect(missingRetries('wf', machine)).toEqual([
      'wf/Outer/Inner: no Retry for Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException',
      'wf/Disabled: no Retry for Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException',
    ]);
  });
});

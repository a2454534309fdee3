import { describe, expect, it } from 'vitest';
import { definitionFileText, definitionText, standardRetry, taskFunctions, workflows, type TaskFunction } from '../../../workflows/registry.ts';
import { executionContextKey } from '../../../functions/shared/task.ts';
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

/** "<workflow>/<state>: …" for each Lambda task whose payload keys differ from its task's input schema. */
function payloadMismatches(workflowName: string, machine: AslMachine, tasks: readonly TaskFunction[]): string[] {
  const bySubstitution = new Map(tasks.map((t) => [t.substitution, t]));
  return [...allStates(machine)]
    .filter(({ state }) => isLambdaTask(state))
    .flatMap(({ path, state }) => {
      const task = bySubstitution.get(functionVariable(state) ?? '');
      if (!task) return [`${workflowName}/${path}: no registered task`];
      const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
      const payload = parameters.Payload;
      if (!payload || typeof payload !== 'object') return [`${workflowName}/${path}: Payload must be an object of named fields (found ${'Payload.$' in parameters ? '"Payload.$"' : 'none'})`];
      const given = Object.keys(payload).map((k) => k.replace(/\.\$$/, '')).filter((k) => k !== executionContextKey);
      const shape = task.input.shape as Record<string, { isOptional(): boolean }>;
      const unknown = given.filter((k) => !(k in shape)).map((k) => `${k} is not in ${task.id}'s input`);
      const missing = Object.entries(shape)
        .filter(([k, schema]) => !schema.isOptional() && !given.includes(k))
        .map(([k]) => `${task.id} needs ${k}`);
      return [...unknown, ...missing].map((m) => `${workflowName}/${path}: ${m}`);
    });
}

describe('workflow definitions against the task definitions', () => {
  it('passes every Lambda task exactly the fields its input schema names', () => {
    const problems = workflows.flatMap((wf) => payloadMismatches(wf.name, JSON.parse(definitionText(wf)) as AslMachine, taskFunctions));
    expect(problems).toEqual([]);
  });

  it('names the state and the field when a payload and a schema disagree (the check can fail)', () => {
    const machine: AslMachine = {
      States: {
        Compute: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${RewardComputeFunctionArn}', Payload: { 'applicationID.$': '$.applicationId' } } },
        Whole: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${RewardNotifyFunctionArn}', 'Payload.$': '$' } },
      },
    };
    expect(payloadMismatches('wf', machine, taskFunctions)).toEqual([
      "wf/Compute: applicationID is not in reward-compute's input",
      'wf/Compute: reward-compute needs applicationId',
      'wf/Whole: Payload must be an object of named fields (found "Payload.$")',
    ]);
  });

  it('gives every Lambda task the one standard Retry policy first, and keeps each state’s own retriers after it', () => {
    for (const wf of workflows) {
      const raw = JSON.parse(definitionFileText(wf)) as AslMachine;
      const deployed = JSON.parse(definitionText(wf)) as AslMachine;
      const rawStates = new Map([...allStates(raw)].map(({ path, state }) => [path, state]));
      for (const { path, state } of allStates(deployed)) {
        if (!isLambdaTask(state)) continue;
        const own = rawStates.get(path)?.Retry ?? [];
        expect(state.Retry, `${wf.name}/${path}`).toEqual([...standardRetry, ...own]);
        // A state lists only errors of its own: the standard ones are not copied into the files.
        const standardErrors = new Set<string>(standardRetry.flatMap((r) => r.ErrorEquals));
        expect(own.flatMap((r) => r.ErrorEquals).filter((e) => standardErrors.has(e)), `${wf.name}/${path}`).toEqual([]);
      }
    }
  });

  it('hands every Lambda task the execution context, for logs correlated with the request', () => {
    for (const wf of workflows) {
      for (const { path, state } of allStates(JSON.parse(definitionText(wf)) as AslMachine)) {
        if (!isLambdaTask(state)) continue;
        expect((state.Parameters?.Payload as Record<string, unknown>)[executionContextKey], `${wf.name}/${path}`).toEqual({ 'Id.$': '$$.Execution.Id', 'Name.$': '$$.Execution.Name', 'Input.$': '$$.Execution.Input' });
      }
    }
  });
});

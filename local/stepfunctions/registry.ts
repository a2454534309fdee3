import { localFunctionArn, registryOf, substitute, type WorkflowRegistry } from '../../workflows/registry.ts';
import type { LocalStateMachine, TaskHandler } from './index.ts';

/**
 * The registered workflows as the local endpoint runs them: each definition with its `${…}`
 * variables replaced by local function ARNs, and each task function's `handler`, keyed by that ARN.
 * `registry` defaults to every module's (tests pass one with a fixture module).
 */
export async function loadRegisteredWorkflows(region: string, registry: WorkflowRegistry = registryOf()): Promise<{ stateMachines: LocalStateMachine[]; handlers: Map<string, TaskHandler> }> {
  const values: Record<string, string> = {};
  const handlers = new Map<string, TaskHandler>();
  for (const fn of registry.taskFunctions) {
    const arn = localFunctionArn(fn, region);
    values[fn.substitution] = arn;
    handlers.set(arn, fn.handler as TaskHandler);
  }
  const stateMachines = registry.workflows.map((w) => ({ name: w.name, definition: substitute(registry.definitionText(w), values) }));
  return { stateMachines, handlers };
}

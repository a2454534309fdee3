import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { definitionText, localFunctionArn, substitute, taskFunctions, workflows } from '../../workflows/registry.ts';
import type { LocalStateMachine, TaskHandler } from './index.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The registered workflows as the local endpoint runs them: each definition with its `${…}`
 * variables replaced by local function ARNs, and each task function's `handler`, keyed by that ARN.
 */
export async function loadRegisteredWorkflows(region: string): Promise<{ stateMachines: LocalStateMachine[]; handlers: Map<string, TaskHandler> }> {
  const values: Record<string, string> = {};
  const handlers = new Map<string, TaskHandler>();
  for (const fn of taskFunctions) {
    const arn = localFunctionArn(fn, region);
    values[fn.substitution] = arn;
    const mod = (await import(pathToFileURL(join(repoRoot, fn.entry)).href)) as { handler?: unknown };
    if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} does not export a handler function`);
    handlers.set(arn, mod.handler as TaskHandler);
  }
  const stateMachines = workflows.map((w) => ({ name: w.name, definition: substitute(definitionText(w), values) }));
  return { stateMachines, handlers };
}

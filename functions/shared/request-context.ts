import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The API request being served, for code far from the route that wants to say which request caused
 * it: an execution started while serving a request carries its id in the execution input, and the
 * tasks of that execution log it (functions/shared/task.ts), so one id follows a request from the API
 * into its workflow. Outside a request (a task, a script) there is none.
 */
const storage = new AsyncLocalStorage<{ readonly requestId: string }>();

export function withRequestContext<T>(context: { readonly requestId: string }, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

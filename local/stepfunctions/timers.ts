/**
 * Node fires a setTimeout of more than 2^31 − 1 ms (about 24.8 days) at once, while Step Functions
 * waits, times out tasks and executions over up to a year. A long timer re-arms itself in steps
 * below that ceiling until its deadline.
 */
const maxDelayMs = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const deadline = Date.now() + Math.max(0, ms);
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const left = deadline - Date.now();
    handle = left > maxDelayMs ? setTimeout(arm, maxDelayMs) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(handle) };
}

/**
 * Waiting for a state with a deadline that names what it saw.
 *
 * Every test that waits for something asynchronous (an application's status, an execution's end, a
 * decision opening, an inbox item, an import or a run finishing) polls through {@link waitUntil}: it
 * asks `observe` what the state is now, returns as soon as the answer is `done`, and otherwise
 * throws, once `timeoutMs` has passed, an error naming the last state seen and what it waited for:
 *
 *     ra-123 is awaiting-township after 10 s (waiting for paid)
 *
 * instead of a bare loop that runs into the test's timeout and says only "Test timed out". Keep each
 * deadline below the timeout of the test that waits, so that this message is the one reported.
 */

/** What a poll saw: `done` ends the wait; `seen` describes the state for the timeout message. */
export interface Observation {
  readonly done: boolean;
  /** The state seen, as a short sentence: "ra-123 is awaiting-township", "no inbox item for run-1 (3 items)". */
  readonly seen: string;
}

export interface WaitOptions {
  /** What is waited for, as the message ends "(waiting for …)": "paid", "the execution to end". */
  readonly what: string;
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Pause between polls (default 20 ms). */
  readonly intervalMs?: number;
  /** Asked once on a timeout, for more than `seen` says (e.g. the last states an execution entered). */
  readonly detail?: () => Promise<string>;
}

export const defaultWaitTimeoutMs = 10_000;

/** Thrown by {@link waitUntil} when the deadline passes; the message names the last state seen. */
export class WaitTimeout extends Error {
  override readonly name = 'WaitTimeout';
  constructor(
    message: string,
    readonly lastSeen: string,
  ) {
    super(message);
  }
}

/** The observations that end a wait: a union's members with `done: false` are dropped. */
export type Done<O extends Observation> = O extends { readonly done: false } ? never : O;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "250 ms", "10 s", "12.5 s". */
export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * Polls `observe` until it reports `done` and returns that observation (with whatever else the
 * caller put in it); after `timeoutMs` throws a {@link WaitTimeout} naming the last state seen.
 * An error thrown by `observe` (an assertion, a failed request) ends the wait at once.
 */
export async function waitUntil<O extends Observation>(observe: () => Promise<O>, options: WaitOptions): Promise<Done<O>> {
  const { what, timeoutMs = defaultWaitTimeoutMs, intervalMs = 20, detail } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    const observed = await observe();
    if (observed.done) return observed as Done<O>;
    const now = Date.now();
    if (now >= deadline) {
      let more = '';
      if (detail) {
        try {
          more = `; ${await detail()}`;
        } catch (e) {
          more = `; (no detail: ${e instanceof Error ? e.message : String(e)})`;
        }
      }
      throw new WaitTimeout(`${observed.seen} after ${formatDuration(now - started)} (waiting for ${what})${more}`, observed.seen);
    }
    await sleep(Math.max(0, Math.min(intervalMs, deadline - now)));
  }
}

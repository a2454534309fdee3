import { createHash } from 'node:crypto';
import { config } from './config.ts';

/**
 * A test switch for fault injection, configured by `FAULT_INJECTION` (e.g.
 * `reward-reserve:0.3,reward-disburse:0.3`): the named steps throw {@link InjectedFault} with that
 * probability AFTER their write has committed, which is the hardest case for exactly-once (the
 * write happened, the workflow believes it did not and runs the step again). The state machine
 * retries `InjectedFault` like any transient error.
 *
 * A part `seed=<n>` makes the draws deterministic (see {@link faultRandom}), so a test that injects
 * faults fails or passes the same way on every run.
 *
 * Off unless set. It refuses to be enabled against a regional AWS endpoint: a value with no
 * `DYNAMODB_ENDPOINT` (i.e. on AWS) makes every faulty step fail with a configuration error instead
 * of randomly, so it cannot be switched on in production by accident without being noticed at once.
 */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

interface Settings {
  readonly rates: Map<string, number>;
  readonly seed?: string;
}

let parsed: { source: string; settings: Settings } | undefined;

function settings(): Settings {
  const source = config().FAULT_INJECTION ?? '';
  if (parsed?.source === source) return parsed.settings;
  const map = new Map<string, number>();
  let seed: string | undefined;
  for (const part of source.split(',').map((p) => p.trim()).filter(Boolean)) {
    const seeded = /^seed=(\d+)$/.exec(part);
    if (seeded) {
      seed = seeded[1];
      continue;
    }
    const [step, rate] = part.split(':');
    const p = Number(rate);
    if (!step || !(p >= 0 && p <= 1)) throw new Error(`FAULT_INJECTION: "${part}" is not <step>:<probability 0..1> or seed=<digits>`);
    map.set(step, p);
  }
  parsed = { source, settings: { rates: map, ...(seed !== undefined ? { seed } : {}) } };
  return parsed.settings;
}

const attempts = new Map<string, number>();

/**
 * The draw for one run of `step` on `key` (e.g. the application id). With `seed=<n>` configured the
 * n-th run of a step on a key always draws the same number, whatever the interleaving of concurrent
 * executions; without a seed it is Math.random.
 */
export function faultRandom(step: string, key: string): () => number {
  return () => {
    const seed = settings().seed;
    if (seed === undefined) return Math.random();
    const k = `${step}#${key}`;
    const n = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, n);
    return seededDraw(seed, step, key, n);
  };
}

/** A number in [0, 1) fixed by its arguments: the `attempt`-th draw of `step` on `key` under `seed`. */
export function seededDraw(seed: string, step: string, key: string, attempt: number): number {
  return createHash('sha256').update(`${seed}#${step}#${key}#${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Call right after a step's write: throws with the configured probability for `step`. */
export function maybeFail(step: string, random: () => number = Math.random): void {
  const p = settings().rates.get(step);
  if (p === undefined || p === 0) return;
  if (!config().DYNAMODB_ENDPOINT) throw new Error('FAULT_INJECTION is set on a host without DYNAMODB_ENDPOINT: refusing to inject faults outside a local or test host');
  if (random() < p) throw new InjectedFault(`injected fault after the write of ${step}`);
}

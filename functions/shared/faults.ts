import { config } from './config.ts';

/**
 * A test switch for fault injection, configured by `FAULT_INJECTION` (e.g.
 * `reward-reserve:0.3,reward-disburse:0.3`): the named steps throw {@link InjectedFault} with that
 * probability AFTER their write has committed, which is the hardest case for exactly-once (the
 * write happened, the workflow believes it did not and runs the step again). The state machine
 * retries `InjectedFault` like any transient error.
 *
 * Off unless set. It refuses to be enabled against a regional AWS endpoint: a value with no
 * `DYNAMODB_ENDPOINT` (i.e. on AWS) makes every faulty step fail with a configuration error instead
 * of randomly, so it cannot be switched on in production by accident without being noticed at once.
 */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

let parsed: { source: string; rates: Map<string, number> } | undefined;

function rates(): Map<string, number> {
  const source = config().FAULT_INJECTION ?? '';
  if (parsed?.source === source) return parsed.rates;
  const map = new Map<string, number>();
  for (const part of source.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [step, rate] = part.split(':');
    const p = Number(rate);
    if (!step || !(p >= 0 && p <= 1)) throw new Error(`FAULT_INJECTION: "${part}" is not <step>:<probability 0..1>`);
    map.set(step, p);
  }
  parsed = { source, rates: map };
  return map;
}

/** Call right after a step's write: throws with the configured probability for `step`. */
export function maybeFail(step: string, random: () => number = Math.random): void {
  const p = rates().get(step);
  if (p === undefined || p === 0) return;
  if (!config().DYNAMODB_ENDPOINT) throw new Error('FAULT_INJECTION is set on a host without DYNAMODB_ENDPOINT: refusing to inject faults outside a local or test host');
  if (random() < p) throw new InjectedFault(`injected fault after the write of ${step}`);
}

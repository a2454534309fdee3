import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../../functions/shared/config.ts';
import { InjectedFault, faultRandom, maybeFail, seededDraw } from '../../../functions/shared/faults.ts';

const base = { TABLE_NAME: 'unit-table', STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:cn-north-1:000000000000:stateMachine:x-' };
const saved = { ...process.env };

function configure(env: Record<string, string | undefined>): void {
  for (const k of ['TABLE_NAME', 'STATE_MACHINE_ARN_PREFIX', 'DYNAMODB_ENDPOINT', 'FAULT_INJECTION']) delete process.env[k];
  Object.assign(process.env, base, env);
  resetConfig();
}

afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

describe('FAULT_INJECTION test switch', () => {
  it('is off unless set', () => {
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });
    expect(() => maybeFail('reward-reserve', () => 0)).not.toThrow();
  });

  it('throws the named, retried error with the configured probability, only for the named steps', () => {
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', FAULT_INJECTION: 'reward-reserve:0.3,reward-disburse:1' });
    expect(() => maybeFail('reward-reserve', () => 0.29)).toThrow(InjectedFault);
    expect(() => maybeFail('reward-reserve', () => 0.3)).not.toThrow();
    expect(() => maybeFail('reward-disburse', () => 0.99)).toThrow(InjectedFault);
    expect(() => maybeFail('reward-notify', () => 0)).not.toThrow();
  });

  it('refuses to inject anything without a local DynamoDB endpoint (i.e. on AWS)', () => {
    configure({ FAULT_INJECTION: 'reward-reserve:0.3' });
    expect(() => maybeFail('reward-reserve', () => 0.99)).toThrow(/refusing to inject faults/);
  });

  it('rejects a malformed value naming the part', () => {
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', FAULT_INJECTION: 'reward-reserve:lots' });
    expect(() => maybeFail('reward-reserve')).toThrow(/reward-reserve:lots/);
  });
});

describe('FAULT_INJECTION seed', () => {
  it('fixes each draw by seed, step, key and attempt, with the configured rate over many draws', () => {
    expect(seededDraw('42', 'reward-reserve', 'ra-1', 1)).toBe(seededDraw('42', 'reward-reserve', 'ra-1', 1));
    expect(seededDraw('42', 'reward-reserve', 'ra-1', 1)).not.toBe(seededDraw('42', 'reward-reserve', 'ra-1', 2));
    expect(seededDraw('42', 'reward-reserve', 'ra-1', 1)).not.toBe(seededDraw('43', 'reward-reserve', 'ra-1', 1));
    const draws = Array.from({ length: 10_000 }, (_, i) => seededDraw('42', 'reward-disburse', `ra-${i}`, 1));
    for (const x of draws) expect(x >= 0 && x < 1).toBe(true);
    // Deterministic (a pure hash), so this bound cannot flake: 3,036 of 10,000 fall below 0.3.
    expect(Math.abs(draws.filter((x) => x < 0.3).length - 3_000)).toBeLessThan(150);
  });

  it('a seeded run draws attempt 1, 2, … per step and key, so concurrent executions do not shift each other', () => {
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', FAULT_INJECTION: 'reward-reserve:0.3,seed=7' });
    const a = faultRandom('reward-reserve', 'ra-seed-a');
    const b = faultRandom('reward-reserve', 'ra-seed-b');
    expect([a(), b(), a()]).toEqual([seededDraw('7', 'reward-reserve', 'ra-seed-a', 1), seededDraw('7', 'reward-reserve', 'ra-seed-b', 1), seededDraw('7', 'reward-reserve', 'ra-seed-a', 2)]);
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', FAULT_INJECTION: 'reward-reserve:0.3,seed=x' });
    expect(() => maybeFail('reward-reserve')).toThrow(/seed=x/);
  });
});

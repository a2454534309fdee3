import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/shared/config.ts';
import { InjectedFault, maybeFail } from '../../functions/shared/faults.ts';

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

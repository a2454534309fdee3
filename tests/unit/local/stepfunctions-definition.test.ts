import { describe, expect, it } from 'vitest';
import mainDefinition from '../../fixtures/workflows/main.asl.json' with { type: 'json' };
import { substitute } from '../../../workflows/registry.ts';
import { prepareDefinition, simplePath } from '../../../local/stepfunctions/definition.ts';
import { mintToken, parseToken } from '../../../local/stepfunctions/journal.ts';

const fn = (n: string) => `arn:aws:lambda:cn-north-1:000000000000:function:${n}`;
const main = substitute(JSON.stringify(mainDefinition), {
  DoubleFunctionArn: fn('double'), GateFunctionArn: fn('gate'), FlakyFunctionArn: fn('flaky'), ApprovalFunctionArn: fn('approval'),
});

describe('preparing a definition for the local interpreter', () => {
  it('indexes every state by name, nested ones included, with the task details it enforces itself', () => {
    const p = prepareDefinition(main);
    expect([...p.states.keys()].sort()).toEqual(['Approve', 'Done', 'Double', 'Flaky', 'Gate', 'HasItems', 'Invalid', 'Pages', 'Pause', 'Prepare', 'RejectedByReviewer']);
    expect(p.states.get('Approve')).toMatchObject({ kind: 'task', task: 'invoke.waitForTaskToken', timeoutSeconds: 3600 });
    expect(p.states.get('Double')).toMatchObject({ kind: 'task', task: 'invoke' });
    expect(p.states.get('Gate')).toMatchObject({ kind: 'task', task: 'function' });
    expect(p.states.get('Flaky')).toMatchObject({ retryIntervals: [2] });
    expect(p.states.get('Pause')).toMatchObject({ kind: 'wait', seconds: 2 });
  });

  it('runs Wait states as tasks and keeps the interpreter from timing tasks out on its own', () => {
    const p = prepareDefinition(main);
    const states = p.interpreted.States as Record<string, Record<string, unknown>>;
    expect(states.Pause).toMatchObject({ Type: 'Task', Next: 'Approve' });
    expect(states.Pause).not.toHaveProperty('Seconds');
    expect(states.Approve?.TimeoutSeconds).toBeGreaterThan(3600);
    expect(states.Approve?.TimeoutSeconds as number * 1000).toBeLessThan(2 ** 31);
    expect(p.typeOf.get('Pause')).toBe('Wait');
    // The described definition is untouched.
    expect((JSON.parse(main) as { States: Record<string, unknown> }).States.Pause).toEqual({ Type: 'Wait', Seconds: 2, Next: 'Approve' });
  });

  it('refuses resources it cannot run and duplicate state names', () => {
    const task = (resource: string) => JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: resource, End: true } } });
    expect(() => prepareDefinition(task('arn:aws:states:::dynamodb:putItem'))).toThrow(/not supported/);
    const dup = { StartAt: 'A', States: { A: { Type: 'Map', ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, End: true } } };
    expect(() => prepareDefinition(JSON.stringify(dup))).toThrow(/used twice/);
  });

  it('reads simple reference paths', () => {
    expect(simplePath('$.a.b[1]', { a: { b: [1, 2] } })).toBe(2);
    expect(simplePath("$['a']", { a: 3 })).toBe(3);
    expect(simplePath('$.missing', { a: 1 })).toBeUndefined();
    expect(simplePath('$..a', { a: 1 })).toBeUndefined();
  });
});

describe('task tokens', () => {
  const secret = Buffer.alloc(32, 7);
  it('round-trip, are deterministic per step, and differ between steps', () => {
    const t = mintToken(secret, 'exec1', 'Approve#abc#1');
    expect(parseToken(secret, t)).toEqual({ executionId: 'exec1', stepKey: 'Approve#abc#1' });
    expect(mintToken(secret, 'exec1', 'Approve#abc#1')).toBe(t);
    expect(mintToken(secret, 'exec1', 'Approve#abc#2')).not.toBe(t);
  });
  it('are refused when malformed, altered or minted under another secret', () => {
    const t = mintToken(secret, 'exec1', 'Approve#abc#1');
    expect(parseToken(secret, 'garbage')).toBeUndefined();
    expect(parseToken(secret, `${mintToken(secret, 'exec2', 'Approve#abc#1').split('.')[0]}.${t.split('.')[1]}`)).toBeUndefined();
    expect(parseToken(Buffer.alloc(32, 8), t)).toBeUndefined();
  });
});

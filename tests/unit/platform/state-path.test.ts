import { describe, expect, it } from 'vitest';
import { statePath } from '../../../functions/platform/state-path.ts';

describe('statePath: the states an execution entered, from its history', () => {
  it('one step per state entered, in order, with when it was entered and left', () => {
    expect(
      statePath([
        { type: 'ExecutionStarted', timestamp: 't0' },
        { type: 'TaskStateEntered', state: 'Compute', timestamp: 't1' },
        { type: 'TaskStateExited', state: 'Compute', timestamp: 't2' },
        { type: 'ChoiceStateEntered', state: 'Eligible?', timestamp: 't3' },
        { type: 'ChoiceStateExited', state: 'Eligible?', timestamp: 't4' },
        { type: 'TaskStateEntered', state: 'VillageSignOff', timestamp: 't5' },
      ]),
    ).toEqual([
      { state: 'Compute', enteredAt: 't1', exitedAt: 't2' },
      { state: 'Eligible?', enteredAt: 't3', exitedAt: 't4' },
      { state: 'VillageSignOff', enteredAt: 't5' },
    ]);
  });

  it('puts a failure on the state open when it happened; an execution failing later keeps it there', () => {
    expect(
      statePath([
        { type: 'TaskStateEntered', state: 'Compute', timestamp: 't1' },
        { type: 'TaskFailed', error: 'ComputeOutage', cause: 'out of service', timestamp: 't2' },
        { type: 'ExecutionFailed', error: 'ComputeOutage', timestamp: 't3' },
      ]),
    ).toEqual([{ state: 'Compute', enteredAt: 't1', error: 'ComputeOutage', cause: 'out of service' }]);
  });

  it('a state entered again (a loop, a Map iteration) is a step again; exits close the latest of that name', () => {
    const path = statePath([
      { type: 'MapStateEntered', state: 'Pages' },
      { type: 'TaskStateEntered', state: 'Page', timestamp: 'a' },
      { type: 'TaskStateEntered', state: 'Page', timestamp: 'b' },
      { type: 'TaskStateExited', state: 'Page', timestamp: 'c' },
      { type: 'TaskStateExited', state: 'Page', timestamp: 'd' },
      { type: 'MapStateExited', state: 'Pages' },
    ]);
    expect(path.map((s) => [s.state, s.enteredAt, s.exitedAt])).toEqual([
      ['Pages', undefined, undefined],
      ['Page', 'a', 'd'],
      ['Page', 'b', 'c'],
    ]);
  });
});

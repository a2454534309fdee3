import { describe, expect, it } from 'vitest';
import { inboxQuery, isShown, selectionRequest } from '../../../console/src/lib/inbox';
import { splitEntity, timelineRows } from '../../../console/src/lib/timeline';

// 2026-12-01 17:30 UTC is already 2 December in Beijing.
const now = new Date('2026-12-01T17:30:00Z');

describe('inbox filters go to the server', () => {
  it('maps each filter to GET /inbox parameters, deadlines on the Beijing calendar', () => {
    expect(inboxQuery({}, now)).toEqual({});
    expect(inboxQuery({ program: 'reward', kind: 'reward.finance-approval', township: '120225104' }, now)).toEqual({ program: 'reward', kind: 'reward.finance-approval', township: '120225104' });
    expect(inboxQuery({ deadline: 'past' }, now)).toEqual({ overdue: 'true' });
    expect(inboxQuery({ deadline: 'near' }, now)).toEqual({ dueBy: '2026-12-05' });
    expect(inboxQuery({ deadline: 'past-or-near' }, now)).toEqual({ dueBy: '2026-12-05' });
  });

  it('snapshots the same filter, overdue as a boolean, for the role listed', () => {
    expect(selectionRequest({ township: '120225104', deadline: 'past' }, 'finance', now)).toEqual({ township: '120225104', overdue: true, role: 'finance' });
    expect(selectionRequest({ deadline: 'near' }, undefined, now)).toEqual({ dueBy: '2026-12-05' });
  });

  it('leaves out only the overdue ones of "near", which the server includes in dueBy', () => {
    expect(isShown({ deadline: '2026-12-01T00:00:00Z' }, { deadline: 'near' }, now)).toBe(false);
    expect(isShown({ deadline: '2026-12-03T00:00:00Z' }, { deadline: 'near' }, now)).toBe(true);
    expect(isShown({ deadline: '2026-12-01T00:00:00Z' }, { deadline: 'past-or-near' }, now)).toBe(true);
    expect(isShown({}, { township: '120225104' }, now)).toBe(true);
  });
});

describe('timelines', () => {
  it('draws audit and execution entries in Beijing time, failures with their cause', () => {
    const rows = timelineRows({
      entries: [
        { type: 'audit', at: '2026-12-01T16:30:00Z', entity: 'reward-application:ra-1', actor: 'fin-1', roles: ['finance'], action: 'decision.answer' },
        { type: 'execution', at: '2026-12-01T16:31:00Z', workflow: 'reward-application', executionArn: 'arn:x', eventId: 5, eventType: 'TaskStateEntered', state: 'Reserve' },
        { type: 'execution', at: '2026-12-01T16:32:00Z', workflow: 'reward-application', executionArn: 'arn:x', eventId: 9, eventType: 'ExecutionFailed', error: 'BudgetExhausted', cause: 'no budget' },
        { type: 'audit', at: '2026-12-01T16:33:00Z', entity: 'x:1', actor: 'system', roles: [], action: 'x.y' },
      ],
    });
    expect(rows.map((r) => [r.source, r.when, r.what, r.who, r.failed])).toEqual([
      ['audit', '2026-12-02 00:30', 'decision.answer', 'fin-1（区财政局）', false],
      ['execution', '2026-12-02 00:31', '进入步骤：Reserve', '流程 reward-application', false],
      ['execution', '2026-12-02 00:32', '流程失败', '流程 reward-application', true],
      ['audit', '2026-12-02 00:33', 'x.y', 'system（系统）', false],
    ]);
    expect(rows[2]?.problem).toBe('BudgetExhausted：no budget');
  });

  it('splits type:id for GET /timeline, keeping colons inside the id', () => {
    expect(splitEntity('village:120225100201')).toEqual({ entity: 'village', id: '120225100201' });
    expect(splitEntity('decision:reward.finance-approval:ra-1')).toEqual({ entity: 'decision', id: 'reward.finance-approval:ra-1' });
    expect(splitEntity('village')).toBeUndefined();
    expect(splitEntity('village:')).toBeUndefined();
    expect(splitEntity(undefined)).toBeUndefined();
  });
});

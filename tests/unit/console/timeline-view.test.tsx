import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { TimelineView } from '../../../console/src/components/TimelineView';

afterEach(cleanup);

describe('the merged timeline', () => {
  it('shows audit and workflow entries in Beijing time, a failed step with its cause, and says when it is cut short', () => {
    render(
      <TimelineView
        timeline={{
          subject: 'reward-application:ra-1',
          executions: [],
          truncated: true,
          entries: [
            { type: 'audit', at: '2026-12-01T16:30:00Z', entity: 'reward-application:ra-1', actor: 'fin-1', roles: ['finance'], action: 'decision.answer' },
            { type: 'execution', at: '2026-12-01T16:32:00Z', workflow: 'reward-application', executionArn: 'arn:x', eventId: 9, eventType: 'ExecutionFailed', error: 'BudgetExhausted', cause: 'no budget' },
          ],
        }}
      />,
    );
    expect(screen.getByText('审计')).toBeTruthy();
    expect(screen.getByText('流程')).toBeTruthy();
    expect(screen.getByText('2026-12-02 00:30')).toBeTruthy();
    expect(screen.getByText('BudgetExhausted：no budget')).toBeTruthy();
    expect(screen.getByText('记录过多，仅显示部分')).toBeTruthy();
  });

  it('says so when nothing is recorded', () => {
    render(<TimelineView timeline={{ subject: 'x:1', executions: [], truncated: false, entries: [] }} />);
    expect(screen.getByText('暂无记录')).toBeTruthy();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { InboxAction } from '../../../console/src/components/InboxAction';
import type { InboxItem } from '../../../console/src/lib/inbox';

afterEach(cleanup);

const item = (over: Partial<InboxItem>): InboxItem => ({
  id: 'reward.finance-approval.ra-1.r1',
  kind: 'reward.finance-approval',
  subjectType: 'reward-application',
  subjectId: 'ra-1',
  subject: '/reward/applications/ra-1',
  division: '120225102201',
  role: 'finance',
  createdAt: '2026-12-01T00:00:00.000Z',
  version: 1,
  partials: [],
  summary: { amountFen: 12_000_000 },
  escalations: [],
  actionable: true,
  ...over,
});

describe('the action of an inbox row', () => {
  it('shows 等待第二位审批人, and no approve button, to the user who gave the first of two approvals', () => {
    render(<InboxAction item={item({ actionable: false, waitingFor: 'second-approver', youApproved: true, partials: [{ sub: 'demo-finance-2' }] })} onOpen={vi.fn()} onSign={vi.fn()} />);
    expect(screen.getByText('等待第二位审批人')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('opens the decision when the user can answer it', () => {
    const onOpen = vi.fn();
    render(<InboxAction item={item({})} onOpen={onOpen} onSign={vi.fn()} />);
    fireEvent.click(screen.getByRole('button'));
    expect(onOpen).toHaveBeenCalledOnce();
  });

  it('sends a village position to the sign-off screen', () => {
    const onSign = vi.fn();
    render(<InboxAction item={item({ kind: 'reward.village-signoff', role: 'village' })} onOpen={vi.fn()} onSign={onSign} />);
    fireEvent.click(screen.getByRole('button'));
    expect(onSign).toHaveBeenCalledOnce();
  });
});

import { requiredApprovals } from '../../../functions/platform/approvals.ts';
import { describe, expect, it } from 'vitest';
import {
  decideRunApproval,
  defaultTwoApproverThresholdFen,
  twoApproverThresholdOf,
  type RunApprovalInput,
} from '../../../functions/programs/funding/domain/approval.ts';
import { fundingPolicySchema } from '../../../functions/programs/funding/domain/policy.ts';
import { tianjinRuianRule } from '../../support/funding/fixtures.ts';

const threshold = 100_000_000; // 1,000,000 yuan

const input = (overrides: Partial<RunApprovalInput>): RunApprovalInput => ({
  decision: 'approve',
  deciderId: 'fin-1',
  starterId: 'admin-1',
  approvals: [],
  payableFen: 50_000_000,
  twoApproverThresholdFen: threshold,
  ...overrides,
});

describe('who approves a funding run', () => {
  it('one finance user below the threshold, two different ones from it', () => {
    expect(requiredApprovals(threshold - 1, threshold)).toBe(1);
    expect(requiredApprovals(threshold, threshold)).toBe(2);
    expect(decideRunApproval(input({}))).toEqual({ ok: true, outcome: 'approved', approvals: ['fin-1'], required: 1 });
    expect(decideRunApproval(input({ payableFen: threshold }))).toEqual({ ok: true, outcome: 'needs-another-approval', approvals: ['fin-1'], required: 2, remaining: 1 });
    expect(decideRunApproval(input({ payableFen: threshold, approvals: ['fin-1'], deciderId: 'fin-2' }))).toEqual({ ok: true, outcome: 'approved', approvals: ['fin-1', 'fin-2'], required: 2 });
  });

  it('never lets the starter approve, also when the same person holds admin and finance, or writes the name in another form', () => {
    for (const deciderId of ['admin-1', 'ａｄｍｉｎ-１']) {
      expect(decideRunApproval(input({ deciderId }))).toMatchObject({ ok: false, refusal: { code: 'approver-started-the-run', message: expect.stringContaining('admin-1') } });
    }
    expect(decideRunApproval(input({ payableFen: threshold, approvals: ['fin-1'], deciderId: 'admin-1' }))).toMatchObject({ ok: false, refusal: { code: 'approver-started-the-run' } });
  });

  it('does not count one user twice, in whatever form', () => {
    for (const deciderId of ['fin-1', 'ｆｉｎ-1']) {
      expect(decideRunApproval(input({ payableFen: threshold, approvals: ['fin-1'], deciderId }))).toMatchObject({ ok: false, refusal: { code: 'already-approved-by-this-user' } });
    }
  });

  it('lets any one finance user reject, the starter and a first approver included', () => {
    for (const deciderId of ['fin-2', 'admin-1', 'fin-1']) {
      expect(decideRunApproval(input({ decision: 'reject', payableFen: threshold, approvals: ['fin-1'], deciderId }))).toEqual({ ok: true, outcome: 'rejected', approvals: ['fin-1'] });
    }
  });

  it('takes the threshold from the policy, or 10,000,000 yuan when it names none', () => {
    expect(defaultTwoApproverThresholdFen).toBe(1_000_000_000);
    expect(twoApproverThresholdOf(fundingPolicySchema.parse(tianjinRuianRule))).toBe(defaultTwoApproverThresholdFen);
    const policy = fundingPolicySchema.parse({ ...tianjinRuianRule, approval: { twoApproverThresholdFen: threshold } });
    expect(twoApproverThresholdOf(policy)).toBe(threshold);
    expect(fundingPolicySchema.safeParse({ ...tianjinRuianRule, approval: { twoApproverThresholdFen: -1 } }).success).toBe(false);
  });
});

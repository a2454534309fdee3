import { describe, expect, it } from 'vitest';
import { checkTownshipDecision, decideFinance, type FinanceDecisionInput } from '../../../functions/programs/reward/domain/decisions.ts';
import { requiredApprovals } from '../../../functions/platform/approvals.ts';

const threshold = 10_000_000; // 100,000 yuan

const input = (overrides: Partial<FinanceDecisionInput>): FinanceDecisionInput => ({
  decision: 'approve',
  deciderId: 'fin-1',
  submitterId: 'village-handler',
  townshipReviewerId: 'town-1',
  approvals: [],
  rewardFen: 5_000_000,
  twoApproverThresholdFen: threshold,
  ...overrides,
});

describe('finance four-eyes', () => {
  it('approves below the threshold with one finance user', () => {
    expect(decideFinance(input({}))).toEqual({ ok: true, outcome: 'approved', approvals: ['fin-1'] });
  });

  it('needs two different finance users at the threshold and above', () => {
    expect(requiredApprovals(threshold - 1, threshold)).toBe(1);
    expect(requiredApprovals(threshold, threshold)).toBe(2);
    const first = decideFinance(input({ rewardFen: threshold }));
    expect(first).toEqual({ ok: true, outcome: 'needs-another-approval', approvals: ['fin-1'], remaining: 1 });
    expect(decideFinance(input({ rewardFen: threshold, approvals: ['fin-1'] }))).toMatchObject({ ok: false, refusal: { code: 'already-approved-by-this-user' } });
    expect(decideFinance(input({ rewardFen: threshold, approvals: ['fin-1'], deciderId: 'fin-2' }))).toEqual({ ok: true, outcome: 'approved', approvals: ['fin-1', 'fin-2'] });
  });

  it('refuses the submitter and the township reviewer, for approval and rejection alike', () => {
    for (const decision of ['approve', 'reject'] as const) {
      expect(decideFinance(input({ decision, deciderId: 'village-handler' }))).toMatchObject({ ok: false, refusal: { code: 'decider-is-submitter' } });
      expect(decideFinance(input({ decision, deciderId: 'town-1' }))).toMatchObject({ ok: false, refusal: { code: 'decider-is-township-reviewer' } });
    }
  });

  it('lets one independent finance user reject, also after a first approval', () => {
    expect(decideFinance(input({ decision: 'reject', rewardFen: threshold, approvals: ['fin-1'], deciderId: 'fin-2' }))).toEqual({ ok: true, outcome: 'rejected', approvals: ['fin-1'] });
  });
});

describe('identities compared in their NFKC form', () => {
  const fullWidth = (id: string) => [...id].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
  it('does not count a compatibility-form copy of a finance user as a second approver', () => {
    expect(decideFinance(input({ rewardFen: threshold, approvals: ['fin1'], deciderId: fullWidth('fin1') }))).toMatchObject({ ok: false, refusal: { code: 'already-approved-by-this-user' } });
    expect(decideFinance(input({ submitterId: 'sub1', deciderId: fullWidth('sub1') }))).toMatchObject({ ok: false, refusal: { code: 'decider-is-submitter' } });
    expect(decideFinance(input({ townshipReviewerId: 'town1', deciderId: fullWidth('town1') }))).toMatchObject({ ok: false, refusal: { code: 'decider-is-township-reviewer' } });
  });

  it('refuses a township reviewer who signed or submitted under a compatibility form of their id', () => {
    expect(checkTownshipDecision({ deciderId: fullWidth('x1'), submitterId: 'x1', villageSignerIds: [] })).toMatchObject({ code: 'decider-is-submitter' });
    expect(checkTownshipDecision({ deciderId: 'x1', submitterId: 'y', villageSignerIds: [fullWidth('x1')] })).toMatchObject({ code: 'decider-signed-in-village' });
  });
});

describe('township independence', () => {
  it('refuses a reviewer who submitted or signed in the village', () => {
    expect(checkTownshipDecision({ deciderId: 'x', submitterId: 'x', villageSignerIds: [] })).toMatchObject({ code: 'decider-is-submitter' });
    expect(checkTownshipDecision({ deciderId: 'x', submitterId: 'y', villageSignerIds: ['a', 'x'] })).toMatchObject({ code: 'decider-signed-in-village' });
    expect(checkTownshipDecision({ deciderId: 'x', submitterId: 'y', villageSignerIds: ['a'] })).toBeUndefined();
  });
});

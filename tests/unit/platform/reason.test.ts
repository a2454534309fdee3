import { describe, expect, it } from 'vitest';
import { refusedWithoutReason } from '../../../functions/platform/decisions/reason.ts';

describe('a refusal needs a reason', () => {
  it('asks a reason of the answers that refuse, and of no other', () => {
    expect(refusedWithoutReason('reject', ['reject', 'return'], undefined)).toBe(true);
    expect(refusedWithoutReason('return', ['reject', 'return'], '')).toBe(true);
    expect(refusedWithoutReason('reject', ['reject'], 'budget exhausted')).toBe(false);
    expect(refusedWithoutReason('approve', ['reject'], undefined)).toBe(false);
    expect(refusedWithoutReason('reject', [], undefined)).toBe(false);
  });

  it('counts a blank reason as none', () => {
    expect(refusedWithoutReason('refuse', ['refuse'], ' \t\n')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDuration, waitUntil, WaitTimeout } from '../../support/wait.ts';

// The waiting helper every integration, API and e2e test polls through: it must return the first
// observation that is done, and on a timeout name the last state it saw and what it waited for.

describe('waitUntil', () => {
  it('returns the first observation that is done, with what the caller put in it', async () => {
    let polls = 0;
    const found = await waitUntil(
      async () => {
        polls++;
        return polls === 3 ? { done: true, seen: `ra-1 is paid`, status: 'paid' } : { done: false, seen: `ra-1 is awaiting-township` };
      },
      { what: 'paid', intervalMs: 1 },
    );
    expect(found).toEqual({ done: true, seen: 'ra-1 is paid', status: 'paid' });
    expect(polls).toBe(3);
  });

  it('times out naming the last state seen, how long it waited and what for, and adds the detail', async () => {
    let polls = 0;
    const waiting = waitUntil(async () => ({ done: false, seen: `ra-123 is ${++polls > 2 ? 'awaiting-finance' : 'awaiting-township'}` }), {
      what: 'paid',
      timeoutMs: 60,
      intervalMs: 5,
      detail: async () => 'last states entered: FinanceApproval, AwaitFinance',
    });
    const error = await waiting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeout);
    expect((error as WaitTimeout).message).toMatch(/^ra-123 is awaiting-finance after \d+ ms \(waiting for paid\); last states entered: FinanceApproval, AwaitFinance$/);
    expect((error as WaitTimeout).lastSeen).toBe('ra-123 is awaiting-finance');
    expect(polls).toBeGreaterThan(2);
  });

  it('polls once more at the deadline, so a state reached just in time counts', async () => {
    const started = Date.now();
    const found = await waitUntil(async () => ({ done: Date.now() - started >= 40, seen: 'not yet' }), { what: 'the deadline', timeoutMs: 40, intervalMs: 1_000 });
    expect(found.done).toBe(true);
  });

  it('ends at once when an observation throws', async () => {
    let polls = 0;
    await expect(
      waitUntil(
        async () => {
          if (++polls === 2) throw new Error('answered 500');
          return { done: false, seen: 'x' };
        },
        { what: 'y', intervalMs: 1 },
      ),
    ).rejects.toThrow('answered 500');
    expect(polls).toBe(2);
  });

  it('formats durations as the messages show them', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(10_020)).toBe('10 s');
    expect(formatDuration(12_480)).toBe('12.5 s');
  });
});

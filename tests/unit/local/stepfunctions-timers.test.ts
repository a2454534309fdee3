import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLongTimeout } from '../../../local/stepfunctions/timers.ts';

const day = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('long timers of the local Step Functions endpoint', () => {
  it('waits 30 days, past setTimeout’s 24.8-day ceiling, instead of firing at once', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, 30 * day);
    vi.advanceTimersByTime(1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(29 * day);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(day);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('can be cleared before and after re-arming', () => {
    vi.useFakeTimers();
    const early = vi.fn();
    const late = vi.fn();
    setLongTimeout(early, 40 * day).clear();
    const t = setLongTimeout(late, 40 * day);
    vi.advanceTimersByTime(26 * day);
    t.clear();
    vi.advanceTimersByTime(20 * day);
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it('fires a past deadline on the next turn', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, -5);
    vi.advanceTimersByTime(0);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});

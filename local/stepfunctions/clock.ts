/**
 * The time Wait states wait by. The host uses the wall clock; a test that takes a workflow through
 * months of due dates (the pairing period workflow) gives the endpoint a {@link ManualClock} and moves
 * it: a Wait state then ends when the test's clock reaches its time, not the machine's.
 */
export interface WaitClock {
  now(): number;
  /** Call `fire` once the clock reaches `at` (ms since the epoch); returns a cancel function. */
  at(at: number, fire: () => void): () => void;
}

/** A clock that stands still until told to move. */
export class ManualClock implements WaitClock {
  private readonly pending = new Set<{ at: number; fire: () => void }>();

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  at(at: number, fire: () => void): () => void {
    const entry = { at, fire };
    if (at <= this.current) {
      queueMicrotask(fire);
      return () => undefined;
    }
    this.pending.add(entry);
    return () => this.pending.delete(entry);
  }

  /** Move to `instant` (never back) and wake every wait that ends by then, earliest first. */
  advanceTo(instant: Date | number): void {
    const to = typeof instant === 'number' ? instant : instant.getTime();
    if (to < this.current) throw new RangeError(`a manual clock does not go back (from ${new Date(this.current).toISOString()} to ${new Date(to).toISOString()})`);
    this.current = to;
    const due = [...this.pending].filter((e) => e.at <= to).sort((a, b) => a.at - b.at);
    for (const e of due) {
      this.pending.delete(e);
      e.fire();
    }
  }

  /** How many Wait states are waiting on this clock now. */
  get waiting(): number {
    return this.pending.size;
  }
}

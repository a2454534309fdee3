import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allowedEvents,
  applicationEvents,
  applicationStates,
  isTerminal,
  transition,
  type ApplicationEvent,
  type ApplicationState,
} from '../../../functions/programs/reward/domain/state.ts';

/** Applies events in order, failing on the first refusal. */
function run(from: ApplicationState, events: ApplicationEvent[]): ApplicationState {
  return events.reduce((state, event) => {
    const result = transition(state, event);
    if (!result.ok) throw new Error(result.refusal.message);
    return result.to;
  }, from);
}

describe('application state machine', () => {
  it('is paying once disbursed, and paid only when the bank settles the payment', () => {
    expect(run('computing', ['eligible', 'village-signed-off', 'township-approved', 'reserved', 'disbursed'])).toBe('paying');
    expect(transition('paying', 'disbursed')).toMatchObject({ ok: false });
  });

  it('goes from computing to paid on the happy path', () => {
    expect(run('computing', ['eligible', 'village-signed-off', 'township-approved', 'reserved', 'disbursed', 'payment-settled'])).toBe('paid');
  });

  it('closes an ineligible application', () => {
    expect(run('computing', ['ineligible', 'close'])).toBe('closed');
  });

  it('returns for correction and continues from computing after resubmission', () => {
    expect(run('computing', ['eligible', 'village-signed-off', 'township-returned'])).toBe('returned');
    expect(run('returned', ['resubmit', 'eligible', 'village-signed-off', 'township-approved', 'reserved', 'disbursed', 'payment-settled'])).toBe('paid');
  });

  it('sends a village refusal back for correction', () => {
    expect(run('computing', ['eligible', 'village-refused', 'resubmit'])).toBe('computing');
  });

  it('waits unfunded until the budget is raised, or an admin closes it', () => {
    expect(run('awaiting-finance', ['budget-insufficient', 'reserved', 'disbursed', 'payment-settled'])).toBe('paid');
    expect(run('awaiting-finance', ['budget-insufficient', 'close'])).toBe('closed');
  });

  it('recomputes after an account edit before money is reserved, not after', () => {
    for (const state of ['awaiting-village-signoff', 'awaiting-township', 'awaiting-finance', 'unfunded'] as const) {
      expect(transition(state, 'accounts-changed')).toEqual({ ok: true, from: state, to: 'computing' });
    }
    expect(transition('returned', 'accounts-changed')).toMatchObject({ ok: true, to: 'returned' });
    expect(transition('reserved', 'accounts-changed')).toMatchObject({ ok: false, refusal: { code: 'event-not-allowed' } });
  });

  it('refuses decisions out of turn with a typed refusal naming what is possible', () => {
    const result = transition('awaiting-township', 'reserved');
    expect(result).toEqual({
      ok: false,
      refusal: {
        code: 'event-not-allowed',
        from: 'awaiting-township',
        event: 'reserved',
        message: '"reserved" is not possible while the application is awaiting-township; possible: township-approved, township-rejected, township-returned, accounts-changed',
      },
    });
    expect(transition('awaiting-village-signoff', 'township-approved')).toMatchObject({ ok: false });
    expect(transition('computing', 'disbursed')).toMatchObject({ ok: false });
  });

  it('refuses everything in a terminal state, so a repeated payout step cannot pay twice', () => {
    expect(transition('paid', 'disbursed')).toMatchObject({ ok: false, refusal: { code: 'terminal-state' } });
    for (const state of ['paid', 'rejected', 'closed'] as const) {
      expect(isTerminal(state)).toBe(true);
      expect(allowedEvents(state)).toEqual([]);
    }
  });

  it('reaches paid only through village sign-off, township approval and a reservation', () => {
    let reachedPaid = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.constantFrom(...applicationEvents), { maxLength: 30 }), (choices, noise) => {
        // A random walk over allowed events, with arbitrary (mostly refused) events mixed in.
        let state: ApplicationState = 'computing';
        let sinceRecompute: ApplicationEvent[] = [];
        for (const [index, choice] of choices.entries()) {
          const allowed = allowedEvents(state);
          const candidates = [allowed[choice % Math.max(allowed.length, 1)], noise[index]];
          for (const event of candidates) {
            if (event === undefined) continue;
            const result = transition(state, event);
            if (!result.ok) {
              expect(allowedEvents(state)).not.toContain(event);
              continue;
            }
            expect(applicationStates).toContain(result.to);
            state = result.to;
            sinceRecompute = result.to === 'computing' ? [] : [...sinceRecompute, event];
          }
        }
        if (state === 'paid') {
          reachedPaid += 1;
          expect(sinceRecompute.slice(0, 3)).toEqual(['eligible', 'village-signed-off', 'township-approved']);
          expect(sinceRecompute.slice(-3)).toEqual(['reserved', 'disbursed', 'payment-settled']);
        }
      }),
      { numRuns: 1000 },
    );
    // The walk must actually get there, or the property above proves nothing.
    expect(reachedPaid).toBeGreaterThan(0);
  });
});

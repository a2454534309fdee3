import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSignature, mayStillSign, signatureSchema, signOffState, type Signature } from '../../../functions/programs/reward/domain/signoff.ts';
import { villagePositions } from '../../../functions/platform/principal.ts';

const sign = (userId: string, position: Signature['position']): Signature => ({ userId, position, decision: 'sign' });

describe('三签一审 sign-off', () => {
  it('is complete with four different people in the four positions', () => {
    const state = signOffState([sign('a', 'handler'), sign('b', 'bookkeeper'), sign('c', 'head'), sign('d', 'supervisor')]);
    expect(state).toEqual({ status: 'complete', signed: { handler: 'a', bookkeeper: 'b', head: 'c', supervisor: 'd' } });
  });

  it('takes the signatures in any order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...villagePositions], { minLength: 4, maxLength: 4 }), (order) => {
        const state = signOffState(order.map((position) => sign(`user-${position}`, position)));
        expect(state.status).toBe('complete');
      }),
      { numRuns: 100 },
    );
  });

  it('says which positions are still missing', () => {
    expect(signOffState([sign('d', 'supervisor'), sign('a', 'handler')])).toEqual({
      status: 'pending',
      signed: { supervisor: 'd', handler: 'a' },
      missing: ['bookkeeper', 'head'],
    });
    expect(signOffState([])).toMatchObject({ status: 'pending', missing: villagePositions });
  });

  it('refuses one person in two positions', () => {
    expect(checkSignature([sign('a', 'handler')], sign('a', 'bookkeeper'))).toMatchObject({ code: 'user-already-signed' });
  });

  it('refuses one person in two positions under a compatibility-form copy of their id (NFKC)', () => {
    expect(checkSignature([sign('ab', 'handler')], sign('\uFF41\uFF42', 'bookkeeper'))).toMatchObject({ code: 'user-already-signed' });
  });

  it('refuses a second signature for a position', () => {
    expect(checkSignature([sign('a', 'handler')], sign('b', 'handler'))).toMatchObject({ code: 'position-already-signed' });
  });

  it('ends with a refusal and its reason, after which nothing is taken', () => {
    const signatures: Signature[] = [sign('a', 'handler'), { userId: 'c', position: 'head', decision: 'refuse', reason: 'figures do not match the ledger' }];
    expect(signOffState(signatures)).toEqual({ status: 'refused', by: 'c', position: 'head', reason: 'figures do not match the ledger' });
    expect(checkSignature(signatures, sign('b', 'bookkeeper'))).toMatchObject({ code: 'sign-off-closed' });
  });

  it('takes nothing after completion', () => {
    const done = [sign('a', 'handler'), sign('b', 'bookkeeper'), sign('c', 'head'), sign('d', 'supervisor')];
    expect(checkSignature(done, { userId: 'e', position: 'head', decision: 'refuse', reason: 'late' })).toMatchObject({ code: 'sign-off-closed' });
  });

  it('needs a reason to refuse', () => {
    expect(checkSignature([], { userId: 'a', position: 'handler', decision: 'refuse', reason: '  ' })).toMatchObject({ code: 'reason-required' });
    expect(signatureSchema.safeParse({ userId: 'a', position: 'handler', decision: 'refuse' }).error?.issues[0]?.path).toEqual(['reason']);
  });

  it('reports a stored list that breaks the rules instead of trusting it', () => {
    expect(signOffState([sign('a', 'handler'), sign('a', 'head')])).toMatchObject({ status: 'invalid', index: 1, refusal: { code: 'user-already-signed' } });
  });

  it('is never complete unless four distinct users signed the four positions', () => {
    const signatureArb = fc.record({
      userId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      position: fc.constantFrom(...villagePositions),
      decision: fc.constantFrom('sign' as const, 'sign' as const, 'refuse' as const),
      reason: fc.constant('no'),
    });
    fc.assert(
      fc.property(fc.array(signatureArb, { maxLength: 8 }), (signatures) => {
        const state = signOffState(signatures);
        if (state.status === 'complete') {
          const users = Object.values(state.signed);
          expect(new Set(users).size).toBe(4);
          expect(Object.keys(state.signed).sort()).toEqual([...villagePositions].sort());
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mayStillSign (the village inbox)', () => {
  it('waits for a position until it (or the same user) has answered, and for nobody after a refusal', () => {
    const handler = { userId: 'u1', position: 'handler' as const, decision: 'sign' as const };
    expect(mayStillSign([], 'u1', 'handler')).toBe(true);
    expect(mayStillSign([handler], 'u1', 'handler')).toBe(false);
    expect(mayStillSign([handler], 'u9', 'handler')).toBe(false);
    expect(mayStillSign([handler], 'u1', 'bookkeeper')).toBe(false);
    expect(mayStillSign([handler], 'u2', 'bookkeeper')).toBe(true);
    expect(mayStillSign([{ userId: 'u3', position: 'head', decision: 'refuse', reason: '账目不清' }], 'u2', 'bookkeeper')).toBe(false);
  });
});

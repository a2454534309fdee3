import * as z from 'zod';
import { sameIdentity, villagePositions, villagePositionSchema, type VillagePosition } from '../../../platform/principal.ts';
import { reasonRequiredMessage, refusedWithoutReason } from '../../../platform/decisions/reason.ts';

/**
 * The village sign-off 三签一审: the handler (经手人), the bookkeeper (报账员) and the head of the
 * village committees sign, the village affairs supervision committee audits. Four distinct users in
 * the four positions, in any order; any of them may refuse with a reason, which ends the sign-off.
 */

/** The answers of the sign-off that refuse, and so need a reason. */
export const signOffRefusals = ['refuse'] as const;

export const signatureSchema = z
  .object({
    userId: z.string().min(1, 'must not be empty'),
    position: villagePositionSchema,
    decision: z.enum(['sign', 'refuse']),
    reason: z.string().trim().max(2000).optional(),
  })
  .superRefine((signature, ctx) => {
    if (refusedWithoutReason(signature.decision, signOffRefusals, signature.reason)) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: reasonRequiredMessage });
    }
  });
export type Signature = z.infer<typeof signatureSchema>;

export type SignOffRefusalCode = 'sign-off-closed' | 'position-already-signed' | 'user-already-signed' | 'reason-required';

export interface SignOffRefusal {
  readonly code: SignOffRefusalCode;
  readonly message: string;
}

export type SignOffState =
  | { readonly status: 'pending'; readonly signed: Partial<Record<VillagePosition, string>>; readonly missing: readonly VillagePosition[] }
  | { readonly status: 'complete'; readonly signed: Record<VillagePosition, string> }
  | { readonly status: 'refused'; readonly by: string; readonly position: VillagePosition; readonly reason: string }
  /** The list breaks a rule: it was not built through {@link checkSignature}. */
  | { readonly status: 'invalid'; readonly index: number; readonly refusal: SignOffRefusal };

/** Why `candidate` may not be added after `existing`, or undefined when it may. */
export function checkSignature(existing: readonly Signature[], candidate: Signature): SignOffRefusal | undefined {
  const state = signOffState(existing);
  return refusalFor(state, candidate);
}

function closed(status: SignOffState['status']): SignOffRefusal {
  return { code: 'sign-off-closed', message: `the sign-off is ${status}; no further signatures are taken` };
}

function refusalFor(state: SignOffState, candidate: Signature): SignOffRefusal | undefined {
  if (state.status !== 'pending') return closed(state.status);
  const holder = state.signed[candidate.position];
  if (holder !== undefined) {
    return { code: 'position-already-signed', message: `the ${candidate.position} position was already signed by ${holder}` };
  }
  const otherPosition = villagePositions.find((position) => {
    const signer = state.signed[position];
    return signer !== undefined && sameIdentity(signer, candidate.userId);
  });
  if (otherPosition) {
    return { code: 'user-already-signed', message: `${candidate.userId} already signed as ${otherPosition}; the four signatures must come from four different people` };
  }
  if (refusedWithoutReason(candidate.decision, signOffRefusals, candidate.reason)) {
    return { code: 'reason-required', message: reasonRequiredMessage };
  }
  return undefined;
}

/** Folds the signatures in the order they were given into the state of the sign-off. */
export function signOffState(signatures: readonly Signature[]): SignOffState {
  let state: SignOffState = { status: 'pending', signed: {}, missing: villagePositions };
  for (const [index, signature] of signatures.entries()) {
    const refusal = refusalFor(state, signature);
    // refusalFor already refuses a closed sign-off; the status test is there for the type narrowing.
    if (refusal || state.status !== 'pending') return { status: 'invalid', index, refusal: refusal ?? closed(state.status) };
    if (signature.decision === 'refuse') {
      state = { status: 'refused', by: signature.userId, position: signature.position, reason: signature.reason ?? '' };
      continue;
    }
    const signed: Partial<Record<VillagePosition, string>> = { ...state.signed, [signature.position]: signature.userId };
    const missing: VillagePosition[] = villagePositions.filter((position) => signed[position] === undefined);
    state = missing.length === 0 ? { status: 'complete', signed: signed as Record<VillagePosition, string> } : { status: 'pending', signed, missing };
  }
  return state;
}

/**
 * Whether the sign-off still waits for this user in this position (what the village inbox shows):
 * neither the position nor the user has signed or refused yet, and nobody has refused.
 */
export function mayStillSign(existing: readonly Signature[], userId: string, position: VillagePosition): boolean {
  return checkSignature(existing, { userId, position, decision: 'sign' }) === undefined;
}

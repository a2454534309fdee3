/**
 * A refusal needs a reason: whoever rejects, refuses or returns something says why, so that the
 * people refused can act on it and the audit trail shows it. One rule for every program's human
 * decisions; each decision kind names which of its answers refuse (`refusals`).
 */

/** What the 400 says, in whichever field the reason was missing from. */
export const reasonRequiredMessage = 'a refusal needs a reason';

/** Whether `answer` is one of `refusals` given without a reason (a blank one counts as none). */
export function refusedWithoutReason(answer: string, refusals: readonly string[], reason: string | undefined): boolean {
  return refusals.includes(answer) && (reason === undefined || reason.trim() === '');
}

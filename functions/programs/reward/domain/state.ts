import * as z from 'zod';

/**
 * The life of a reward application as one pure transition function, shared by the workflow (which
 * drives the automatic steps) and the API (which records human decisions): both ask `transition`
 * before writing, and write the resulting state with a condition on the previous one.
 *
 *   computing ──eligible──▶ awaiting-village-signoff ──village-signed-off──▶ awaiting-township
 *       │                        │ village-refused                            │ township-approved
 *   ineligible                   ▼                                            ▼
 *       │ close              returned ◀──township-returned──────────── awaiting-finance
 *       ▼                     │ resubmit ▶ computing; withdraw ▶ closed      │ reserved / budget-insufficient
 *     closed                                                               reserved / unfunded
 *                                                                             │ disbursed
 *                                                                           paying ──payment-settled──▶ paid
 *
 * `paying`: the payout and its payment instruction exist (payments module); the application is paid
 * only when the bank's results say so, which the payments module records (payment-settled).
 *
 * An edit of the accounts while the application is open (before money is reserved) sends it back to
 * `computing`, visibly, instead of letting a stale snapshot be paid.
 */

export const applicationStates = [
  'computing',
  'ineligible',
  'awaiting-village-signoff',
  'awaiting-township',
  'returned',
  'awaiting-finance',
  'unfunded',
  'reserved',
  'paying',
  'paid',
  'rejected',
  'closed',
] as const;
export const applicationStateSchema = z.enum(applicationStates);
export type ApplicationState = z.infer<typeof applicationStateSchema>;

export const applicationEvents = [
  'eligible',
  'ineligible',
  'close',
  'village-signed-off',
  'village-refused',
  'township-approved',
  'township-rejected',
  'township-returned',
  'resubmit',
  'withdraw',
  'finance-rejected',
  'reserved',
  'budget-insufficient',
  'disbursed',
  'payment-settled',
  'accounts-changed',
] as const;
export const applicationEventSchema = z.enum(applicationEvents);
export type ApplicationEvent = z.infer<typeof applicationEventSchema>;

/** States in which nothing happens any more. */
export const terminalStates: readonly ApplicationState[] = ['paid', 'rejected', 'closed'];

/** The whole table: from state, on event, to state. Anything not listed is refused. */
export const transitions: Readonly<Record<ApplicationState, Partial<Record<ApplicationEvent, ApplicationState>>>> = {
  computing: { eligible: 'awaiting-village-signoff', ineligible: 'ineligible' },
  // The reasons are recorded with the ineligible state; closing makes the outcome final.
  ineligible: { close: 'closed' },
  'awaiting-village-signoff': { 'village-signed-off': 'awaiting-township', 'village-refused': 'returned', 'accounts-changed': 'computing', withdraw: 'closed' },
  'awaiting-township': { 'township-approved': 'awaiting-finance', 'township-rejected': 'rejected', 'township-returned': 'returned', 'accounts-changed': 'computing' },
  // A returned application is recomputed on resubmission anyway, so an account edit changes nothing.
  returned: { resubmit: 'computing', withdraw: 'closed', 'accounts-changed': 'returned' },
  // Finance approval is complete when the reserve step runs: its outcome is the next event.
  'awaiting-finance': { reserved: 'reserved', 'budget-insufficient': 'unfunded', 'finance-rejected': 'rejected', 'accounts-changed': 'computing' },
  // Moves on by itself when the budget is raised; an admin may close it instead.
  unfunded: { reserved: 'reserved', close: 'closed', 'accounts-changed': 'computing' },
  // From here on the snapshot is what gets paid: account edits no longer apply.
  reserved: { disbursed: 'paying' },
  // Settled by the payments module when the bank reports the payment (it moves paying → paid).
  paying: { 'payment-settled': 'paid' },
  paid: {},
  rejected: {},
  closed: {},
};

export type TransitionRefusalCode = 'terminal-state' | 'event-not-allowed';

export interface TransitionRefusal {
  readonly code: TransitionRefusalCode;
  readonly from: ApplicationState;
  readonly event: ApplicationEvent;
  readonly message: string;
}

export type TransitionResult = { readonly ok: true; readonly from: ApplicationState; readonly to: ApplicationState } | { readonly ok: false; readonly refusal: TransitionRefusal };

/** The state after `event`, or a typed refusal (the API answers it with 409). */
export function transition(state: ApplicationState, event: ApplicationEvent): TransitionResult {
  const to = transitions[state][event];
  if (to !== undefined) return { ok: true, from: state, to };
  if (isTerminal(state)) {
    return { ok: false, refusal: { code: 'terminal-state', from: state, event, message: `the application is ${state}; nothing can change it any more` } };
  }
  const allowed = allowedEvents(state);
  return {
    ok: false,
    refusal: { code: 'event-not-allowed', from: state, event, message: `"${event}" is not possible while the application is ${state}; possible: ${allowed.join(', ')}` },
  };
}

export function isTerminal(state: ApplicationState): boolean {
  return terminalStates.includes(state);
}

/** Whether the application's workflow has nothing left to do: it ended, or its money is with the payments module. */
export function isPastWorkflow(state: ApplicationState): boolean {
  return isTerminal(state) || state === 'paying';
}

/** Events accepted in `state`, in table order (for the API to show the actions a caller has). */
export function allowedEvents(state: ApplicationState): ApplicationEvent[] {
  return applicationEvents.filter((event) => transitions[state][event] !== undefined);
}

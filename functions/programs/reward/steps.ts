import type { Role } from '../../platform/principal.ts';
import { decisionId } from '../../platform/decisions/store.ts';
import type { ApplicationEvent, ApplicationState } from './domain/state.ts';
import type { RewardApproval } from './domain/policy.ts';

/**
 * The human steps of the reward workflow, in one table: which decision kind each opens, who decides,
 * which answers the generic `/decisions` route takes and the state event each one causes, the
 * application status while the step's decision is open, and the step's deadline. The await task,
 * the decision use cases, the inbox and the module all read this table, so a step is described once.
 */
export interface RewardStepDefinition {
  readonly kind: `reward.${string}`;
  readonly role: Role;
  /**
   * Answers taken by `POST /decisions/{id}` and the event each causes (`null`: recorded without an
   * event of its own, e.g. a finance approval that the reserve step turns into one).
   * Empty for a step answered through its own route (the sign-off, by signatures).
   */
  readonly answers: Readonly<Record<string, ApplicationEvent | null>>;
  /** Where the answers are given when not through `/decisions` (shown in the 400). */
  readonly answeredThrough?: string;
  /** Status of the application while the step's decision is open: an account edit then returns it. */
  readonly openWhile?: ApplicationState;
  /** Days from the policy before the step escalates (none: no deadline). */
  readonly deadlineDays?: (approval: RewardApproval) => number;
  /** Whether the step judges the computed award: it compares the stored accounts with the snapshot. */
  readonly judgesAward: boolean;
}

export const rewardSteps = {
  'village-signoff': {
    kind: 'reward.village-signoff',
    role: 'village',
    answers: {},
    answeredThrough: 'POST /reward/applications/{id}/signatures',
    openWhile: 'awaiting-village-signoff',
    judgesAward: true,
  },
  'township-review': {
    kind: 'reward.township-review',
    role: 'township',
    answers: { approve: 'township-approved', reject: 'township-rejected', return: 'township-returned' },
    openWhile: 'awaiting-township',
    deadlineDays: (approval) => approval.townshipDeadlineDays,
    judgesAward: true,
  },
  'finance-approval': {
    kind: 'reward.finance-approval',
    role: 'finance',
    answers: { approve: null, reject: 'finance-rejected' },
    openWhile: 'awaiting-finance',
    deadlineDays: (approval) => approval.financeDeadlineDays,
    judgesAward: true,
  },
  unfunded: { kind: 'reward.unfunded', role: 'admin', answers: { close: 'close' }, openWhile: 'unfunded', judgesAward: false },
  resubmission: { kind: 'reward.resubmission', role: 'village', answers: { resubmit: 'resubmit', withdraw: 'withdraw' }, judgesAward: false },
} as const satisfies Record<string, RewardStepDefinition>;

export type RewardStep = keyof typeof rewardSteps;
export const rewardStepNames = Object.keys(rewardSteps) as [RewardStep, ...RewardStep[]];

const stepByKind = new Map<string, RewardStep>(rewardStepNames.map((step) => [rewardSteps[step].kind, step]));

/** The step a decision kind belongs to (undefined: not a reward kind). */
export function stepOfKind(kind: string): RewardStep | undefined {
  return stepByKind.get(kind);
}

/** The step whose decision is open while an application has `status` (undefined: none). */
export function openStepOf(status: ApplicationState): RewardStep | undefined {
  return rewardStepNames.find((step) => (rewardSteps[step] as RewardStepDefinition).openWhile === status);
}

/**
 * The id of the decision of `step` for the application as it is now: per round (a recomputation
 * starts a new round), and for the unfunded wait per time it became unfunded.
 */
export function rewardDecisionId(app: { readonly id: string; readonly round: number; readonly unfundedCount: number }, step: RewardStep): string {
  return decisionId(rewardSteps[step].kind, app.id, step === 'unfunded' ? app.round * 1000 + app.unfundedCount : app.round);
}

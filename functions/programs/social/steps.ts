import type { Role } from '../../platform/principal.ts';
import { decisionId } from '../../platform/decisions/store.ts';
import type { OrganisationEvent } from './domain/organisation.ts';

/**
 * The human steps of the filing workflow (备案登记), in one table: the decision kind each opens, who
 * decides, and the answers `POST /decisions/{id}` takes with the status event each causes. The
 * await task, the decision use case and the module read this table.
 */
export interface SocialStepDefinition {
  readonly kind: `social.${string}`;
  readonly role: Role;
  readonly answers: Readonly<Record<string, OrganisationEvent>>;
  /** Answers that need a reason (`comment`). */
  readonly refusals: readonly string[];
}

export const socialSteps = {
  'township-review': { kind: 'social.township-review', role: 'township', answers: { approve: 'approve', return: 'return', refuse: 'refuse' }, refusals: ['return', 'refuse'] },
  resubmission: { kind: 'social.resubmission', role: 'village', answers: { resubmit: 'resubmit', withdraw: 'withdraw' }, refusals: [] },
} as const satisfies Record<string, SocialStepDefinition>;

export type SocialStep = keyof typeof socialSteps;
export const socialStepNames = Object.keys(socialSteps) as [SocialStep, ...SocialStep[]];

export function stepOfKind(kind: string): SocialStep | undefined {
  return socialStepNames.find((s) => socialSteps[s].kind === kind);
}

/** The decision of `step` for the organisation's current filing round. */
export function socialDecisionId(org: { readonly id: string; readonly round: number }, step: SocialStep): string {
  return decisionId(socialSteps[step].kind, org.id, org.round);
}

/**
 * The human step of the grade-reward workflow: finance approves a computed run in one decision
 * (with exclusions, through the run's approve route) or rejects it (`comment`, the reason). One
 * decision per run.
 */
export const rewardRunApproval = {
  kind: 'social.reward-run-approval',
  role: 'finance' satisfies Role,
  answers: ['approve', 'reject'],
  refusals: ['reject'],
} as const;

export const rewardRunDecisionId = (runId: string) => decisionId(rewardRunApproval.kind, runId, 1);

/**
 * The human steps of the venture round workflow: finance approves the award list (or rejects it,
 * with the reason), then the township accepts each award's finished project (验收) before its second
 * instalment.
 */
export const ventureSteps = {
  approval: { kind: 'social.venture-award-approval', role: 'finance' satisfies Role, answers: ['approve', 'reject'], refusals: ['reject'] },
  acceptance: { kind: 'social.venture-acceptance', role: 'township' satisfies Role, answers: ['accept'], refusals: [] },
} as const;
export type VentureStep = keyof typeof ventureSteps;

export const ventureApprovalDecisionId = (roundId: string) => decisionId(ventureSteps.approval.kind, roundId, 1);
/** An award's acceptance: the subject is `<round>.<organisation>`. */
export const ventureAcceptanceSubject = (roundId: string, organisationId: string) => `${roundId}.${organisationId}`;
export const ventureAcceptanceDecisionId = (roundId: string, organisationId: string) => decisionId(ventureSteps.acceptance.kind, ventureAcceptanceSubject(roundId, organisationId), 1);

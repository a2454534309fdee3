import type { Principal } from '../../platform/principal.ts';
import type { DecisionAnswerInput, DecisionOutcome } from '../../platform/module.ts';
import { completeDecision, type PendingDecision } from '../../platform/decisions/store.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { organisationChange, requireOrganisation, type OrganisationRecord } from './store/organisation.ts';
import { socialDecisionId, socialSteps, stepOfKind, type SocialStepDefinition } from './steps.ts';

/** The filing workflow's name; an execution is named after its organisation and round. */
export const filingWorkflow = 'social-filing';

/** Start (or find) the filing execution of the organisation's current round. */
export async function startFiling(org: Pick<OrganisationRecord, 'id'>): Promise<string> {
  return startNamedExecution(filingWorkflow, org.id, { organisationId: org.id });
}

/**
 * Answer a filing decision (the township's review, the village's resubmission): the organisation's
 * change and its audit are written in the decision's own transaction, which also wakes the workflow.
 * Approval makes the organisation `approved`: the workflow's File step gives the filing number.
 */
export async function answerSocialDecision(principal: Principal, decision: PendingDecision, input: DecisionAnswerInput): Promise<DecisionOutcome> {
  const step = stepOfKind(decision.kind);
  if (!step) throw new ValidationError([{ field: 'decisionId', message: `${decision.kind} is not a social decision`, in: 'path' }]);
  const definition: SocialStepDefinition = socialSteps[step];
  if (!(input.decision in definition.answers)) throw new ValidationError([{ field: 'decision', message: `must be one of ${Object.keys(definition.answers).join(', ')} for ${decision.kind}`, in: 'body' }]);
  if (decision.status !== 'open') throw new ConflictError(`Decision ${decision.id} is already ${decision.status}`);
  const org = await requireOrganisation(decision.subjectId);
  if (socialDecisionId(org, step) !== decision.id) throw new ConflictError(`Decision ${decision.id} belongs to an earlier round of ${org.id}`);
  const event = definition.answers[input.decision];
  const at = new Date();
  const review = { round: org.round, decision: input.decision, by: principal.sub, at: at.toISOString(), ...(input.comment ? { comment: input.comment } : {}) };
  const changes: Partial<OrganisationRecord> = {
    reviews: [...org.reviews, review],
    ...(event === 'return' || event === 'refuse' ? { statusReason: input.comment, statusDate: at.toISOString() } : {}),
    ...(event === 'resubmit' ? { round: org.round + 1, statusReason: undefined, statusDate: undefined } : {}),
  };
  const change = organisationChange(org, event, changes, principal, `social-organisation.${input.decision}`, at);
  const output = { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}) };
  const result = await completeDecision(decision.id, { expectedVersion: decision.version, actor: principal, completion: { output }, action: `${decision.kind}.answer`, extraItems: () => change.items });
  return { decisionId: decision.id, status: 'answered', applicationStatus: result.replayed ? org.status : change.next.status, delivered: result.delivered };
}

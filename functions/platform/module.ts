import type { App } from './http/context.ts';
import type { TaskDefinition } from '../shared/task.ts';
import { sameIdentity, type Principal } from './principal.ts';
import type { Action } from './authz.ts';
import type { PendingDecision } from './decisions/store.ts';

/**
 * What a module (a program, or the platform's own registries) declares, and the only thing the
 * composition roots read: the API mounts its routes, the decision routes and the inbox dispatch on
 * its decision kinds, and the workflow registry (so the CDK stack and the local host) builds its
 * workflows and task functions. Adding a program is its folder plus one line in
 * functions/programs/index.ts.
 */
export interface ProgramModule {
  /** Lower-case name: the prefix of its decision kinds, its ledger entries and its API paths. */
  readonly name: string;
  /** What users call it. */
  readonly title: string;
  /** Its API, mounted at `basePath` (its paths are relative to it). */
  readonly routes?: { readonly basePath: string; readonly app: App };
  readonly workflows: readonly WorkflowDefinition[];
  readonly tasks: readonly TaskDefinition[];
  readonly decisions: readonly DecisionKindDefinition[];
}

export interface WorkflowDefinition {
  /** State machine name suffix; also the key used by the API to start executions. */
  readonly name: string;
  /** ASL file in workflows/ (flat: both hosts read it from there). */
  readonly definitionFile: string;
  readonly description: string;
  /**
   * The division of the thing an execution works on, from the execution's name (executions are
   * named after their subject: an import, an application, a run). Executions, their input and their
   * history are scoped by it like the subject itself; undefined when the subject does not exist.
   */
  readonly subjectDivision: (executionName: string) => Promise<string | undefined>;
}

/** The answer a user gives to a decision, as the API takes it. */
export interface DecisionAnswerInput {
  readonly decision: string;
  readonly comment?: string | undefined;
}

export interface DecisionOutcome {
  readonly decisionId: string;
  /** `answered`: the step is complete; `partial`: recorded, more answers are needed. */
  readonly status: 'answered' | 'partial';
  /** The subject's status after the answer (named for the first program's subject, kept for clients). */
  readonly applicationStatus: string;
  readonly remaining?: number;
  readonly delivered?: boolean;
}

/**
 * Where an open decision stands for a caller who has already given their part of it (the first of
 * two approvals): it waits for someone else, and the caller cannot answer it again.
 */
export interface DecisionStanding {
  /** What the decision waits for now, e.g. `second-approver`. */
  readonly waitingFor: string;
  /** The caller has given an approval already. */
  readonly youApproved: boolean;
}

/** One kind of human decision a module's workflows open (`<module>.<step>`). */
export interface DecisionKindDefinition {
  readonly kind: string;
  /** What the decision is about (`reward-application`) and where the API shows it. */
  readonly subjectType: string;
  readonly subjectPath: (subjectId: string) => string;
  /** The `entityType` of the subject's audit trail, when it is not `subjectType` (a timeline reads it). */
  readonly subjectAuditType?: string;
  /** What a caller must be allowed on the subject's division to read the decision. */
  readonly readAction: Action;
  /** Answers `POST /decisions/{id}` takes (empty: answered through the module's own routes). */
  readonly answers: readonly string[];
  /** Answers that refuse (reject, return …): `POST /decisions/{id}` takes them only with a `comment` saying why. */
  readonly refusals?: readonly string[];
  /** Where it is answered when not through `/decisions` (the 400 names it). */
  readonly answeredThrough?: string;
  /**
   * Record an answer (the route has checked the caller's role and jurisdiction and that the answer
   * is one of `answers`). Absent when `answers` is empty.
   */
  readonly answer?: (principal: Principal, decision: PendingDecision, input: DecisionAnswerInput) => Promise<DecisionOutcome>;
  /** Whether an open decision is shown in the caller's inbox (default: always). */
  readonly visibleTo?: (principal: Principal, listedRole: string, decision: PendingDecision) => boolean;
  /**
   * For a decision that takes several answers: where it stands for a caller who already gave theirs
   * (undefined: the caller may still answer). The inbox keeps showing it, marked not actionable with
   * this standing, and leaves it out of its `toDo` count.
   */
  readonly standingFor?: (principal: Principal, decision: PendingDecision) => DecisionStanding | undefined;
  /**
   * The amount the decision is about, in fen (an award, a run's top-ups, a batch), read from what
   * the step stored with it (`summary`): the inbox shows it and a selection totals it. Absent for
   * kinds that decide no amount.
   */
  readonly amountFen?: (decision: PendingDecision) => number | undefined;
}

/**
 * The amount of a decision kind that stores it in its summary under `field` (the steps that open
 * them write it there): undefined when it is missing or not a whole, non-negative number of fen.
 */
export const amountInSummary = (field: string): NonNullable<DecisionKindDefinition['amountFen']> => (decision) => {
  const value = decision.summary[field];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
};

/**
 * The standing of a decision that takes two approvals (its partial answers record who approved
 * under `approver`), for the caller who gave the first one: shown as waiting for the second
 * approver (they cannot approve twice), not as work still to do.
 */
export const secondApproverStanding: NonNullable<DecisionKindDefinition['standingFor']> = (principal, decision) =>
  decision.partials.some((partial) => typeof partial.approver === 'string' && sameIdentity(partial.approver, principal.sub)) ? { waitingFor: 'second-approver', youApproved: true } : undefined;

/** Every decision kind of the given modules, by kind; a kind declared twice is a programming error. */
export function decisionKindsOf(modules: readonly ProgramModule[]): ReadonlyMap<string, DecisionKindDefinition> {
  const kinds = new Map<string, DecisionKindDefinition>();
  for (const module of modules) {
    for (const definition of module.decisions) {
      if (!definition.kind.startsWith(`${module.name}.`)) throw new Error(`Decision kind ${definition.kind} of module ${module.name} must start with "${module.name}."`);
      if (kinds.has(definition.kind)) throw new Error(`Decision kind ${definition.kind} is declared twice`);
      kinds.set(definition.kind, definition);
    }
  }
  return kinds;
}

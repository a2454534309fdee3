import type { Role } from '../../platform/principal.ts';
import { decisionId } from '../../platform/decisions/store.ts';
import type { EvaluationStatus } from './domain/evaluation.ts';

/**
 * The human steps of the evaluation workflow (workflows/pairing-evaluation.asl.json), in one table
 * read by the await task, the use cases and the module: the decision kind each opens, who decides,
 * what `POST /decisions` takes (empty: answered through the program's own route, since the answer
 * carries a text, outcomes or a score), and the evaluation's status while the step is open.
 */
export interface EvaluationStepDefinition {
  readonly kind: `pairing.${string}`;
  readonly role: Role;
  readonly answers: readonly string[];
  readonly refusals: readonly string[];
  readonly answeredThrough?: string;
  readonly openWhile: EvaluationStatus;
}

export const evaluationSteps = {
  'self-assessment': {
    kind: 'pairing.self-assessment',
    role: 'unit',
    answers: [],
    refusals: [],
    answeredThrough: 'POST /pairing/evaluations/{id}/self-assessment',
    openWhile: 'awaiting-self-assessment',
  },
  'township-opinion': { kind: 'pairing.township-opinion', role: 'township', answers: ['agree', 'return'], refusals: ['return'], openWhile: 'awaiting-township' },
  'county-evaluation': {
    kind: 'pairing.county-evaluation',
    role: 'admin',
    answers: [],
    refusals: [],
    answeredThrough: 'POST /pairing/evaluations/{id}/county-evaluation',
    openWhile: 'awaiting-county',
  },
} as const satisfies Record<string, EvaluationStepDefinition>;

export type EvaluationStep = keyof typeof evaluationSteps;
export const evaluationStepNames = Object.keys(evaluationSteps) as [EvaluationStep, ...EvaluationStep[]];

export function evaluationStepOfKind(kind: string): EvaluationStep | undefined {
  return evaluationStepNames.find((step) => evaluationSteps[step].kind === kind);
}

/** The decision of `step` in the evaluation's current round (a return to the unit starts a new round). */
export function evaluationDecisionId(evaluation: { readonly id: string; readonly round: number }, step: EvaluationStep): string {
  return decisionId(evaluationSteps[step].kind, evaluation.id, evaluation.round);
}

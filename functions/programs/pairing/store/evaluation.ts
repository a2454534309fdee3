import * as z from 'zod';
import { pairingIdSchema, termIdSchema } from '../domain/pairing.ts';
import {
  evaluationStatuses,
  gradeCutoffsSchema,
  grades,
  nextEvaluationStatus,
  outcomesSchema,
  type EvaluationEvent,
  type GradeCutoffs,
} from '../domain/evaluation.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';

/**
 * End-of-term evaluations (期末考核), one per pairing: its id is the pairing's (`pe-` for `pp-`), so
 * starting the evaluation of a pairing twice finds the first one.
 *
 * Keys: pk `PAIREVAL#<id>`, sk `EVALUATION`;
 * gsi1 `PAIREVALS#<county of the village>` / `<village>#<termId>#<id>` (a county's or township's);
 * gsi2 `PAIREVALUNIT#<unitId>` / `<village>#<termId>#<id>` (one unit's).
 */
export const evaluationIdSchema = z.string().regex(/^pe-[0-9a-f-]{36}$/, 'must be an evaluation id (pe-…)');

/** The evaluation of a pairing: the same uuid. */
export const evaluationIdOf = (pairingId: string) => `pe-${pairingId.slice('pp-'.length)}`;

const stepRecordSchema = z.object({ by: z.string(), at: z.string() });

export const evaluationRecordSchema = z.object({
  id: evaluationIdSchema,
  pairingId: pairingIdSchema,
  termId: termIdSchema,
  unitId: z.string(),
  village: z.string(),
  status: z.enum(evaluationStatuses),
  /** 1, plus one per return to the unit: each round has its own decisions. */
  round: z.number().int().min(1),
  gradeCutoffs: gradeCutoffsSchema,
  /** Every self-assessment given, the latest last (a returned one is kept). */
  selfAssessments: z.array(stepRecordSchema.extend({ round: z.number().int(), text: z.string(), outcomes: outcomesSchema })),
  /** Every township opinion, the latest last. */
  townshipOpinions: z.array(stepRecordSchema.extend({ round: z.number().int(), decision: z.enum(['agree', 'return']), comment: z.string().optional() })),
  county: stepRecordSchema
    .extend({
      score: z.number().int(),
      grade: z.enum(grades),
      outcomes: outcomesSchema,
      comment: z.string().optional(),
      /** What the pairing had invested and stationed when evaluated (counted into the term's statistics). */
      investedFen: z.number().int(),
      cadres: z.number().int(),
    })
    .optional(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type EvaluationRecord = z.infer<typeof evaluationRecordSchema>;

const evaluations = defineEntity({
  type: 'pairingEvaluation',
  schema: evaluationRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIREVAL#${p.id}`, sk: 'EVALUATION' }),
  indexes: (pattern) => ({
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAIREVALS#${county}`, place: (e) => ({ partition: e.village.slice(0, 6), sort: `${e.village}#${e.termId}#${e.id}` }) }),
    byUnit: pattern({ index: 'gsi2', partition: (unitId: string) => `PAIREVALUNIT#${unitId}`, place: (e) => ({ partition: e.unitId, sort: `${e.village}#${e.termId}#${e.id}` }) }),
  }),
});

function auditFields(e: EvaluationRecord) {
  const { version: _v, createdAt: _c, updatedAt: _u, createdBy: _b, ...fields } = e;
  return fields;
}

export function newEvaluation(pairing: { id: string; termId: string; unitId: string; village: string }, cutoffs: GradeCutoffs, actor: Actor, now: Date): EvaluationRecord {
  const at = now.toISOString();
  return {
    id: evaluationIdOf(pairing.id),
    pairingId: pairing.id,
    termId: pairing.termId,
    unitId: pairing.unitId,
    village: pairing.village,
    status: 'awaiting-self-assessment',
    round: 1,
    gradeCutoffs: cutoffs,
    selfAssessments: [],
    townshipOpinions: [],
    version: 1,
    createdAt: at,
    createdBy: actor.sub,
    updatedAt: at,
  };
}

/** Create an evaluation with its audit record; false when the pairing's evaluation exists already. */
export async function createEvaluation(record: EvaluationRecord, actor: Actor): Promise<boolean> {
  try {
    await writeTransaction([
      named('evaluation', putItem(evaluations.item(record), ifAbsent)),
      auditPut({ entityType: 'pairingEvaluation', entityId: record.id, division: record.village, action: 'pairingEvaluation.start', actor, after: auditFields(record) }),
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('evaluation')) return false;
    throw err;
  }
}

export async function getEvaluation(id: string, consistent = true): Promise<EvaluationRecord | undefined> {
  return evaluations.get({ id }, { consistent });
}

export async function requireEvaluation(id: string): Promise<EvaluationRecord> {
  const found = await getEvaluation(id);
  if (!found) throw new NotFoundError(`Evaluation ${id} does not exist`);
  return found;
}

/**
 * The items that move an evaluation by `event` (conditioned on the version read) with its audit
 * record, for the transaction that also answers the step's decision. 409 when the event does not
 * apply to the evaluation's status.
 */
export function evaluationChange(
  before: EvaluationRecord,
  event: EvaluationEvent,
  changes: Partial<EvaluationRecord>,
  actor: Actor,
  now = new Date(),
): { next: EvaluationRecord; items: TransactItem[] } {
  const status = nextEvaluationStatus(before.status, event);
  if (!status) throw new ConflictError(`Evaluation ${before.id} is ${before.status}: ${event} does not apply`);
  const next: EvaluationRecord = { ...before, ...changes, status, version: before.version + 1, updatedAt: now.toISOString() };
  return {
    next,
    items: [
      named('evaluation', putItem(evaluations.item(next), ifVersion(before.version))),
      auditPut({ entityType: 'pairingEvaluation', entityId: before.id, division: before.village, action: `pairingEvaluation.${event}`, actor, before: { status: before.status, round: before.round }, after: auditFields(next), at: now }),
    ],
  };
}

export interface EvaluationFilter {
  readonly termId?: string | undefined;
  readonly villagePrefix?: string | undefined;
  readonly status?: EvaluationRecord['status'] | undefined;
}

export async function listCountyEvaluations(county: string, filter: EvaluationFilter, page: PageRequest): Promise<Page<EvaluationRecord>> {
  return evaluations.query.byCounty.page(county, page, { sortPrefix: filter.villagePrefix, filter: whereAll({ termId: filter.termId, status: filter.status }) });
}

export async function listUnitEvaluations(unitId: string, filter: EvaluationFilter, page: PageRequest): Promise<Page<EvaluationRecord>> {
  return evaluations.query.byUnit.page(unitId, page, { sortPrefix: filter.villagePrefix, filter: whereAll({ termId: filter.termId, status: filter.status }) });
}

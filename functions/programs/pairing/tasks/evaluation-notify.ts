import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { outboxItems } from '../../../platform/store/outbox.ts';
import { TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';
import { evaluationIdSchema, getEvaluation } from '../store/evaluation.ts';

export const evaluationNotifyInputSchema = z.object({ evaluationId: evaluationIdSchema });

/**
 * The last step: the county's grade to the unit user who assessed and the village's township (outbox).
 * Safe to repeat: the outbox records are keyed by the evaluation.
 */
async function run({ evaluationId }: z.infer<typeof evaluationNotifyInputSchema>): Promise<{ status: string }> {
  const evaluation = await getEvaluation(evaluationId);
  if (!evaluation?.county) throw new Error(`Evaluation ${evaluationId} has no county evaluation`);
  const { score, grade } = evaluation.county;
  const subject = `结对帮扶期末考核结果：${evaluation.village}，${grade}（${score}分）`;
  const message = { topic: 'pairing.evaluation', key: evaluation.id, division: evaluation.village, subject, text: `${subject}。`, link: `/pairing/evaluations/${evaluation.id}`, body: { evaluationId, score, grade } };
  try {
    // The unit user who assessed, and the village's township (there is no recipient for a whole unit).
    const assessor = evaluation.selfAssessments.at(-1)?.by;
    const recipients = [...(assessor ? [`user:${assessor}`] : []), `role:township@${evaluation.village.slice(0, 9)}`];
    await writeTransaction(recipients.flatMap((recipient) => outboxItems({ ...message, recipient }, workflowActor)));
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
  }
  return { status: evaluation.status };
}

export const evaluationNotifyTask = defineTask({ id: 'pairing-evaluation-notify', file: import.meta.url, input: evaluationNotifyInputSchema, tableAccess: 'readWrite', run });
export const handler = evaluationNotifyTask.handler;

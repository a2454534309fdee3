import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { applicationChange, getApplication } from '../store/application.ts';
import { settleItems } from '../store/program.ts';
import { ledgerEntryPut, paymentInstructionPut } from '../../../platform/store/ledger.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';

export const disburseInputSchema = z.object({ applicationId: applicationIdSchema });

/**
 * Step 6: one transaction with the ledger entry, the payment instruction, the status change
 * (reserved → paid), the budget move (reserved → paid) and the audit record. The ledger and the
 * instruction are keyed by the application id, so a repeated step cannot pay twice: a repeat finds
 * the application paid, or has its whole transaction cancelled by the existing entry.
 */
async function run({ applicationId }: z.infer<typeof disburseInputSchema>): Promise<{ paid: boolean; amountFen: number }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const amountFen = app.amountFen ?? 0;
  if (app.status === 'paid') return { paid: true, amountFen };
  const entry = { program: 'reward' as const, programId: app.programId, sourceId: app.id, division: app.village, amountFen, purpose: `以奖代补 ${app.year} ${app.entityName}` };
  const { items } = applicationChange(app, 'disbursed', {}, workflowActor, 'reward-application.paid');
  try {
    await writeTransaction([...items, ledgerEntryPut(entry), paymentInstructionPut({ ...entry, payeeName: app.entityName }), ...settleItems({ programId: app.programId, jurisdiction: app.jurisdiction, applicationId: app.id }, amountFen, workflowActor)]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    const now = await getApplication(applicationId);
    if (now?.status === 'paid') return { paid: true, amountFen };
    throw err;
  }
  maybeFail('reward-disburse', faultRandom('reward-disburse', applicationId));
  return { paid: true, amountFen };
}

export const disburseTask = defineTask({ id: 'reward-disburse', file: import.meta.url, input: disburseInputSchema, tableAccess: 'readWrite', run });
export const handler = disburseTask.handler;

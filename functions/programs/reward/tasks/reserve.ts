import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { applicationChange, changeApplication, getApplication } from '../store/application.ts';
import { reserveItems } from '../store/program.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';

export const reserveInputSchema = z.object({ applicationId: applicationIdSchema });

/**
 * Step 5: hold the award against the program budget, atomically with the status change and the
 * budget's audit record (the budget condition `availableFen >= amount` is what keeps reserved + paid
 * within the appropriation).
 * Not enough budget: the application becomes (or stays) unfunded. Safe to repeat: an application
 * already reserved or paid reports `reserved` without holding the money again.
 */
async function run({ applicationId }: z.infer<typeof reserveInputSchema>): Promise<{ reserved: boolean }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  if (app.status === 'reserved' || app.status === 'paying' || app.status === 'paid') return { reserved: true };
  const amount = app.amountFen;
  if (amount === undefined) throw new Error(`Application ${applicationId} has no amount`);
  const { items } = applicationChange(app, 'reserved', {}, workflowActor, 'reward-application.reserved');
  try {
    await writeTransaction([...items, ...reserveItems({ programId: app.programId, jurisdiction: app.jurisdiction, applicationId: app.id }, amount, workflowActor)]);
    maybeFail('reward-reserve', faultRandom('reward-reserve', applicationId));
    return { reserved: true };
  } catch (err) {
    // Not enough budget available. A changed application is retried by the state machine instead.
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('budget') && !err.failed.includes('application'))) throw err;
  }
  const unfundedCount = app.unfundedCount + 1;
  await changeApplication(app, app.status === 'unfunded' ? undefined : 'budget-insufficient', { unfundedCount }, workflowActor, 'reward-application.unfunded');
  maybeFail('reward-reserve', faultRandom('reward-reserve', applicationId));
  return { reserved: false };
}

export const reserveTask = defineTask({ id: 'reward-reserve', file: import.meta.url, input: reserveInputSchema, tableAccess: 'readWrite', run });
export const handler = reserveTask.handler;

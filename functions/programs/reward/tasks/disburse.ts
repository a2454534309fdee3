import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { applicationChange, applicationKey, getApplication } from '../store/application.ts';
import { settleItems } from '../store/program.ts';
import { ledgerEntries, ledgerEntryPut } from '../../../platform/store/ledger.ts';
import { payoutCreateItems, preparePayouts } from '../../../platform/payments/store/payout.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';

export const disburseInputSchema = z.object({ applicationId: applicationIdSchema });

/**
 * Step 6: one transaction with the ledger entry, the payout (with its payment instruction, to the
 * village collective's account valid on the day of finance's approval), the status change
 * (reserved → paying), the budget move (reserved → paid) and the audit records. The application is
 * paid when the bank's results settle the payout (payments module: paying → paid). The ledger and
 * the payout are keyed by the application id, so a repeated step cannot pay twice: a repeat finds
 * the application paying, or has its whole transaction cancelled by the existing entry.
 */
async function run({ applicationId }: z.infer<typeof disburseInputSchema>): Promise<{ paid: boolean; amountFen: number }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const amountFen = app.amountFen ?? 0;
  if (app.status === 'paying' || app.status === 'paid') return { paid: true, amountFen };
  const entry = { program: 'reward' as const, programId: app.programId, sourceId: app.id, division: app.village, amountFen, purpose: `以奖代补 ${app.year} ${app.entityName}` };
  const approval = app.decisions.findLast((d) => d.step === 'finance-approval');
  const [payout] = await preparePayouts([
    {
      ...entry,
      payeeId: app.village,
      subject: { type: 'reward-application', id: app.id, path: `/reward/applications/${app.id}` },
      settle: { ...applicationKey(app.id), statusFrom: 'paying', statusTo: 'paid' },
      ledgerKey: ledgerEntries.keyOf(entry),
      approvedAt: approval ? new Date(approval.at) : new Date(),
    },
  ]);
  if (!payout) throw new Error('no payout prepared');
  const { items } = applicationChange(app, 'disbursed', {}, workflowActor, 'reward-application.paying');
  try {
    await writeTransaction([...items, ledgerEntryPut(entry), ...payoutCreateItems(payout, workflowActor), ...settleItems({ programId: app.programId, jurisdiction: app.jurisdiction, applicationId: app.id }, amountFen, workflowActor)]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    const now = await getApplication(applicationId);
    if (now?.status === 'paying' || now?.status === 'paid') return { paid: true, amountFen };
    throw err;
  }
  maybeFail('reward-disburse', faultRandom('reward-disburse', applicationId));
  return { paid: true, amountFen };
}

export const disburseTask = defineTask({ id: 'reward-disburse', file: import.meta.url, input: disburseInputSchema, tableAccess: 'readWrite', run });
export const handler = disburseTask.handler;

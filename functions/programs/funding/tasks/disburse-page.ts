import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { fundingRunIdSchema } from '../domain/run.ts';
import { sumFen } from '../../../platform/money.ts';
import { ledgerEntries, ledgerEntryItem } from '../../../platform/store/ledger.ts';
import { issuePayouts } from '../../../platform/payments/store/payout.ts';
import { batchPut } from '../../../platform/store/batch.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { allocationsBetween, getPaidPage, getSnapshotPage, mustGetRun, recordPaidPage, runWorkflowActor } from '../store/run.ts';

export const disbursePageInputSchema = z.object({ runId: fundingRunIdSchema, page: z.number().int().min(0) });

export interface DisbursePageOutput {
  readonly page: number;
  readonly villages: number;
}

/** Thrown when a page is disbursed for a run that was not approved: never pay what finance did not approve. */
export class FundingRunNotApproved extends Error {
  override readonly name = 'FundingRunNotApproved';
}

/**
 * Pay one page: one ledger entry and one payout (with its payment instruction) per village with a
 * positive top-up that finance did not exclude, keyed `<runId>#<code>` (a repeat puts the identical
 * entry again, never a second one, and finds the payout already there), then the
 * page's marker and the run's progress counters in one transaction, exactly once.
 */
async function run({ runId, page }: z.infer<typeof disbursePageInputSchema>): Promise<DisbursePageOutput> {
  const [done, run, snapshot] = await Promise.all([getPaidPage(runId, page), mustGetRun(runId), getSnapshotPage(runId, page)]);
  if (done) return { page, villages: done.villages };
  if (run.status !== 'disbursing' || run.decision?.outcome !== 'approved') throw new FundingRunNotApproved(`run ${runId} is ${run.status}`);
  const first = snapshot[0]?.code;
  const last = snapshot[snapshot.length - 1]?.code;
  const allocations = first && last ? await allocationsBetween(runId, first, last) : [];
  const at = new Date(run.decision.at);
  const payable = allocations.filter((a) => !a.excluded && a.topUpFen > 0);
  const purpose = `村级组织运转经费 ${run.year} 增量补助`;
  const entries = payable.map((a) => ({ program: 'funding', programId: runId, sourceId: `${runId}#${a.code}`, division: a.code, amountFen: a.topUpFen, purpose, at }));
  await batchPut(entries.map(ledgerEntryItem));
  // One payout per village, each created once (a repeat of the page leaves existing ones as they
  // are). The allocation shows its payout's status by reading it (GET …/allocations), so settling a
  // run's thousands of payouts writes nothing back here.
  await issuePayouts(
    payable.map((a, i) => ({
      program: 'funding',
      programId: runId,
      sourceId: a.code,
      payeeId: a.code,
      division: a.code,
      amountFen: a.topUpFen,
      purpose,
      subject: { type: 'funding-allocation', id: `${runId}#${a.code}`, path: `/funding/runs/${runId}/allocations?code=${a.code}` },
      ledgerKey: ledgerEntries.keyOf(entries[i]!),
      approvedAt: at,
    })),
    runWorkflowActor,
  );
  maybeFail('funding-disburse-page', faultRandom('funding-disburse-page', `${runId}#${page}`));
  const counts = await recordPaidPage(runId, page, { villages: payable.length, amountFen: sumFen(payable.map((a) => a.topUpFen)), skipped: allocations.length - payable.length });
  return { page, villages: counts.villages };
}

export const disbursePageTask = defineTask({ id: 'funding-run-disburse-page', file: import.meta.url, input: disbursePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = disbursePageTask.handler;

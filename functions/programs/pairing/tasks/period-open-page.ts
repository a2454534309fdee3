import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { termIdSchema } from '../domain/pairing.ts';
import { periodIdSchema } from '../domain/period.ts';
import { openPeriodForPairings } from '../report-use-cases.ts';
import { getPeriodPage } from '../store/period-page.ts';
import { pairings } from '../store/pairing.ts';
import { requireTerm } from '../store/term.ts';

export const periodOpenPageInputSchema = z.object({ termId: termIdSchema, periodId: periodIdSchema, page: z.number().int().min(0), openedAt: z.iso.datetime() });

/**
 * Make the expected reports of one page of pairings: each only if absent, with its counters in the
 * same transaction, so a page run twice (a retry, a host killed mid-page) makes each report once.
 */
async function run({ termId, periodId, page, openedAt }: z.infer<typeof periodOpenPageInputSchema>) {
  const [term, ids] = await Promise.all([requireTerm(termId), getPeriodPage(termId, periodId, page)]);
  const found = await pairings.getMany(ids.map((id) => ({ id })));
  const created = await openPeriodForPairings(term, periodId, found, workflowActor, new Date(openedAt));
  // Tiny on purpose: a Map state's result is the list of its iterations' outputs.
  return { page, created };
}

export const periodOpenPageTask = defineTask({ id: 'pairing-period-open-page', file: import.meta.url, input: periodOpenPageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 300, run });
export const handler = periodOpenPageTask.handler;

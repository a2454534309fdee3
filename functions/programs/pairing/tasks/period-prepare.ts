import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { termIdSchema } from '../domain/pairing.ts';
import { periodIdSchema } from '../domain/period.ts';
import { pairingPage, recordPeriodOpen } from '../report-use-cases.ts';
import { putPeriodPages } from '../store/period-page.ts';
import { requireTerm } from '../store/term.ts';
import { periodSubjectId } from '../reporting.ts';

export const periodPrepareInputSchema = z.object({ termId: termIdSchema, periodId: periodIdSchema, openedAt: z.iso.datetime() });

/** Pairings per page of the Map state. */
export const pairingsPerPage = 250;

/**
 * Record the period as open and snapshot the term's pairings into pages. Run again (a retry, a
 * restart), it finds the period open and writes the same pages.
 */
async function run({ termId, periodId, openedAt }: z.infer<typeof periodPrepareInputSchema>, context: { executionArn?: string | undefined }) {
  const term = await requireTerm(termId);
  const executionName = context.executionArn?.slice(context.executionArn.lastIndexOf(':') + 1);
  const period = await recordPeriodOpen(term, periodId, workflowActor, new Date(openedAt), executionName);
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await pairingPage(term, cursor, pairingsPerPage);
    if (page.pairings.length > 0) pages.push(page.pairings.map((p) => p.id));
    cursor = page.next;
  } while (cursor !== undefined);
  await putPeriodPages(termId, periodId, pages);
  return { pages: pages.map((_, n) => n), pairings: pages.reduce((n, p) => n + p.length, 0), due: period.due, subjectId: periodSubjectId(termId, periodId) };
}

export const periodPrepareTask = defineTask({ id: 'pairing-period-prepare', file: import.meta.url, input: periodPrepareInputSchema, tableAccess: 'readWrite', timeoutSeconds: 300, run });
export const handler = periodPrepareTask.handler;

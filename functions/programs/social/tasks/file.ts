import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { beijingDate } from '../../../platform/calendar.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';
import { filingNumber, organisationIdSchema } from '../domain/organisation.ts';
import { organisationChange, requireOrganisation } from '../store/organisation.ts';
import { lastFilingSequence, takeFilingNumbers } from '../store/filing-counter.ts';

export const fileInputSchema = z.object({ organisationId: organisationIdSchema });

/** Attempts against other filings of the same township before the step fails (and is retried by the state machine). */
const attempts = 40;

/**
 * After the township's approval: file the organisation with the next filing number of its
 * township. The number, the status move, the audit record and the coverage counter are one
 * transaction conditioned on the counter as read, so concurrent filings of a township each get
 * their own number; a filing that lost the race reads again. Safe to repeat: an organisation
 * already filed answers with its number.
 */
async function run({ organisationId }: z.infer<typeof fileInputSchema>): Promise<{ filingNumber: string }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const org = await requireOrganisation(organisationId);
    if (org.filingNumber !== undefined) return { filingNumber: org.filingNumber };
    const last = await lastFilingSequence(org.township);
    const now = new Date();
    const number = filingNumber(org.township, Number(beijingDate(now).slice(0, 4)), last + 1);
    const change = organisationChange(org, 'approve', { filingNumber: number, filedAt: now.toISOString(), statusReason: undefined, statusDate: undefined }, workflowActor, 'social-organisation.filed', now);
    try {
      await writeTransaction([takeFilingNumbers(org.township, last, 1), ...change.items]);
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed || err instanceof ConflictError)) throw err;
      // Another filing of the township took the number (or touched the organisation): read again, after a short random pause.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * (attempt + 1))));
      continue;
    }
    maybeFail('social-file', faultRandom('social-file', organisationId));
    return { filingNumber: number };
  }
  throw new ConflictError(`Organisation ${organisationId}: the filing counter of its township stayed busy`);
}

export const fileTask = defineTask({ id: 'social-file', file: import.meta.url, input: fileInputSchema, tableAccess: 'readWrite', run });
export const handler = fileTask.handler;

import * as z from 'zod';
import { randomUUID } from 'node:crypto';
import { defineTask } from '../../../shared/task.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { beijingDate } from '../../../platform/calendar.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { filingNumber, organisationIdSchema } from '../domain/organisation.ts';
import { emptyCoverage, mergeCoverage, type Coverage } from '../domain/coverage.ts';
import { awaitingNumber, organisationChange, organisations, requireOrganisation, type OrganisationRecord } from '../store/organisation.ts';
import { acquireFilingLease, lastFilingSequence, releaseFilingLease, takeFilingNumbers } from '../store/filing-counter.ts';
import { coverageUpdates } from '../store/coverage.ts';

export const fileInputSchema = z.object({ organisationId: organisationIdSchema });

/** Organisations numbered in one transaction: 2 items each, one counter, one coverage update per village and per roll-up shard (60 + 1 + 30 + 8 ≤ 100 items). */
const perTransaction = 30;
/** How long a step waits for its organisation to be numbered by another before it fails (and the state machine retries it). */
const patienceMs = 20_000;
const leaseMs = 10_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Number a batch: the township's approved organisations (the sparse approved index, up to 30,
 * `first` first), each with the next filing number, in one transaction conditioned on the
 * counter as read, with the status moves, their audit records and the coverage counters.
 * Returns false when another filing moved first.
 */
async function numberBatch(first: OrganisationRecord): Promise<boolean> {
  const [last, queued] = await Promise.all([lastFilingSequence(first.township), awaitingNumber(first.township, perTransaction)]);
  // The index lags: read each again, keep those still approved.
  const others = queued.filter((o) => o.id !== first.id);
  const fresh = others.length > 0 ? await organisations.getMany(others.map((o) => ({ id: o.id }))) : [];
  const batch: OrganisationRecord[] = [first, ...fresh.filter((o) => o.status === 'approved')].slice(0, perTransaction);
  const now = new Date();
  const year = Number(beijingDate(now).slice(0, 4));
  const items: TransactItem[] = [takeFilingNumbers(first.township, last, batch.length)];
  const byVillage = new Map<string, Coverage>();
  batch.forEach((o, i) => {
    const change = organisationChange(o, 'file', { filingNumber: filingNumber(o.township, year, last + 1 + i), filedAt: now.toISOString() }, workflowActor, 'social-organisation.filed', now, { coverage: 'delta' });
    items.push(...change.items);
    if (change.delta) byVillage.set(o.village, mergeCoverage(byVillage.get(o.village) ?? emptyCoverage, change.delta));
  });
  items.push(...coverageUpdates(byVillage));
  try {
    await writeTransaction(items);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed || err instanceof ConflictError) return false;
    throw err;
  }
}

/** While holding the lease: number the rest of the township's queue too (a few batches at most), so the waiting steps find theirs done. */
async function drain(township: string): Promise<void> {
  for (let n = 0; n < 10; n++) {
    const [next] = await awaitingNumber(township, 1);
    const fresh = next ? await requireOrganisation(next.id) : undefined;
    if (!fresh) return;
    if (fresh.status === 'approved') await numberBatch(fresh);
  }
}

/**
 * After the township's approval: give the organisation the next filing number of its township.
 * The township's counter is one item, so concurrent filings would queue on it one commit each and
 * retry each other's conflicts; instead the step that holds the township's short filing lease
 * numbers every approved organisation it finds in batches, and the others wait for theirs to be
 * numbered (or for the lease to come free). Safe to repeat: an organisation already filed answers
 * with its number.
 */
async function run({ organisationId }: z.infer<typeof fileInputSchema>): Promise<{ filingNumber: string }> {
  const holder = randomUUID();
  const started = Date.now();
  for (let attempt = 0; Date.now() - started < patienceMs; attempt++) {
    const org = await requireOrganisation(organisationId);
    if (org.filingNumber !== undefined) {
      maybeFail('social-file', faultRandom('social-file', organisationId));
      return { filingNumber: org.filingNumber };
    }
    if (org.status !== 'approved') throw new ConflictError(`Organisation ${organisationId} is ${org.status}, not approved`);
    if (await acquireFilingLease(org.township, holder, leaseMs)) {
      try {
        await numberBatch(org);
        await drain(org.township);
      } finally {
        await releaseFilingLease(org.township, holder);
      }
      continue;
    }
    await pause(250 + Math.floor(Math.random() * 500));
  }
  throw new ConflictError(`Organisation ${organisationId}: its township's filing stayed busy`);
}

export const fileTask = defineTask({ id: 'social-file', file: import.meta.url, input: fileInputSchema, tableAccess: 'readWrite', timeoutSeconds: 60, run });
export const handler = fileTask.handler;

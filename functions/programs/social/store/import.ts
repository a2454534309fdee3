import { randomUUID } from 'node:crypto';
import { beijingDate } from '../../../platform/calendar.ts';
import type { Actor } from '../../../platform/principal.ts';
import { TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { coverageDelta, emptyCoverage, mergeCoverage, type Coverage } from '../domain/coverage.ts';
import { categoryKeys, filingNumber, type OrganisationInput } from '../domain/organisation.ts';
import { coverageUpdates } from './coverage.ts';
import { lastFilingSequence, takeFilingNumbers } from './filing-counter.ts';
import { newOrganisation, organisationCreateItems, type OrganisationRecord } from './organisation.ts';

/** Organisations per transaction: 2 items each, the counter, one coverage update per village and per roll-up shard (60 + 1 + 30 + 8 ≤ 100). */
const perTransaction = 30;

/**
 * Write checked imported organisations (every row was checked beforehand), each with the next
 * filing number of its township, a township's rows in chunks of 30: a chunk's numbers, items,
 * audit records and coverage counters are one transaction conditioned on the township's counter
 * as read (read again and retried when a filing moved it meanwhile).
 */
export async function writeImportedOrganisations(
  rows: readonly { organisation: OrganisationInput; status: 'filed' | 'active'; id?: string }[],
  actor: Actor,
  now = new Date(),
): Promise<OrganisationRecord[]> {
  const year = Number(beijingDate(now).slice(0, 4));
  const byTownship = new Map<string, typeof rows[number][]>();
  for (const r of rows) byTownship.set(r.organisation.village.slice(0, 9), [...(byTownship.get(r.organisation.village.slice(0, 9)) ?? []), r]);
  const created: OrganisationRecord[] = [];
  for (const [township, list] of byTownship) {
    for (let i = 0; i < list.length; i += perTransaction) {
      const chunk = list.slice(i, i + perTransaction);
      // A fixed id (the demo seed's) makes a repeated chunk fail its ifAbsent instead of writing it twice.
      const ids = chunk.map((r) => r.id ?? `org-${randomUUID()}`);
      for (let attempt = 0; ; attempt++) {
        const last = await lastFilingSequence(township);
        const records = chunk.map((r, k) => newOrganisation(r.organisation, actor, ids[k]!, now, { status: r.status, filingNumber: filingNumber(township, year, last + 1 + k) }));
        const items: TransactItem[] = [takeFilingNumbers(township, last, records.length)];
        const byVillage = new Map<string, Coverage>();
        for (const record of records) {
          items.push(...organisationCreateItems(record, actor, now));
          const delta = coverageDelta(undefined, record.status, categoryKeys[record.category], year);
          if (delta) byVillage.set(record.village, mergeCoverage(byVillage.get(record.village) ?? emptyCoverage, delta));
        }
        items.push(...coverageUpdates(byVillage));
        try {
          await writeTransaction(items);
          created.push(...records);
          break;
        } catch (err) {
          if (!(err instanceof TransactionConditionFailed || err instanceof ConflictError) || attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 200)));
        }
      }
    }
  }
  return created;
}

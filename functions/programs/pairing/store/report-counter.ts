import * as z from 'zod';
import { defineEntity } from '../../../platform/store/entity.ts';
import { updateItem, type TransactItem } from '../../../platform/store/transact.ts';
import { counterFields, countersSchema, isZero, mergeCounters, zeroCounters, type Counters } from '../domain/report.ts';

/**
 * The counters the report views read (completeness, timeliness, funds, outcomes, cadres): one item
 * per term × period in total, per term × period × township, per term × period × unit, and one per
 * term over all its periods. Every report write adds its change to its four counters with ADD in
 * the same transaction (store/report.ts), so a view is a Query of one partition, never a scan of the
 * reports, and the counters always equal a recount.
 *
 * Keys: pk `PAIRCOUNT#<termId>`, sk `<periodId>#total#-`, `<periodId>#township#<code>`,
 * `<periodId>#unit#<unitId>`, or `term#-#-` for the term's whole run; gsi1 `PAIRCOUNTP#<termId>` /
 * `<periodId>` for the period totals only (the by-period view).
 */
export const counterScopes = ['total', 'township', 'unit', 'term'] as const;
export type CounterScope = (typeof counterScopes)[number];

export const counterRecordSchema = z.preprocess(
  // A counter is made by its first ADD: fields no change has touched yet read as 0.
  (item) => (typeof item === 'object' && item !== null ? { ...zeroCounters, ...item } : item),
  countersSchema.extend({ termId: z.string(), periodId: z.string(), scope: z.enum(counterScopes), key: z.string() }),
);
export type CounterRecord = z.infer<typeof counterRecordSchema>;

export interface CounterKey {
  readonly termId: string;
  readonly periodId: string;
  readonly scope: CounterScope;
  readonly key: string;
}

const partition = (termId: string) => `PAIRCOUNT#${termId}`;
const sortOf = (k: { periodId: string; scope: CounterScope; key: string }) => (k.scope === 'term' ? 'term#-#-' : `${k.periodId}#${k.scope}#${k.key}`);

export const reportCounters = defineEntity({
  type: 'pairingReportCounter',
  schema: counterRecordSchema,
  key: (k: CounterKey) => ({ pk: partition(k.termId), sk: sortOf(k) }),
  indexes: (pattern) => ({
    /** One term's counters: a period's townships (`<periodId>#township#`) or units (`<periodId>#unit#`). */
    ofTerm: pattern({ index: 'table', partition }),
    /** The period totals of a term, in period id order. */
    periodTotals: pattern({
      index: 'gsi1',
      partition: (termId: string) => `PAIRCOUNTP#${termId}`,
      place: (c) => (c.scope === 'total' ? { partition: c.termId, sort: c.periodId } : undefined),
    }),
  }),
});

/** The four counters a report of `pairing` in `period` is counted in. */
export function countersOfReport(r: { termId: string; periodId: string; village: string; unitId: string }): CounterKey[] {
  return [
    { termId: r.termId, periodId: r.periodId, scope: 'total', key: '-' },
    { termId: r.termId, periodId: r.periodId, scope: 'township', key: r.village.slice(0, 9) },
    { termId: r.termId, periodId: r.periodId, scope: 'unit', key: r.unitId },
    { termId: r.termId, periodId: '-', scope: 'term', key: '-' },
  ];
}

/** Deltas of several reports gathered per counter, so a transaction updates each counter once. */
export class CounterDeltas {
  private readonly byKey = new Map<string, { key: CounterKey; delta: Counters }>();

  add(keys: readonly CounterKey[], delta: Counters): void {
    if (isZero(delta)) return;
    for (const key of keys) {
      const id = `${key.termId}|${sortOf(key)}`;
      const found = this.byKey.get(id);
      this.byKey.set(id, { key, delta: found ? mergeCounters(found.delta, delta) : delta });
    }
  }

  /** One UpdateItem per counter: ADD each changed field, and name the counter on its first write. */
  items(): TransactItem[] {
    return [...this.byKey.values()].filter(({ delta }) => !isZero(delta)).map(({ key, delta }) => counterUpdate(key, delta));
  }

  get size(): number {
    return this.byKey.size;
  }
}

function counterUpdate(key: CounterKey, delta: Counters): TransactItem {
  const names: Record<string, string> = { '#type': 'type', '#termId': 'termId', '#periodId': 'periodId', '#scope': 'scope', '#key': 'key' };
  const values: Record<string, unknown> = { ':type': reportCounters.type, ':termId': key.termId, ':periodId': key.periodId, ':scope': key.scope, ':key': key.key };
  const sets = ['#type = :type', '#termId = :termId', '#periodId = :periodId', '#scope = :scope', '#key = :key'];
  const placed = reportCounters.item({ ...zeroCounters, ...key }, key);
  for (const attr of ['gsi1pk', 'gsi1sk'] as const) {
    if (placed[attr] === undefined) continue;
    names[`#${attr}`] = attr;
    values[`:${attr}`] = placed[attr];
    sets.push(`#${attr} = :${attr}`);
  }
  const adds: string[] = [];
  for (const f of counterFields) {
    if (delta[f] === 0) continue;
    names[`#${f}`] = f;
    values[`:${f}`] = delta[f];
    adds.push(`#${f} :${f}`);
  }
  return updateItem(reportCounters.keyOf(key), {
    UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/** A period's rows of one scope (townships or units), by key. */
export async function periodCounters(termId: string, periodId: string, scope: 'township' | 'unit'): Promise<CounterRecord[]> {
  const rows: CounterRecord[] = [];
  for await (const row of reportCounters.query.ofTerm.all(termId, { sort: { beginsWith: `${periodId}#${scope}#` }, consistent: true })) rows.push(row);
  return rows;
}

/** The period totals of a term (the by-period view). */
export async function periodTotals(termId: string): Promise<CounterRecord[]> {
  const rows: CounterRecord[] = [];
  for await (const row of reportCounters.query.periodTotals.all(termId)) rows.push(row);
  return rows;
}

export async function getCounter(key: CounterKey): Promise<CounterRecord | undefined> {
  return reportCounters.get(key, { consistent: true });
}

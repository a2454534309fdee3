import { queryPartition } from '../../../platform/store/pagination.ts';
import { updateItem, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { categoryKeyList, type CategoryKey } from '../domain/organisation.ts';
import { emptyCoverage, mergeCoverage, type Coverage } from '../domain/coverage.ts';

/**
 * Coverage counters: one item per village that has ever had a counted organisation, and township
 * roll-ups, all updated with ADD in the same transaction as the status change that moves the count
 * (organisation store, File step, import). Keys: pk `SOCIAL_COVER#<county>`, sk `V#<village>` for a
 * village and `T#<township>#<shard>` for a roll-up; attributes `c_<category>`, `total`, `in_<year>`,
 * `out_<year>`.
 *
 * Why shards: a single township item would be written by every filing of its 200 villages, and
 * DynamoDB fails a transaction that touches an item another transaction is writing, so filings in
 * different villages would contend again. Each village adds to one of 8 shards of its township,
 * chosen by the village code (the same village always the same shard), so two filings collide on a
 * roll-up only when their villages share a shard; a reader sums the 8 shards with `mergeCoverage`.
 * A county is read as its townships' shards (100 townships: 800 small items, one query), never
 * its 20,000 villages. There is no county item: it would put every filing of the county on 8 items.
 */
const partition = (county: string) => `SOCIAL_COVER#${county}`;
const sortOf = (village: string) => `V#${village}`;
export const rollupShards = 8;
/** The roll-up shard a village adds to: its code's last digits, so fixed per village and spread over a township's villages. */
export const shardOf = (village: string) => Number(village.slice(-3)) % rollupShards;
const rollupSortOf = (village: string) => `T#${village.slice(0, 9)}#${shardOf(village)}`;

/**
 * A roll-up shard's own attributes; gsi1 lists a province's township shards (`SOCIAL_TOWNSHIPS#<province>`),
 * so the daily scheduled start finds every township that has organisations with one query per
 * province, not one per county. Set on every update, so a shard written before the index had it
 * gets it with its next change.
 */
const townshipsPartition = (province: string) => `SOCIAL_TOWNSHIPS#${province}`;
function rollupAttributes(township: string, sk: string): Record<string, string> {
  return { township, type: 'socialCoverageRollup', gsi1pk: townshipsPartition(township.slice(0, 2)), gsi1sk: sk.slice(2) };
}

function counterUpdate(key: { pk: string; sk: string }, delta: Coverage, set: Record<string, string>): TransactItem {
  const names: Record<string, string> = { '#total': 'total' };
  const values: Record<string, unknown> = { ':total': delta.total };
  const sets: string[] = [];
  for (const [name, value] of Object.entries(set)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const adds = ['#total :total'];
  for (const key of categoryKeyList) {
    const n = delta.categories[key];
    if (n === 0) continue;
    names[`#c_${key}`] = `c_${key}`;
    values[`:c_${key}`] = n;
    adds.push(`#c_${key} :c_${key}`);
  }
  for (const [prefix, record] of [['in', delta.entered], ['out', delta.left]] as const) {
    for (const [year, n] of Object.entries(record)) {
      names[`#${prefix}_${year}`] = `${prefix}_${year}`;
      values[`:${prefix}_${year}`] = n;
      adds.push(`#${prefix}_${year} :${prefix}_${year}`);
    }
  }
  return updateItem(key, { UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values });
}

/**
 * The transaction items that add each village's delta to its counter and to its township's roll-up
 * shard: one update per village and one per shard touched (deltas of villages sharing a shard are
 * merged first, since a transaction may touch an item once). At most villages + 8 items.
 */
export function coverageUpdates(byVillage: ReadonlyMap<string, Coverage>): TransactItem[] {
  const shards = new Map<string, { township: string; delta: Coverage; county: string }>();
  const items: TransactItem[] = [];
  for (const [village, delta] of byVillage) {
    items.push(counterUpdate({ pk: partition(village.slice(0, 6)), sk: sortOf(village) }, delta, { village, type: 'socialCoverage' }));
    const sk = rollupSortOf(village);
    const s = shards.get(sk);
    shards.set(sk, { township: village.slice(0, 9), county: village.slice(0, 6), delta: mergeCoverage(s?.delta ?? emptyCoverage, delta) });
  }
  for (const [sk, s] of shards) items.push(counterUpdate({ pk: partition(s.county), sk }, s.delta, rollupAttributes(s.township, sk)));
  return items;
}

/** The items that add `delta` to `village`'s counter and its township roll-up (see {@link coverageUpdates}). */
export function coverageUpdate(village: string, delta: Coverage): TransactItem[] {
  return coverageUpdates(new Map([[village, delta]]));
}

/**
 * The whole counter item that the ADDs of {@link coverageUpdate} leave for `village` once they
 * have added up to `coverage`: for seeding a large county with BatchWriteItem (benchmarks), so that
 * the view reads exactly what the status changes would have written.
 */
export function coverageItem(village: string, coverage: Coverage): Record<string, unknown> {
  return counterItem({ pk: partition(village.slice(0, 6)), sk: sortOf(village), village, type: 'socialCoverage' }, coverage);
}

/**
 * The roll-up shard items the ADDs of {@link coverageUpdates} leave for the villages' counters
 * `byVillage` (for seeding with BatchWriteItem alongside {@link coverageItem}).
 */
export function coverageRollupItems(byVillage: ReadonlyMap<string, Coverage>): Record<string, unknown>[] {
  const shards = new Map<string, { township: string; county: string; coverage: Coverage }>();
  for (const [village, coverage] of byVillage) {
    const sk = rollupSortOf(village);
    shards.set(sk, { township: village.slice(0, 9), county: village.slice(0, 6), coverage: mergeCoverage(shards.get(sk)?.coverage ?? emptyCoverage, coverage) });
  }
  return [...shards].map(([sk, s]) => counterItem({ pk: partition(s.county), sk, ...rollupAttributes(s.township, sk) }, s.coverage));
}

function counterItem(key: Record<string, string>, coverage: Coverage): Record<string, unknown> {
  const item: Record<string, unknown> = { ...key, total: coverage.total };
  for (const key of categoryKeyList) if (coverage.categories[key] !== 0) item[`c_${key}`] = coverage.categories[key];
  for (const [year, n] of Object.entries(coverage.entered)) item[`in_${year}`] = n;
  for (const [year, n] of Object.entries(coverage.left)) item[`out_${year}`] = n;
  return item;
}

/** A stored counter as the domain's Coverage. */
export function coverageOfItem(item: Record<string, unknown>): Coverage {
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const categories = Object.fromEntries(categoryKeyList.map((k) => [k, num(item[`c_${k}`])])) as Record<CategoryKey, number>;
  const entered: Record<string, number> = {};
  const left: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    const m = /^(in|out)_(\d{4})$/.exec(name);
    if (m) (m[1] === 'in' ? entered : left)[m[2]!] = num(value);
  }
  return { ...emptyCoverage, categories, total: num(item.total), entered, left };
}

/** The counters of the villages of a county, township or village that have any, or of a range of village codes (village → coverage). */
export async function villageCoverage(division: string, options: { consistent?: boolean; between?: readonly [string, string] } = {}): Promise<Map<string, Coverage>> {
  const out = new Map<string, Coverage>();
  const sort = options.between ? { between: [sortOf(options.between[0]), sortOf(options.between[1])] as const } : { beginsWith: sortOf(division.length > 6 ? division : '') };
  for await (const item of queryPartition({ partition: partition(division.slice(0, 6)), sort, consistent: options.consistent })) {
    out.set(String(item.village), coverageOfItem(item));
  }
  return out;
}

/**
 * The township roll-ups of a county or of one township (township → coverage): its shards summed,
 * one query of a few hundred small items at most (100 townships × 8 shards).
 */
export async function townshipCoverage(division: string, options: { consistent?: boolean } = {}): Promise<Map<string, Coverage>> {
  const out = new Map<string, Coverage>();
  const prefix = division.length > 6 ? division.slice(0, 9) : '';
  for await (const item of queryPartition({ partition: partition(division.slice(0, 6)), sort: { beginsWith: `T#${prefix}` }, consistent: options.consistent })) {
    const township = String(item.township);
    out.set(township, mergeCoverage(out.get(township) ?? emptyCoverage, coverageOfItem(item)));
  }
  return out;
}

/** Test and bench support: add to one counter and its roll-up directly (seeding a large county without going through organisations). */
export async function putCoverageForSeeding(village: string, delta: Coverage): Promise<void> {
  await writeTransaction(coverageUpdate(village, delta));
}

/**
 * The townships inside `within` (a province, city or county code; a township) that have
 * organisations counted now (filed or active: those that owe annual reports), from the roll-up
 * shards' province index: one query, a township's 8 shards summed.
 */
export async function townshipsWithCounted(within: string): Promise<string[]> {
  const totals = new Map<string, number>();
  const sort = within.length > 2 ? { beginsWith: within.slice(0, 9) } : undefined;
  for await (const item of queryPartition({ index: 'gsi1', partition: townshipsPartition(within.slice(0, 2)), sort, projection: ['township', 'total'] })) {
    const township = String(item.township);
    totals.set(township, (totals.get(township) ?? 0) + (typeof item.total === 'number' ? item.total : 0));
  }
  return [...totals].filter(([, total]) => total > 0).map(([township]) => township).sort();
}

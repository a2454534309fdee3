import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../../shared/clients.ts';
import { queryPartition } from '../../../platform/store/pagination.ts';
import { updateItem, type TransactItem } from '../../../platform/store/transact.ts';
import { categoryKeyList, type CategoryKey } from '../domain/organisation.ts';
import { emptyCoverage, type Coverage } from '../domain/coverage.ts';

/**
 * Coverage counters: one item per village that has ever had a counted organisation, updated with
 * ADD in the same transaction as the status change that moves the count (organisation store).
 * Keys: pk `SOCIAL_COVER#<county>`, sk `V#<village>`; attributes `c_<category>`, `total`,
 * `in_<year>`, `out_<year>`. A township or the county is read as the merge of its villages (one
 * query of one partition), so no transaction ever touches a shared township or county item and
 * filings in different villages never contend.
 */
const partition = (county: string) => `SOCIAL_COVER#${county}`;
const sortOf = (village: string) => `V#${village}`;

/** The transaction item that adds `delta` to `village`'s counter. */
export function coverageUpdate(village: string, delta: Coverage): TransactItem {
  const names: Record<string, string> = { '#total': 'total' };
  const values: Record<string, unknown> = { ':total': delta.total, ':village': village, ':type': 'socialCoverage' };
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
  return updateItem({ pk: partition(village.slice(0, 6)), sk: sortOf(village) }, { UpdateExpression: `SET village = :village, #type = :type ADD ${adds.join(', ')}`, ExpressionAttributeNames: { ...names, '#type': 'type' }, ExpressionAttributeValues: values });
}

/**
 * The whole counter item that the ADDs of {@link coverageUpdate} leave for `village` once they
 * have added up to `coverage`: for seeding a large county with BatchWriteItem (benchmarks), so that
 * the view reads exactly what the status changes would have written.
 */
export function coverageItem(village: string, coverage: Coverage): Record<string, unknown> {
  const item: Record<string, unknown> = { pk: partition(village.slice(0, 6)), sk: sortOf(village), village, type: 'socialCoverage', total: coverage.total };
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

/** The counters of the villages of a county, township or village that have any (village → coverage). */
export async function villageCoverage(division: string, options: { consistent?: boolean } = {}): Promise<Map<string, Coverage>> {
  const out = new Map<string, Coverage>();
  for await (const item of queryPartition({ partition: partition(division.slice(0, 6)), sort: { beginsWith: sortOf(division.length > 6 ? division : '') }, consistent: options.consistent })) {
    out.set(String(item.village), coverageOfItem(item));
  }
  return out;
}

/** Test and bench support: write one counter directly (seeding a large county without going through organisations). */
export async function putCoverageForSeeding(village: string, delta: Coverage): Promise<void> {
  const { Update } = coverageUpdate(village, delta);
  if (!Update) throw new Error('coverageUpdate makes an Update');
  await ddb().send(new UpdateCommand(Update));
}

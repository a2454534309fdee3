import * as z from 'zod';
import { countyOf } from '../../../platform/registries/domain/division.ts';
import { fenSchema } from '../../../platform/money.ts';
import type { Actor } from '../../../platform/principal.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ifAbsent, ifVersion, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { getVillage, villagePartition } from '../../../platform/registries/store/village.ts';

/**
 * Current funding of a village for a budget year (operating funds from all sources), as recorded
 * by the township or imported by CSV.
 *
 * When nothing is recorded for a year, a run uses the village registry's `operatingFundsFen`
 * (the figure the registry keeps for the village's current operating funds): the registry is the
 * only other statement of it, and a township that has nothing new to report should not have to
 * type it again. Views say which source a figure came from.
 *
 * Keys: pk `VILLAGE#<code>`, sk `FUNDING#<year>` (next to the village); gsi1
 * `FUNDINGS#<county>#<year>` / `<code>` lists a county's recorded figures in code order, the same
 * order as the village list, so a run reads both side by side, a page at a time.
 */
export const budgetYearSchema = z.number().int('must be a whole year').min(2000, 'must be 2000 or later').max(2100, 'must be 2100 or earlier');

export const villageFundingSchema = z.object({
  code: z.string(),
  year: budgetYearSchema,
  amountFen: fenSchema.max(10 ** 15, 'is too large'),
  version: z.number().int().min(1),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type VillageFunding = z.infer<typeof villageFundingSchema>;

export type FundingSource = 'recorded' | 'registry';

export interface CurrentFundingView {
  readonly code: string;
  readonly year: number;
  readonly amountFen: number;
  readonly source: FundingSource;
  readonly version?: number;
  readonly updatedAt?: string;
}

const villageFundings = defineEntity({
  type: 'villageFunding',
  schema: villageFundingSchema,
  key: (p: { code: string; year: number }) => ({ pk: villagePartition(p.code), sk: `FUNDING#${p.year}` }),
  indexes: (pattern) => ({
    /** A county's recorded figures of a year, in village code order. */
    byCountyYear: pattern({
      index: 'gsi1',
      partition: (p: { county: string; year: number }) => `FUNDINGS#${p.county}#${p.year}`,
      place: (f) => ({ partition: { county: countyOf(f.code), year: f.year }, sort: f.code }),
    }),
  }),
});


function put(record: VillageFunding, before: VillageFunding | undefined, actor: Actor): TransactItem[] {
  return [
    putItem(villageFundings.item(record), before ? ifVersion(before.version) : ifAbsent),
    auditPut({
      entityType: 'villageFunding',
      entityId: `${record.code}#${record.year}`,
      division: record.code,
      action: before ? 'villageFunding.update' : 'villageFunding.create',
      actor,
      before: before ? { amountFen: before.amountFen } : undefined,
      after: { amountFen: record.amountFen },
    }),
  ];
}

export async function getRecordedFunding(code: string, year: number, consistent = false): Promise<VillageFunding | undefined> {
  return villageFundings.get({ code, year }, { consistent });
}

/** The figure a run would use now: recorded for the year, else the registry's; 404 for an unknown village. */
export async function getCurrentFunding(code: string, year: number): Promise<CurrentFundingView> {
  const recorded = await getRecordedFunding(code, year, true);
  if (recorded) return { code, year, amountFen: recorded.amountFen, source: 'recorded', version: recorded.version, updatedAt: recorded.updatedAt };
  const village = await getVillage(code, true);
  if (!village) throw new NotFoundError(`Village ${code} is not registered`);
  return { code, year, amountFen: village.operatingFundsFen, source: 'registry' };
}

/**
 * Record one village's current funding for a year, with its audit record; unchanged amounts write
 * nothing. 404 for an unregistered village, 409 if `expectedVersion` is stale.
 */
export async function recordFunding(
  input: { code: string; year: number; amountFen: number },
  actor: Actor,
  options: { expectedVersion?: number | undefined; now?: Date } = {},
): Promise<VillageFunding> {
  const [before, village] = await Promise.all([getRecordedFunding(input.code, input.year, true), getVillage(input.code, true)]);
  if (!village) throw new NotFoundError(`Village ${input.code} is not registered`);
  if (options.expectedVersion !== undefined && options.expectedVersion !== (before?.version ?? 0)) {
    throw new ConflictError(`Current funding of ${input.code} for ${input.year} is at version ${before?.version ?? 0}, not ${options.expectedVersion}`);
  }
  if (before && before.amountFen === input.amountFen) return before;
  const record: VillageFunding = {
    ...input,
    version: (before?.version ?? 0) + 1,
    updatedAt: (options.now ?? new Date()).toISOString(),
    updatedBy: actor.sub,
  };
  try {
    await writeTransaction(put(record, before, actor));
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Current funding of ${input.code} for ${input.year} changed concurrently; read it again`);
    throw err;
  }
  return record;
}

/**
 * Record many villages' figures (a CSV), 49 villages a transaction (item + audit each). Every
 * village must be registered (checked before anything is written, field `code` on its row).
 * Repeating the same file changes nothing. Returns counts.
 */
export async function recordFundingBatch(
  year: number,
  rows: readonly { row: number; code: string; amountFen: number }[],
  actor: Actor,
  registered: ReadonlySet<string>,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const missing = rows.filter((r) => !registered.has(r.code));
  if (missing.length > 0) {
    throw new ValidationError(missing.slice(0, 100).map((r) => ({ field: `row ${r.row}: code`, message: `village ${r.code} is not registered`, in: 'body' as const })));
  }
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const at = new Date().toISOString();
  for (let i = 0; i < rows.length; i += 49) {
    const chunk = rows.slice(i, i + 49);
    const befores = await Promise.all(chunk.map((r) => getRecordedFunding(r.code, year, true)));
    const items: TransactItem[] = [];
    chunk.forEach((r, k) => {
      const before = befores[k];
      if (before && before.amountFen === r.amountFen) {
        counts.unchanged++;
        return;
      }
      if (before) counts.updated++;
      else counts.created++;
      items.push(...put({ code: r.code, year, amountFen: r.amountFen, version: (before?.version ?? 0) + 1, updatedAt: at, updatedBy: actor.sub }, before, actor));
    });
    if (items.length === 0) continue;
    try {
      await writeTransaction(items);
    } catch (err) {
      if (err instanceof TransactionConditionFailed) throw new ConflictError('Some current funding figures changed concurrently; send the file again');
      throw err;
    }
  }
  return counts;
}

/**
 * Recorded figures of a county's villages for a year with codes from `first` to `last` (inclusive,
 * code order): the funding half of one snapshot page.
 */
export async function recordedFundingBetween(county: string, year: number, first: string, last: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const figures = villageFundings.query.byCountyYear.select({ county, year }, villageFundingSchema.pick({ code: true, amountFen: true }), { sort: { between: [first, last] } });
  for await (const { code, amountFen } of figures) found.set(code, amountFen);
  return found;
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../functions/shared/clients.ts';
import { categoryKeyList, organisationStatuses } from '../../../functions/programs/social/domain/organisation.ts';
import { coverageDelta, emptyCoverage, mergeCoverage, type Coverage } from '../../../functions/programs/social/domain/coverage.ts';
import { coverageItem, coverageOfItem, coverageRollupItems, putCoverageForSeeding, townshipCoverage, villageCoverage } from '../../../functions/programs/social/store/coverage.ts';

// The bench seeds counters with BatchWriteItem (coverageItem); the status changes write them with
// ADD (coverageUpdate). Both must read back as the same coverage, or the bench measures another thing.
describe('coverage counter item', () => {
  it('the item written whole reads back as what the ADDs of the same deltas leave', async () => {
    const step = fc.record({ status: fc.constantFrom(...organisationStatuses), category: fc.constantFrom(...categoryKeyList), year: fc.integer({ min: 2019, max: 2027 }) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (path) => {
        n++;
        const [added, whole] = [`120225101${String(200 + 2 * n)}`, `120225101${String(201 + 2 * n)}`];
        let before: (typeof path)[number]['status'] | undefined;
        let sum: Coverage = emptyCoverage;
        for (const s of path) {
          const delta = coverageDelta(before, s.status, path[0]!.category, s.year);
          before = s.status;
          if (!delta) continue;
          sum = mergeCoverage(sum, delta);
          await putCoverageForSeeding(added, delta);
        }
        await ddb().send(new PutCommand({ TableName: tableName(), Item: coverageItem(whole, sum) }));
        // The roll-ups: the ADDs' township (120225101) against the whole items' (seeded in 120225102).
        const seededVillage = `120225102${whole.slice(-3)}`;
        for (const item of coverageRollupItems(new Map([[seededVillage, sum]]))) {
          const shard = item.sk;
          const stored = await ddb().send(new GetCommand({ TableName: tableName(), Key: { pk: item.pk, sk: shard }, ConsistentRead: true }));
          // Earlier runs add to the same shard: put the whole shard as the sum of what is there and this village.
          const prior = stored.Item ? coverageOfItem(stored.Item) : emptyCoverage;
          await ddb().send(new PutCommand({ TableName: tableName(), Item: coverageRollupItems(new Map([[seededVillage, mergeCoverage(prior, sum)]]))[0]! }));
        }
        const rolled = await townshipCoverage('120225', { consistent: true });
        expect(rolled.get('120225102') ?? emptyCoverage).toEqual(rolled.get('120225101') ?? emptyCoverage);
        const read = await villageCoverage('120225101', { consistent: true });
        const a = read.get(added);
        const b = read.get(whole)!;
        // A path that never counted leaves no ADD at all: the empty counter.
        expect(b).toEqual(a ?? emptyCoverage);
        expect(b.total).toBe(sum.total);
      }),
      { numRuns: 25 },
    );
  });
});


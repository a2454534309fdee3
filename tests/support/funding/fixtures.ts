import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../../functions/shared/clients.ts';
import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { villageWrite } from '../../../functions/platform/registries/store/village.ts';
import { testVillageCode } from '../registries/village-import-fixtures.ts';

const seeder = { sub: 'test-seeder', roles: ['admin' as const] };

/**
 * `count` villages of the test county (codes from testVillageCode), deterministic by index: a
 * spread of populations (356–2,950) and operating funds around Tianjin's 160,000-yuan average,
 * every fifth village economically weak with lower funds.
 */
export function fundingVillages(count: number, offset = 0): Village[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const weak = i % 5 === 0;
    return {
      code: testVillageCode(i),
      name: `测试${i}村`,
      population: 356 + ((i * 37) % 2600),
      economicallyWeak: weak,
      category: weak ? '强基' : (['示范', '创优'] as const)[i % 2]!,
      operatingFundsFen: weak ? 2_000_000 + (i % 9) * 500_000 : 14_000_000 + (i % 9) * 500_000,
    };
  });
}

/** Register villages directly (49 to a transaction, with their audit records), 4 transactions in flight. */
export async function seedVillages(villages: readonly Village[]): Promise<void> {
  const chunks: Village[][] = [];
  for (let i = 0; i < villages.length; i += 49) chunks.push(villages.slice(i, i + 49));
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < chunks.length; n = next++) {
      await ddb().send(new TransactWriteCommand({ TransactItems: chunks[n]!.flatMap((v) => villageWrite(v, undefined, seeder, 'village.create')) }));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** The demo policy: Tianjin's +40,000 yuan with 50,000 earmarked, Rui'an's floors for weak villages. */
export const tianjinRuianRule = {
  increaseFen: 4_000_000,
  floors: [
    { minPopulation: 0, floorFen: 5_000_000, label: '1500人及以下' },
    { minPopulation: 1501, floorFen: 10_000_000, label: '1500人以上' },
  ],
  floorsApplyTo: 'economically-weak' as const,
  earmarkMinimumFen: 5_000_000,
};

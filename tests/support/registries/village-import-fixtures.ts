import { createDivision, getDivision } from '../../../functions/platform/registries/store/division.ts';

/** Twenty townships of a Jizhou-like county, registered by `seedDivisions`; 800 village codes each. */
export const testTownships: readonly string[] = Array.from({ length: 20 }, (_, i) => `120225${100 + i}`);

const seeder = { sub: 'test-seeder', roles: ['admin' as const], division: '120225' };

/** Register the county and its test townships (once per table). */
export async function seedDivisions(): Promise<void> {
  if (!(await getDivision('120225', true))) await createDivision({ code: '120225', name: '蓟州区' }, seeder);
  for (const [i, code] of testTownships.entries()) {
    if (!(await getDivision(code, true))) await createDivision({ code, name: `测试${i}镇` }, seeder);
  }
}

/** Village code number `i` spread over the test townships (i < 16,000). */
export function testVillageCode(i: number): string {
  const township = testTownships[i % testTownships.length]!;
  return `${township}${200 + Math.floor(i / testTownships.length)}`;
}

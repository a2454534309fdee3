import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { demoTownships, demoVillages } from '../../../local/demo-data.ts';

/**
 * `count` villages not yet registered in the demo district (numbers 300–999 of its townships), for
 * an e2e test that imports them into a host seeded with the demo data.
 */
export function newDemoDistrictVillages(count: number): Village[] {
  const used = new Set(demoVillages.map((v) => v.code));
  const out: Village[] = [];
  for (let n = 300; n <= 999 && out.length < count; n++) {
    for (const t of demoTownships) {
      const code = `${t.code}${n}`;
      if (used.has(code) || out.length >= count) continue;
      out.push({ code, name: `${t.name}第${n}村`, population: 300 + ((n * 7) % 2700), economicallyWeak: n % 9 === 0, category: '创优', operatingFundsFen: (n % 9 === 0 ? 3_000_000 : 15_000_000) + n * 100 });
    }
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyVillages, sameVillageFields, sumTallies, tally } from '../../../functions/platform/registries/domain/village-import.ts';
import { villageCategories, type Village } from '../../../functions/platform/registries/domain/village.ts';

const villageArb: fc.Arbitrary<Village> = fc.record({
  code: fc.integer({ min: 0, max: 999 }).map((n) => `120225104${String(n).padStart(3, '0')}`),
  name: fc.constantFrom('常州村', '郭家沟村', '船舱峪村'),
  population: fc.integer({ min: 0, max: 5000 }),
  economicallyWeak: fc.boolean(),
  category: fc.constantFrom(...villageCategories),
  operatingFundsFen: fc.integer({ min: 0, max: 50_000_000 }),
});

describe('classifyVillages', () => {
  it('creates what is absent, leaves equal villages alone and updates the rest', () => {
    const a: Village = { code: '120225104201', name: '常州村', population: 1860, economicallyWeak: false, category: '示范', operatingFundsFen: 17_800_000 };
    const b: Village = { ...a, code: '120225104202', name: '郭家沟村' };
    const c: Village = { ...a, code: '120225104203', name: '船舱峪村' };
    const stored = new Map([
      [a.code, { ...a, version: 3, updatedAt: 'yesterday' }],
      [b.code, { ...b, population: 1 }],
    ]);
    const changes = classifyVillages([a, b, c], stored);
    expect(changes.map((x) => x.kind)).toEqual(['unchanged', 'update', 'create']);
    expect(tally(changes)).toEqual({ created: 1, updated: 1, unchanged: 1 });
  });

  it('classifying against the result of applying it finds nothing left to do', () => {
    fc.assert(
      fc.property(fc.uniqueArray(villageArb, { selector: (v) => v.code, maxLength: 30 }), fc.array(villageArb, { maxLength: 30 }), (incoming, existing) => {
        const stored = new Map(existing.map((v) => [v.code, v]));
        const first = classifyVillages(incoming, stored);
        for (const change of first) stored.set(change.village.code, change.village);
        const second = classifyVillages(incoming, stored);
        expect(second.every((x) => x.kind === 'unchanged')).toBe(true);
        expect(sumTallies([tally(first)])).toEqual(tally(first));
        const t = tally(first);
        expect(t.created + t.updated + t.unchanged).toBe(incoming.length);
      }),
    );
  });

  it('compares business fields only', () => {
    fc.assert(
      fc.property(villageArb, (v) => {
        expect(sameVillageFields(v, { ...v })).toBe(true);
        expect(sameVillageFields(v, { ...v, population: v.population + 1 })).toBe(false);
        expect(sameVillageFields(v, { ...v, name: `${v.name}北` })).toBe(false);
      }),
    );
  });
});

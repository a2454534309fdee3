import type { Village } from './village.ts';

/**
 * How one imported village relates to what the registry holds: new, changed, or the same.
 * Re-running an import therefore writes nothing for villages it already wrote.
 */
export type VillageChange<Existing extends Village> =
  | { readonly kind: 'create'; readonly village: Village }
  | { readonly kind: 'update'; readonly village: Village; readonly before: Existing }
  | { readonly kind: 'unchanged'; readonly village: Village };

export interface ImportTally {
  created: number;
  updated: number;
  unchanged: number;
}

/** Business fields only: timestamps and versions of the stored record never count as a change. */
export function sameVillageFields(a: Village, b: Village): boolean {
  return (
    a.code === b.code &&
    a.name === b.name &&
    a.population === b.population &&
    a.economicallyWeak === b.economicallyWeak &&
    a.category === b.category &&
    a.operatingFundsFen === b.operatingFundsFen
  );
}

export function classifyVillages<Existing extends Village>(
  incoming: readonly Village[],
  existing: ReadonlyMap<string, Existing>,
): VillageChange<Existing>[] {
  return incoming.map((village) => {
    const before = existing.get(village.code);
    if (!before) return { kind: 'create', village };
    if (sameVillageFields(before, village)) return { kind: 'unchanged', village };
    return { kind: 'update', village, before };
  });
}

export function tally(changes: readonly { kind: 'create' | 'update' | 'unchanged' }[]): ImportTally {
  const t: ImportTally = { created: 0, updated: 0, unchanged: 0 };
  for (const c of changes) {
    if (c.kind === 'create') t.created++;
    else if (c.kind === 'update') t.updated++;
    else t.unchanged++;
  }
  return t;
}

export function sumTallies(parts: readonly ImportTally[]): ImportTally {
  return parts.reduce((a, b) => ({ created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged }), {
    created: 0,
    updated: 0,
    unchanged: 0,
  });
}

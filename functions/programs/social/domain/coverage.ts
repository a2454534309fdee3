import { categoryKeyList, isCounted, type CategoryKey, type OrganisationStatus } from './organisation.ts';

/**
 * Coverage against the 5–8 target (每个行政村 5–8 个社会组织), from counters: per village the counted
 * organisations by category, and per Beijing year how many entered and left the counted statuses
 * (so the count at the end of any year is a running sum). Counters merge by addition, so a township
 * is the merge of its villages and a county of its townships.
 */
export interface Coverage {
  readonly categories: Readonly<Record<CategoryKey, number>>;
  readonly total: number;
  /** Year → organisations that entered a counted status that year. */
  readonly entered: Readonly<Record<string, number>>;
  /** Year → organisations that left a counted status that year. */
  readonly left: Readonly<Record<string, number>>;
}

export const coverageTarget = { minimum: 5, maximum: 8 } as const;

export const emptyCoverage: Coverage = {
  categories: Object.fromEntries(categoryKeyList.map((k) => [k, 0])) as Record<CategoryKey, number>,
  total: 0,
  entered: {},
  left: {},
};

function addRecords(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The sum of two counters: associative, commutative, with {@link emptyCoverage} as identity. */
export function mergeCoverage(a: Coverage, b: Coverage): Coverage {
  return {
    categories: addRecords(a.categories, b.categories) as Record<CategoryKey, number>,
    total: a.total + b.total,
    entered: addRecords(a.entered, b.entered),
    left: addRecords(a.left, b.left),
  };
}

/** What one status change does to its village's counter (none when countedness does not change). */
export function coverageDelta(before: OrganisationStatus | undefined, after: OrganisationStatus, category: CategoryKey, year: number): Coverage | undefined {
  const was = before !== undefined && isCounted(before);
  const is = isCounted(after);
  if (was === is) return undefined;
  const d = is ? 1 : -1;
  return {
    categories: { ...emptyCoverage.categories, [category]: d },
    total: d,
    entered: is ? { [year]: 1 } : {},
    left: is ? {} : { [year]: 1 },
  };
}

/** Counted organisations at the end of each year from `first` to `last` (the trend). */
export function trendByYear(coverage: Coverage, first: number, last: number): { year: number; organisations: number }[] {
  const out: { year: number; organisations: number }[] = [];
  let running = 0;
  for (const [y, n] of Object.entries(coverage.entered)) if (Number(y) < first) running += n;
  for (const [y, n] of Object.entries(coverage.left)) if (Number(y) < first) running -= n;
  for (let year = first; year <= last; year++) {
    running += (coverage.entered[String(year)] ?? 0) - (coverage.left[String(year)] ?? 0);
    out.push({ year, organisations: running });
  }
  return out;
}

/** The categories a village has no counted organisation in. */
export function missingCategories(coverage: Coverage): CategoryKey[] {
  return categoryKeyList.filter((k) => coverage.categories[k] === 0);
}

/**
 * Organisations per 1,000 residents, in hundredths, rounded half up (integers only: 3 organisations
 * in a village of 1,200 are 2.50 per 1,000, given as 250). Undefined for a village of no residents.
 */
export function per1000Hundredths(organisations: number, population: number): number | undefined {
  if (population <= 0) return undefined;
  // organisations × 1000 × 100 / population, half up: floor((2·n·100000 + p) / (2p)).
  return Math.floor((2 * organisations * 100_000 + population) / (2 * population));
}

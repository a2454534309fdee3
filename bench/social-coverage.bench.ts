import { startBenchHost } from './support.ts';

/**
 * Social organisation coverage at the issue's scale: one county of 20,000 villages (100 townships of
 * 200) and 120,000 organisations (BENCH_SOCIAL_VILLAGES to change the villages; six organisations a
 * village on average, from 2 to 10, so with the suspended ones about four villages in ten are below the target of 5; one organisation in ten
 * suspended, which is not counted). Seeded with BatchWriteItem straight into DynamoDB Local: the
 * villages as the registry stores them, the organisations as their store stores them, and each
 * village's coverage counter and the township roll-up shards as the items the status changes' ADDs
 * leave (`coverageItem`, `coverageRollupItems`, from the domain's `coverageDelta`), so the view reads what the real write path writes.
 *
 * Measured over HTTP (GET /social/coverage, p50 / p99, one request at a time): the county answer
 * (from the township roll-ups), the county's first page of villages, a township's grid and one
 * village; against a baseline in the same run that answers the same question by querying the
 * organisations themselves (the county's or the township's, by the organisations' index) and
 * recounting, in process. No thresholds: figures and ratios.
 */
const villageCount = Number(process.env.BENCH_SOCIAL_VILLAGES ?? 20_000);
const villagesPerTownship = 200;
const county = '130999';
const perVillage = [2, 3, 4, 5, 6, 7, 8, 9, 10, 6];

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-social' });
  const { api } = host;
  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const { villages } = await import('../functions/platform/registries/store/village.ts');
  const { batchPut } = await import('../functions/platform/store/batch.ts');
  const { socialCategories, categoryKeys } = await import('../functions/programs/social/domain/organisation.ts');
  const { coverageDelta, coverageTarget, emptyCoverage, mergeCoverage } = await import('../functions/programs/social/domain/coverage.ts');
  const { coverageItem, coverageRollupItems } = await import('../functions/programs/social/store/coverage.ts');
  const { allOrganisations, newOrganisation, organisations } = await import('../functions/programs/social/store/organisation.ts');
  const { signToken } = await import('../local/jwt.ts');
  const admin = await signToken({ sub: 'bench-admin', roles: ['admin'], division: county }, process.env.JWT_SECRET!);
  const seeder = { sub: 'bench', roles: ['admin' as const], division: county };
  const townshipCount = Math.ceil(villageCount / villagesPerTownship);
  const townshipOf = (t: number) => `${county}${100 + t}`;
  const year = 2024;
  const now = new Date();
  const at = now.toISOString();

  const seedStart = performance.now();
  await createDivision({ code: county, name: '基准县' }, seeder);
  for (let t = 0; t < townshipCount; t++) await createDivision({ code: townshipOf(t), name: `基准${t}镇` }, seeder);
  const villageItems: Record<string, unknown>[] = [];
  const orgItems: Record<string, unknown>[] = [];
  const counterItems: Record<string, unknown>[] = [];
  const counters = new Map<string, typeof emptyCoverage>();
  let orgCount = 0;
  let counted = 0;
  for (let i = 0; i < villageCount; i++) {
    const code = `${townshipOf(Math.floor(i / villagesPerTownship))}${String(200 + (i % villagesPerTownship)).padStart(3, '0')}`;
    villageItems.push(villages.item({ code, name: `基准${i}村`, population: 400 + ((i * 37) % 2600), economicallyWeak: i % 7 === 0, category: '创优', operatingFundsFen: 12_000_000, version: 1, createdAt: at, updatedAt: at }));
    let coverage = emptyCoverage;
    for (let k = 0; k < perVillage[i % perVillage.length]!; k++) {
      const category = socialCategories[(i + k) % socialCategories.length]!;
      const status = orgCount % 10 === 9 ? 'suspended' : k % 3 === 0 ? 'filed' : 'active';
      const record = newOrganisation(
        { village: code, name: `基准${i}村组织${k}`, category, ...(category === '其他' ? { categoryDescription: '文体活动' } : {}), leader: { name: '王建国', partyMember: true, returnedTalent: false, fiveElders: false }, members: 12, foundedOn: '2019-05-01', contact: '13800220000' },
        seeder,
        `org-00000000-0000-4000-8000-${String(orgCount).padStart(12, '0')}`,
        now,
        { status, filingNumber: `${code.slice(0, 9)}-${year}-${String(orgCount).padStart(4, '0')}` },
      );
      orgItems.push(organisations.item(record));
      orgCount++;
      // The counter as the status changes would have left it: the organisation entered a counted status and, if suspended, left it.
      coverage = mergeCoverage(coverage, coverageDelta(undefined, 'filed', categoryKeys[category], year)!);
      if (status === 'suspended') coverage = mergeCoverage(coverage, coverageDelta('active', 'suspended', categoryKeys[category], year + 1)!);
      else counted++;
    }
    if (coverage !== emptyCoverage) {
      counterItems.push(coverageItem(code, coverage));
      counters.set(code, coverage);
    }
  }
  await batchPut(villageItems, { concurrency: 16 });
  await batchPut(orgItems, { concurrency: 16 });
  // The township roll-ups as the same ADDs leave them, so the county answer reads the real items.
  const rollupItems = coverageRollupItems(counters);
  await batchPut([...counterItems, ...rollupItems], { concurrency: 16 });
  const seedMs = performance.now() - seedStart;
  console.log(`seeded ${villageCount} villages in ${townshipCount} townships, ${orgCount} organisations (${counted} counted) and ${counterItems.length} counters (+ ${rollupItems.length} township roll-up shards) with BatchWriteItem in ${(seedMs / 1000).toFixed(1)} s`);

  interface View { summary: { total: number; villagesBelowTarget?: number }; villages: { village: string; total: number }[] }
  async function measure(division: string, requests: number, extra = ''): Promise<{ sorted: number[]; last: View; bytes: number }> {
    const times: number[] = [];
    let last: View | undefined;
    let bytes = 0;
    // Three requests first, not counted: the first ones compile the route's code paths.
    for (let i = 0; i < 3; i++) await (await fetch(`${api}/social/coverage?division=${division}${extra}`, { headers: { authorization: `Bearer ${admin}` } })).text();
    for (let i = 0; i < requests; i++) {
      const s = performance.now();
      const res = await fetch(`${api}/social/coverage?division=${division}${extra}`, { headers: { authorization: `Bearer ${admin}` } });
      const text = await res.text();
      times.push(performance.now() - s);
      if (res.status !== 200) throw new Error(`coverage of ${division} answered ${res.status}: ${text.slice(0, 300)}`);
      bytes = text.length;
      last = JSON.parse(text) as View;
    }
    return { sorted: times.sort((a, b) => a - b), last: last!, bytes };
  }
  /** The same answer from the organisations: counted ones per village, and the villages below 5 (villages from the registry). */
  async function baseline(division: string, runs: number): Promise<{ sorted: number[]; total: number; below: number }> {
    const times: number[] = [];
    let total = 0;
    let below = 0;
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const perVillageCount = new Map<string, number>();
      for await (const o of allOrganisations(division)) if (o.status === 'filed' || o.status === 'active') perVillageCount.set(o.village, (perVillageCount.get(o.village) ?? 0) + 1);
      let registered = 0;
      below = 0;
      for await (const v of villages.query.byCounty.all(county, { sort: division.length > 6 ? { beginsWith: division } : undefined, consistent: false })) {
        registered++;
        if ((perVillageCount.get(v.code) ?? 0) < coverageTarget.minimum) below++;
      }
      total = [...perVillageCount.values()].reduce((a, b) => a + b, 0);
      times.push(performance.now() - s);
      if (registered === 0) throw new Error('no villages read');
    }
    return { sorted: times.sort((a, b) => a - b), total, below };
  }

  const township = townshipOf(0);
  const village = `${township}203`;
  for (const [label, division, requests, runs, extra] of [
    // One recount of the county's organisations takes minutes on DynamoDB Local (see docs/social.md): one run.
    ['county (total, township roll-ups, trend)', county, 200, 1, ''],
    // Its baseline is the county's recount above (minutes): not repeated.
    ['county, first page of 500 villages (below 5 among them)', county, 50, 0, '&villages=all'],
    [`township grid (${villagesPerTownship} villages)`, township, 200, 20, ''],
    ['one village', village, 200, 20, ''],
  ] as const) {
    const view = await measure(division, requests, extra);
    const scan = runs > 0 ? await baseline(division, runs) : undefined;
    // The county answer carries no villages-below count (its pages do): compare the totals there.
    const below = view.last.summary.villagesBelowTarget;
    const same = scan === undefined || (view.last.summary.total === scan.total && (below === undefined || below === scan.below));
    console.log(
      `${label}, ${division}: over HTTP (${requests} requests, ${(view.bytes / 1024).toFixed(0)} KiB each): p50 ${ms(percentile(view.sorted, 50))}, p99 ${ms(percentile(view.sorted, 99))}; ` +
        (scan
          ? `baseline querying the organisations (${runs} runs, in process): p50 ${ms(percentile(scan.sorted, 50))}, p99 ${ms(percentile(scan.sorted, 99))}; ` +
            `ratio p50 ${(percentile(scan.sorted, 50) / percentile(view.sorted, 50)).toFixed(1)}×; `
          : '') +
        `counted ${view.last.summary.total}, below 5: ${below ?? `${view.last.villages.filter((v) => v.total < coverageTarget.minimum).length} of the ${view.last.villages.length} villages given`}; counters equal the recount: ${same}`,
    );
  }
  await host.stop();
}

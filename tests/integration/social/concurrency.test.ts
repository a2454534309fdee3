import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { categoryKeyList, categoryKeys, isCounted, socialCategories } from '../../../functions/programs/social/domain/organisation.ts';
import { emptyCoverage, mergeCoverage } from '../../../functions/programs/social/domain/coverage.ts';
import { townshipCoverage, villageCoverage } from '../../../functions/programs/social/store/coverage.ts';
import { allOrganisations, getOrganisation } from '../../../functions/programs/social/store/organisation.ts';
import { lastFilingSequence } from '../../../functions/programs/social/store/filing-counter.ts';
import { decideSocial, filingEnded, openSocialDecision, organisationInput, seedSocialVillages, socialActors, submitOrganisation, township, type SocialActors } from '../../support/social/fixtures.ts';
import { pool } from '../../support/reward/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

let app: App;
let t: SocialActors;
let villages: string[];

useLocalStepFunctions();

beforeAll(async () => {
  villages = await seedSocialVillages(10);
  app = buildApp();
  t = await socialActors();
});

describe('concurrency', () => {
  it('100 filings approved at once in one township: 100 distinct filing numbers, counters equal a recount', { timeout: 240_000 }, async () => {
    const ids: string[] = [];
    await pool(Array.from({ length: 100 }, (_, i) => i), 10, async (i) => {
      const category = socialCategories[i % socialCategories.length]!;
      ids[i] = await submitOrganisation(app, t, organisationInput(villages[i % villages.length]!, { name: `组织${i}`, category, ...(category === '其他' ? { categoryDescription: '文体' } : {}) }));
    });
    const decisions = await Promise.all(ids.map((id) => openSocialDecision(id, 'township-review', 60_000)));
    // Every approval at the same moment.
    const answers = await Promise.all(decisions.map((d) => decideSocial(app, t.township, d, 'approve')));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    const runs = await Promise.all(ids.map((id) => filingEnded(id, 90_000)));
    expect(runs.every((r) => r.status === 'SUCCEEDED' && r.path.join(' → ') === 'AwaitReview → ReviewRoute → File → Filed')).toBe(true);

    const orgs = await Promise.all(ids.map((id) => getOrganisation(id)));
    const numbers = orgs.map((o) => o?.filingNumber);
    expect(orgs.every((o) => o?.status === 'filed')).toBe(true);
    expect(new Set(numbers).size).toBe(100);
    expect(numbers.map((n) => Number(n?.slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await lastFilingSequence(township)).toBe(100);

    // The counters against a recount of the organisations themselves.
    const recount = { ...emptyCoverage.categories } as Record<string, number>;
    let total = 0;
    const { listed } = await waitUntil(
      async () => {
        const listed = [];
        for await (const o of allOrganisations(township)) listed.push(o);
        return { done: listed.length === 100, seen: `${listed.length} listed`, listed };
      },
      { what: 'the index to list every organisation' },
    );
    for (const o of listed) if (isCounted(o.status)) {
      recount[categoryKeys[o.category]]! += 1;
      total++;
    }
    const counters = await villageCoverage(township, { consistent: true });
    const merged = [...counters.values()].reduce(mergeCoverage, emptyCoverage);
    expect(merged.total).toBe(total);
    for (const k of categoryKeyList) expect(merged.categories[k]).toBe(recount[k]);
    for (const v of villages) expect(counters.get(v)?.total).toBe(listed.filter((o) => o.village === v && isCounted(o.status)).length);
    // The township roll-up (its shards summed) equals the recount too.
    const rolled = (await townshipCoverage(township, { consistent: true })).get(township);
    expect(rolled?.total).toBe(total);
    for (const k of categoryKeyList) expect(rolled?.categories[k]).toBe(recount[k]);
    expect(rolled).toEqual(merged);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { call, tokenFor } from '../../support/api.ts';
import { seedSocialVillages, socialActors, type SocialActors } from '../../support/social/fixtures.ts';

// The township's lists of venture rounds and service contracts (one Query each, paged), and a
// village's reading of its township's rounds: its own proposals only, no reviewers, no other township.
const app = buildApp();
let t: SocialActors;
let villages: string[];
/** Organisations: two of the first village, one of the second. */
let orgs: { a: string; b: string; c: string };
const thisYear = Number(beijingDate(new Date()).slice(0, 4));
const today = beijingDate(new Date());
const otherTownship = '120225101';

type Summary = { id: string; year: number; status: string; awardCount: number; awardedFen: number; budgetFen: number; opensOn: string; closesOn: string };
type ContractSummary = { id: string; organisationId: string; organisationName: string; totalFen: number; instalments: number; instalmentsPaid: number; paidFen: number; year: number };

const errorFields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function openRound(year: number, name: string, township = '120225100', token = t.township): Promise<string> {
  const res = await call(app, 'POST', '/social/venture-rounds', {
    token,
    body: { township, year, name, budgetFen: 1_000_000, opensOn: today, closesOn: today, criteria: [{ key: 'impact', name: '公益性', maxPoints: 100 }], reviewers: [{ sub: 'rev-a', village: villages[1] }, { sub: 'rev-b' }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.round.id as string;
}

async function contract(organisationId: string, year: number, title: string): Promise<string> {
  const res = await call(app, 'POST', '/social/service-contracts', { token: t.township, body: { organisationId, year, title, deliverables: [{ description: '台账', amountFen: 100_000, dueOn: `${year}-06-30` }, { description: '总结', amountFen: 200_000, dueOn: `${year}-12-31` }] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Every item of a list, walking its cursor `limit` at a time. */
async function walk<T>(path: string, token: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(app, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...(res.body.items as T[]));
    cursor = res.body.nextCursor as string | undefined;
    pages++;
  } while (cursor);
  return { items, pages };
}

beforeAll(async () => {
  villages = await seedSocialVillages(3, 1500);
  t = await socialActors();
  const header = 'village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status';
  const row = (village: string, name: string, category: string) => `${village},${name},${category},,王芳,是,否,是,12,2018-06-01,13900000000,active`;
  const imported = await call(app, 'POST', '/social/organisations/import', { token: t.township, rawBody: [header, row(villages[0]!, '一村甲', '乡贤参事类'), row(villages[0]!, '一村乙', '志愿服务类'), row(villages[1]!, '二村甲', '乡风文明类')].join('\n'), headers: { 'content-type': 'text/csv' } });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  const [a, b, c] = imported.body.ids as string[];
  orgs = { a: a!, b: b!, c: c! };
});

describe('GET /social/venture-rounds', () => {
  let ids: { y1: string; y2: string; y3: string };
  beforeAll(async () => {
    // Created in this order, so newest first is y3, y2, y1 (two of next year, one of this year).
    const y1 = await openRound(thisYear + 1, '创投一');
    const y2 = await openRound(thisYear, '创投二');
    const y3 = await openRound(thisYear + 1, '创投三');
    ids = { y1, y2, y3 };
    await openRound(thisYear + 1, '邻镇创投', otherTownship, await tokenFor('township', otherTownship, { sub: 'township-o' }));
  });

  it('lists the township’s rounds newest first by year, with state, budget, window and awards, for the caller’s township by default', async () => {
    const res = await call(app, 'GET', '/social/venture-rounds', { token: t.township });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const items = res.body.items as Summary[];
    expect(items.map((r) => r.id)).toEqual([ids.y3, ids.y1, ids.y2]);
    expect(items[0]).toMatchObject({ year: thisYear + 1, status: 'open', awardCount: 0, awardedFen: 0, opensOn: today, closesOn: today });
    expect(items[0]).not.toHaveProperty('reviewers');
    expect(res.body.nextCursor).toBeUndefined();
    // Named explicitly by a county-level reader: the same list; one year's only with year.
    expect((await call(app, 'GET', '/social/venture-rounds?township=120225100', { token: t.finance })).body.items.map((r: Summary) => r.id)).toEqual([ids.y3, ids.y1, ids.y2]);
    expect((await call(app, 'GET', `/social/venture-rounds?township=120225100&year=${thisYear}`, { token: t.auditor })).body.items.map((r: Summary) => r.id)).toEqual([ids.y2]);
    expect((await call(app, 'GET', `/social/venture-rounds?year=${thisYear + 5}`, { token: t.township })).body.items).toEqual([]);
  });

  it('pages by cursor, each round once', async () => {
    const { items, pages } = await walk<Summary>('/social/venture-rounds?township=120225100', t.admin, 1);
    expect(items.map((r) => r.id)).toEqual([ids.y3, ids.y1, ids.y2]);
    expect(pages).toBeGreaterThanOrEqual(3);
    // A cursor of one listing is refused by another, naming the cursor.
    const first = await call(app, 'GET', '/social/venture-rounds?limit=1', { token: t.township });
    const other = await call(app, 'GET', `/social/venture-rounds?township=${otherTownship}&cursor=${first.body.nextCursor}`, { token: t.admin });
    expect(other.status).toBe(400);
    expect(errorFields(other.body)).toEqual(['cursor']);
  });

  it('answers 400 naming the field on a bad query', async () => {
    for (const [query, field] of [['township=12022510', 'township'], ['year=20x5', 'year'], ['year=1999', 'year'], ['limit=0', 'limit'], ['cursor=%25%25', 'cursor']] as const) {
      const res = await call(app, 'GET', `/social/venture-rounds?${query}`, { token: t.township });
      expect(res.status, query).toBe(400);
      expect(errorFields(res.body), query).toContain(field);
    }
    // A county-level reader has to name the township.
    const county = await call(app, 'GET', '/social/venture-rounds', { token: t.finance });
    expect(county.status).toBe(400);
    expect(errorFields(county.body)).toEqual(['township']);
  });

  it('refuses another township (403), also to a village asking for a township that is not its own', async () => {
    expect((await call(app, 'GET', `/social/venture-rounds?township=${otherTownship}`, { token: t.township })).status).toBe(403);
    expect((await call(app, 'GET', `/social/venture-rounds?township=${otherTownship}`, { token: await t.village(villages[0]!) })).status).toBe(403);
    // Nor can a village widen itself to its county.
    expect((await call(app, 'GET', '/social/venture-rounds?township=120225000', { token: await t.village(villages[0]!) })).status).toBe(403);
    // A unit user has no part in it: 403 before anything is read.
    expect((await call(app, 'GET', '/social/venture-rounds?township=120225100', { token: await tokenFor('unit', '120225', { unitId: 'U1' }) })).status).toBe(403);
  });

  it('lets a village list its township’s rounds and read one with its own proposals only, no reviewers', async () => {
    const v0 = await t.village(villages[0]!);
    const v1 = await t.village(villages[1]!);
    const listed = await call(app, 'GET', '/social/venture-rounds', { token: v0 });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items.map((r: Summary) => r.id)).toEqual([ids.y3, ids.y1, ids.y2]);
    for (const [token, org] of [[v0, orgs.a], [v0, orgs.b], [v1, orgs.c]] as const) {
      const res = await call(app, 'POST', `/social/venture-rounds/${ids.y2}/proposals`, { token, body: { organisationId: org, title: '关爱留守老人', requestedFen: 100_000 } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const seen0 = await call(app, 'GET', `/social/venture-rounds/${ids.y2}`, { token: v0 });
    expect(seen0.status).toBe(200);
    expect(seen0.body.proposals.map((p: { organisationId: string }) => p.organisationId).sort()).toEqual([orgs.a, orgs.b].sort());
    expect(seen0.body.round.reviewers).toEqual([]);
    const seen1 = await call(app, 'GET', `/social/venture-rounds/${ids.y2}`, { token: v1 });
    expect(seen1.body.proposals.map((p: { organisationId: string }) => p.organisationId)).toEqual([orgs.c]);
    expect(JSON.stringify(seen1.body)).not.toMatch(/rev-a|rev-b/);
    // The township sees all three, and the reviewers.
    const all = await call(app, 'GET', `/social/venture-rounds/${ids.y2}`, { token: t.township });
    expect(all.body.proposals).toHaveLength(3);
    expect(all.body.round.reviewers.map((r: { sub: string }) => r.sub)).toEqual(['rev-a', 'rev-b']);
    // A village of another township reads none of this township's rounds.
    expect((await call(app, 'GET', `/social/venture-rounds/${ids.y2}`, { token: await tokenFor('village', '120225101201') })).status).toBe(403);
  });
});

describe('GET /social/service-contracts', () => {
  let ids: { a1: string; b1: string; a2: string };
  beforeAll(async () => {
    const a1 = await contract(orgs.a, thisYear, '调解服务');
    const b1 = await contract(orgs.b, thisYear, '志愿服务');
    const a2 = await contract(orgs.a, thisYear + 1, '调解服务（续）');
    ids = { a1, b1, a2 };
    await call(app, 'POST', `/social/budgets/120225100/${thisYear}/raise`, { token: t.finance, body: { amountFen: 1_000_000 } });
    expect((await call(app, 'POST', `/social/service-contracts/${a1}/deliverables/1/accept`, { token: t.township })).status).toBe(200);
  });

  it('lists the township’s contracts newest first with organisation, total and instalments paid of all', async () => {
    const res = await call(app, 'GET', '/social/service-contracts', { token: t.township });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const items = res.body.items as ContractSummary[];
    expect(items.map((k) => k.id)).toEqual([ids.a2, ids.b1, ids.a1]);
    expect(items.find((k) => k.id === ids.a1)).toMatchObject({ organisationId: orgs.a, organisationName: '一村甲', totalFen: 300_000, instalments: 2, instalmentsPaid: 1, paidFen: 100_000, year: thisYear });
    expect(items.find((k) => k.id === ids.b1)).toMatchObject({ instalmentsPaid: 0, paidFen: 0 });
    expect(items[0]).not.toHaveProperty('deliverables');
  });

  it('filters by year and organisation, and pages', async () => {
    const list = async (query: string) => (await call(app, 'GET', `/social/service-contracts?${query}`, { token: t.finance })).body.items.map((k: ContractSummary) => k.id);
    expect(await list(`township=120225100&year=${thisYear}`)).toEqual([ids.b1, ids.a1]);
    expect(await list(`township=120225100&organisationId=${orgs.a}`)).toEqual([ids.a2, ids.a1]);
    expect(await list(`township=120225100&organisationId=${orgs.a}&year=${thisYear + 1}`)).toEqual([ids.a2]);
    expect(await list(`township=120225100&organisationId=${orgs.c}`)).toEqual([]);
    // An organisation of this township named with another township's list finds nothing of it.
    const elsewhere = await call(app, 'GET', `/social/service-contracts?township=${otherTownship}&organisationId=${orgs.a}`, { token: t.admin });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items).toEqual([]);
    const { items, pages } = await walk<ContractSummary>('/social/service-contracts?township=120225100', t.auditor, 2);
    expect(items.map((k) => k.id)).toEqual([ids.a2, ids.b1, ids.a1]);
    expect(pages).toBe(2);
  });

  it('answers 400 naming the field, and 403 for another township or a village', async () => {
    for (const [query, field] of [['organisationId=abc', 'organisationId'], ['year=abc', 'year'], ['township=1', 'township'], ['limit=101', 'limit']] as const) {
      const res = await call(app, 'GET', `/social/service-contracts?${query}`, { token: t.township });
      expect(res.status, query).toBe(400);
      expect(errorFields(res.body), query).toContain(field);
    }
    const county = await call(app, 'GET', '/social/service-contracts', { token: t.admin });
    expect(county.status).toBe(400);
    expect(errorFields(county.body)).toEqual(['township']);
    expect((await call(app, 'GET', `/social/service-contracts?township=${otherTownship}`, { token: t.township })).status).toBe(403);
    expect((await call(app, 'GET', '/social/service-contracts', { token: await t.village(villages[0]!) })).status).toBe(403);
  });
});

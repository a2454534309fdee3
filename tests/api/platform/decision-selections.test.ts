import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { markEscalated, openDecisionPut } from '../../../functions/platform/decisions/store.ts';
import { bulkBody } from '../../../functions/platform/decisions/routes.ts';
import { inboxFilterSchema } from '../../../functions/platform/decisions/filter.ts';
import { createSelection } from '../../../functions/platform/decisions/selection.ts';
import { changeApplication, createApplication } from '../../../functions/programs/reward/store/application.ts';
import { rewardDecisionId, rewardSteps } from '../../../functions/programs/reward/steps.ts';
import { createProgram } from '../../../functions/programs/reward/store/program.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute } from '../../support/fuzz.ts';
import { helanPolicy, seedVillage, village } from '../../support/reward/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { runBounded } from '../../../functions/shared/pool.ts';

// The inbox filters, selections ("all N matching this filter" as a server-side snapshot) and bulk
// answers by selection, through app.request() with real JWTs on DynamoDB Local. Decisions are opened
// as the workflows' callback steps open them (no execution behind them); the local Step Functions
// endpoint answers their made-up tokens as unknown, which the store takes as "deliver later".
useLocalStepFunctions();
const app = buildApp();
const admin = { sub: 'sel-admin', roles: ['admin' as const] };
let programId = '';
let owner = '';
let other = '';

/** A reward application brought to awaiting-finance through the stores, with its finance decision open. */
async function financeDecision(n: number, amountFen: number): Promise<string> {
  let application = await createApplication(
    { id: `ra-sel-${n}`, programId, policyVersion: 1, jurisdiction: '120225', entityId: `ent-sel-${n}`, entityName: `选择合作社${n}`, village, year: 2025, submitter: 'sel-submitter', createdAt: new Date().toISOString() },
    { sub: 'sel-submitter', roles: ['village'] },
  );
  application = await changeApplication(application, 'eligible', { round: 1, amountFen }, admin, 'test.computed');
  application = await changeApplication(application, 'village-signed-off', {}, admin, 'test.signed');
  application = await changeApplication(application, 'township-approved', { townshipReviewer: 'sel-township' }, admin, 'test.township');
  const id = rewardDecisionId(application, 'finance-approval');
  await openDecisionPut({ id, kind: rewardSteps['finance-approval'].kind, subjectType: 'reward-application', subjectId: application.id, division: village, role: 'finance', taskToken: `sel-token-${n}`, summary: { amountFen } });
  return id;
}

const inbox = async (query: string, token = owner) => {
  const res = await call(app, 'GET', `/inbox?role=finance&${query}`, { token });
  return res;
};
const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id).sort();

let rewardIds: string[] = [];
const fundingId = 'funding.run-approval.fr-sel-1.r1';
const batchId = 'payments.batch-results.pb-sel-1.r0';

beforeAll(async () => {
  await seedVillage();
  const program = await createProgram({ name: '选择', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2026-01-01', closesOn: '2026-12-31' }, policy: helanPolicy() }, admin);
  programId = program.id;
  rewardIds = [await financeDecision(1, 500_000), await financeDecision(2, 700_000), await financeDecision(3, 900_000)];
  // Only listed, never answered here: a funding run of another township and a payment batch whose
  // results are overdue (its deadline a day ago).
  await openDecisionPut({ id: fundingId, kind: 'funding.run-approval', subjectType: 'funding-run', subjectId: 'fr-sel-1', division: '120225104', role: 'finance', taskToken: 't-f', summary: { topUpFen: 12_300_000, earmarkFen: 0 } });
  await openDecisionPut({
    id: batchId, kind: 'payments.batch-results', subjectType: 'payment-batch', subjectId: 'pb-sel-1', division: '120225', role: 'finance', taskToken: 't-p',
    summary: { totalFen: 4_200_000 }, deadline: new Date(Date.now() - 86_400_000).toISOString(),
  });
  owner = await tokenFor('finance', '120225', { sub: 'sel-finance-1' });
  other = await tokenFor('finance', '120225', { sub: 'sel-finance-2' });
});

describe('GET /inbox filters', () => {
  it('filters by program, kind, township and deadline, and shows each amount in fen', async () => {
    const all = await inbox('');
    expect(all.status).toBe(200);
    expect(all.body.items.find((i: { id: string }) => i.id === fundingId)).toMatchObject({ amountFen: 12_300_000 });
    expect(all.body.items.find((i: { id: string }) => i.id === rewardIds[0])).toMatchObject({ amountFen: 500_000, actionable: true });
    expect(all.body.items.find((i: { id: string }) => i.id === batchId)).toMatchObject({ amountFen: 4_200_000 });

    expect(ids(await inbox('program=reward'))).toEqual([...rewardIds].sort());
    expect(ids(await inbox('kind=funding.run-approval'))).toEqual([fundingId]);
    expect(ids(await inbox('township=120225104'))).toEqual([fundingId]);
    expect(ids(await inbox('township=120225100&program=reward'))).toEqual([...rewardIds].sort());
    expect(ids(await inbox('overdue=true'))).toEqual([batchId]);
    const tomorrow = new Date(Date.now() + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(ids(await inbox(`dueBy=${tomorrow}`))).toEqual([batchId]);
    expect(ids(await inbox('dueBy=2020-01-01'))).toEqual([]);
    // Pages walk the filtered listing.
    const first = await inbox('program=reward&limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await inbox(`program=reward&limit=2&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(rest)].sort()).toEqual([...rewardIds].sort());
  });

  it('names the bad filter: a kind of another program, a bad date; a township outside the jurisdiction is 403', async () => {
    const mixed = await inbox('program=reward&kind=funding.run-approval');
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    const date = await inbox('dueBy=2025-02-30');
    expect(date.status).toBe(400);
    expect(date.body.errors[0].field).toBe('dueBy');
    expect((await inbox('township=120226100')).status).toBe(403);
  });
});

describe('selections and bulk answers by selection', () => {
  let selectionId = '';
  let later = '';

  it('snapshots the matching decisions with their count and total; only the owner may read it', async () => {
    const made = await call(app, 'POST', '/decisions/selections', { token: owner, body: { role: 'finance', program: 'reward', township: '120225100' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ count: 3, totalFen: 2_100_000, filter: { role: 'finance', program: 'reward', township: '120225100' } });
    selectionId = made.body.selectionId;

    const read = await call(app, 'GET', `/decisions/selections/${selectionId}`, { token: owner });
    expect(read.status).toBe(200);
    expect(read.body.decisions.map((d: { decisionId: string }) => d.decisionId).sort()).toEqual([...rewardIds].sort());

    // Another user: 403, for an existing selection and for a made-up one of the owner alike.
    expect((await call(app, 'GET', `/decisions/selections/${selectionId}`, { token: other })).status).toBe(403);
    const madeUp = selectionId.replace(/-[0-9a-f]{12}$/, '-000000000000');
    expect((await call(app, 'GET', `/decisions/selections/${madeUp}`, { token: other })).status).toBe(403);
    expect((await call(app, 'GET', `/decisions/selections/${madeUp}`, { token: owner })).status).toBe(404);
    expect((await call(app, 'POST', '/decisions/bulk', { token: other, body: { selectionId, decision: 'approve' } })).status).toBe(403);
  });

  it('answers exactly the snapshot: a later decision is left alone, a changed or answered one fails with its reason and can be retried', async () => {
    later = await financeDecision(4, 300_000);
    const [answered, changed, untouched] = rewardIds as [string, string, string];
    // Answered by the other finance user meanwhile; escalated meanwhile (a new version).
    expect((await call(app, 'POST', `/decisions/${answered}`, { token: other, body: { decision: 'approve' } })).status).toBe(200);
    expect(await markEscalated(changed, { key: 'sel-late', notified: 'finance', note: 'late' })).toBe(true);

    const bulk = await call(app, 'POST', '/decisions/bulk', { token: owner, body: { selectionId, decision: 'approve' } });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    expect(bulk.body).toMatchObject({ selectionId, succeeded: 1, failed: 2 });
    expect(bulk.body.nextFrom).toBeUndefined();
    const byId = new Map((bulk.body.items as { decisionId: string; status: number; reason?: string }[]).map((i) => [i.decisionId, i]));
    expect([...byId.keys()].sort()).toEqual([...rewardIds].sort());
    expect(byId.get(untouched)).toMatchObject({ status: 200, outcome: { status: 'answered' } });
    expect(byId.get(answered)).toMatchObject({ status: 409, reason: 'already-answered' });
    expect(byId.get(changed)).toMatchObject({ status: 409, reason: 'changed-since-selection' });
    expect([...bulk.body.failedIds].sort()).toEqual([answered, changed].sort());

    // The decision that appeared after the snapshot is still open.
    expect((await call(app, 'GET', `/decisions/${later}`, { token: owner })).body).toMatchObject({ status: 'open' });

    // Retrying the failed ones with items: the changed one goes through, the answered one stays refused.
    const retry = await call(app, 'POST', '/decisions/bulk', { token: owner, body: { items: bulk.body.failedIds.map((decisionId: string) => ({ decisionId, decision: 'approve' })) } });
    expect(retry.status).toBe(200);
    const retried = new Map((retry.body.items as { decisionId: string; status: number }[]).map((i) => [i.decisionId, i.status]));
    expect(retried.get(changed)).toBe(200);
    expect(retried.get(answered)).toBe(409);
  });

  it('a selection is gone (404) once its hour has passed, for reading and for answering', async () => {
    const old = await createSelection({ filter: { program: 'reward' }, entries: [], division: '120225', actor: { sub: 'sel-finance-1', roles: ['finance'] }, now: new Date(Date.now() - 2 * 3_600_000) });
    expect((await call(app, 'GET', `/decisions/selections/${old.id}`, { token: owner })).status).toBe(404);
    expect((await call(app, 'POST', '/decisions/bulk', { token: owner, body: { selectionId: old.id, decision: 'approve' } })).status).toBe(404);
    expect((await call(app, 'GET', `/decisions/selections/${old.id}`, { token: other })).status).toBe(403);
  });

  it('refuses a body with both or neither of items and selectionId, and a selection of nothing is empty', async () => {
    const both = await call(app, 'POST', '/decisions/bulk', { token: owner, body: { selectionId, items: [{ decisionId: later, decision: 'approve' }], decision: 'approve' } });
    expect(both.status).toBe(400);
    expect((await call(app, 'POST', '/decisions/bulk', { token: owner, body: { decision: 'approve' } })).status).toBe(400);
    const none = await call(app, 'POST', '/decisions/selections', { token: owner, body: { kind: 'reward.unfunded' } });
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ count: 0, totalFen: 0 });
    const outside = await call(app, 'POST', '/decisions/selections', { token: owner, body: { township: '120226100' } });
    expect(outside.status).toBe(403);
  });

  it('answers a selection of more than 500 in requests of 500, each saying where the next goes on', async () => {
    // Decisions of a kind answered through its own route: each fails on its own (400), cheaply.
    const many = Array.from({ length: 501 }, (_, i) => `payments.batch-export.pb-many-${String(i).padStart(3, '0')}.r0`);
    await runBounded(many, 25, (id, i) => openDecisionPut({ id, kind: 'payments.batch-export', subjectType: 'payment-batch', subjectId: `pb-many-${i}`, division: '120225', role: 'finance', taskToken: `t-${i}`, summary: { totalFen: 100 } }));
    const made = await call(app, 'POST', '/decisions/selections', { token: owner, body: { kind: 'payments.batch-export' } });
    expect(made.body).toMatchObject({ count: 501, totalFen: 50_100 });
    const first = await call(app, 'POST', '/decisions/bulk', { token: owner, body: { selectionId: made.body.selectionId, decision: 'approve' } });
    expect(first.body).toMatchObject({ succeeded: 0, failed: 500, nextFrom: 500 });
    expect(first.body.items[0]).toMatchObject({ status: 400, reason: 'validation' });
    const rest = await call(app, 'POST', '/decisions/bulk', { token: owner, body: { selectionId: made.body.selectionId, decision: 'approve', from: first.body.nextFrom } });
    expect(rest.body).toMatchObject({ failed: 1 });
    expect(rest.body.nextFrom).toBeUndefined();
    expect(new Set([...first.body.failedIds, ...rest.body.failedIds])).toEqual(new Set(many));
  });

  it('fuzz: 200+ invalid selection bodies give only 4xx problems and leave the table unchanged', async () => {
    const seen = await fuzzRoute({ app, token: owner, method: 'POST', path: '/decisions/selections', schema: inboxFilterSchema, valid: { role: 'finance', program: 'reward', township: '120225100', dueBy: '2026-12-31', overdue: true }, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });

  it('fuzz: 200+ invalid bulk bodies by selection give only 4xx problems and leave the table unchanged', async () => {
    const seen = await fuzzRoute({ app, token: owner, method: 'POST', path: '/decisions/bulk', schema: bulkBody, valid: { selectionId, decision: 'approve', comment: 'ok', from: 0 }, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});

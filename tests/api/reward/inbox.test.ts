import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { openDecisionPut } from '../../../functions/platform/decisions/store.ts';
import { changeApplication, createApplication } from '../../../functions/programs/reward/store/application.ts';
import { rewardDecisionId, rewardSteps } from '../../../functions/programs/reward/steps.ts';
import { createProgram } from '../../../functions/programs/reward/store/program.ts';
import { call, tokenFor } from '../../support/api.ts';
import { helanPolicy, seedVillage, village } from '../../support/reward/fixtures.ts';

// GET /inbox after the first of two finance approvals (app.request() with real JWTs on DynamoDB
// Local; no workflow: the application is brought to awaiting-finance through the stores and its
// finance decision opened as the await step opens it). 144,000 yuan is above the 100,000-yuan
// two-approver threshold.
const app = buildApp();
const admin = { sub: 'inbox-admin', roles: ['admin' as const] };
let decisionId: string;
let first: string;
let second: string;

interface Item {
  readonly id: string;
  readonly actionable: boolean;
  readonly waitingFor?: string;
  readonly youApproved?: boolean;
}
const inbox = async (token: string) => {
  const res = await call(app, 'GET', '/inbox?role=finance', { token });
  expect(res.status).toBe(200);
  return res.body as { items: Item[]; toDo: number };
};

beforeAll(async () => {
  await seedVillage();
  const program = await createProgram({ name: '两人审批', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2026-01-01', closesOn: '2026-12-31' }, policy: helanPolicy() }, admin);
  let application = await createApplication(
    { id: 'ra-inbox-two', programId: program.id, policyVersion: 1, jurisdiction: '120225', entityId: 'ent-inbox', entityName: '两人审批合作社', village, year: 2025, submitter: 'v-inbox-submitter', createdAt: new Date().toISOString() },
    { sub: 'v-inbox-submitter', roles: ['village'] },
  );
  application = await changeApplication(application, 'eligible', { round: 1, amountFen: 14_400_000 }, admin, 'test.computed');
  application = await changeApplication(application, 'village-signed-off', {}, admin, 'test.signed');
  application = await changeApplication(application, 'township-approved', { townshipReviewer: 'inbox-township' }, admin, 'test.township');
  decisionId = rewardDecisionId(application, 'finance-approval');
  await openDecisionPut({ id: decisionId, kind: rewardSteps['finance-approval'].kind, subjectType: 'reward-application', subjectId: application.id, division: village, role: 'finance', taskToken: 'inbox-token', summary: { amountFen: 14_400_000 } });
  first = await tokenFor('finance', '120225', { sub: 'inbox-finance-1' });
  second = await tokenFor('finance', '120225', { sub: 'inbox-finance-2' });
});

describe('the inbox of a two-approver finance decision', () => {
  it('is to do for every finance user before anyone approves', async () => {
    for (const token of [first, second]) {
      const page = await inbox(token);
      expect(page.items.find((d) => d.id === decisionId)).toMatchObject({ actionable: true });
      expect(page.items.find((d) => d.id === decisionId)).not.toHaveProperty('waitingFor');
      expect(page.toDo).toBe(page.items.filter((d) => d.actionable).length);
    }
  });

  it('after the first approval: waiting for the second approver for the one who approved, still to do for the others', async () => {
    const approved = await call(app, 'POST', `/decisions/${decisionId}`, { token: first, body: { decision: 'approve' } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'partial', remaining: 1 });

    const mine = await inbox(first);
    expect(mine.items.find((d) => d.id === decisionId)).toEqual(expect.objectContaining({ actionable: false, waitingFor: 'second-approver', youApproved: true }));
    expect(mine.toDo).toBe(mine.items.filter((d) => d.actionable).length);
    expect(mine.items.filter((d) => d.id !== decisionId).every((d) => d.actionable)).toBe(true);
    expect(mine.toDo).toBe(mine.items.length - 1);

    const theirs = await inbox(second);
    expect(theirs.items.find((d) => d.id === decisionId)).toEqual(expect.objectContaining({ actionable: true }));
    expect(theirs.items.find((d) => d.id === decisionId)).not.toHaveProperty('youApproved');
    expect(theirs.toDo).toBe(theirs.items.length);

    // The decision read by id says the same, per caller.
    expect((await call(app, 'GET', `/decisions/${decisionId}`, { token: first })).body).toMatchObject({ status: 'open', actionable: false, waitingFor: 'second-approver', youApproved: true });
    expect((await call(app, 'GET', `/decisions/${decisionId}`, { token: second })).body).toMatchObject({ status: 'open', actionable: true });
    // An auditor reads it but cannot answer it.
    expect((await call(app, 'GET', `/decisions/${decisionId}`, { token: await tokenFor('auditor', '120225') })).body).toMatchObject({ actionable: false });

    // Answering again is still refused, with the rule's code.
    const again = await call(app, 'POST', `/decisions/${decisionId}`, { token: first, body: { decision: 'approve' } });
    expect(again.status).toBe(403);
    expect(again.body.detail).toMatch(/already-approved-by-this-user/);
  });
});

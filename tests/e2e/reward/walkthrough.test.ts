import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { demoRewardProgramId } from '../../../local/demo-reward.ts';
import { waitUntil } from '../../support/wait.ts';

// The README's reward and payments walkthroughs on the whole local host (npm start as a child process,
// demo data, the tokens it prints): an application of the demo company goes from submission through
// 三签一审, township review and two finance approvals to a payment instruction, then through a batch,
// its approval, the bank file and the bank's results to paid, over HTTP.

type Json = Record<string, unknown>;

async function call(host: LocalHost, role: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${host.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.token(role)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** One step of the walkthrough on the local host: well inside the 300-s test. */
const stepWait = { timeoutMs: 60_000, intervalMs: 100 };

afterAll(() => cleanUpLocalHosts());

describe('reward instead of subsidy on the local host', () => {
  it('pays the demo company once, after four village signatures, the township and two finance approvals', async () => {
    const host = await startLocalHost(await freePorts(), ['--memory']);
    const submitted = await call(host, 'v-handler', 'POST', '/reward/applications', { programId: demoRewardProgramId, entityId: 'ent-demo-changzhou-company' }, { 'idempotency-key': 'e2e-1' });
    expect(submitted.status).toBe(201);
    const app = String(submitted.body.id);
    const again = await call(host, 'v-handler', 'POST', '/reward/applications', { programId: demoRewardProgramId, entityId: 'ent-demo-changzhou-company' }, { 'idempotency-key': 'e2e-1' });
    expect(again.body.id).toBe(app);

    const decisionOpen = (role: string, kind: string) =>
      waitUntil(
        async () => {
          const inbox = await call(host, role, 'GET', '/inbox');
          const items = inbox.body.items as { kind: string; subjectId: string }[];
          const mine = items.filter((d) => d.subjectId === app).map((d) => d.kind);
          return { done: mine.includes(kind), seen: `${role}'s inbox has ${mine.length ? mine.join(', ') : 'nothing'} for ${app} (${inbox.status}, ${items.length} items)` };
        },
        { what: `${kind} in ${role}'s inbox`, ...stepWait },
      );

    await decisionOpen('v-head', 'reward.village-signoff');
    for (const position of ['v-handler', 'v-bookkeeper', 'v-head', 'v-supervisor']) {
      expect((await call(host, position, 'POST', `/reward/applications/${app}/signatures`, { decision: 'sign' })).status).toBe(200);
    }
    await decisionOpen('township', 'reward.township-review');
    expect((await call(host, 'township', 'POST', `/decisions/reward.township-review.${app}.r1`, { decision: 'approve' })).status).toBe(200);
    await decisionOpen('finance', 'reward.finance-approval');
    // 144,000 yuan is above the 100,000-yuan threshold: one approval is not enough, the same user twice is refused.
    expect((await call(host, 'finance', 'POST', `/decisions/reward.finance-approval.${app}.r1`, { decision: 'approve' })).status).toBe(200);
    expect((await call(host, 'finance', 'POST', `/decisions/reward.finance-approval.${app}.r1`, { decision: 'approve' })).status).toBe(403);
    expect((await call(host, 'finance2', 'POST', `/decisions/reward.finance-approval.${app}.r1`, { decision: 'approve' })).status).toBe(200);

    const statusIs = (status: string) =>
      waitUntil(
        async () => {
          const res = await call(host, 'v-head', 'GET', `/reward/applications/${app}`);
          return { done: res.body.status === status, seen: `${app} is ${String(res.body.status)}`, app: res.body };
        },
        { what: `the application to be ${status}`, ...stepWait },
      );
    await statusIs('paying');
    const program = await call(host, 'finance', 'GET', `/reward/programs/${demoRewardProgramId}`);
    expect(program.body.budget).toMatchObject({ reservedFen: 0, paidFen: 14_400_000 });

    // Payments: a batch of the reward program, approved by the other finance user, exported, reconciled.
    const batch = await call(host, 'finance', 'POST', '/payments/batches', { program: 'reward' });
    expect(batch.status).toBe(202);
    const batchId = String(batch.body.batchId);
    const batchInInbox = await waitUntil(
      async () => {
        const inbox = await call(host, 'finance2', 'GET', '/inbox');
        const item = (inbox.body.items as { kind: string; subjectId: string; id: string }[]).find((d) => d.subjectId === batchId && d.kind === 'payments.batch-approval');
        return { done: item !== undefined, seen: `finance2's inbox has ${item ? 'the batch' : 'no batch approval'}`, item };
      },
      { what: 'the batch in finance2 inbox', ...stepWait },
    );
    expect((await call(host, 'finance', 'POST', `/payments/batches/${batchId}/approve`, {})).status).toBe(403);
    expect((await call(host, 'finance2', 'POST', `/decisions/${batchInInbox.item!.id}`, { decision: 'approve' })).status).toBe(200);
    const exported = await waitUntil(
      async () => {
        const res = await fetch(`${host.api}/payments/batches/${batchId}/export?template=bank-generic&format=csv`, { method: 'POST', headers: { authorization: `Bearer ${host.token('finance')}` } });
        const text = await res.text();
        return { done: res.status === 200, seen: `export answers ${res.status}: ${text.slice(0, 120)}`, text };
      },
      { what: 'the payment file', ...stepWait },
    );
    const instruction = `reward:${demoRewardProgramId}:${app}:1`;
    expect(exported.text).toContain(instruction);
    expect(exported.text).toContain('144000.00');
    const results = `指令号,金额,结果,银行流水号,入账日期,失败原因\n${instruction},144000.00,成功,E2E0001,2026-12-01,\n`;
    await waitUntil(
      async () => {
        const res = await fetch(`${host.api}/payments/batches/${batchId}/results`, { method: 'POST', headers: { authorization: `Bearer ${host.token('finance')}`, 'content-type': 'text/csv' }, body: results });
        return { done: res.status === 202, seen: `results answer ${res.status}: ${(await res.text()).slice(0, 160)}` };
      },
      { what: 'the results accepted', ...stepWait },
    );
    const { app: paid } = await statusIs('paid');
    expect(paid).toMatchObject({ status: 'paid', payment: { status: 'paid', bankReference: 'E2E0001', valueDate: '2026-12-01' } });
  });
});

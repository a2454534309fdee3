import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { demoRewardProgramId } from '../../../local/demo-reward.ts';
import { waitUntil } from '../../support/wait.ts';

// The README's reward walkthrough on the whole local host (npm start as a child process, demo data,
// the tokens it prints): an application of the demo company goes from submission through 三签一审,
// township review and two finance approvals to a payout, over HTTP.

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

    const { paid } = await waitUntil(
      async () => {
        const res = await call(host, 'v-head', 'GET', `/reward/applications/${app}`);
        return { done: res.body.status === 'paid', seen: `${app} is ${String(res.body.status)}`, paid: res.body };
      },
      { what: 'the payout (paid)', ...stepWait },
    );
    expect(paid).toMatchObject({ status: 'paid' });
    const program = await call(host, 'finance', 'GET', `/reward/programs/${demoRewardProgramId}`);
    expect(program.body.budget).toMatchObject({ reservedFen: 0, paidFen: 14_400_000 });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { cleanUpLocalHosts, exitCode, freePorts, startLocalHost, tmpDataDir, type LocalHost } from '../../support/local-host.ts';
import { waitUntil } from '../../support/wait.ts';
import { demoRewardProgramId, demoSmallRewardProgramId, demoWorkEnterprises } from '../../../local/demo-reward.ts';
import { demoWorkFundingPolicyId } from '../../../local/demo-data.ts';

// The demo work of `npm start` (local/demo-work.ts): the host started as a child process on a data
// folder, killed while the work is being prepared, started again (the work completes), and once
// more (nothing is made twice). Every demo user of the banner finds work in their inbox.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary JSON
type Json = Record<string, any>;

async function call(host: LocalHost, role: string, method: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${host.api}${path}`, { method, headers: { authorization: `Bearer ${host.token(role)}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

const readyLine = /^Demo work ready .*import (imp-[\w-]+) rejected with (\d+) errors\.$/m;

async function workReady(host: LocalHost): Promise<string> {
  const { importId } = await waitUntil(
    async () => {
      const found = readyLine.exec(host.output());
      if (/preparing the demo work failed/.test(host.output())) throw new Error(`the demo work failed:\n${host.output().slice(-4_000)}`);
      return { done: found !== null, seen: found ? 'the ready line' : 'no ready line yet', importId: found?.[1] ?? '' };
    },
    { what: 'the demo work to be ready', timeoutMs: 120_000, intervalMs: 200, detail: async () => host.output().slice(-3_000) },
  );
  return importId;
}

async function inbox(host: LocalHost, role: string): Promise<Json[]> {
  const res = await call(host, role, 'GET', '/inbox?limit=100');
  expect(res.status).toBe(200);
  return res.body.items as Json[];
}

async function applicationIds(host: LocalHost, programId: string): Promise<string[]> {
  const res = await call(host, 'admin', 'GET', `/reward/applications?programId=${programId}&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items as Json[]).map((a) => String(a.id)).sort();
}

async function fundingRunIds(host: LocalHost): Promise<string[]> {
  const res = await call(host, 'admin', 'GET', '/funding/runs?limit=100');
  expect(res.status).toBe(200);
  return (res.body.items as Json[]).map((r) => String(r.id)).sort();
}

async function importCount(host: LocalHost): Promise<number> {
  const client = new DynamoDBClient({ endpoint: host.dynamodbEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const out = await client.send(
    new ScanCommand({
      TableName: 'village-flow',
      Select: 'COUNT',
      FilterExpression: 'begins_with(pk, :p) AND sk = :s',
      ExpressionAttributeValues: { ':p': { S: 'IMPORT#' }, ':s': { S: 'IMPORT' } },
    }),
  );
  client.destroy();
  return out.Count ?? 0;
}

afterAll(cleanUpLocalHosts);

describe('npm start leaves work in every demo inbox', () => {
  it('prepares it through the workflows in the background, completes it after a kill, and never twice', async () => {
    const dataDir = tmpDataDir('village-flow-e2e-demo-work-');

    // First start: killed once the work has begun (an application submitted).
    const first = await startLocalHost(await freePorts(), ['--data-dir', dataDir]);
    expect(first.output()).toMatch(/Demo work being prepared in the background/);
    await waitUntil(
      async () => {
        const ids = await applicationIds(first, demoRewardProgramId);
        return { done: ids.length > 0, seen: `${ids.length} applications` };
      },
      { what: 'a first demo application', timeoutMs: 60_000, intervalMs: 20 },
    );
    first.child.kill('SIGKILL');
    await exitCode(first);

    // Second start: the work is completed.
    const second = await startLocalHost(await freePorts(), ['--data-dir', dataDir]);
    expect(second.output()).not.toMatch(/demo data seeded/);
    expect(second.output()).toMatch(/Demo work being prepared in the background/);
    const importId = await workReady(second);

    const app = async (entityId: string) => {
      const program = demoWorkEnterprises.find(([id]) => id === entityId)![4];
      const res = await call(second, 'admin', 'GET', `/reward/applications?programId=${program}&entityId=${entityId}`);
      expect(res.body.items).toHaveLength(1);
      return res.body.items[0] as Json;
    };
    const signoff = await app('ent-demo-changzhou-homestay');
    const township = await app('ent-demo-huangyaguan-coop');
    const oneApproval = await app('ent-demo-xijingyu-coop');
    const twoApprovals = await app('ent-demo-lianhe-company');
    const paying = await app('ent-demo-bangjun-company');
    const unfunded = await app('ent-demo-mashenqiao-coop');
    expect([signoff, township, oneApproval, twoApprovals, paying, unfunded].map((a) => a.status)).toEqual([
      'awaiting-village-signoff',
      'awaiting-township',
      'awaiting-finance',
      'awaiting-finance',
      'paying',
      'unfunded',
    ]);
    expect(twoApprovals).toMatchObject({ amountFen: 12_000_000, financeApprovals: ['demo-finance-2'] });

    const has = (items: Json[], kind: string, subjectId: string) => items.find((i) => i.kind === kind && i.subjectId === subjectId);
    // The four 三签一审 positions of 常州村 (the `village` user is its head).
    for (const role of ['v-handler', 'v-bookkeeper', 'v-head', 'v-supervisor', 'village']) {
      expect(has(await inbox(second, role), 'reward.village-signoff', signoff.id), role).toMatchObject({ actionable: true });
    }
    expect(has(await inbox(second, 'township'), 'reward.township-review', township.id)).toMatchObject({ actionable: true });

    const runs = await call(second, 'finance', 'GET', '/funding/runs?limit=100');
    const run = (runs.body.items as Json[]).find((r) => r.policyId === demoWorkFundingPolicyId)!;
    expect(run).toMatchObject({ status: 'awaiting-approval', dryRun: false });
    const finance = await inbox(second, 'finance');
    expect(has(finance, 'reward.finance-approval', oneApproval.id)).toMatchObject({ actionable: true });
    expect(has(finance, 'reward.finance-approval', twoApprovals.id)).toMatchObject({ actionable: true });
    expect(has(finance, 'funding.run-approval', run.id)).toMatchObject({ actionable: true });
    const finance2 = await inbox(second, 'finance2');
    expect(has(finance2, 'reward.finance-approval', oneApproval.id)).toMatchObject({ actionable: true });
    expect(has(finance2, 'reward.finance-approval', twoApprovals.id)).toMatchObject({ actionable: false, waitingFor: 'second-approver', youApproved: true });
    expect(has(await inbox(second, 'admin'), 'reward.unfunded', unfunded.id)).toMatchObject({ actionable: true });

    // A payout instructed, for a payment batch; the small program's budget spent on it.
    const payouts = await call(second, 'finance', 'GET', `/payments/programs/reward/${demoSmallRewardProgramId}/payouts`);
    expect(payouts.status).toBe(200);
    expect(payouts.body.items).toEqual([expect.objectContaining({ status: 'instructed', amountFen: 3_000_000 })]);

    // The import with errors, for the admin and the auditor to read.
    for (const role of ['admin', 'auditor']) {
      const imp = await call(second, role, 'GET', `/imports/${importId}`);
      expect(imp.body).toMatchObject({ status: 'rejected' });
      expect(imp.body.errorCount).toBeGreaterThan(0);
    }

    const before = {
      main: await applicationIds(second, demoRewardProgramId),
      small: await applicationIds(second, demoSmallRewardProgramId),
      runs: await fundingRunIds(second),
      imports: await importCount(second),
    };
    expect(before.imports).toBe(1);
    expect(before.main).toHaveLength(4);
    expect(before.small).toHaveLength(2);
    expect(before.runs).toEqual([run.id]);
    second.child.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);

    // Third start: the marker says the work is done; nothing is made again.
    const third = await startLocalHost(await freePorts(), ['--data-dir', dataDir]);
    expect(third.output()).not.toMatch(/Demo work being prepared/);
    expect({
      main: await applicationIds(third, demoRewardProgramId),
      small: await applicationIds(third, demoSmallRewardProgramId),
      runs: await fundingRunIds(third),
      imports: await importCount(third),
    }).toEqual(before);
    expect(has(await inbox(third, 'township'), 'reward.township-review', township.id)).toBeDefined();
    third.child.kill('SIGTERM');
    expect(await exitCode(third)).toBe(0);
  });
});

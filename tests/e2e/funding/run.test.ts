import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { cleanUpLocalHosts, exitCode, freePorts, startLocalHost, tmpDataDir, type LocalHost, type LocalHostPorts } from '../../support/local-host.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import { demoFundingPolicyId, demoVillages } from '../../../local/demo-data.ts';
import { newDemoDistrictVillages } from '../../support/registries/demo-district-villages.ts';
import { waitUntil } from '../../support/wait.ts';
import { executionName, executionStatus, lastStatesEntered } from '../../support/stepfunctions.ts';

// The funding run on the whole local host (npm start as a child process): 4,000 villages imported
// over HTTP, a real run approved by finance, the host killed with SIGKILL while the run disburses,
// restarted on the same data folder; the run ends paid with exactly one ledger entry per village.

type Host = LocalHost & { readonly tokens: { admin: string; finance: string; finance2: string } };

async function startHost(p: LocalHostPorts, dataDir: string): Promise<Host> {
  const host = await startLocalHost(p, ['--data-dir', dataDir]);
  return { ...host, tokens: { admin: host.token('admin'), finance: host.token('finance'), finance2: host.token('finance2') } };
}

async function call(host: Host, role: keyof Host['tokens'], method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${host.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.tokens[role]}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
}

/**
 * How long one phase may take before the test gives up and prints what the host said: a safety
 * limit, not a figure. Unloaded a phase takes seconds; on a shared 2-core machine under full load
 * the whole test once took over 300 s, hence the test's own 15-minute limit.
 */
const phaseWait = { timeoutMs: 300_000, intervalMs: 100 };

/** For a wait that timed out: what the host printed after its start-up banner (which holds tokens). */
function printedSinceBanner(host: Host): string {
  const out = host.output();
  const after = out.slice(out.indexOf('Ctrl-C to stop.') + 'Ctrl-C to stop.'.length).trim();
  return after ? `the host printed since its banner:\n${after.slice(-3_000)}` : 'the host printed nothing since its banner';
}
const hostOutput = (host: Host) => async () => printedSinceBanner(host);

/** For a wait on a run that timed out: where its execution is, and what the host printed. */
const runDetail = (host: Host, id: string) => async () => {
  const run = await call(host, 'finance', 'GET', `/funding/runs/${id}`);
  const executionArn = String(run.body.executionArn);
  const client = new SFNClient({ endpoint: host.sfnEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  try {
    return `execution ${executionName(executionArn)} is ${await executionStatus(executionArn, client)}, ${await lastStatesEntered(executionArn, client, 12)}; ${printedSinceBanner(host)}`;
  } finally {
    client.destroy();
  }
};

/** Number of ledger entries of a run, counted straight from DynamoDB. */
async function ledgerCount(host: Host, runId: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint: host.dynamodbEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  let total = 0;
  let start: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: 'village-flow',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `LEDGER#funding#${runId}` } },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return total;
}

afterAll(cleanUpLocalHosts);

describe('a funding run on the local host survives SIGKILL in the middle of disbursement', () => {
  it('imports 4,000 villages, runs, approves, is killed while paying, restarts and ends paid with one ledger entry per village', async () => {
    const dataDir = tmpDataDir('village-flow-e2e-funding-');
    const ports = await freePorts();
    const first = await startHost(ports, dataDir);

    const imported = await call(first, 'admin', 'POST', '/imports/villages', toVillageCsv(newDemoDistrictVillages(4_000)), 'text/csv');
    expect(imported.status).toBe(202);
    await waitUntil(
      async () => {
        const imp = await call(first, 'admin', 'GET', `/imports/${imported.body.id}`);
        return { done: imp.body.status === 'succeeded', seen: `import ${imported.body.id} is ${imp.body.status}` };
      },
      { what: 'the import to succeed', ...phaseWait, detail: hostOutput(first) },
    );
    const villageCount = demoVillages.length + 4_000;

    const run = await call(first, 'admin', 'POST', '/funding/runs', { policyId: demoFundingPolicyId });
    expect(run.status).toBe(201);
    const id = String(run.body.id);
    const { waiting } = await waitUntil(
      async () => {
        const r = await call(first, 'finance', 'GET', `/funding/runs/${id}`);
        const inbox = await call(first, 'finance', 'GET', '/inbox?role=finance');
        const listed = (inbox.body.items as { subjectId: string }[]).some((d) => d.subjectId === id);
        return { done: r.body.status === 'awaiting-approval' && listed, seen: `run ${id} is ${r.body.status}, ${listed ? '' : 'not '}in finance's inbox`, waiting: r.body };
      },
      { what: 'awaiting-approval in finance’s inbox', ...phaseWait, detail: runDetail(first, id) },
    );
    expect(waiting).toMatchObject({ villageCount, pageCount: 5 });
    // About 160 million yuan: above the default two-approver threshold, so two finance users approve.
    const firstApproval = await call(first, 'finance', 'POST', `/funding/runs/${id}/approve`, { comment: '同意' });
    expect(firstApproval.status).toBe(200);
    expect(firstApproval.body.approval).toMatchObject({ required: 2, remaining: 1 });
    expect((await call(first, 'finance2', 'POST', `/funding/runs/${id}/approve`, { comment: '复核同意' })).status).toBe(200);

    // Kill once the first ledger entries are written, while the run is still disbursing.
    await waitUntil(
      async () => {
        const entries = await ledgerCount(first, id);
        return { done: entries > 0, seen: `run ${id} has ${entries} ledger entries` };
      },
      { what: 'the first ledger entries', ...phaseWait, intervalMs: 10, detail: hostOutput(first) },
    );
    const before = await call(first, 'finance', 'GET', `/funding/runs/${id}`);
    first.child.kill('SIGKILL');
    await exitCode(first);
    expect(before.body.status).toBe('disbursing');
    expect(before.body.progress.paidPages).toBeLessThan(5);

    // Fresh ports: the data folder is what carries over; a port of the killed host may be taken meanwhile.
    const second = await startHost(await freePorts(), dataDir);
    const { paid } = await waitUntil(
      async () => {
        const r = await call(second, 'finance', 'GET', `/funding/runs/${id}`);
        expect(r.body.status).not.toBe('failed');
        const counted = r.body.stateTransitions !== undefined;
        return { done: r.body.status === 'paid' && counted, seen: `run ${id} is ${r.body.status}${counted ? '' : ', its execution not yet counted'}, ${r.body.progress?.paidPages ?? 0} pages paid`, paid: r.body };
      },
      { what: 'paid', ...phaseWait, detail: runDetail(second, id) },
    );
    // Every village gets the 40,000-yuan increase (no cap), so every village has exactly one entry.
    expect(await ledgerCount(second, id)).toBe(villageCount);
    expect(paid.progress).toEqual({ computedPages: 5, paidPages: 5, paidVillages: villageCount, paidFen: paid.summary.total.topUpFen });
    expect(paid.historyEvents).toBeLessThan(1_000);

    second.child.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);
  }, 900_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp } from '../../../functions/api/app.ts';
import { maxCsvBytes } from '../../../functions/platform/registries/routes/imports.ts';
import { ddb, resetClients, tableName } from '../../../functions/shared/clients.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { startStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { loadRegisteredWorkflows } from '../../../local/stepfunctions/registry.ts';
import { call, tokenFor, type Answer } from '../../support/api.ts';
import { seedDivisions, testVillageCode } from '../../support/registries/village-import-fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

const app = buildApp();
let stopSfn: (() => Promise<void>) | undefined;
let admin = '';

function villages(count: number, offset: number): Village[] {
  return Array.from({ length: count }, (_, k) => ({
    code: testVillageCode(offset + k),
    name: `接口${offset + k}村`,
    population: 500 + k,
    economicallyWeak: k % 4 === 0,
    category: '强基',
    operatingFundsFen: 16_000_000,
  }));
}

const postCsv = (csv: string, token = admin, headers: Record<string, string> = {}) =>
  call(app, 'POST', '/imports/villages', { token, rawBody: csv, headers: { 'content-type': 'text/csv; charset=utf-8', ...headers } });

async function finished(id: string, token = admin): Promise<Answer> {
  const { answer } = await waitUntil(
    async () => {
      const answer = await call(app, 'GET', `/imports/${id}`, { token });
      expect(answer.status).toBe(200);
      return { done: ['succeeded', 'rejected', 'failed'].includes(answer.body.status), seen: `import ${id} is ${answer.body.status}`, answer };
    },
    { what: 'succeeded, rejected or failed', timeoutMs: 30_000, intervalMs: 50 },
  );
  return answer;
}

async function scanCount(prefix?: string): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(prefix ? { FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': prefix } } : {}),
      }),
    );
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}

beforeAll(async () => {
  await seedDivisions();
  const region = process.env.AWS_REGION ?? 'cn-north-1';
  const { stateMachines, handlers } = await loadRegisteredWorkflows(region);
  const running = await startStepFunctionsLocal({ port: 0, region, stateMachineArnPrefix: process.env.STATE_MACHINE_ARN_PREFIX!, stateMachines, handlers });
  stopSfn = running.stop;
  process.env.SFN_ENDPOINT = running.endpoint;
  resetConfig();
  resetClients();
  admin = await tokenFor('admin', '120225');
});

afterAll(async () => {
  await stopSfn?.();
});

describe('POST /imports/villages and GET /imports/{id}', () => {
  it('accepts a CSV, runs the workflow and shows the counts; the execution is linked', async () => {
    const posted = await postCsv(toVillageCsv(villages(30, 0), { bom: true }));
    expect(posted.status).toBe(202);
    expect(posted.headers.get('location')).toBe(`/imports/${posted.body.id}`);
    expect(posted.body).toMatchObject({ id: expect.stringMatching(/^imp-/), executionArn: expect.stringContaining(`:${posted.body.id}`) });
    const done = await finished(posted.body.id);
    expect(done.body).toMatchObject({ status: 'succeeded', rowCount: 30, counts: { created: 30, updated: 0, unchanged: 0 }, errors: [], createdBy: 'admin-120225' });

    const execution = await call(app, 'GET', done.body.links.execution, { token: admin });
    expect(execution.status).toBe(200);
    expect(execution.body.events.map((e: { state?: string }) => e.state).filter(Boolean)).toContain('WritePages');

    const again = await finished((await postCsv(toVillageCsv(villages(30, 0)))).body.id);
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 30 });
  });

  it('shows every row/column error of a rejected file, paged', async () => {
    const bad = Array.from({ length: 300 }, (_, i) => `${testVillageCode(1000 + i)},,many,maybe,示范,1`).join('\n');
    const posted = await postCsv(`code,name,population,economicallyWeak,category,operatingFundsYuan\n${bad}\n`);
    expect(posted.status).toBe(202);
    const done = await finished(posted.body.id);
    expect(done.body).toMatchObject({ status: 'rejected', errorCount: 900, errorPage: 0, nextErrorPage: 1 });
    expect(done.body.errors[0]).toEqual({ row: 2, column: 'population', message: expect.any(String) });
    const second = await call(app, 'GET', `/imports/${posted.body.id}?errorPage=1`, { token: admin });
    expect(second.body.errors).toHaveLength(400);
    expect(second.body.nextErrorPage).toBeUndefined();
  });

  it('replays an Idempotency-Key with the same file, and refuses it with another', async () => {
    const csv = toVillageCsv(villages(3, 2000));
    const first = await postCsv(csv, admin, { 'idempotency-key': 'import-2026-11-a' });
    const second = await postCsv(csv, admin, { 'idempotency-key': 'import-2026-11-a' });
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.executionArn).toBe(first.body.executionArn);
    const other = await postCsv(toVillageCsv(villages(3, 2100)), admin, { 'idempotency-key': 'import-2026-11-a' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('refuses callers who may not import, and bodies that are not a CSV', async () => {
    const csv = toVillageCsv(villages(1, 3000));
    expect((await call(app, 'POST', '/imports/villages', { rawBody: csv, headers: { 'content-type': 'text/csv' } })).status).toBe(401);
    expect((await postCsv(csv, await tokenFor('finance', '120225'))).status).toBe(403);
    expect((await postCsv(csv, await tokenFor('auditor', '120225'))).status).toBe(403);
    expect((await call(app, 'POST', '/imports/villages', { token: admin, body: { csv } })).status).toBe(415);
    expect((await postCsv(csv, admin, { 'content-type': 'text/csv; charset=gbk' })).status).toBe(415);
    expect((await postCsv('')).status).toBe(400);
    expect((await postCsv(csv, admin, { 'idempotency-key': 'bad key with spaces' })).body.errors?.[0]?.field).toBe('idempotency-key');
    expect((await postCsv('x'.repeat(maxCsvBytes + 1))).status).toBe(413);
  });

  it('an import is visible to admins and auditors of its jurisdiction only', async () => {
    const { body } = await postCsv(toVillageCsv(villages(2, 3100)));
    await finished(body.id);
    expect((await call(app, 'GET', `/imports/${body.id}`, { token: await tokenFor('auditor', '120225') })).status).toBe(200);
    expect((await call(app, 'GET', `/imports/${body.id}`, { token: await tokenFor('admin', '120223') })).status).toBe(403);
    expect((await call(app, 'GET', `/imports/${body.id}`, { token: await tokenFor('township', '120225100') })).status).toBe(403);
    expect((await call(app, 'GET', '/imports/imp-00000000-0000-0000-0000-000000000000', { token: admin })).status).toBe(404);
    const malformed = await call(app, 'GET', '/imports/DROP', { token: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({ field: 'id', in: 'path' });
  });
});

describe('GET /workflows/executions', () => {
  it('lists executions by workflow and status, and shows one with its history', async () => {
    const { body } = await postCsv(toVillageCsv(villages(2, 3200)));
    await finished(body.id);
    const list = await call(app, 'GET', '/workflows/executions?workflow=village-import&status=SUCCEEDED&limit=100', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { name: string }) => e.name)).toContain(body.id);
    expect(list.body.items.every((e: { status: string }) => e.status === 'SUCCEEDED')).toBe(true);
    expect((await call(app, 'GET', '/workflows/executions', { token: await tokenFor('auditor', '120225') })).status).toBe(200);
    const elsewhere = await call(app, 'GET', '/workflows/executions?workflow=village-import&limit=100', { token: await tokenFor('admin', '120223') });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items.map((e: { name: string }) => e.name)).not.toContain(body.id);
    expect((await call(app, 'GET', `/workflows/executions/village-import:${body.id}`, { token: await tokenFor('admin', '120223') })).status).toBe(403);

    const one = await call(app, 'GET', `/workflows/executions/village-import:${body.id}`, { token: admin });
    expect(one.body).toMatchObject({ name: body.id, workflow: 'village-import', status: 'SUCCEEDED', input: { importId: body.id } });
    expect(one.body.events[0].type).toBe('ExecutionStarted');
    expect(one.body.events.at(-1).type).toBe('ExecutionSucceeded');
    const byArn = await call(app, 'GET', `/workflows/executions/${encodeURIComponent(body.executionArn)}`, { token: admin });
    expect(byArn.body.executionArn).toBe(body.executionArn);
  });

  it('refuses other roles, bad filters and ids that are not executions', async () => {
    expect((await call(app, 'GET', '/workflows/executions', { token: await tokenFor('finance', '120225') })).status).toBe(403);
    expect((await call(app, 'GET', '/workflows/executions?status=DONE', { token: admin })).status).toBe(400);
    expect((await call(app, 'GET', '/workflows/executions?workflow=nope', { token: admin })).status).toBe(400);
    expect((await call(app, 'GET', '/workflows/executions?cursor=abc', { token: admin })).status).toBe(400);
    expect((await call(app, 'GET', '/workflows/executions/village-import:imp-missing-000000', { token: admin })).status).toBe(404);
    expect((await call(app, 'GET', '/workflows/executions/not-an-arn', { token: admin })).status).toBe(400);
  });
});

describe('fuzz: POST /imports/villages', () => {
  it('answers 4xx to any body that is not a CSV, and writes nothing', async () => {
    const before = await scanCount();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv; charset=latin1', 'application/octet-stream'),
        fc.string({ maxLength: 400 }),
        async (contentType, text) => {
          const answer = await call(app, 'POST', '/imports/villages', { token: admin, rawBody: text, headers: { 'content-type': contentType } });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    expect(await scanCount()).toBe(before);
  });

  it('accepts any CSV text for validation, never with a 5xx, and no random file writes a village', async () => {
    const villagesBefore = await scanCount('VILLAGE#');
    const ids: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 400 }),
          fc.array(fc.array(fc.string({ maxLength: 15 }), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 6 }).map(
            (rows) => `code,name,population,economicallyWeak,category,operatingFundsYuan\n${rows.map((r) => r.join(',')).join('\n')}`,
          ),
        ),
        async (text) => {
          const answer = await postCsv(text);
          expect([202, 400]).toContain(answer.status);
          if (answer.status === 202) ids.push(answer.body.id);
        },
      ),
      { numRuns: 200 },
    );
    for (const id of ids) expect((await finished(id)).body.status).toBe('rejected');
    expect(await scanCount('VILLAGE#')).toBe(villagesBefore);
  });
});

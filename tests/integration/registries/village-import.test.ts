import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ddb, sfn, tableName } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { createImport, doneMarkerPut, getErrors, getImport, getPage, type ImportActor } from '../../../functions/platform/registries/store/village-import.ts';
import { getVillage, getVillages, villageWrite } from '../../../functions/platform/registries/store/village.ts';
import { handler as validate } from '../../../functions/platform/registries/tasks/village-import-validate.ts';
import { handler as writePage, VillageChangedDuringImport } from '../../../functions/platform/registries/tasks/village-import-write-page.ts';
import { handler as finish } from '../../../functions/platform/registries/tasks/village-import-finish.ts';
import { handler as markFailed } from '../../../functions/platform/registries/tasks/village-import-mark-failed.ts';
import { seedDivisions, testVillageCode } from '../../support/registries/village-import-fixtures.ts';
import { executionEnded, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';

const admin: ImportActor = { sub: 'admin-1', roles: ['admin'], division: '120225' };

/** `count` villages spread over the seeded townships, deterministic by index. */
function villages(count: number, offset = 0): Village[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    return {
      code: testVillageCode(i),
      name: `测试${i}村`,
      population: 300 + ((i * 37) % 2700),
      economicallyWeak: i % 5 === 0,
      category: (['示范', '创优', '强基'] as const)[i % 3]!,
      operatingFundsFen: 16_000_000 + (i % 7) * 100_000,
    };
  });
}

async function newImport(csv: string, actor: ImportActor = admin): Promise<string> {
  const id = `imp-${randomUUID()}`;
  expect(await createImport({ id, actor, csv: new TextEncoder().encode(csv) })).toBe(true);
  return id;
}

/** Run the steps by hand, in the order the state machine would. */
async function runSteps(id: string) {
  const v = await validate({ importId: id });
  if (!v.valid) return { validated: v };
  const pageResults = [];
  for (const page of v.pages) pageResults.push(await writePage({ importId: id, page }));
  return { validated: v, finished: await finish({ importId: id, pageResults }) };
}

async function auditCount(code: string): Promise<number> {
  const out = await ddb().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#village#${code}` }, Select: 'COUNT' }),
  );
  return out.Count ?? 0;
}

beforeAll(async () => {
  await seedDivisions();
});

describe('village import steps against DynamoDB Local', () => {
  it('validates, writes every village with one audit record each, and records the counts', async () => {
    const input = villages(1_200);
    const id = await newImport(toVillageCsv(input, { bom: true }));
    const { validated, finished } = await runSteps(id);
    expect(validated).toMatchObject({ valid: true, rowCount: 1_200, errorCount: 0, pages: [0, 1, 2] });
    expect(finished).toEqual({ importId: id, status: 'succeeded', counts: { created: 1_200, updated: 0, unchanged: 0 } });
    const stored = await getVillages(input.map((v) => v.code));
    expect(stored.size).toBe(1_200);
    expect(stored.get(input[7]!.code)).toMatchObject({ ...input[7], version: 1 });
    expect(await auditCount(input[0]!.code)).toBe(1);
    expect(await getImport(id)).toMatchObject({ status: 'succeeded', rowCount: 1_200, pageCount: 3, counts: { created: 1_200 } });
  });

  it('rejects a file with bad rows as a whole: every error by row and column, no village written', async () => {
    const good = villages(3, 1_200);
    const csv = `${toVillageCsv(good).trimEnd()}\n120225100999,坏人口村,很多,否,示范,160000\n120225999201,无此镇村,500,否,示范,160000\n120224100201,外区村,500,是,先进,1.234\n`;
    const id = await newImport(csv);
    const { validated } = await runSteps(id);
    expect(validated).toMatchObject({ valid: false, rowCount: 6, errorCount: 5, pages: [] });
    expect(await getErrors(id, 0)).toEqual([
      expect.objectContaining({ row: 5, column: 'population' }),
      expect.objectContaining({ row: 6, column: 'code', message: expect.stringMatching(/township 120225999/) }),
      expect.objectContaining({ row: 7, column: 'operatingFundsYuan' }),
      expect.objectContaining({ row: 7, column: 'category' }),
      expect.objectContaining({ row: 7, column: 'code', message: expect.stringMatching(/jurisdiction/) }),
    ]);
    for (const v of good) expect(await getVillage(v.code)).toBeUndefined();
    expect(await getImport(id)).toMatchObject({ status: 'rejected', errorCount: 5 });
  });

  it('re-running the same file changes nothing; a changed file updates only what changed', async () => {
    const input = villages(120, 1_300);
    await runSteps(await newImport(toVillageCsv(input)));
    const again = await runSteps(await newImport(toVillageCsv(input)));
    expect(again.finished?.counts).toEqual({ created: 0, updated: 0, unchanged: 120 });
    expect(await auditCount(input[3]!.code)).toBe(1);

    const changed = input.map((v, i) => (i % 10 === 0 ? { ...v, population: v.population + 1 } : v));
    const third = await runSteps(await newImport(toVillageCsv([...changed, ...villages(5, 1_420)])));
    expect(third.finished?.counts).toEqual({ created: 5, updated: 12, unchanged: 108 });
    expect(await getVillage(input[0]!.code)).toMatchObject({ population: input[0]!.population + 1, version: 2 });
    expect(await auditCount(input[0]!.code)).toBe(2);
  });

  it('a repeated or interrupted page write reports the same counts and writes nothing twice', async () => {
    const input = villages(150, 1_500);
    const id = await newImport(toVillageCsv(input));
    await validate({ importId: id });
    // A crash after the first chunk committed: commit it the way write-page does, then run the step.
    const firstChunk = (await getPage(id, 0)).slice(0, 49);
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [...firstChunk.flatMap((v) => villageWrite(v, undefined, admin, 'village.create')), doneMarkerPut(id, 0, 0, { created: 49, updated: 0, unchanged: 0 })],
      }),
    );
    const first = await writePage({ importId: id, page: 0 });
    const repeat = await writePage({ importId: id, page: 0 });
    expect(first).toEqual({ page: 0, created: 150, updated: 0, unchanged: 0 });
    expect(repeat).toEqual(first);
    for (const v of [input[0]!, input[60]!, input[149]!]) expect(await auditCount(v.code)).toBe(1);
    const v1 = await validate({ importId: id });
    expect(v1).toMatchObject({ valid: true, pages: [0] });
    const done = await finish({ importId: id, pageResults: [first] });
    expect(await finish({ importId: id, pageResults: [first] })).toEqual(done);
  });

  it('two runs of the same page at once write each village once and agree on the counts', async () => {
    const input = villages(100, 3_000);
    const id = await newImport(toVillageCsv(input));
    await validate({ importId: id });
    // What the state machine's Retry does when a run loses a race on a chunk.
    const withRetry = async (): Promise<Awaited<ReturnType<typeof writePage>>> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await writePage({ importId: id, page: 0 });
        } catch (err) {
          if (!(err instanceof VillageChangedDuringImport) || attempt >= 5) throw err;
        }
      }
    };
    const [a, b] = await Promise.all([withRetry(), withRetry()]);
    expect(a).toEqual({ page: 0, created: 100, updated: 0, unchanged: 0 });
    expect(b).toEqual(a);
    for (const v of [input[0]!, input[50]!, input[99]!]) expect(await auditCount(v.code)).toBe(1);
  });

  it('records a failure on the import, once', async () => {
    const id = await newImport(toVillageCsv(villages(2, 1_650)));
    expect(await markFailed({ importId: id, error: { Error: 'Boom', Cause: 'x'.repeat(5_000) } })).toEqual({ importId: id, status: 'failed' });
    const failed = await getImport(id);
    expect(failed?.failure?.error).toBe('Boom');
    expect(failed?.failure?.cause.length).toBeLessThan(2_100);
    expect(await markFailed({ importId: id, error: { Error: 'Other' } })).toEqual({ importId: id, status: 'failed' });
    expect((await getImport(id))?.failure?.error).toBe('Boom');
  });

  it('refuses malformed task input', async () => {
    await expect(validate({ importId: 'nope' })).rejects.toThrow();
    await expect(writePage({ importId: `imp-${randomUUID()}`, page: -1 })).rejects.toThrow();
  });
});

describe('the village-import state machine on the local Step Functions endpoint', () => {
  useLocalStepFunctions();

  async function run(csv: string) {
    const id = await newImport(csv);
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn('village-import'), name: id, input: JSON.stringify({ importId: id }) }),
    );
    const d = await executionEnded(executionArn!, { timeoutMs: 30_000, intervalMs: 100 });
    return { id, status: d.status, output: d.output ? (JSON.parse(d.output) as unknown) : undefined, events: await history(executionArn!) };
  }


  it('happy path: Validate → AllRowsValid → WritePages (one iteration per page) → Finish', async () => {
    const input = villages(1_100, 1_700);
    const { id, status, output, events } = await run(toVillageCsv(input));
    expect(status).toBe('SUCCEEDED');
    expect(output).toEqual({ importId: id, status: 'succeeded', counts: { created: 1_100, updated: 0, unchanged: 0 } });
    const path = statesEntered(events);
    expect(path.filter((n) => n !== 'WritePage')).toEqual(['Validate', 'AllRowsValid', 'WritePages', 'Finish']);
    expect(path.filter((n) => n === 'WritePage')).toHaveLength(3);
    expect(events.map((e) => e.type)).toContain('MapStateSucceeded');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect((await getVillages(input.map((v) => v.code))).size).toBe(1_100);

    const again = await run(toVillageCsv(input));
    expect(again.output).toMatchObject({ counts: { created: 0, updated: 0, unchanged: 1_100 } });
    expect(await auditCount(input[500]!.code)).toBe(1);
  });

  it('bad rows: Validate → AllRowsValid → Rejected, nothing written, every error on the import', async () => {
    const good = villages(4, 2_800);
    const csv = `${toVillageCsv(good).trimEnd()}\n120225100998,,-1,maybe,示范,abc\n`;
    const { id, status, events } = await run(csv);
    expect(status).toBe('SUCCEEDED');
    expect(statesEntered(events)).toEqual(['Validate', 'AllRowsValid', 'Rejected']);
    expect(await getImport(id)).toMatchObject({ status: 'rejected', errorCount: 4 });
    expect((await getErrors(id, 0)).map((e) => [e.row, e.column])).toEqual([
      [6, 'population'],
      [6, 'economicallyWeak'],
      [6, 'operatingFundsYuan'],
      [6, 'name'],
    ]);
    for (const v of good) expect(await getVillage(v.code)).toBeUndefined();
  });

  it('a failing step is caught and recorded: → MarkFailed → ImportFailed', async () => {
    const id = await newImport(toVillageCsv(villages(3, 2_900)));
    // The CSV chunk count no longer matches: validation cannot reassemble the file.
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [{ Update: { TableName: tableName(), Key: { pk: `IMPORT#${id}`, sk: 'IMPORT' }, UpdateExpression: 'SET csvChunks = :n', ExpressionAttributeValues: { ':n': 7 } } }],
      }),
    );
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn('village-import'), name: id, input: JSON.stringify({ importId: id }) }),
    );
    const { status } = await executionEnded(executionArn!, { intervalMs: 100 });
    const events = await history(executionArn!);
    expect(status).toBe('FAILED');
    expect(statesEntered(events)).toEqual(['Validate', 'MarkFailed', 'ImportFailed']);
    expect(await getImport(id)).toMatchObject({ status: 'failed', failure: { cause: expect.stringMatching(/CSV chunks/) } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import { importPageSize } from '../../../functions/platform/registries/store/village-import.ts';
import { villageImportWritePageTask } from '../../../functions/platform/registries/tasks/village-import-write-page.ts';
import { call, tokenFor } from '../../support/api.ts';
import { seedDivisions, testVillageCode } from '../../support/registries/village-import-fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// The progress of a running village import, as the console's progress bar polls it: the second
// page's write is held back (a stub around the real task) until the test has seen the first page
// counted, so the import is observed half-way without any timing assumption.
let release: () => void = () => undefined;
const secondPageMayWrite = new Promise<void>((resolve) => {
  release = resolve;
});
useLocalStepFunctions({
  stubs: {
    'village-import-write-page': async (event) => {
      if ((event as { page?: unknown }).page === 1) await secondPageMayWrite;
      return villageImportWritePageTask.handler(event);
    },
  },
});

// Never leave the held page waiting (a failed assertion before release), or the endpoint could not stop.
afterAll(() => release());

const app = buildApp();
let admin = '';
// Two pages, the second a short one: the least that shows a page counted while another waits.
const rows = importPageSize + 10;

beforeAll(async () => {
  await seedDivisions();
  admin = await tokenFor('admin', '120225');
});

const view = async (id: string) => {
  const res = await call(app, 'GET', `/imports/${id}`, { token: admin });
  expect(res.status).toBe(200);
  return res.body as { status: string; progress: { processedRows: number; totalRows?: number; percent: number; done: boolean } };
};

describe('GET /imports/{id} while an import runs', () => {
  it('shows processed and total rows, then 100 % once done', async () => {
    const csv = toVillageCsv(
      Array.from({ length: rows }, (_, k) => ({ code: testVillageCode(k), name: `进度${k}村`, population: 600, economicallyWeak: false, category: '强基', operatingFundsFen: 15_000_000 })),
    );
    const posted = await call(app, 'POST', '/imports/villages', { token: admin, rawBody: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(posted.status).toBe(202);
    const id = posted.body.id as string;

    const halfway = await waitUntil(
      async () => {
        const v = await view(id);
        return { done: v.progress.processedRows === importPageSize, seen: `${v.status}: ${JSON.stringify(v.progress)}`, v };
      },
      { what: 'the first page counted', timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(halfway.v).toMatchObject({ status: 'writing', progress: { processedRows: importPageSize, totalRows: rows, percent: Math.floor((importPageSize * 100) / rows), done: false } });

    release();
    const finished = await waitUntil(
      async () => {
        const v = await view(id);
        return { done: v.progress.done, seen: `${v.status}: ${JSON.stringify(v.progress)}`, v };
      },
      { what: 'the import to end', timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(finished.v).toMatchObject({ status: 'succeeded', progress: { processedRows: rows, totalRows: rows, percent: 100, done: true } });
  });

  it('a rejected file: done, nothing processed, its errors by row and column', async () => {
    const posted = await call(app, 'POST', '/imports/villages', { token: admin, rawBody: 'code,name\n12,x\n', headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(posted.status).toBe(202);
    const { v } = await waitUntil(
      async () => {
        const res = await call(app, 'GET', `/imports/${posted.body.id}`, { token: admin });
        return { done: res.body.progress.done === true, seen: JSON.stringify(res.body.progress), v: res.body };
      },
      { what: 'the import to end', timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(v).toMatchObject({ status: 'rejected', progress: { processedRows: 0, done: true } });
    expect(v.errors.length).toBeGreaterThan(0);
    expect(v.errors[0]).toHaveProperty('row');
    expect(v.errors[0]).toHaveProperty('column');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fundingVillages, seedVillages } from '../../support/funding/fixtures.ts';
import { seedDivisions, testTownships } from '../../support/registries/village-import-fixtures.ts';

// A page cursor is bound to the query that issued it: one edited to point outside the listing (here
// into another township of the same county partition) is refused with 400 naming the cursor. Before,
// DynamoDB refused the start key ("does not match the range key predicate") and the API answered 500.
const app = buildApp();
let admin = '';

beforeAll(async () => {
  await seedDivisions();
  await seedVillages(fundingVillages(80));
  admin = await tokenFor('admin', '120225');
});

const encode = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as string[];

describe('page cursors', () => {
  it('walks a township page by page, and refuses a cursor edited to leave the listing', async () => {
    const township = testTownships[0]!;
    const first = await call(app, 'GET', `/villages?division=${township}&limit=2`, { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await call(app, 'GET', `/villages?division=${township}&limit=2&cursor=${first.body.nextCursor}`, { token: admin })).status).toBe(200);

    const values = decode(first.body.nextCursor);
    const elsewhere = values.map((v) => v.replace(township, testTownships[1]!));
    for (const cursor of [encode(elsewhere), encode(values.slice(0, 2)), encode(values.map(() => '')), 'not base64 at all!', encode({ pk: 'x' })]) {
      const answer = await call(app, 'GET', `/villages?division=${township}&limit=2&cursor=${encodeURIComponent(cursor)}`, { token: admin });
      expect(answer.status, cursor).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ field: 'cursor', in: 'query' });
    }
  });
});

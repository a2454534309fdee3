import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp } from '../../../functions/api/app.ts';
import { ddb, tableName } from '../../../functions/shared/clients.ts';
import { call, tokenFor } from '../../support/api.ts';

const app = buildApp();
let admin: string;
let otherAdmin: string;

async function unitsNamed(name: string): Promise<string[]> {
  const res = await call(app, 'GET', '/units?limit=100', { token: admin });
  return res.body.items.filter((u: { name: string }) => u.name === name).map((u: { id: string }) => u.id);
}

async function auditsOf(entity: string): Promise<number> {
  const out = await ddb().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${entity}` }, ConsistentRead: true }),
  );
  return out.Items?.length ?? 0;
}

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  otherAdmin = await tokenFor('admin', '120225', { sub: 'second-admin' });
});

describe('Idempotency-Key on creating POSTs', () => {
  const body = { name: '蓟州区农业农村局', level: 'district', kind: 'agency', division: '120225' };

  it('replays the stored response for the same key and body, creating once', async () => {
    const first = await call(app, 'POST', '/units', { token: admin, body, headers: { 'idempotency-key': 'create-unit-1' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same body with its keys in another order is the same request.
    const reordered = { division: body.division, kind: body.kind, level: body.level, name: body.name };
    const again = await call(app, 'POST', '/units', { token: admin, body: reordered, headers: { 'idempotency-key': 'create-unit-1' } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await unitsNamed(body.name)).toEqual([first.body.id]);
    expect(await auditsOf(`unit#${first.body.id}`)).toBe(1);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    const before = await unitsNamed('别的单位');
    const res = await call(app, 'POST', '/units', { token: admin, body: { ...body, name: '别的单位' }, headers: { 'idempotency-key': 'create-unit-1' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await unitsNamed('别的单位')).toEqual(before);
  });

  it('scopes keys per caller', async () => {
    const res = await call(app, 'POST', '/units', { token: otherAdmin, body, headers: { 'idempotency-key': 'create-unit-1' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await unitsNamed(body.name)).toHaveLength(2);
  });

  it('creates exactly once when the same request races with itself', async () => {
    const racing = { ...body, name: '并发单位' };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(app, 'POST', '/units', { token: admin, body: racing, headers: { 'idempotency-key': 'race-1' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await unitsNamed('并发单位')).toHaveLength(1);
  });

  it('works for divisions and villages too, and stores nothing for a failed create', async () => {
    const division = { code: '120225', name: '蓟州区' };
    const d1 = await call(app, 'POST', '/divisions', { token: admin, body: division, headers: { 'idempotency-key': 'd-1' } });
    const d2 = await call(app, 'POST', '/divisions', { token: admin, body: division, headers: { 'idempotency-key': 'd-1' } });
    expect([d1.status, d2.status]).toEqual([201, 201]);
    expect(d2.body).toEqual(d1.body);
    // The township is missing: 400, and the key stays unused, so a retry after fixing it succeeds.
    const village = { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: false, category: '示范' };
    const failed = await call(app, 'POST', '/villages', { token: admin, body: village, headers: { 'idempotency-key': 'v-1' } });
    expect(failed.status).toBe(400);
    expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
    const ok = await call(app, 'POST', '/villages', { token: admin, body: village, headers: { 'idempotency-key': 'v-1' } });
    expect(ok.status).toBe(201);
    const replay = await call(app, 'POST', '/villages', { token: admin, body: village, headers: { 'idempotency-key': 'v-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(ok.body);
  });

  it('rejects a malformed key naming the header', async () => {
    const res = await call(app, 'POST', '/units', { token: admin, body, headers: { 'idempotency-key': 'x'.repeat(201) } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'idempotency-key', in: 'header' })]);
  });
});

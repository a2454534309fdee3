import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp } from '../../../functions/api/app.ts';
import { ddb, tableName } from '../../../functions/shared/clients.ts';
import { call, tokenFor } from '../../support/api.ts';

const app = buildApp();
let admin: string;
let finance: string;
let auditor: string;
let townshipUser: string;
let otherCountyAdmin: string;

const village = (code: string, overrides: Record<string, unknown> = {}) => ({
  code,
  name: `村${code.slice(-3)}`,
  population: 800 + Number(code.slice(-3)),
  economicallyWeak: Number(code.slice(-1)) % 2 === 0,
  category: ['示范', '创优', '强基'][Number(code.slice(-1)) % 3],
  operatingFundsFen: 16_000_000,
  ...overrides,
});

async function auditCount(entity: string): Promise<number> {
  const out = await ddb().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${entity}` }, ConsistentRead: true }),
  );
  return out.Items?.length ?? 0;
}

async function walk(path: string, token: string, limit: number) {
  const items: Array<{ code?: string; id?: string }> = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(app, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  auditor = await tokenFor('auditor', '120225');
  townshipUser = await tokenFor('township', '120225100');
  otherCountyAdmin = await tokenFor('admin', '120223');
  // The district (its admin's own root, so no parent needed) and two townships.
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225101', name: '洇溜镇' } })).status).toBe(201);
  for (let i = 1; i <= 7; i++) {
    expect((await call(app, 'POST', '/villages', { token: admin, body: village(`120225100${200 + i}`) })).status).toBe(201);
  }
  for (let i = 1; i <= 4; i++) {
    expect((await call(app, 'POST', '/villages', { token: admin, body: village(`120225101${200 + i}`) })).status).toBe(201);
  }
});

describe('divisions', () => {
  it('reads a division with its level, parent and version (ETag)', async () => {
    const res = await call(app, 'GET', '/divisions/120225100', { token: finance });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: '120225100', name: '渔阳镇', level: 'township', parent: '120225', version: 1 });
    expect(res.headers.get('etag')).toBe('"1"');
  });

  it('needs the parent to exist, except for the admin’s own root', async () => {
    const res = await call(app, 'POST', '/divisions', { token: otherCountyAdmin, body: { code: '120223100', name: '某镇' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'code', message: expect.stringContaining('120223') })]);
    expect((await call(app, 'GET', '/divisions/120223100', { token: otherCountyAdmin })).status).toBe(404);
  });

  it('refuses a duplicate with 409 and writes no second audit record', async () => {
    const before = await auditCount('division#120225100');
    const res = await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '重复' } });
    expect(res.status).toBe(409);
    expect(await auditCount('division#120225100')).toBe(before);
  });

  it('lists children; a township’s children are its villages', async () => {
    const towns = await call(app, 'GET', '/divisions?parent=120225', { token: finance });
    expect(towns.body.items.map((d: { code: string }) => d.code)).toEqual(['120225100', '120225101']);
    const villages = await walk('/divisions?parent=120225101', finance, 3);
    expect(villages.items.map((v) => v.code)).toEqual(['120225101201', '120225101202', '120225101203', '120225101204']);
    expect(villages.items.every((v) => (v as { level?: string }).level === 'village')).toBe(true);
  });

  it('renames with optimistic concurrency: If-Match current → 200, stale → 409', async () => {
    const ok = await call(app, 'PUT', '/divisions/120225101', { token: admin, body: { name: '洇溜镇（新）' }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    const stale = await call(app, 'PUT', '/divisions/120225101', { token: admin, body: { name: '再改', version: 1 } });
    expect(stale.status).toBe(409);
    expect((await call(app, 'GET', '/divisions/120225101', { token: admin })).body.name).toBe('洇溜镇（新）');
  });

  it('rejects village codes and writes by non-admins', async () => {
    const bad = await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100299', name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('code');
    expect((await call(app, 'POST', '/divisions', { token: finance, body: { code: '120225102', name: '镇' } })).status).toBe(403);
    expect((await call(app, 'PUT', '/divisions/120225100', { token: auditor, body: { name: '镇' } })).status).toBe(403);
  });
});

describe('villages', () => {
  it('creates with money in integer fen and reads it back', async () => {
    const res = await call(app, 'GET', '/villages/120225100203', { token: townshipUser });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...village('120225100203'), version: 1 });
  });

  it('names every bad field in one 400, and writes nothing', async () => {
    const res = await call(app, 'POST', '/villages', {
      token: admin,
      body: { code: '12345', name: '', population: -1, economicallyWeak: 'yes', category: '一般', operatingFundsFen: 1.5, extra: 1 },
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['category', 'code', 'economicallyWeak', 'name', 'operatingFundsFen', 'population']));
    expect(JSON.stringify(res.body.errors)).toContain('extra');
    expect(res.body.instance).toBe(res.headers.get('x-request-id'));
  });

  it('refuses names with control or invisible characters, on create and on update, and writes nothing', async () => {
    for (const name of ['村\u0000', '\u001b[2J村', '东\r\n村', '村\u007f', '\u202e村', '\u200b', '\u200b\u200d', '村\ufeff村']) {
      const created = await call(app, 'POST', '/villages', { token: admin, body: village('120225100299', { name }) });
      expect(created.status, JSON.stringify(name)).toBe(400);
      expect(created.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
      const { code: _code, ...fields } = village('120225100203', { name });
      const updated = await call(app, 'PUT', '/villages/120225100203', { token: admin, body: { ...fields, version: 1 } });
      expect(updated.status, JSON.stringify(name)).toBe(400);
    }
    expect(await auditCount('village#120225100299')).toBe(0);
  });

  it('names bad query and path fields too', async () => {
    const q = await call(app, 'GET', '/villages?limit=0&economicallyWeak=maybe&category=x', { token: admin });
    expect(q.status).toBe(400);
    expect(q.body.errors.map((e: { field: string; in: string }) => `${e.in}:${e.field}`).sort()).toEqual(['query:category', 'query:economicallyWeak', 'query:limit']);
    const p = await call(app, 'GET', '/villages/abc', { token: admin });
    expect(p.status).toBe(400);
    expect(p.body.errors).toEqual([expect.objectContaining({ field: 'code', in: 'path' })]);
    const cursor = await call(app, 'GET', '/villages?cursor=WyJ4Il0', { token: admin });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].field).toBe('cursor');
  });

  it('needs the township to be registered', async () => {
    const res = await call(app, 'POST', '/villages', { token: admin, body: village('120225109201') });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'code' });
    expect(await auditCount('village#120225109201')).toBe(0);
  });

  it('walks every page of a county, and of a township, in code order', async () => {
    const county = await walk('/villages?division=120225', finance, 3);
    expect(county.items).toHaveLength(11);
    expect(county.pages).toBeGreaterThanOrEqual(4);
    const codes = county.items.map((v) => v.code!);
    expect(codes).toEqual([...codes].sort());
    const township = await walk('/villages', townshipUser, 2);
    expect(township.items.map((v) => v.code)).toEqual(['201', '202', '203', '204', '205', '206', '207'].map((s) => `120225100${s}`));
  });

  it('filters by category and economically-weak flag across pages', async () => {
    const weak = await walk('/villages?division=120225&economicallyWeak=true', finance, 2);
    expect(weak.items.map((v) => v.code)).toEqual(['120225100202', '120225100204', '120225100206', '120225101202', '120225101204']);
    const model = await walk('/villages?division=120225100&category=示范', finance, 1);
    expect(model.items.map((v) => v.code)).toEqual(['120225100203', '120225100206']);
    const both = await call(app, 'GET', `/villages?division=120225&category=${encodeURIComponent('创优')}&economicallyWeak=false`, { token: finance });
    expect(both.body.items.map((v: { code: string }) => v.code)).toEqual(['120225100201', '120225100207', '120225101201']);
  });

  it('keeps users inside their jurisdiction (403), for single reads and lists', async () => {
    expect((await call(app, 'GET', '/villages/120225101201', { token: townshipUser })).status).toBe(403);
    expect((await call(app, 'GET', '/villages?division=120225101', { token: townshipUser })).status).toBe(403);
    expect((await call(app, 'GET', '/villages?division=120225', { token: otherCountyAdmin })).status).toBe(403);
    expect((await call(app, 'PUT', '/villages/120225100201', { token: otherCountyAdmin, body: { ...village('120225100201'), code: undefined } })).status).toBe(403);
  });

  it('updates with a version check; a stale version is 409 and leaves item and audit untouched', async () => {
    const { code: _code, ...fields } = village('120225100205');
    const first = await call(app, 'PUT', '/villages/120225100205', { token: admin, body: { ...fields, population: 1500, version: 1 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ population: 1500, version: 2 });
    expect(first.headers.get('etag')).toBe('"2"');
    const audits = await auditCount('village#120225100205');
    expect(audits).toBe(2);
    const stale = await call(app, 'PUT', '/villages/120225100205', { token: admin, body: { ...fields, population: 9 }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.type).toMatch(/conflict/);
    expect(await auditCount('village#120225100205')).toBe(audits);
    expect((await call(app, 'GET', '/villages/120225100205', { token: admin })).body.population).toBe(1500);
    const mismatch = await call(app, 'PUT', '/villages/120225100205', { token: admin, body: { ...fields, version: 2 }, headers: { 'if-match': '"3"' } });
    expect(mismatch.status).toBe(400);
    expect((await call(app, 'PUT', '/villages/120225100299', { token: admin, body: fields })).status).toBe(404);
  });

  it('writes nothing when a PUT changes nothing', async () => {
    const { code: _code, ...fields } = village('120225100206');
    const res = await call(app, 'PUT', '/villages/120225100206', { token: admin, body: fields });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect(await auditCount('village#120225100206')).toBe(1);
  });
});

describe('assisting units', () => {
  let unitId: string;

  it('creates with a generated id and reads it back', async () => {
    const res = await call(app, 'POST', '/units', {
      token: admin,
      body: { name: '天津市农业农村委员会', level: 'city', kind: 'agency', division: '120225', contact: { name: '王明', phone: '022-2345 6789' } },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    unitId = res.body.id;
    const read = await call(app, 'GET', `/units/${unitId}`, { token: finance });
    expect(read.body).toMatchObject({ name: '天津市农业农村委员会', level: 'city', kind: 'agency', version: 1 });
  });

  it('lets a unit user see its own unit only, and not list units', async () => {
    const own = await tokenFor('unit', '120225', { unitId });
    const other = await tokenFor('unit', '120225', { unitId: '00000000-0000-4000-8000-000000000000' });
    expect((await call(app, 'GET', `/units/${unitId}`, { token: own })).status).toBe(200);
    expect((await call(app, 'GET', `/units/${unitId}`, { token: other })).status).toBe(403);
    expect((await call(app, 'GET', '/units', { token: own })).status).toBe(403);
    expect((await call(app, 'GET', `/units/${unitId}`, { token: otherCountyAdmin })).status).toBe(403);
    expect((await call(app, 'GET', '/units/0e4a3b1c-9d2f-4a5b-8c7d-6e5f4a3b2c1d', { token: admin })).status).toBe(404);
  });

  it('lists with level and kind filters over all pages', async () => {
    const made = [
      { name: '天津港集团', level: 'city', kind: 'enterprise' },
      { name: '蓟州区人民医院', level: 'district', kind: 'institution' },
      { name: '蓟州区财政局', level: 'district', kind: 'agency' },
      { name: '天津农商银行', level: 'city', kind: 'enterprise' },
    ];
    for (const u of made) expect((await call(app, 'POST', '/units', { token: admin, body: { ...u, division: '120225' } })).status).toBe(201);
    const all = await walk('/units', finance, 2);
    expect(all.items).toHaveLength(5);
    const enterprises = await walk('/units?kind=enterprise&level=city', finance, 1);
    expect(enterprises.items.map((u) => (u as { name?: string }).name).sort()).toEqual(['天津农商银行', '天津港集团']);
  });

  it('updates with PUT semantics and version check, and needs admin in the new division too', async () => {
    const body = { name: '天津市农业农村委', level: 'city', kind: 'agency', division: '120225' };
    const ok = await call(app, 'PUT', `/units/${unitId}`, { token: admin, body, headers: { 'if-match': '1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.contact).toBeUndefined();
    expect(ok.body.version).toBe(2);
    expect((await call(app, 'PUT', `/units/${unitId}`, { token: admin, body: { ...body, name: 'x', version: 1 } })).status).toBe(409);
    expect((await call(app, 'PUT', `/units/${unitId}`, { token: admin, body: { ...body, division: '120223' } })).status).toBe(403);
  });

  it('keeps the audit trail: entity history newest first, by admin and auditor only', async () => {
    const history = await call(app, 'GET', `/audit?entity=unit:${unitId}`, { token: auditor });
    expect(history.status).toBe(200);
    expect(history.body.items.map((r: { action: string }) => r.action)).toEqual(['unit.update', 'unit.create']);
    expect(history.body.items[0]).toMatchObject({ actor: 'admin-120225', roles: ['admin'], division: '120225' });
    expect(history.body.items[0].before.contact).toEqual({ name: '王明', phone: '022-2345 6789' });
    expect((await call(app, 'GET', `/audit?entity=unit:${unitId}`, { token: finance })).status).toBe(403);
    expect((await call(app, 'GET', `/audit?entity=unit:${unitId}`, { token: otherCountyAdmin })).status).toBe(403);
  });
});

describe('audit trail of a jurisdiction', () => {
  it('pages newest first, narrowed to a township by prefix', async () => {
    const trail = await walk('/audit?division=120225100', auditor, 4);
    const records = trail.items as Array<{ division: string; at: string; entityId: string }>;
    expect(records.length).toBeGreaterThanOrEqual(9);
    expect(records.every((r) => r.division.startsWith('120225100'))).toBe(true);
    const times = records.map((r) => r.at);
    expect(times).toEqual([...times].sort().reverse());
    expect((await call(app, 'GET', '/audit?division=1202', { token: await tokenFor('auditor', '12') })).status).toBe(400);
    expect((await call(app, 'GET', '/audit?division=120225', { token: townshipUser })).status).toBe(403);
    const both = await call(app, 'GET', '/audit?division=120225&entity=village:120225100201', { token: auditor });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('entity');
  });

  it('stores the audit record in the same write as the change (same timestamp)', async () => {
    const v = (await call(app, 'GET', '/villages/120225100201', { token: admin })).body;
    const history = await call(app, 'GET', '/audit?entity=village:120225100201', { token: admin });
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ action: 'village.create', at: v.createdAt, after: village('120225100201') });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { outboxItems, type OutboxMessage } from '../../../functions/platform/store/outbox.ts';
import { workflowActor } from '../../../functions/platform/decisions/store.ts';
import { writeTransaction } from '../../../functions/platform/store/transact.ts';
import { notificationId } from '../../../functions/platform/routes/notifications.ts';
import { call, tokenFor } from '../../support/api.ts';

// GET /notifications and the read markers, on messages recorded the way workflow steps record them
// (outboxItems in a transaction), addressed to users, roles at a division and divisions.
const app = buildApp();

async function record(recipient: string, n: number, at: string, extra: Partial<OutboxMessage> = {}): Promise<void> {
  await writeTransaction(
    outboxItems({ recipient, topic: 'test.topic', key: `k${n}`, division: '120225', subject: `通知${n}`, text: `第${n}条`, body: { n }, ...extra }, workflowActor, new Date(at)),
  );
}

const minute = (m: number) => new Date(Date.UTC(2026, 11, 1, 8, m)).toISOString();

let finance: string;
let finance2: string;
let financeTownship: string;
let financeOther: string;
let village: string;
let villageOther: string;
let auditor: string;

beforeAll(async () => {
  finance = await tokenFor('finance', '120225', { sub: 'fin-a' });
  finance2 = await tokenFor('finance', '120225', { sub: 'fin-b' });
  financeTownship = await tokenFor('finance', '120225104', { sub: 'fin-t' });
  financeOther = await tokenFor('finance', '120223', { sub: 'fin-x' });
  village = await tokenFor('village', '120225104201', { sub: 'v-1' });
  villageOther = await tokenFor('village', '120225104202', { sub: 'v-2' });
  auditor = await tokenFor('auditor', '120225', { sub: 'aud' });
  // The county's finance bureau: 12 messages, one a minute.
  for (let n = 1; n <= 12; n++) await record('role:finance@120225', n, minute(n), { link: `/payments/batches/pb-${n}` });
  // Another county's finance bureau, a township's, one user, one village.
  await record('role:finance@120223', 100, minute(30));
  await record('role:finance@120225104', 101, minute(31));
  await record('user:fin-a', 102, minute(32), { link: '/reward/applications/ra-1' });
  await record('division:120225104201', 103, minute(33));
  await record('user:v-1', 104, minute(34));
});

type Item = { id: string; subject: string; read: boolean; at: string; link?: string; recipient: string };

async function all(token: string, query = ''): Promise<{ items: Item[]; unreadCount: number; pages: number }> {
  const items: Item[] = [];
  let cursor: string | undefined;
  let pages = 0;
  let unreadCount = -1;
  do {
    const answer = await call(app, 'GET', `/notifications?limit=5${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    items.push(...answer.body.items);
    unreadCount = answer.body.unreadCount;
    cursor = answer.body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { items, unreadCount, pages };
}

describe('GET /notifications', () => {
  it('a county finance user sees their role and their own messages, newest first, paged, with links', async () => {
    const { items, unreadCount, pages } = await all(finance);
    expect(items.map((i) => i.subject)).toEqual(['通知102', ...Array.from({ length: 12 }, (_, i) => `通知${12 - i}`)]);
    expect(pages).toBe(3);
    expect(unreadCount).toBe(13);
    expect(items.every((i) => !i.read)).toBe(true);
    expect(items[0]).toMatchObject({ link: '/reward/applications/ra-1', recipient: 'user:fin-a', text: '第102条', details: { n: 102 } });
    expect(items[1]).toMatchObject({ link: '/payments/batches/pb-12', recipient: 'role:finance@120225' });
    // Sorted by time across partitions.
    expect([...items.map((i) => i.at)].sort().reverse()).toEqual(items.map((i) => i.at));
  });

  it('a township finance user also reads the county bureau\'s messages, but not another user\'s', async () => {
    const { items } = await all(financeTownship);
    expect(items.map((i) => i.subject)).toEqual(['通知101', ...Array.from({ length: 12 }, (_, i) => `通知${12 - i}`)]);
  });

  it('another county, a village, another village: only their own', async () => {
    expect((await all(financeOther)).items.map((i) => i.subject)).toEqual(['通知100']);
    expect((await all(village)).items.map((i) => i.subject)).toEqual(['通知104', '通知103']);
    expect((await all(villageOther)).items).toEqual([]);
    // An auditor holds no finance role: none of finance's messages.
    expect((await all(auditor)).items).toEqual([]);
  });

  it('refuses a cursor that is not one', async () => {
    expect((await call(app, 'GET', '/notifications?cursor=bm90LWEtY3Vyc29y', { token: finance })).status).toBe(400);
    expect((await call(app, 'GET', '/notifications')).status).toBe(401);
  });
});

describe('read state, per user', () => {
  it('marks one message read for that user only; unread=true and unreadCount follow', async () => {
    const { items } = await all(finance2);
    const twelve = items.find((i) => i.subject === '通知12')!;
    const read = await call(app, 'POST', `/notifications/${twelve.id}/read`, { token: finance2 });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toEqual({ id: twelve.id, read: true });
    // Again: the same answer.
    expect((await call(app, 'POST', `/notifications/${twelve.id}/read`, { token: finance2 })).status).toBe(200);

    const mine = await all(finance2);
    expect(mine.unreadCount).toBe(11);
    expect(mine.items.find((i) => i.subject === '通知12')!.read).toBe(true);
    const unread = await all(finance2, '&unread=true');
    expect(unread.items.map((i) => i.subject)).not.toContain('通知12');
    expect(unread.items).toHaveLength(11);
    // The other finance user of the same bureau still has it unread.
    const other = await all(finance);
    expect(other.items.find((i) => i.subject === '通知12')!.read).toBe(false);
    expect(other.unreadCount).toBe(13);
  });

  it('read-all marks everything so far read, for that user; later messages are unread', async () => {
    const done = await call(app, 'POST', '/notifications/read-all', { token: financeTownship });
    expect(done.status).toBe(200);
    expect(done.body.unreadCount).toBe(0);
    expect((await all(financeTownship, '&unread=true')).items).toEqual([]);
    await record('role:finance@120225104', 105, new Date(Date.now() + 1000).toISOString());
    const after = await all(financeTownship, '&unread=true');
    expect(after.items.map((i) => i.subject)).toEqual(['通知105']);
    expect(after.unreadCount).toBe(1);
    // The county users were not touched.
    expect((await all(finance)).unreadCount).toBe(13);
  });

  it('a message addressed to someone else is 403 whether it exists or not; an unknown one of yours is 404', async () => {
    const { items } = await all(finance);
    const own = items.find((i) => i.subject === '通知102')!;
    // fin-b holds the same role but the message is to fin-a.
    expect((await call(app, 'POST', `/notifications/${own.id}/read`, { token: finance2 })).status).toBe(403);
    // Another county's bureau, existing or not.
    expect((await call(app, 'POST', `/notifications/${notificationId({ recipient: 'role:finance@120223', topic: 'test.topic', key: 'k100' })}/read`, { token: finance })).status).toBe(403);
    expect((await call(app, 'POST', `/notifications/${notificationId({ recipient: 'role:finance@120223', topic: 'test.topic', key: 'nope' })}/read`, { token: finance })).status).toBe(403);
    // A village reads not its neighbour's.
    expect((await call(app, 'POST', `/notifications/${notificationId({ recipient: 'division:120225104202', topic: 'test.topic', key: 'k1' })}/read`, { token: village })).status).toBe(403);
    // Addressed to you, but no such message; not an id at all.
    expect((await call(app, 'POST', `/notifications/${notificationId({ recipient: 'role:finance@120225', topic: 'test.topic', key: 'nope' })}/read`, { token: finance })).status).toBe(404);
    expect((await call(app, 'POST', '/notifications/bm90LWFuLWlk/read', { token: finance })).status).toBe(404);
    expect((await call(app, 'POST', '/notifications/not%20an%20id/read', { token: finance })).status).toBe(400);
  });
});

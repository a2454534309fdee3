import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalMailSender } from '../../../local/mail.ts';
import { workflowActor } from '../../../functions/platform/decisions/store.ts';
import { getOutboxMessage, markOutboxSent, outboxItems, unsentOutbox } from '../../../functions/platform/store/outbox.ts';
import { writeTransaction } from '../../../functions/platform/store/transact.ts';

// The local host's mail sender on DynamoDB Local: unsent outbox messages become .eml files under
// the mail folder, once each, and are marked sent.
const dir = mkdtempSync(join(tmpdir(), 'vf-mail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (recipient: string, key: string, subject: string) =>
  writeTransaction(outboxItems({ recipient, topic: 'reward.outcome', key, division: '120225104201', subject, text: '正文', link: `/reward/applications/${key}`, body: { key } }, workflowActor));

async function unsent(): Promise<string[]> {
  const keys: string[] = [];
  for await (const m of unsentOutbox()) keys.push(m.key);
  return keys;
}

describe('local mail sender', () => {
  it('writes each unsent message once as <mail>/<address>/<topic>-<key>.eml and marks it sent', async () => {
    await record('division:120225104201', 'ra-1#1#paid', '以奖代补申请已支付：甲合作社（2025年度）');
    await record('role:finance@120225', 'ra-2#1#paying', '以奖代补申请已批准，正在支付：乙公司（2025年度）');
    expect(await unsent()).toEqual(['ra-1#1#paid', 'ra-2#1#paying']);

    const sender = new LocalMailSender({ mailDir: dir });
    expect(await sender.deliverPending()).toBe(2);
    const file = join(dir, 'division.120225104201@village-flow.local', 'reward.outcome-ra-1%231%23paid.eml');
    const raw = readFileSync(file, 'utf8');
    expect(raw).toContain('To: division.120225104201@village-flow.local\r\n');
    expect(raw).toMatch(/Subject: =\?UTF-8\?B\?/);
    expect(readdirSync(join(dir, 'finance.120225@village-flow.local'))).toEqual(['reward.outcome-ra-2%231%23paying.eml']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await getOutboxMessage({ recipient: 'division:120225104201', topic: 'reward.outcome', key: 'ra-1#1#paid' }))).toMatchObject({ sent: true, sentAt: expect.any(String) });
    expect(await unsent()).toEqual([]);

    // Nothing left: a second round writes nothing.
    const before = statSync(file).mtimeMs;
    expect(await sender.deliverPending()).toBe(0);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('a crash between the file and the mark rewrites the same file, not a second one; marking again is harmless', async () => {
    await record('user:v-1', 'ra-3#1#rejected', '以奖代补申请未获批准：丙合作社（2025年度）');
    const sender = new LocalMailSender({ mailDir: dir });
    // Deliver, then pretend the mark was lost: put the message back as unsent.
    expect(await sender.deliverPending()).toBe(1);
    const folder = join(dir, 'user.v-1@village-flow.local');
    const first = readFileSync(join(folder, 'reward.outcome-ra-3%231%23rejected.eml'), 'utf8');
    await writeTransaction(outboxItems({ recipient: 'user:v-2', topic: 'reward.outcome', key: 'ra-4#1#paid', division: '120225104201', subject: '另一条', body: {} }, workflowActor));
    // The mark lost: the message is unsent again (as it was between the file and the mark).
    const { ddb, tableName } = await import('../../../functions/shared/clients.ts');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const m = (await getOutboxMessage({ recipient: 'user:v-1', topic: 'reward.outcome', key: 'ra-3#1#rejected' }))!;
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: 'OUTBOX#user:v-1', sk: 'reward.outcome#ra-3#1#rejected' },
        UpdateExpression: 'SET sent = :f, gsi2pk = :p, gsi2sk = :s REMOVE sentAt',
        ExpressionAttributeValues: { ':f': false, ':p': 'OUTBOX_UNSENT', ':s': `${m.at}#user:v-1#reward.outcome#ra-3#1#rejected` },
      }),
    );
    expect(await sender.deliverPending()).toBe(2);
    expect(readdirSync(folder)).toEqual(['reward.outcome-ra-3%231%23rejected.eml']);
    expect(readFileSync(join(folder, 'reward.outcome-ra-3%231%23rejected.eml'), 'utf8')).toBe(first);
    expect(await markOutboxSent({ recipient: 'user:v-1', topic: 'reward.outcome', key: 'ra-3#1#rejected' })).toBe(true);
    expect(await markOutboxSent({ recipient: 'user:v-1', topic: 'reward.outcome', key: 'none' })).toBe(false);
  });

  it('in memory (--memory) writes no file but still delivers once', async () => {
    await record('division:120225104209', 'ra-5#1#paid', '内存');
    const sender = new LocalMailSender({ mailDir: undefined });
    const stop = sender.start(50);
    const deadline = Date.now() + 10_000;
    while (sender.delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(sender.delivered.map((d) => d.mail.to)).toEqual(['division.120225104209@village-flow.local']);
    expect(sender.delivered[0]!.path).toBeUndefined();
    expect(readdirSync(dir)).not.toContain('division.120225104209@village-flow.local');
    expect(await unsent()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeHeaderText, localMailSettings, mailDate, renderMail, safeFileName } from '../../../functions/platform/notifications/mail.ts';
import { isAddressedTo, mailAddressOf, recipientsOf } from '../../../functions/platform/notifications/recipients.ts';
import type { OutboxItem } from '../../../functions/platform/store/outbox.ts';

const message: OutboxItem = {
  recipient: 'role:finance@120225',
  topic: 'payments.failed',
  key: 'pb-1#imp-2',
  division: '120225',
  subject: '支付失败，需核对收款账户后重新支付',
  text: '支付批次 pb-1 的银行回单中有 2 笔支付失败，请核对收款账户后重新支付。',
  link: '/payments/batches/pb-1',
  body: { batchId: 'pb-1', failed: 2 },
  at: '2026-12-01T08:01:02.000Z',
  sent: false,
};

/** RFC 2047 B-encoded words back to text. */
const decodeWords = (header: string) =>
  [...header.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('');

function parse(raw: string) {
  const [head, body] = raw.split('\r\n\r\n', 2) as [string, string];
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map(unfolded.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
  return { head, headers, body: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') };
}

describe('an outbox message as an RFC 5322 mail', () => {
  it('has From, To, Subject (RFC 2047), Date, Message-ID and a UTF-8 body with the link', () => {
    const mail = renderMail(message, localMailSettings);
    const { head, headers, body } = parse(mail.raw);
    expect(mail.to).toBe('finance.120225@village-flow.local');
    expect(headers.get('To')).toBe('finance.120225@village-flow.local');
    expect(headers.get('From')).toMatch(/^=\?UTF-8\?B\?.+\?= <notifications@village-flow\.local>$/);
    expect(decodeWords(headers.get('From')!)).toBe('村务流程通知');
    expect(decodeWords(headers.get('Subject')!)).toBe(message.subject);
    expect(headers.get('Date')).toBe('Tue, 01 Dec 2026 08:01:02 +0000');
    expect(headers.get('Message-ID')).toMatch(/^<[0-9a-f]{32}@village-flow\.local>$/);
    expect(headers.get('MIME-Version')).toBe('1.0');
    expect(headers.get('Content-Type')).toBe('text/plain; charset=UTF-8');
    expect(headers.get('Content-Transfer-Encoding')).toBe('base64');
    // Headers are 7-bit, lines at most 78 characters, CRLF throughout.
    expect(head).toMatch(/^[\x20-\x7e\r\n]*$/);
    expect(mail.raw.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(mail.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(body).toContain(message.text);
    expect(body).toContain('详情：/payments/batches/pb-1');
    expect(body).toContain('failed: 2');
    expect(mail.fileName).toBe('payments.failed-pb-1%23imp-2.eml');
  });

  it('is the same bytes every time (a repeated delivery is the same mail)', () => {
    expect(renderMail(message, localMailSettings).raw).toBe(renderMail({ ...message, sent: true }, localMailSettings).raw);
    expect(renderMail(message, localMailSettings).messageId).not.toBe(renderMail({ ...message, key: 'pb-1#imp-3' }, localMailSettings).messageId);
  });

  it('puts the console origin before the link when configured', () => {
    const { body } = parse(renderMail(message, { ...localMailSettings, linkBase: 'https://console.example.cn/' }).raw);
    expect(body).toContain('详情：https://console.example.cn/payments/batches/pb-1');
  });
});

describe('RFC 2047 encoded words', () => {
  it('leaves short ASCII alone and encodes the rest in words of at most 75 characters, split between characters', () => {
    expect(encodeHeaderText('Payment failed')).toBe('Payment failed');
    const long = '以奖代补申请已支付：常州村旅游专业合作社（2025年度）'.repeat(3);
    const encoded = encodeHeaderText(long);
    const words = encoded.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    expect(words.every((w) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(w) && w.length <= 75)).toBe(true);
    // Every word decodes on its own (no character is cut in two).
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe(long);
    expect(encodeHeaderText('=?looks encoded?=')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it('dates and file names', () => {
    expect(mailDate('2026-01-05T23:59:59.000Z')).toBe('Mon, 05 Jan 2026 23:59:59 +0000');
    expect(safeFileName('reward.outcome-ra-1#1#paid')).toBe('reward.outcome-ra-1%231%23paid');
    expect(safeFileName('a/../b')).toBe('a%2F..%2Fb');
    expect(renderMail({ ...message, key: 'x'.repeat(400) }, localMailSettings).fileName.length).toBeLessThan(255);
  });
});

describe('recipients and their addresses', () => {
  it('addresses roles, divisions and users', () => {
    expect(mailAddressOf('role:admin@120225', 'county.example.cn')).toBe('admin.120225@county.example.cn');
    expect(mailAddressOf('division:120225104201', 'village-flow.local')).toBe('division.120225104201@village-flow.local');
    expect(mailAddressOf('user:3f2a-b1', 'village-flow.local')).toBe('user.3f2a-b1@village-flow.local');
    expect(mailAddressOf('user:张三', 'village-flow.local')).toMatch(/^user\.h-[0-9a-f]{24}@village-flow\.local$/);
    expect(() => mailAddressOf('nobody', 'x')).toThrow();
  });

  it('a user reads their own, their roles at their division and the county/township covering it, their division', () => {
    expect(recipientsOf({ sub: 't1', roles: ['township', 'admin'], division: '120225104' })).toEqual([
      'user:t1',
      'role:township@120225',
      'role:township@120225104',
      'role:admin@120225',
      'role:admin@120225104',
      'division:120225104',
    ]);
    const cityAdmin = { sub: 'c', roles: ['admin' as const], division: '1202' };
    expect(recipientsOf(cityAdmin)).toEqual(['user:c', 'role:admin@1202', 'division:1202']);
    expect(isAddressedTo(cityAdmin, 'role:admin@120225')).toBe(false);
    expect(isAddressedTo({ sub: 'v', roles: ['village'], division: '120225104201' }, 'division:120225104202')).toBe(false);
  });
});

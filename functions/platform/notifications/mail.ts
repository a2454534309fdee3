import { createHash } from 'node:crypto';
import type { OutboxItem } from '../store/outbox.ts';
import { mailAddressOf } from './recipients.ts';

/**
 * An outbox message as an Internet message (RFC 5322, MIME, UTF-8): the one rendering both hosts
 * deliver. The local host writes it to a `.eml` file; on AWS, SES sends the same bytes (SendEmail
 * with raw content). Deterministic: the same message always renders to the same bytes and the same
 * Message-ID, so delivering it again after a crash gives the same mail, not a second one that differs.
 */

export interface MailSettings {
  /** The sender address (`notifications@<domain>`). */
  readonly from: string;
  /** The domain recipients are addressed under (`finance.120225@<toDomain>`). */
  readonly toDomain: string;
  /** Put before a message's link (the web console's origin); without it the link is shown as a path. */
  readonly linkBase?: string | undefined;
}

/** The settings of the local host: nothing leaves the machine, so a domain that is no one's. */
export const localMailSettings: MailSettings = { from: 'notifications@village-flow.local', toDomain: 'village-flow.local' };

export interface RenderedMail {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly messageId: string;
  /** `<topic>-<key>.eml`, made safe as a file name (the same message: the same name). */
  readonly fileName: string;
  /** The whole message, CRLF line ends. */
  readonly raw: string;
}

const senderName = '村务流程通知';

/** Printable ASCII without the characters that would need quoting in a header. */
const plainHeaderText = /^[\x20-\x7e]*$/;

/**
 * A header value in RFC 2047 encoded words (`=?UTF-8?B?…?=`) when it is not plain ASCII: each
 * word at most 75 characters, split between characters (never inside one), words folded onto
 * continuation lines.
 */
export function encodeHeaderText(value: string): string {
  if (plainHeaderText.test(value) && value.length <= 70 && !value.includes('=?')) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 39 bytes encode to 52 base64 characters: with `=?UTF-8?B?` and `?=` a word of 64 characters,
    // so `Subject: ` and a word fit a line of 78.
    if (Buffer.byteLength(chunk + char, 'utf8') > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** RFC 5322 date-time in UTC (`Tue, 01 Dec 2026 08:01:00 +0000`). */
export function mailDate(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, '+0000');
}

/** A file-name-safe form of any text: letters, digits, `.`, `_`, `-` kept, everything else %XX (UTF-8). */
export function safeFileName(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** File systems take names of at most 255 bytes: a long name keeps its start and a hash of the whole. */
function boundedName(name: string): string {
  return name.length <= 200 ? name : `${name.slice(0, 160)}-${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

function bodyText(m: OutboxItem, settings: MailSettings): string {
  const lines = [m.subject, ''];
  if (m.text) lines.push(m.text, '');
  if (m.link) lines.push(`详情：${settings.linkBase ? settings.linkBase.replace(/\/$/, '') : ''}${m.link}`, '');
  const details = Object.entries(m.body).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (details.length > 0) lines.push('附：', ...details, '');
  lines.push('—', '此邮件由村务流程系统自动发送，请勿直接回复。');
  return lines.join('\r\n');
}

function base64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function renderMail(m: OutboxItem, settings: MailSettings): RenderedMail {
  const to = mailAddressOf(m.recipient, settings.toDomain);
  const fromDomain = settings.from.slice(settings.from.lastIndexOf('@') + 1);
  const messageId = `<${createHash('sha256').update(`${m.recipient}\n${m.topic}\n${m.key}`, 'utf8').digest('hex').slice(0, 32)}@${fromDomain}>`;
  const headers = [
    `From: ${encodeHeaderText(senderName)} <${settings.from}>`,
    `To: ${to}`,
    `Subject: ${encodeHeaderText(m.subject)}`,
    `Date: ${mailDate(m.at)}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    `X-Village-Flow-Topic: ${encodeHeaderText(m.topic)}`,
  ];
  return {
    to,
    from: settings.from,
    subject: m.subject,
    messageId,
    fileName: `${boundedName(safeFileName(`${m.topic}-${m.key}`))}.eml`,
    raw: `${headers.join('\r\n')}\r\n\r\n${base64Lines(bodyText(m, settings))}\r\n`,
  };
}

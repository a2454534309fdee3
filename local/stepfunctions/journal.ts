import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { JsonValue } from './definition.ts';

/** One line of the append-only journal; `x` is the execution's short id. */
export type JournalRecord =
  | { t: 'start'; x: string; arn: string; sm: string; name: string; input: string; at: number }
  | { t: 'ev'; x: string; e: HistoryEventRecord; k?: string }
  | { t: 'memo'; x: string; k: string; ok: boolean; out?: JsonValue; error?: string; cause?: string; timedOut?: boolean }
  | { t: 'tstart'; x: string; k: string; at: number }
  | { t: 'tsub'; x: string; k: string }
  | { t: 'hb'; x: string; k: string; at: number }
  | { t: 'wait'; x: string; k: string; until: number }
  | { t: 'end'; x: string; status: string; at: number; output?: string; error?: string; cause?: string };

/** A history event as GetExecutionHistory returns it, timestamp in epoch milliseconds. */
export interface HistoryEventRecord {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly timestamp: number;
  readonly details?: { readonly field: string; readonly value: Record<string, unknown> };
}

/**
 * Append-only journal: every record is written with a synchronous write before the caller
 * acknowledges anything, so a SIGKILL loses nothing the OS page cache already holds. Without a
 * data folder it keeps nothing (in-memory mode).
 */
export class Journal {
  private fd: number | undefined;
  readonly secret: Buffer;
  readonly records: JournalRecord[] = [];

  constructor(dataDir: string | undefined) {
    if (!dataDir) {
      this.secret = randomBytes(32);
      return;
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    const secretFile = join(dataDir, 'token-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(secretFile, 'utf8').trim(), 'hex');
    const file = join(dataDir, 'journal.jsonl');
    let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        this.records.push(JSON.parse(line) as JournalRecord);
      } catch {
        // Only a write cut short by a kill can be torn, and only the last one: skip it.
      }
    }
    // The journal holds execution inputs, outputs and task tokens: owner-only, also when an older host made it 0644.
    this.fd = openSync(file, 'a', 0o600);
    chmodSync(file, 0o600);
    if (text.length > 0 && !text.endsWith('\n')) writeSync(this.fd, '\n');
    text = '';
  }

  append(record: JournalRecord): void {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Task tokens name the execution and the step (deterministic, so a replayed step hands out the same
 * token) and carry an HMAC under a per-data-folder secret, so they cannot be guessed or forged.
 */
export function mintToken(secret: Buffer, executionId: string, stepKey: string): string {
  const body = Buffer.from(`${executionId}\n${stepKey}`).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32)}`;
}

/** The execution id and step key of a token, or undefined when it is malformed or not ours. */
export function parseToken(secret: Buffer, token: string): { executionId: string; stepKey: string } | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32));
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
  const text = Buffer.from(body, 'base64url').toString('utf8');
  const nl = text.indexOf('\n');
  if (nl <= 0) return undefined;
  return { executionId: text.slice(0, nl), stepKey: text.slice(nl + 1) };
}

import { appendFileSync, chmodSync, closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { JsonValue } from './definition.ts';

/** One line of the append-only journal; `x` is the execution's short id. */
export type JournalRecord =
  | { t: 'start'; x: string; arn: string; sm: string; name: string; input: string; at: number }
  | { t: 'ev'; x: string; e: HistoryEventRecord; k?: string }
  /** Event keys of an execution, as a compaction rewrites them (instead of one `k` per event). */
  | { t: 'keys'; x: string; ks: string[] }
  | { t: 'memo'; x: string; k: string; ok: boolean; out?: JsonValue; error?: string; cause?: string; timedOut?: boolean }
  | { t: 'tstart'; x: string; k: string; at: number }
  | { t: 'tsub'; x: string; k: string }
  | { t: 'hb'; x: string; k: string; at: number }
  | { t: 'wait'; x: string; k: string; until: number }
  /** `step`: the key of the task whose failure ended the execution (what a redrive runs again). */
  | { t: 'end'; x: string; status: string; at: number; output?: string; error?: string; cause?: string; step?: string }
  /**
   * A redrive (RedriveExecution): the execution runs again from its start like a replay after a
   * restart; `drop` are the step keys whose outcome and start are forgotten (the failed step and its
   * retries, and steps that were still running), `events` the history-event keys recorded anew.
   */
  | { t: 'redrive'; x: string; at: number; count: number; token?: string; drop: string[]; events: string[] };

/** A history event as GetExecutionHistory returns it, timestamp in epoch milliseconds. */
export interface HistoryEventRecord {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  readonly timestamp: number;
  readonly details?: { readonly field: string; readonly value: Record<string, unknown> };
}

/** A finished execution as it is kept on disk (executions/<id>.json), read on demand. */
export interface FinishedExecutionRecord {
  readonly arn: string;
  readonly sm: string;
  readonly name: string;
  readonly input: string;
  readonly at: number;
  readonly status: string;
  readonly stop: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEventRecord[];
  /** Step keys of its callback tasks, so a late token is told "timed out" rather than "does not exist". */
  readonly tasks: string[];
  /** The key of the task whose failure ended it (see the journal's `end` record). */
  readonly step?: string;
  /**
   * What a replay needs besides the history: the journal records a compaction would keep for it
   * (minus `start` and `ev`), so RedriveExecution can put it back in the journal. Absent in files
   * written before redrive existed: such an execution cannot be redriven.
   */
  readonly records?: JournalRecord[];
}

/** One line of executions.jsonl: what ListExecutions shows of a finished execution. */
export interface FinishedSummary {
  readonly arn: string;
  readonly sm: string;
  readonly name: string;
  readonly status: string;
  readonly at: number;
  readonly stop: number;
}

/** Rewrite the journal once this many bytes were appended since the last rewrite. */
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

/**
 * The persistence of the local Step Functions endpoint, in its data folder:
 *
 * - `journal.jsonl`: append-only records of the executions still running. Every record is written
 *   with a synchronous write before the caller acknowledges anything, so a SIGKILL loses nothing the
 *   OS page cache already holds. It is read as a stream at start, and rewritten (compacted) at start
 *   and whenever it has grown by 8 MiB, keeping only the running executions' records.
 * - `executions/<id>.json`: each finished execution (description and history), written when it
 *   finishes and read only when asked for, so finished executions take no memory.
 * - `executions.jsonl`: one short line per finished execution, for ListExecutions.
 *
 * Without a data folder it keeps nothing (in-memory mode). Everything is owner-only (0600/0700).
 */
export class Journal {
  private fd: number | undefined;
  readonly secret: Buffer;
  private readonly file: string | undefined;
  private readonly dir: string | undefined;
  private appended = 0;

  constructor(dataDir: string | undefined) {
    if (!dataDir) {
      this.secret = randomBytes(32);
      return;
    }
    this.dir = dataDir;
    mkdirSync(join(dataDir, 'executions'), { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    chmodSync(join(dataDir, 'executions'), 0o700);
    const secretFile = join(dataDir, 'token-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(secretFile, 'utf8').trim(), 'hex');
    this.file = join(dataDir, 'journal.jsonl');
  }

  get persistent(): boolean {
    return this.dir !== undefined;
  }

  /** The journal's records, read line by line (a torn last line, from a kill mid-write, is skipped). */
  async *records(): AsyncGenerator<JournalRecord> {
    if (!this.file || !existsSync(this.file)) return;
    yield* jsonLines<JournalRecord>(this.file);
  }

  /** Finished executions' summaries, oldest first (a later line for the same ARN wins). */
  async *finished(): AsyncGenerator<FinishedSummary> {
    if (!this.dir) return;
    const index = join(this.dir, 'executions.jsonl');
    if (!existsSync(index)) return;
    yield* jsonLines<FinishedSummary>(index);
  }

  append(record: JournalRecord): void {
    if (this.fd === undefined) return;
    const line = JSON.stringify(record) + '\n';
    writeSync(this.fd, line);
    this.appended += line.length;
  }

  /** True when the journal has grown enough since its last rewrite to be worth compacting. */
  get wantsCompaction(): boolean {
    return this.fd !== undefined && this.appended > COMPACT_AFTER_BYTES;
  }

  /**
   * Replace the journal with `records` (the running executions' state) and keep appending to the new
   * file. Written to a temporary file, flushed and renamed over the old one, so a kill at any point
   * leaves one whole journal.
   */
  rewrite(records: Iterable<JournalRecord>): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    let chunk = '';
    for (const r of records) {
      chunk += JSON.stringify(r) + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    if (this.fd !== undefined) closeSync(this.fd);
    renameSync(tmp, this.file);
    this.fd = openSync(this.file, 'a', 0o600);
    chmodSync(this.file, 0o600);
    this.appended = 0;
  }

  /** Keep a finished execution on disk and list it; its journal records become garbage for the next rewrite. */
  archive(id: string, record: FinishedExecutionRecord): void {
    if (!this.dir) return;
    const path = join(this.dir, 'executions', `${id}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    const summary: FinishedSummary = { arn: record.arn, sm: record.sm, name: record.name, status: record.status, at: record.at, stop: record.stop };
    appendFileSync(join(this.dir, 'executions.jsonl'), JSON.stringify(summary) + '\n', { mode: 0o600 });
  }

  /** Whether a finished execution with this id is kept on disk. */
  isArchived(id: string): boolean {
    return this.dir !== undefined && existsSync(join(this.dir, 'executions', `${id}.json`));
  }

  /** A finished execution kept by {@link archive}, or undefined. */
  readArchived(id: string): FinishedExecutionRecord | undefined {
    if (!this.dir) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, 'executions', `${id}.json`), 'utf8')) as FinishedExecutionRecord;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

async function* jsonLines<T>(file: string): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    try {
      yield JSON.parse(line) as T;
    } catch {
      // Only a write cut short by a kill can be torn, and only the last one: skip it.
    }
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

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localMailSettings, renderMail, type MailSettings, type RenderedMail } from '../functions/platform/notifications/mail.ts';
import { markOutboxSent, unsentOutbox } from '../functions/platform/store/outbox.ts';

/**
 * The local host's mail: every outbox message no one has delivered yet becomes an RFC 5322 file,
 * `<mailDir>/<recipient address>/<topic>-<key>.eml` (open it with any mail program), and is then
 * marked sent. The file is written before the mark, under a name the message decides, so a crash
 * in between only rewrites the same file on the next round. With `mailDir` undefined (`--memory`)
 * nothing is written: the mails are kept in memory (the last 1,000) and marked sent.
 */
export interface LocalMailOptions {
  /** Where the files go; undefined keeps them in memory. */
  readonly mailDir: string | undefined;
  readonly settings?: MailSettings;
}

export interface Delivered {
  readonly mail: RenderedMail;
  /** The file written, when one was. */
  readonly path?: string;
}

const keptInMemory = 1000;

export class LocalMailSender {
  /** The mails delivered by this process, newest last (bounded). */
  readonly delivered: Delivered[] = [];
  private readonly settings: MailSettings;

  constructor(private readonly options: LocalMailOptions) {
    this.settings = options.settings ?? localMailSettings;
  }

  /** Deliver every unsent message once; how many were delivered. */
  async deliverPending(): Promise<number> {
    let count = 0;
    for await (const message of unsentOutbox()) {
      const mail = renderMail(message, this.settings);
      let path: string | undefined;
      if (this.options.mailDir !== undefined) {
        const folder = join(this.options.mailDir, mail.to);
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        path = join(folder, mail.fileName);
        // Whole or not at all: a reader never sees half a file.
        const partial = `${path}.partial`;
        writeFileSync(partial, mail.raw, { encoding: 'utf8', mode: 0o600 });
        renameSync(partial, path);
      }
      await markOutboxSent(message);
      this.delivered.push({ mail, ...(path ? { path } : {}) });
      if (this.delivered.length > keptInMemory) this.delivered.shift();
      count++;
    }
    return count;
  }

  /** Deliver on an interval until the returned stop is called (rounds never overlap). */
  start(intervalMs: number, onError: (err: unknown) => void = (err) => console.error('mail delivery failed:', err)): () => Promise<void> {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const round = () => {
      running = this.deliverPending().then(
        () => undefined,
        (err: unknown) => onError(err),
      );
      void running.then(() => {
        if (!stopped) timer = setTimeout(round, intervalMs);
      });
    };
    timer = setTimeout(round, 0);
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    };
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath } from './chromium.ts';

export { chromiumMissingMessage, chromiumPath, hasChromium, installChromium } from './chromium.ts';

/**
 * What was seen to work with Debian's Chromium in containers without a GPU or a user namespace:
 * no sandbox, no GPU, and nothing that calls home (updates, sync, QUIC) while a test runs.
 */
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserOptions {
  /** The viewport; 1366×768, the common office screen, unless told. */
  readonly viewport?: { width: number; height: number };
  /** Phone-like: touch and a mobile user agent (the village sign-off screen). */
  readonly mobile?: boolean;
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly close: () => Promise<void>;
}

/** Downloads land here; each launch gets a fresh profile folder of its own, removed on close. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'village-flow-chromium-'));
  // A persistent context is how playwright-core takes a --user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  // Generous: the local host shares two cores with the browser and the test runner.
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

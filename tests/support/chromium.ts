import { existsSync } from 'node:fs';

/**
 * Browser tests drive the machine's own Chromium (Debian's `chromium` package) through
 * playwright-core: a test tool's browser download does not work on the machines these tests run on,
 * and the distribution's build is kept up to date by apt. This module has no playwright import, so
 * that the summary reporter can ask whether the browser tests ran without loading a browser driver.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The command that installs what the browser tests need; the skip message and the summary name it. */
export const installChromium = 'sudo apt-get install -y chromium';

/** Whether the browser tests can run here; when not, they are skipped with {@link chromiumMissingMessage}. */
export const hasChromium = existsSync(chromiumPath);

export const chromiumMissingMessage = `BROWSER TESTS SKIPPED: no Chromium at ${chromiumPath}. Install it with \`${installChromium}\` (or set CHROMIUM_PATH to a Chromium binary).`;

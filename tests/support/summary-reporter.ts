import type { Reporter } from 'vitest/node';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import { chromiumMissingMessage, hasChromium } from './chromium.ts';

/**
 * Prints one plain closing line, `tests: N passed, N failed[, N skipped]`, after vitest's own
 * summary, so that tools reading a log (not a terminal) see the outcome without colour codes.
 * (`onFinished` runs after the default reporter has printed its summary; `onTestRunEnd` before.)
 * Without Chromium the browser tests are skipped, and a skip must not pass unnoticed: it says so
 * on its own line, with the command that installs it.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask): void => {
      if (task.type === 'test') {
        const state = task.result?.state;
        if (state === 'pass') counts.passed++;
        else if (state === 'fail') counts.failed++;
        else counts.skipped++;
      } else if ('tasks' in task) {
        // A hook that threw (beforeAll) fails its suite while its tests count as skipped: still a failure.
        if (task.tasks.length > 0 && (task.result?.errors?.length ?? 0) > 0) counts.failed++;
        task.tasks.forEach(visit);
      }
    };
    for (const file of files) {
      visit(file);
      // A file that failed to load has no tests to count; it is still a failure.
      if (file.result?.state === 'fail' && file.tasks.length === 0) counts.failed++;
    }
    counts.failed += errors.length;
    const tail = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed${tail}\n`);
    if (!hasChromium) process.stdout.write(`${chromiumMissingMessage}\n`);
  }
}

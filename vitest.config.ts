import { defineConfig } from 'vitest/config';

// Test tiers live in their own folders and run as separate projects: unit tests get no setup at
// all (no I/O); the others share one DynamoDB Local started for the run, with a table per file.
const withDynamo = {
  globalSetup: ['tests/support/dynamodb-global.ts'],
  setupFiles: ['tests/support/polyfills.ts', 'tests/support/table-per-file.ts'],
};

// The AWS SDK warns on every worker that Node 20 support ends in 2027; the README says so once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      // Limits are safety nets, not figures: vitest's 5-s default trips on a shared 2-core machine
      // under full load (a property test or the first lint of a file can take that long there).
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], exclude: ['tests/unit/console/**'], setupFiles: ['tests/support/polyfills.ts'], testTimeout: 30_000 } },
      // The console's components and pure logic, in a browser-like DOM (jsdom); no API, no I/O.
      { esbuild: { jsx: 'automatic' }, test: { name: 'console', include: ['tests/unit/console/**/*.test.{ts,tsx}'], environment: 'jsdom', testTimeout: 30_000 } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, ...withDynamo } },
      { test: { name: 'api', include: ['tests/api/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, ...withDynamo } },
      { test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, globalSetup: ['tests/support/console-global.ts'] } },
    ],
  },
});

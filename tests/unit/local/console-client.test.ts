import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { schemaFile, schemaSource } from '../../../local/console-client.ts';

// The console's request types come only from the API's OpenAPI document. A route or schema change
// without `npm run console:client` would leave the console typed against an API that no longer is.
describe('the console client schema', () => {
  it('is the one generated from the current API (run npm run console:client when this fails)', async () => {
    const committed = readFileSync(schemaFile, 'utf8');
    const current = await schemaSource();
    // Equal as text; on failure, name the first differing line rather than dumping 9,000 lines.
    const a = committed.split('\n');
    const b = current.split('\n');
    const first = b.findIndex((line, i) => line !== a[i]);
    expect(first === -1 && a.length === b.length ? 'current' : `stale from line ${first === -1 ? Math.min(a.length, b.length) + 1 : first + 1}: ${b[first] ?? ''}`).toBe('current');
    // Loading every route module and generating 9,000 lines takes seconds on a shared machine.
  }, 120_000);

  it('types the API paths the console calls', () => {
    const committed = readFileSync(schemaFile, 'utf8');
    for (const path of ['/inbox', '/decisions/bulk', '/notifications', '/reward/programs', '/funding/runs/{id}/allocations', '/imports/{id}', '/workflows/executions']) {
      expect(committed).toContain(`"${path}": {`);
    }
  });
});

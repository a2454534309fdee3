import { describe, expect, it } from 'vitest';

// Task handlers load domain schemas (plain zod) before the API in the local host; the API's
// OpenAPI document must not depend on which loaded first.
describe('API schemas built after domain schemas', () => {
  it('builds the app and its OpenAPI document when the domain modules were loaded first', async () => {
    await import('../../../functions/platform/registries/domain/unit.ts');
    await import('../../../functions/platform/registries/domain/division.ts');
    await import('../../../functions/platform/registries/domain/village.ts');
    await import('../../../functions/platform/store/pagination.ts');
    await import('../../../functions/programs/reward/domain/entities.ts');
    await import('../../../functions/platform/decisions/store.ts');
    const { buildApp } = await import('../../../functions/api/app.ts');
    const doc = buildApp().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toContain('/villages/{code}');
    expect(Object.keys(doc.paths ?? {})).toContain('/decisions/{decisionId}');
    // Loading every module's routes cold takes seconds on a busy 2-core machine; this test asserts
    // an order, not a speed.
  }, 60_000);
});

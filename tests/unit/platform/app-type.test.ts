import { describe, expect, expectTypeOf, it } from 'vitest';
import { hc } from 'hono/client';
import type { AppType } from '../../../functions/api/app.ts';

// AppType is derived from the modules list: a typed client reaches every module's routes under its
// base path and the platform's own, with their parameters and bodies typed (checked by tsc in npm test).
describe('AppType, for a typed client', () => {
  it('types the routes of every module and of the platform', () => {
    const client = hc<AppType>('http://127.0.0.1:3000');
    expectTypeOf(client.reward.applications[':id'].$get).parameter(0).toEqualTypeOf<{ param: { id: string } }>();
    expectTypeOf(client.funding.runs[':id'].approve.$post).parameter(0).toMatchTypeOf<{ param: { id: string }; json: { comment?: string | undefined } }>();
    expectTypeOf(client.villages[':code'].$get).toBeFunction();
    expectTypeOf(client.inbox.$get).toBeFunction();
    expectTypeOf(client.decisions[':decisionId'].$post).parameter(0).toMatchTypeOf<{ json: { decision: string } }>();
    expect(typeof client.reward.applications.$url).toBe('function');
  });
});

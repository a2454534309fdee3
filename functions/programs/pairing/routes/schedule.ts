import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { json, scheduledRunBodySchema, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { scheduledDay } from '../../../platform/reporting/scheduled-start.ts';
import { openDuePeriods } from '../schedule-use-cases.ts';

export const scheduleRunBodySchema = scheduledRunBodySchema('PairingScheduleRun');

const startSchema = z.object({ termId: z.string(), periodId: z.string(), executionArn: z.string() });
const outcomeSchema = z
  .object({ today: z.string(), terms: z.number().int(), started: z.array(startSchema), alreadyStarted: z.array(startSchema), skippedTerms: z.array(z.string()) })
  .openapi('PairingScheduleOutcome');

export const pairingScheduleRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    middleware: [roleGate('pairing-period:manage')] as const,
    path: '/schedule/run',
    operationId: 'runPairingSchedule',
    tags: ['pairing'],
    summary:
      'Run the daily scheduled start now (admin, for the terms inside your jurisdiction): start the period workflow of every period that has started and is not yet past due, unless opened. On AWS the same use case runs daily after midnight Beijing time for every term; a repeat starts nothing',
    request: { body: { required: false, content: json(scheduleRunBodySchema) } },
    responses: { 200: { description: 'What was started, and what had been', content: json(outcomeSchema) }, ...writeErrorResponses },
  }),
  async (c) => {
    const principal = principalOf(c);
    requireAllowed(c, 'pairing-period:manage', { division: principal.division });
    const body = c.req.valid('json') as z.infer<typeof scheduleRunBodySchema> | undefined;
    const now = new Date();
    return c.json(await openDuePeriods(scheduledDay(body?.today, now), now, { within: principal.division }), 200);
  },
);

import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { json, scheduledRunBodySchema, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { scheduledDay } from '../../../platform/reporting/scheduled-start.ts';
import { startDueReminders } from '../schedule-use-cases.ts';

export const socialScheduleRunBodySchema = scheduledRunBodySchema('SocialScheduleRun');

const startSchema = z.object({ township: z.string(), year: z.number().int(), executionArn: z.string() });
const outcomeSchema = z
  .object({ today: z.string(), year: z.number().int().optional(), townships: z.number().int(), started: z.array(startSchema), alreadyStarted: z.array(startSchema) })
  .openapi('SocialScheduleOutcome');

export const socialScheduleRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    middleware: [roleGate('social-report:remind')] as const,
    path: '/schedule/run',
    operationId: 'runSocialSchedule',
    tags: ['social'],
    summary:
      'Run the daily scheduled start now (admin or township, for the townships inside your jurisdiction): start the annual-report reminders of every township with filed or active organisations once the year’s reminder window has begun (due date minus the first reminder’s days, Beijing), until the due date. On AWS the same use case runs daily after midnight Beijing time for every township; a repeat starts nothing',
    request: { body: { required: false, content: json(socialScheduleRunBodySchema) } },
    responses: { 200: { description: 'What was started, and what had been', content: json(outcomeSchema) }, ...writeErrorResponses },
  }),
  async (c) => {
    const principal = principalOf(c);
    requireAllowed(c, 'social-report:remind', { division: principal.division });
    const body = c.req.valid('json') as z.infer<typeof socialScheduleRunBodySchema> | undefined;
    const now = new Date();
    return c.json(await startDueReminders(scheduledDay(body?.today, now), now, { within: principal.division }), 200);
  },
);

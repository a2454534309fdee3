import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from '../../../platform/http/context.ts';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { executionHistory, startNamedExecution } from '../../../shared/executions.ts';
import { listedCounty, principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { booleanQuery, countyQuery, documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { sfn } from '../../../shared/clients.ts';
import { ConflictError, ValidationError } from '../../../shared/errors.ts';
import { csvLine } from '../../../platform/csv-export.ts';
import { paymentsOf, programPayoutTotals } from '../../../platform/payments/store/payout.ts';
import { villageCodeSchema } from '../../../platform/registries/domain/village.ts';
import { fundingSummarySchema } from '../domain/summary.ts';
import { dryRunId, exclusionReasonSchema, finalRunStatuses, fundingPageSize, fundingRunIdSchema, fundingRunStatusSchema, realRunId } from '../domain/run.ts';
import { rowXml, xlsxContentType, xlsxWorkbook } from '../../../shared/xlsx.ts';
import { allocationView, allocationViewSchema, exportCells, exportHeaders } from './allocation-view.ts';
import { fundingPolicyIdSchema, getFundingPolicy } from '../store/policy.ts';
import {
  allAllocations,
  createRun,
  excludeVillage,
  listAllocations,
  listRuns,
  mustGetRun,
  payableTopUpFen,
  setRunExecutionArn,
  setRunTransitions,
  undoExclusion,
  type FundingRun,
} from '../store/run.ts';
import { decideRun, runApprovalState } from '../use-cases.ts';
import { runApprovalDecisionId } from '../steps.ts';


export const fundingRunStartSchema = z
  .strictObject({
    policyId: documented(fundingPolicyIdSchema, { description: 'The policy to run (its jurisdiction and year are the run’s)' }),
    dryRun: z.boolean().default(false).openapi({ description: 'Compute and summarise only; never approved or paid' }),
  })
  .openapi('FundingRunStart');
export const fundingExclusionSchema = z
  .strictObject({ code: documented(villageCodeSchema, { example: '120225104201' }), reason: documented(exclusionReasonSchema, { example: '村账审计未完成' }) })
  .openapi('FundingExclusion');
export const fundingExclusionUndoSchema = z
  .strictObject({ reason: documented(exclusionReasonSchema, { example: '审计已完成，恢复拨付' }) })
  .openapi('FundingExclusionUndo');
export const fundingApproveSchema = z.strictObject({ comment: z.string().trim().max(500).optional() }).openapi('FundingRunApproval');
export const fundingRejectSchema = z.strictObject({ reason: documented(exclusionReasonSchema, { example: '增量标准需重新核定' }) }).openapi('FundingRunRejection');

const runViewSchema = z
  .object({
    id: z.string(),
    policyId: z.string(),
    policyName: z.string(),
    division: z.string(),
    year: z.number().int(),
    dryRun: z.boolean(),
    status: documented(fundingRunStatusSchema, { description: 'paid: every payout of the run is issued (ledger entry and payment instruction); where each stands with the bank is under payments' }),
    villageCount: z.number().int().optional(),
    pageCount: z.number().int().optional(),
    summary: documented(fundingSummarySchema, { description: 'As computed, before exclusions' }).optional(),
    exclusions: z.object({ villages: z.number().int(), topUpFen: z.number().int() }),
    payableTopUpFen: z.number().int().optional().openapi({ description: 'summary.total.topUpFen minus exclusions' }),
    progress: z.object({ computedPages: z.number().int(), paidPages: z.number().int(), paidVillages: z.number().int(), paidFen: z.number().int() }),
    payments: z
      .record(z.string(), z.object({ count: z.number().int(), amountFen: z.number().int() }))
      .optional()
      .openapi({ description: 'Once disbursed: the run’s payouts by where they stand with the bank (approved = awaiting-account + instructed + batched + sent + paid + failed); see /payments/programs/funding/{id}/totals' }),
    decision: z.object({ outcome: z.string(), by: z.string(), at: z.string(), comment: z.string().optional() }).optional(),
    approval: z
      .object({
        required: z.number().int().openapi({ description: 'Distinct finance approvals the run needs: 2 when its payable total reaches the policy’s approval.twoApproverThresholdFen' }),
        financeApprovals: z.array(z.string()).openapi({ description: 'Who approved so far, in order' }),
        remaining: z.number().int(),
      })
      .optional()
      .openapi({ description: 'Real runs: who approves. The starter never approves, and two approvers must be different users' }),
    approvalDecisionId: z.string().optional().openapi({ description: 'The pending decision in finance’s GET /inbox' }),
    failure: z.object({ error: z.string(), cause: z.string() }).optional(),
    executionArn: z.string().optional(),
    historyEvents: z.number().int().optional().openapi({ description: 'Step Functions history events of the run’s execution so far' }),
    stateTransitions: z.number().int().optional().openapi({ description: 'States entered (what AWS bills), Map iterations included' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.record(z.string(), z.string()),
  })
  .openapi('FundingRun');
type RunView = z.infer<typeof runViewSchema>;

const idParams = z.object({ id: documented(fundingRunIdSchema, { param: { name: 'id', in: 'path' } }) });
const exclusionParams = idParams.extend({ code: documented(villageCodeSchema, { param: { name: 'code', in: 'path' }, example: '120225104201' }) });
const allocationSchema = allocationViewSchema;

/**
 * Start (or find) the run's execution. It is named after the run and gets the same input every
 * time, so a repeat finds the same execution; ExecutionAlreadyExists (the name is taken, e.g. the
 * execution ended) means exactly that, as on AWS.
 */
async function ensureStarted(run: FundingRun): Promise<string> {
  if (run.executionArn) return run.executionArn;
  const executionArn = await startNamedExecution('funding-run', run.id, { runId: run.id });
  await setRunExecutionArn(run.id, executionArn);
  return executionArn;
}

/** History events and states entered, paging through the execution's history. */
async function countHistory(executionArn: string): Promise<{ historyEvents: number; stateTransitions: number }> {
  const { events } = await executionHistory(executionArn, { includeExecutionData: false });
  return { historyEvents: events.length, stateTransitions: events.filter((e) => e.type?.endsWith('StateEntered')).length };
}

/** The run's transition counts: stored once the execution ended, counted live before. */
async function transitions(run: FundingRun): Promise<{ historyEvents?: number; stateTransitions?: number }> {
  if (run.historyEvents !== undefined) return { historyEvents: run.historyEvents, stateTransitions: run.stateTransitions };
  if (!run.executionArn) return {};
  // The run's status turns final in a task, a few states before its execution ends. Ask whether the
  // execution ended BEFORE reading its history: read the other way round, a history read while it
  // still ran would be stored as final once it ended in between, short of its last states.
  const ended = finalRunStatuses.includes(run.status) && (await sfn().send(new DescribeExecutionCommand({ executionArn: run.executionArn }))).status !== 'RUNNING';
  const counts = await countHistory(run.executionArn);
  if (ended) await setRunTransitions(run.id, counts.historyEvents, counts.stateTransitions);
  return counts;
}

async function view(run: FundingRun): Promise<RunView> {
  return runViewSchema.parse({
    id: run.id,
    policyId: run.policyId,
    policyName: run.policyName,
    division: run.division,
    year: run.year,
    dryRun: run.dryRun,
    status: run.status,
    villageCount: run.villageCount,
    pageCount: run.pageCount,
    summary: run.summary,
    exclusions: { villages: run.excludedVillages, topUpFen: run.excludedTopUpFen },
    payableTopUpFen: payableTopUpFen(run),
    progress: { computedPages: run.computedPages, paidPages: run.paidPages, paidVillages: run.paidVillages, paidFen: run.paidFen },
    ...(run.status === 'paid' || run.status === 'disbursing' ? { payments: await programPayoutTotals('funding', run.id) } : {}),
    decision: run.decision,
    approval: run.dryRun ? undefined : runApprovalState(run),
    approvalDecisionId: run.dryRun ? undefined : runApprovalDecisionId(run.id),
    failure: run.failure,
    executionArn: run.executionArn,
    ...(await transitions(run)),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    links: {
      self: `/funding/runs/${run.id}`,
      allocations: `/funding/runs/${run.id}/allocations`,
      csv: `/funding/runs/${run.id}/allocations.csv`,
      xlsx: `/funding/runs/${run.id}/allocations.xlsx`,
      policy: `/funding/policies/${run.policyId}`,
    },
  });
}

// ---- Exports (columns in allocation-view.ts) ----

async function readableRun(c: Context<AppEnv>, id: string): Promise<FundingRun> {
  principalOf(c);
  const run = await mustGetRun(id);
  requireAllowed(c, 'funding-run:read', { division: run.division });
  return run;
}

/** A run whose allocations can be exported: the caller may read it and it has computed them. */
async function exportableRun(c: Context<AppEnv>, id: string): Promise<FundingRun> {
  const run = await readableRun(c, id);
  if (run.status === 'snapshotting' || run.status === 'computing') throw new ConflictError(`Funding run ${run.id} is still ${run.status}`);
  return run;
}

/** Exclusions are fixed once someone approved the run: the approvals were given to the run as it was. */
function refuseAfterFirstApproval(run: FundingRun): void {
  if (run.financeApprovals.length === 0) return;
  throw new ConflictError(
    `Funding run ${run.id} was approved by ${run.financeApprovals.join(', ')} with its exclusions as they are; they can no longer change: the next approver approves the run as it is, or rejects it`,
  );
}

async function decideRouted(c: Context<AppEnv>, id: string, outcome: 'approved' | 'rejected', text: string | undefined) {
  principalOf(c);
  const run = await mustGetRun(id);
  const actor = requireAllowed(c, 'funding-run:decide', { division: run.division });
  return view((await decideRun(actor, run, outcome, text)).run);
}

export const fundingRunRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-run:start')] as const,
      path: '/runs',
      operationId: 'createFundingRun',
      tags: ['funding'],
      summary: 'Start a run of a policy (admin): real (the same policy, jurisdiction and year always give the same run) or dry',
      request: { body: { required: true, content: json(fundingRunStartSchema) } },
      responses: {
        201: { description: 'Started', content: json(runViewSchema) },
        200: { description: 'This real run exists already: it is returned, not started again', content: json(runViewSchema) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { policyId, dryRun } = c.req.valid('json');
      principalOf(c);
      const policy = await getFundingPolicy(policyId);
      if (!policy) throw new ValidationError([{ field: 'policyId', message: `policy ${policyId} does not exist`, in: 'body' }]);
      const actor = requireAllowed(c, 'funding-run:start', { division: policy.division });
      const now = new Date().toISOString();
      const id = dryRun ? dryRunId(randomUUID()) : realRunId(policy.id, policy.division, policy.year);
      const { created, run } = await createRun({
        id,
        policyId: policy.id,
        policyName: policy.name,
        division: policy.division,
        year: policy.year,
        dryRun,
        rule: policy.rule,
        status: 'snapshotting',
        actor: { sub: actor.sub, roles: actor.roles, division: actor.division },
        pageSize: fundingPageSize,
        computedPages: 0,
        excludedVillages: 0,
        excludedTopUpFen: 0,
        paidPages: 0,
        paidVillages: 0,
        paidFen: 0,
        financeApprovals: [],
        createdAt: now,
        updatedAt: now,
      });
      // Also on a repeat: the first request may have stored the run and died before starting it.
      const executionArn = await ensureStarted(run);
      c.header('location', `/funding/runs/${run.id}`);
      return c.json(await view({ ...run, executionArn }), created ? 201 : 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-run:read')] as const,
      path: '/runs',
      operationId: 'listFundingRuns',
      tags: ['funding'],
      summary: 'Runs of a county (default: yours), newest first',
      request: { query: z.object({ division: countyQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(runViewSchema, 'FundingRunPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, limit, cursor } = c.req.valid('query');
      const county = listedCounty(c, division, 'division');
      requireAllowed(c, 'funding-run:read', { division: county });
      const page = await listRuns(county, { limit, cursor });
      const items = await Promise.all(page.items.map((r) => view({ ...r, executionArn: undefined })));
      return c.json({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-run:read')] as const,
      path: '/runs/{id}',
      operationId: 'getFundingRun',
      tags: ['funding'],
      summary: 'A run: status, summary, exclusions, progress, and its Step Functions history events and state transitions',
      request: { params: idParams },
      responses: { 200: { description: 'The run', content: json(runViewSchema) }, ...errorResponses },
    }),
    async (c) => c.json(await view(await readableRun(c, c.req.valid('param').id)), 200),
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-run:read')] as const,
      path: '/runs/{id}/allocations',
      operationId: 'listFundingAllocations',
      tags: ['funding'],
      summary: 'A run’s allocations in village-code order, filtered and paged',
      request: {
        params: idParams,
        query: z.object({
          division: z.string().regex(/^\d{9}(\d{3})?$/, 'must be a township (9 digits) or village (12 digits) code').optional(),
          floorApplied: booleanQuery.optional(),
          capApplied: booleanQuery.optional(),
          excluded: booleanQuery.optional(),
          tier: z.string().min(1).max(40).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(allocationSchema, 'FundingAllocationPage')) }, ...errorResponses },
    }),
    async (c) => {
      const run = await readableRun(c, c.req.valid('param').id);
      const { division, floorApplied, capApplied, excluded, tier, limit, cursor } = c.req.valid('query');
      if (division && !division.startsWith(run.division.slice(0, Math.min(division.length, run.division.length)))) {
        throw new ValidationError([{ field: 'division', message: `is not inside the run’s jurisdiction ${run.division}`, in: 'query' }]);
      }
      const page = await listAllocations(run.id, { division, floorApplied, capApplied, excluded, tier }, { limit, cursor });
      const payments = await paymentsOf('funding', run.id, page.items.map((a) => a.code));
      return c.json({ ...page, items: page.items.map((a) => ({ ...allocationView(a), ...(payments.has(a.code) ? { payment: payments.get(a.code) } : {}) })) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-run:decide')] as const,
      path: '/runs/{id}/exclusions',
      operationId: 'excludeVillageFromFundingRun',
      tags: ['funding'],
      summary: 'Exclude one village from the run with a reason (finance, before approving)',
      request: { params: idParams, body: { required: true, content: json(fundingExclusionSchema) } },
      responses: { 201: { description: 'Excluded', content: json(allocationSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { code, reason } = c.req.valid('json');
      principalOf(c);
      const run = await mustGetRun(id);
      const actor = requireAllowed(c, 'funding-run:decide', { division: run.division });
      if (!code.startsWith(run.division)) throw new ValidationError([{ field: 'code', message: `is not in the run’s jurisdiction ${run.division}`, in: 'body' }]);
      if (run.status !== 'awaiting-approval') throw new ConflictError(`Funding run ${id} is ${run.status}; villages can only be excluded while it awaits approval`);
      refuseAfterFirstApproval(run);
      return c.json(allocationView(await excludeVillage(run, code, reason, actor)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-run:decide')] as const,
      path: '/runs/{id}/exclusions/{code}/undo',
      operationId: 'undoFundingRunExclusion',
      tags: ['funding'],
      summary: 'Undo a village’s exclusion with a reason (finance, before approving): the village is paid again',
      request: { params: exclusionParams, body: { required: true, content: json(fundingExclusionUndoSchema) } },
      responses: { 200: { description: 'The exclusion is undone; the allocation as it will be paid', content: json(allocationSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, code } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      principalOf(c);
      const run = await mustGetRun(id);
      const actor = requireAllowed(c, 'funding-run:decide', { division: run.division });
      if (!code.startsWith(run.division)) throw new ValidationError([{ field: 'code', message: `is not in the run’s jurisdiction ${run.division}`, in: 'path' }]);
      if (run.status !== 'awaiting-approval') throw new ConflictError(`Funding run ${id} is ${run.status}; exclusions can only be undone while it awaits approval`);
      refuseAfterFirstApproval(run);
      return c.json(allocationView(await undoExclusion(run, code, reason, actor)), 200);
    },
  )


  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-run:decide')] as const,
      path: '/runs/{id}/approve',
      operationId: 'approveFundingRun',
      tags: ['funding'],
      summary:
        'Approve the run (finance, in jurisdiction, not its starter): disbursement starts, or, when its payable total reaches the two-approver threshold, the first approval is recorded and another finance user must approve (`approval.remaining`); a repeat of the approval that completed it is harmless',
      request: { params: idParams, body: { required: true, content: json(fundingApproveSchema) } },
      responses: { 200: { description: 'Approved, or a first approval recorded (status still awaiting-approval, approval.remaining 1)', content: json(runViewSchema) }, ...writeErrorResponses },
    }),
    async (c) => c.json(await decideRouted(c, c.req.valid('param').id, 'approved', c.req.valid('json').comment), 200),
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-run:decide')] as const,
      path: '/runs/{id}/reject',
      operationId: 'rejectFundingRun',
      tags: ['funding'],
      summary: 'Reject the run with a reason (finance, in jurisdiction): it ends, nothing is paid',
      request: { params: idParams, body: { required: true, content: json(fundingRejectSchema) } },
      responses: { 200: { description: 'Rejected', content: json(runViewSchema) }, ...writeErrorResponses },
    }),
    async (c) => c.json(await decideRouted(c, c.req.valid('param').id, 'rejected', c.req.valid('json').reason), 200),
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-run:read')] as const,
      path: '/runs/{id}/allocations.csv',
      operationId: 'exportFundingAllocationsCsv',
      tags: ['funding'],
      summary: 'The run’s allocations as CSV (UTF-8 with BOM, Chinese headers, amounts in yuan with 2 decimals)',
      request: { params: idParams },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const run = await exportableRun(c, c.req.valid('param').id);
      const encoder = new TextEncoder();
      const rows = allAllocations(run.id);
      // Streamed a DynamoDB page at a time: an export of 100,000 villages never sits in memory.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`\uFEFF${csvLine(exportHeaders)}\r\n`));
        },
        async pull(controller) {
          let chunk = '';
          for (let n = 0; n < 500; n++) {
            const next = await rows.next();
            if (next.done) {
              if (chunk) controller.enqueue(encoder.encode(chunk));
              controller.close();
              return;
            }
            chunk += `${csvLine(exportCells(next.value))}\r\n`;
          }
          controller.enqueue(encoder.encode(chunk));
        },
      });
      return c.body(stream, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${run.id}.csv"` });
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-run:read')] as const,
      path: '/runs/{id}/allocations.xlsx',
      operationId: 'exportFundingAllocationsXlsx',
      tags: ['funding'],
      summary: 'The run’s allocations as an Excel workbook (Chinese headers, amounts in yuan with 2 decimals)',
      request: { params: idParams },
      responses: { 200: { description: 'XLSX', content: { [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses },
    }),
    async (c) => {
      const run = await exportableRun(c, c.req.valid('param').id);
      const rows = [rowXml(1, exportHeaders.map((text) => ({ text })), true)];
      for await (const allocation of allAllocations(run.id)) rows.push(rowXml(rows.length + 1, exportCells(allocation)));
      const body = xlsxWorkbook(`${run.year}年运转经费`, rows);
      return c.body(new Uint8Array(body), 200, { 'content-type': xlsxContentType, 'content-disposition': `attachment; filename="${run.id}.xlsx"` });
    },
  );

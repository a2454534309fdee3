import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { tableDownload } from '../../table-file.ts';
import type { AppEnv } from '../../http/context.ts';
import { listedCounty, principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { csvSizeLimit, csvText } from '../../http/csv-upload.ts';
import { countyQuery, documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../http/schemas.ts';
import { calendarDateSchema } from '../../calendar.ts';
import { reasonRequiredMessage } from '../../decisions/reason.ts';
import { xlsxContentType } from '../../../shared/xlsx.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { paymentTemplateSchema, templateCells, type FileLine } from '../domain/templates.ts';
import { batchLineSchema, batchRecordSchema, listBatches, listBatchLines } from '../store/batch.ts';
import { createBatch, decideBatch, exportBatch, importResults, mustGetBatch, paymentTemplates } from '../use-cases.ts';

const batchView = documented(batchRecordSchema, 'PaymentBatch');
const lineView = documented(batchLineSchema, 'PaymentBatchLine');
const idParams = z.object({ id: documented(batchIdSchema, { param: { name: 'id', in: 'path' } }) });

export const batchCreateSchema = z
  .strictObject({
    program: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a program name such as reward or funding').openapi({ example: 'reward' }),
    division: countyQuery.optional().openapi({ description: 'The county whose instructions are collected (default: yours)' }),
    date: calendarDateSchema.optional().openapi({ description: 'Collect instructions issued up to this Beijing date (default: today)' }),
  })
  .openapi('PaymentBatchInput');
const approveSchema = z.strictObject({ comment: z.string().max(500).optional() }).openapi('PaymentBatchApproval');
const rejectSchema = z.strictObject({ reason: z.string().trim().min(1, reasonRequiredMessage).max(500) }).openapi('PaymentBatchRejection');
const decisionResultSchema = z.object({ status: z.enum(['answered', 'partial']), remaining: z.number().int().optional(), batch: batchView }).openapi('PaymentBatchDecision');
const exportQuery = z.object({
  template: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a template id').default('treasury').openapi({ description: 'Layout (GET /payments/templates)' }),
  format: z.enum(['csv', 'xlsx']).default('csv'),
});
const resultsOutcomeSchema = z
  .object({ importId: z.string(), applied: z.number().int(), unchanged: z.number().int(), batch: batchView })
  .openapi('PaymentResultsImport');

/** A bank results file of 20,000 lines is about 2 MB. */
const maxResultsCsvBytes = 5 * 1024 * 1024;

async function readableBatch(c: Parameters<typeof principalOf>[0], id: string, action: 'payment:read' | 'payment:manage') {
  principalOf(c);
  const batch = await mustGetBatch(id);
  const actor = requireAllowed(c, action, { division: batch.division });
  return { batch, actor };
}

export const batchRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/templates',
      operationId: 'listPaymentTemplates',
      tags: ['payments'],
      summary: 'Payment file layouts: one per bank or treasury system (configuration: PAYMENT_FILE_TEMPLATES)',
      responses: { 200: { description: 'Templates', content: json(z.array(documented(paymentTemplateSchema, 'PaymentFileTemplate'))) }, ...errorResponses },
    }),
    (c) => c.json(paymentTemplates(), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage')] as const,
      path: '/batches',
      operationId: 'createPaymentBatch',
      tags: ['payments'],
      summary: 'Form a batch of a program’s open instructions in a county up to a date (finance); its workflow collects and totals them, then asks another finance user to approve',
      request: { body: { required: true, content: json(batchCreateSchema) } },
      responses: { 202: { description: 'Accepted: collecting', content: json(batchView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { program, division, date } = c.req.valid('json');
      const county = listedCounty(c, division, 'division');
      const actor = requireAllowed(c, 'payment:manage', { division: county });
      return c.json(await createBatch({ program, division: county, date }, actor), 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/batches',
      operationId: 'listPaymentBatches',
      tags: ['payments'],
      summary: 'Batches of a county, newest first',
      request: { query: z.object({ division: countyQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(batchView, 'PaymentBatchPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, limit, cursor } = c.req.valid('query');
      const county = listedCounty(c, division, 'division');
      requireAllowed(c, 'payment:read', { division: county });
      return c.json(await listBatches(county, { limit, cursor }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/batches/{id}',
      operationId: 'getPaymentBatch',
      tags: ['payments'],
      summary: 'A batch: status, count and total, approvals, results applied, paid and failed',
      request: { params: idParams },
      responses: { 200: { description: 'The batch', content: json(batchView) }, ...errorResponses },
    }),
    async (c) => c.json((await readableBatch(c, c.req.valid('param').id, 'payment:read')).batch, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/batches/{id}/lines',
      operationId: 'listPaymentBatchLines',
      tags: ['payments'],
      summary: 'A batch’s lines: one per instruction, with the account it was sent to and its bank result',
      request: { params: idParams, query: z.object(pageQueryShape) },
      responses: { 200: { description: 'One page', content: json(pageOf(lineView, 'PaymentBatchLinePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { batch } = await readableBatch(c, c.req.valid('param').id, 'payment:read');
      return c.json(await listBatchLines(batch.batchId, c.req.valid('query')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage')] as const,
      path: '/batches/{id}/approve',
      operationId: 'approvePaymentBatch',
      tags: ['payments'],
      summary: 'Approve a batch (finance, not who formed it); at or above the threshold a second finance user approves too',
      request: { params: idParams, body: { required: true, content: json(approveSchema) } },
      responses: { 200: { description: 'Approved, or first of two approvals recorded', content: json(decisionResultSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { batch, actor } = await readableBatch(c, c.req.valid('param').id, 'payment:manage');
      return c.json(await decideBatch(actor, batch.batchId, 'approve', c.req.valid('json').comment), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage')] as const,
      path: '/batches/{id}/reject',
      operationId: 'rejectPaymentBatch',
      tags: ['payments'],
      summary: 'Reject a batch with a reason (finance): its instructions are open again for another batch',
      request: { params: idParams, body: { required: true, content: json(rejectSchema) } },
      responses: { 200: { description: 'Rejected', content: json(decisionResultSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { batch, actor } = await readableBatch(c, c.req.valid('param').id, 'payment:manage');
      return c.json(await decideBatch(actor, batch.batchId, 'reject', c.req.valid('json').reason), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage')] as const,
      path: '/batches/{id}/export',
      operationId: 'exportPaymentBatch',
      tags: ['payments'],
      summary: 'The payment file of an approved batch in a template’s layout (CSV or XLSX); the first export sends the batch, later ones repeat the same lines',
      request: { params: idParams, query: exportQuery },
      responses: {
        200: { description: 'The payment file', content: { 'text/csv': { schema: z.string() }, [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } } },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { template: templateId, format } = c.req.valid('query');
      const { batch: read, actor } = await readableBatch(c, c.req.valid('param').id, 'payment:manage');
      const { batch, template, lines } = await exportBatch(actor, read.batchId, templateId);
      const fileLines: FileLine[] = lines.map((l, i) => ({ ...l, lineNo: i + 1, batchId: batch.batchId, batchDate: batch.date }));
      const name = `${batch.batchId}-${template.id}`;
      const { body, headers } = tableDownload(format, {
        fileName: name,
        sheet: template.title,
        header: template.columns.map((col) => col.header),
        rows: fileLines.map((l) => templateCells(template, l)),
      });
      return c.body(body, 200, headers);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage'), csvSizeLimit(maxResultsCsvBytes)] as const,
      path: '/batches/{id}/results',
      operationId: 'importPaymentBatchResults',
      tags: ['payments'],
      summary: 'Import the bank’s results file for a sent batch (finance): checked whole, all or nothing; a repeat changes nothing',
      description:
        'Body: UTF-8 CSV with the columns instruction (指令号), amount (金额, yuan), status (paid/成功 or failed/失败), bankReference (银行流水号) and valueDate (入账日期) of a paid line, reason (失败原因) of a failed one. ' +
        'A file naming an unknown instruction, another amount, or a result that contradicts one recorded is rejected (422) with every problem by row; nothing is written.',
      request: { params: idParams, body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
      responses: {
        200: { description: 'Every line recorded already: nothing changed', content: json(resultsOutcomeSchema) },
        202: { description: 'Accepted: the batch’s workflow applies the results', content: json(resultsOutcomeSchema) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { batch, actor } = await readableBatch(c, c.req.valid('param').id, 'payment:manage');
      const outcome = await importResults(actor, batch.batchId, await csvText(c));
      return outcome.applied === 0 ? c.json(outcome, 200) : c.json(outcome, 202);
    },
  );

import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { createHash, randomUUID } from 'node:crypto';
import type { AppEnv } from '../../http/context.ts';
import { csvBytes, csvSizeLimit } from '../../http/csv-upload.ts';
import { json, problemResponse } from '../../http/schemas.ts';
import { principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { startNamedExecution } from '../../../shared/executions.ts';
import { NotFoundError, UnprocessableError } from '../../../shared/errors.ts';
import { csvErrorSchema } from '../../csv-table.ts';
import { getIdempotencyRecord, idempotencyKeySchema, idempotencyPut, requestFingerprint } from '../../store/idempotency.ts';
import {
  createImport,
  errorsPerPage,
  finalStatuses,
  getErrors,
  getImport,
  importCountsSchema,
  importIdSchema,
  importStatusSchema,
  setExecutionArn,
  writtenRows,
  type VillageImport,
} from '../store/village-import.ts';

/**
 * Largest CSV accepted in one request: 50,000 villages at ~50–100 bytes a line, and below Lambda's
 * 6 MB request payload limit, so both hosts accept the same files.
 */
export const maxCsvBytes = 5 * 1024 * 1024;

const linksSchema = z.object({ self: z.string(), execution: z.string().optional() });

const acceptedSchema = z
  .object({ id: importIdSchema, status: importStatusSchema, executionArn: z.string().optional(), links: linksSchema })
  .openapi('VillageImportAccepted');

const importViewSchema = z
  .object({
    id: importIdSchema,
    workflow: z.literal('village-import'),
    status: importStatusSchema,
    division: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    csvBytes: z.number().int(),
    rowCount: z.number().int().optional(),
    pageCount: z.number().int().optional(),
    counts: importCountsSchema.optional(),
    errorCount: z.number().int().optional(),
    errors: z.array(csvErrorSchema),
    errorPage: z.number().int(),
    nextErrorPage: z.number().int().optional(),
    failure: z.object({ error: z.string(), cause: z.string() }).optional(),
    executionArn: z.string().optional(),
    progress: z
      .object({
        processedRows: z.number().int().openapi({ description: 'Rows written so far (created, updated or found unchanged); all of them once succeeded, none for a rejected file' }),
        totalRows: z.number().int().optional().openapi({ description: 'Data rows of the file: known once it is validated' }),
        percent: z.number().int().min(0).max(100).openapi({ description: 'processedRows of totalRows, rounded down (0 until validated; 100 when the import ended, whatever its outcome)' }),
        done: z.boolean().openapi({ description: 'The import has ended (succeeded, rejected or failed): stop polling' }),
      })
      .openapi('ImportProgress', { description: 'For a live progress bar: poll GET /imports/{id} until done' }),
    links: linksSchema,
  })
  .openapi('VillageImport');

const executionLink = (arn: string) => `/workflows/executions/${encodeURIComponent(arn)}`;

function links(imp: Pick<VillageImport, 'id' | 'executionArn'>) {
  return { self: `/imports/${imp.id}`, ...(imp.executionArn ? { execution: executionLink(imp.executionArn) } : {}) };
}

/**
 * Start (or find) the execution that runs an import. The execution is named after the import and
 * gets the same input every time, so repeating this returns the same execution, as AWS does.
 */
async function ensureStarted(imp: VillageImport): Promise<string> {
  if (imp.executionArn) return imp.executionArn;
  const executionArn = await startNamedExecution('village-import', imp.id, { importId: imp.id });
  await setExecutionArn(imp.id, executionArn);
  return executionArn;
}

const postRoute = createRoute({
  method: 'post',
  path: '/imports/villages',
  operationId: 'importVillages',
  tags: ['imports'],
  summary: 'Import villages from a CSV (admin): validates every row, then writes in pages through the village-import workflow',
  description:
    'Body: UTF-8 CSV with the columns code, name, population, economicallyWeak, category, operatingFundsYuan (or their Chinese names). ' +
    'Answers 202 at once; poll `GET /imports/{id}`. With an `Idempotency-Key`, a repeated request returns the first answer.',
  middleware: [csvSizeLimit(maxCsvBytes)] as const,
  request: {
    headers: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
    body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: 'code,name,population,economicallyWeak,category,operatingFundsYuan\n120225104201,常州村,1860,否,示范,160000\n' }) } } },
  },
  responses: {
    202: { description: 'Accepted: the workflow runs', content: json(acceptedSchema) },
    400: problemResponse('Empty body or bad header'),
    403: problemResponse('Not an admin'),
    413: problemResponse('CSV too large'),
    415: problemResponse('Not text/csv'),
    422: problemResponse('Idempotency-Key reused with another file'),
  },
});

const getRoute = createRoute({
  method: 'get',
  middleware: [roleGate('import:read')] as const,
  path: '/imports/{id}',
  operationId: 'getImport',
  tags: ['imports'],
  summary: 'Status, counts and row/column errors of an import (admin, auditor)',
  request: {
    params: z.object({ id: importIdSchema }),
    query: z.object({ errorPage: z.coerce.number().int().min(0).max(1000).default(0).openapi({ description: `errors come ${errorsPerPage} to a page` }) }),
  },
  responses: {
    200: { description: 'The import', content: json(importViewSchema) },
    400: problemResponse('Malformed id'),
    403: problemResponse('Outside your jurisdiction'),
    404: problemResponse('No such import'),
  },
});

/** Where an import stands, from its status and, while it writes, the committed chunks' counts. */
async function importProgress(imp: VillageImport) {
  const done = finalStatuses.includes(imp.status);
  const totalRows = imp.rowCount;
  const processedRows = imp.status === 'succeeded' ? (totalRows ?? 0) : imp.status === 'writing' || imp.status === 'failed' ? await writtenRows(imp.id) : 0;
  // Integer percent, rounded down, so a bar never shows 100 before the last row is written.
  const percent = done ? 100 : totalRows ? Math.floor((processedRows * 100) / totalRows) : 0;
  return { processedRows, ...(totalRows !== undefined ? { totalRows } : {}), percent, done };
}

export const importRoutes = new OpenAPIHono<AppEnv>()
  .openapi(postRoute, async (c) => {
    const principal = requireAllowed(c, 'import:create', { division: principalOf(c).division });
    const csv = await csvBytes(c);

    const key = c.req.valid('header')['idempotency-key'];
    const scope = key
      ? { sub: principal.sub, key, fingerprint: requestFingerprint('POST', '/imports/villages', createHash('sha256').update(csv).digest('base64url')) }
      : undefined;
    const replay = async () => {
      const stored = scope ? await getIdempotencyRecord(scope.sub, scope.key) : undefined;
      if (!stored || !scope) return undefined;
      if (stored.fingerprint !== scope.fingerprint) throw new UnprocessableError('Idempotency-Key was already used with another file', 'idempotency-key-reused');
      const { id } = acceptedSchema.parse(stored.body);
      const imp = await getImport(id);
      if (!imp) throw new NotFoundError(`Import ${id} no longer exists`);
      // The first request may have stored the import and then failed to start it: finish the job.
      const executionArn = await ensureStarted(imp);
      return c.json(acceptedSchema.parse({ ...(stored.body as object), executionArn, links: links({ id, executionArn }) }), 202);
    };
    const earlier = await replay();
    if (earlier) return earlier;

    const id = `imp-${randomUUID()}`;
    const accepted = { id, status: 'received' as const, links: links({ id }) };
    const actor = { sub: principal.sub, roles: principal.roles, division: principal.division };
    const created = await createImport({ id, actor, csv, extraItems: scope ? [idempotencyPut(scope, { status: 202, body: accepted })] : [] });
    if (!created) {
      // Only the idempotency record can collide (the id is fresh): a concurrent twin won.
      const twin = await replay();
      if (twin) return twin;
      throw new Error(`Import ${id} could not be created`);
    }
    const imp = (await getImport(id))!;
    const executionArn = await ensureStarted(imp);
    c.header('location', `/imports/${id}`);
    return c.json(acceptedSchema.parse({ ...accepted, executionArn, links: links({ id, executionArn }) }), 202);
  })

  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { errorPage } = c.req.valid('query');
    principalOf(c);
    const imp = await getImport(id);
    if (!imp) throw new NotFoundError(`Import ${id} does not exist`);
    requireAllowed(c, 'import:read', { division: imp.actor.division });
    const errors = (imp.errorCount ?? 0) > 0 ? await getErrors(id, errorPage) : [];
    const progress = await importProgress(imp);
    const hasMore = errorPage + 1 < (imp.errorPages ?? 0);
    return c.json(
      importViewSchema.parse({
        id: imp.id,
        workflow: imp.workflow,
        status: imp.status,
        division: imp.actor.division,
        createdBy: imp.actor.sub,
        createdAt: imp.createdAt,
        updatedAt: imp.updatedAt,
        csvBytes: imp.csvBytes,
        rowCount: imp.rowCount,
        pageCount: imp.pageCount,
        counts: imp.counts,
        errorCount: imp.errorCount,
        errors,
        errorPage,
        ...(hasMore ? { nextErrorPage: errorPage + 1 } : {}),
        failure: imp.failure,
        executionArn: imp.executionArn,
        progress,
        links: links(imp),
      }),
      200,
    );
  });

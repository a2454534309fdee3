import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../../functions/api/app.ts';

// The OpenAPI document is the API's contract: every operation is named (operationId, unique and
// stable, what generated clients call their methods), and Redocly's recommended rules find no error.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const app = buildApp();

interface Operation {
  readonly operationId?: string;
}
type Document = { readonly paths: Record<string, Record<string, Operation>> };

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

async function documentText(): Promise<string> {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  return res.text();
}

function operationsOf(doc: Document): Array<{ readonly name: string; readonly operationId: string | undefined }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.has(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, operationId: op.operationId })),
  );
}

describe('the OpenAPI document', () => {
  it('names every operation with a camelCase operationId that no other operation has', async () => {
    const operations = operationsOf(JSON.parse(await documentText()) as Document);
    expect(operations.length).toBeGreaterThan(50);

    expect(operations.filter((o) => o.operationId === undefined).map((o) => o.name), 'operations without an operationId (add one to the route)').toEqual([]);
    expect(operations.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.operationId!)).map((o) => `${o.name}: ${o.operationId}`), 'operationIds not in camelCase').toEqual([]);

    const byId = new Map<string, string[]>();
    for (const o of operations) byId.set(o.operationId!, [...(byId.get(o.operationId!) ?? []), o.name]);
    const shared = [...byId].filter(([, names]) => names.length > 1).map(([id, names]) => `${id}: ${names.join(', ')}`);
    expect(shared, 'operationIds used by more than one operation').toEqual([]);
  });

  describe('Redocly lint (recommended rules, redocly.yaml)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports no errors', async () => {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, await documentText());
      const { code, stdout, stderr } = await redocly(['lint', file, '--config', join(root, 'redocly.yaml'), '--format=json']);
      const report = parseReport(stdout, `redocly exited ${code}:\n${stderr}`);
      const line = (p: LintReport['problems'][number]) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;
      // Warnings are allowed (listed with any failure); errors are not.
      const warnings = report.problems.filter((p) => p.severity !== 'error').map(line);
      expect(report.problems.filter((p) => p.severity === 'error').map(line), `warnings:\n${warnings.join('\n')}`).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(code).toBe(0);
    });
  });
});

interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: ReadonlyArray<{ readonly ruleId: string; readonly severity: string; readonly message: string; readonly location: ReadonlyArray<{ readonly pointer?: string }> }>;
}

function parseReport(stdout: string, context: string): LintReport {
  try {
    return JSON.parse(stdout) as LintReport;
  } catch (err) {
    throw new Error(`redocly printed no JSON report (${context})\n${stdout}`, { cause: err });
  }
}

/**
 * The project's own Redocly CLI, offline: no telemetry (also off in redocly.yaml), no update check,
 * no notices; the recommended ruleset is built in, so nothing is fetched.
 */
function redocly(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    execFile(join(root, 'node_modules/.bin/redocly'), args, { cwd: root, env, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`could not run redocly: ${err.message}\n${stderr}`, { cause: err }));
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

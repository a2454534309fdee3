import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { call, tokenFor } from '../../support/api.ts';
import { tianjinRuianRule } from '../../support/funding/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// The allocations CSV of a funding run, over HTTP (app.request() with real JWTs, DynamoDB Local,
// the local Step Functions endpoint computing a dry run): a village whose name is a spreadsheet
// formula is exported as text, behind a single quote, and the money columns stay numbers.
const app = buildApp();
let admin: string;
let finance: string;
const villages = [
  { code: '120225100201', name: '=HYPERLINK("http://x","y")', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 3_000_000 },
  { code: '120225100202', name: '@SUM(1,2)', population: 800, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 },
  { code: '120225100203', name: '东关村', population: 900, economicallyWeak: false, category: '创优', operatingFundsFen: 15_000_000 },
];

useLocalStepFunctions();

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
  for (const village of villages) {
    const created = await call(app, 'POST', '/villages', { token: admin, body: village });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});

describe('the allocations CSV', () => {
  it('neutralises a village name that is a formula, keeps amounts numeric', async () => {
    const policy = await call(app, 'POST', '/funding/policies', { token: admin, body: { division: '120225', year: 2026, name: '导出测试', rule: tianjinRuianRule } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const started = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId: policy.body.id, dryRun: true } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    await waitUntil(
      async () => {
        const run = await call(app, 'GET', `/funding/runs/${id}`, { token: admin });
        if (run.body.status === 'failed') throw new Error(`run failed: ${JSON.stringify(run.body.failure)}`);
        return { done: run.body.status === 'dry-run-complete', seen: `run ${id} is ${run.body.status}` };
      },
      { what: 'dry-run-complete', timeoutMs: 45_000, intervalMs: 100 },
    );

    const res = await app.request(`/funding/runs/${id}/allocations.csv`, { headers: { authorization: `Bearer ${finance}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(villages.length + 1);
    const line = (code: string) => lines.find((l) => l.startsWith(code));
    // 30,000 + 40,000 yuan, above the weak village's 50,000-yuan floor.
    expect(line('120225100201')).toBe(`120225100201,"'=HYPERLINK(""http://x"",""y"")",1200,是,1500人及以下,村庄名录,30000.00,70000.00,50000.00,40000.00,50000.00,否,否,`);
    expect(line('120225100202')).toMatch(/^120225100202,"'@SUM\(1,2\)",800,/);
    expect(line('120225100203')).toMatch(/^120225100203,东关村,900,/);
    // No cell of the file starts a formula.
    for (const l of lines) {
      for (const cell of l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''))) {
        if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(/^-?\d+(\.\d+)?$/);
      }
    }
  });
});

import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countDynamoRequests, startBenchHost } from './support.ts';

/**
 * The grade-reward run (以奖代补) for a county of 4,000 graded organisations, end to end through the
 * API on DynamoDB Local and the local Step Functions endpoint: one published grading round per
 * township (the results written by BatchWriteItem), every township's run started at once
 * (POST /social/reward-runs), approved by finance as soon as it is in the inbox, paid page by page
 * within a budget that covers it. Figures: time from the first start to the last run paid,
 * organisations/s, state transitions per organisation (from each execution's history), DynamoDB
 * requests per organisation. Baseline in the same run: BatchWriteItem of the same number of line
 * outcomes, ledger entries and payouts straight into an identical table, 16 requests in flight.
 */
const townships = Number(process.env.BENCH_SOCIAL_TOWNSHIPS ?? 8);
const organisations = Number(process.env.BENCH_SOCIAL_ORGANISATIONS ?? 4000);
const county = '120225';
const year = 2030;
const table = [
  { grade: '5A', amountFen: 2_000_000 },
  { grade: '4A', amountFen: 1_000_000 },
  { grade: '3A', amountFen: 500_000 },
];
const grades = ['5A', '4A', '3A'] as const;

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-social', extraTables: ['bench-social-floor'] });
  const { raw, api } = host;
  const requests = await countDynamoRequests();
  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const { createRound, results, roundId } = await import('../functions/programs/social/store/grading.ts');
  const { fiveAScale } = await import('../functions/programs/social/domain/grading.ts');
  const { raiseBudget } = await import('../functions/programs/social/store/budget.ts');
  const { lineOutcomes } = await import('../functions/programs/social/store/reward-run.ts');
  const { ledgerEntryItem } = await import('../functions/platform/store/ledger.ts');
  const { payouts } = await import('../functions/platform/payments/store/payout.ts');
  const { signToken } = await import('../local/jwt.ts');
  const secret = process.env.JWT_SECRET!;
  const finance = await signToken({ sub: 'bench-finance', roles: ['finance'], division: county }, secret);
  const doc = DynamoDBDocumentClient.from(raw);

  /** BatchWriteItem `items` into `tableName`, 16 requests in flight. */
  async function batchWrite(tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let i = next; i < items.length; i = next) {
        next += 25;
        let reqs: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (reqs && reqs.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: reqs } }));
          reqs = out.UnprocessedItems?.[tableName] as typeof reqs;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }

  const seeder = { sub: 'bench', roles: ['admin' as const], division: county };
  await createDivision({ code: county, name: '基准区' }, seeder);
  const codes = Array.from({ length: townships }, (_, t) => `${county}${100 + t}`);
  let totalFen = 0;
  for (const [t, code] of codes.entries()) {
    await createDivision({ code, name: `基准${t}镇` }, seeder);
    const id = roundId(code, year);
    const at = new Date().toISOString();
    await createRound({ id, township: code, year, scale: fiveAScale, validityYears: 3, scorers: [{ sub: 'a' }, { sub: 'b' }], status: 'published', version: 1, createdBy: 'bench', createdAt: at, updatedAt: at, publishedAt: at }, seeder);
    const count = Math.floor(organisations / townships) + (t < organisations % townships ? 1 : 0);
    const items = Array.from({ length: count }, (_, i) => {
      const grade = grades[i % grades.length]!;
      totalFen += table.find((r) => r.grade === grade)!.amountFen;
      return results.item({ roundId: id, organisationId: `org-${randomUUID()}`, name: `基准组织${i}`, village: `${code}${200 + (i % 40)}`, outcome: 'graded', mean: 900, scorers: 2, grade, excellent: grade === '5A', validUntil: year + 2 });
    });
    await batchWrite('bench-social', items);
    await raiseBudget(code, year, totalFen, seeder);
  }

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- bench reads arbitrary JSON
  };
  const until = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  requests.clear();
  const t0 = performance.now();
  const runs = await Promise.all(
    codes.map(async (code) => {
      const township = await signToken({ sub: `bench-township-${code}`, roles: ['township'], division: code }, secret);
      const started = await call(township, 'POST', '/social/reward-runs', { roundId: roundId(code, year), table });
      if (started.status !== 202) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
      const id = String(started.body.run.id);
      await until(async () => ((await call(finance, 'GET', `/social/reward-runs/${id}`)).body.run?.status === 'awaiting-finance' ? true : undefined));
      const computedMs = performance.now() - t0;
      const approved = await call(finance, 'POST', `/social/reward-runs/${id}/approve`, { exclusions: [] });
      if (approved.status !== 202) throw new Error(`approve answered ${approved.status}: ${JSON.stringify(approved.body)}`);
      const paid = await until(async () => {
        const r = await call(finance, 'GET', `/social/reward-runs/${id}`);
        if (r.body.run?.status === 'failed') throw new Error(JSON.stringify(r.body.run.failure));
        return r.body.run?.status === 'paid' ? r.body : undefined;
      });
      return { id, computedMs, paidMs: performance.now() - t0, run: paid.run as { pageCount: number; lineCount: number; paidLines: number; paidFen: number; unfundedLines: number } };
    }),
  );
  const totalMs = Math.max(...runs.map((r) => r.paidMs));
  const ddbRequests = [...requests.values()].reduce((a, b) => a + b, 0);

  // States entered, read once each execution has ended (its last state follows the run's status by a step).
  const { executionHistory } = await import('../functions/shared/executions.ts');
  const { executionArnFor } = await import('../functions/shared/executions.ts');
  let transitions = 0;
  for (const r of runs) {
    const arn = executionArnFor('social-reward-run', r.id);
    const events = await until(async () => {
      const { events } = await executionHistory(arn, { includeExecutionData: false });
      return events.some((e) => e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed') ? events : undefined;
    });
    transitions += events.filter((e) => e.type?.endsWith('StateEntered')).length;
  }

  // Baseline: the same writes straight into an identical table.
  const floorItems = runs.flatMap((r) =>
    Array.from({ length: r.run.paidLines }, (_, i) => {
      const organisationId = `org-${randomUUID()}`;
      const at = new Date();
      const payoutId = `floor-${r.id}-${i}`;
      return [
        lineOutcomes.item({ runId: r.id, organisationId, outcome: 'paid', amountFen: 1_000_000, payoutId, at: at.toISOString() }),
        ledgerEntryItem({ program: 'social', programId: r.id, sourceId: organisationId, division: county, amountFen: 1_000_000, purpose: 'floor', at }),
        payouts.item({ payoutId, program: 'social', programId: r.id, sourceId: organisationId, payeeId: organisationId, division: county, amountFen: 1_000_000, purpose: 'floor', subject: { type: 'social-reward-run', id: r.id, path: '/' }, approvedAt: at.toISOString(), issuedDate: '2030-01-01', status: 'awaiting-account', attempt: 1, instructionId: `${payoutId}-1`, attempts: [], version: 1, updatedAt: at.toISOString() }),
      ];
    }),
  ).flat();
  const f0 = performance.now();
  await batchWrite('bench-social-floor', floorItems);
  const floorMs = performance.now() - f0;

  const lines = runs.reduce((a, r) => a + r.run.lineCount, 0);
  const paidLines = runs.reduce((a, r) => a + r.run.paidLines, 0);
  const s = totalMs / 1000;
  console.log(`${townships} townships, ${organisations} graded organisations (${lines} lines, pages of 250: ${runs.map((r) => r.run.pageCount).join('+')}), compute Map concurrency 4, disbursement one page at a time (one budget spend per page, then batch writes)`);
  console.log(`  start → all paid: ${s.toFixed(2)} s, ${Math.round(organisations / s)} organisations/s (computed and in the inbox: ${(Math.max(...runs.map((r) => r.computedMs)) / 1000).toFixed(2)} s)`);
  console.log(`  paid ${paidLines} lines, ${runs.reduce((a, r) => a + r.run.paidFen, 0)} fen, unfunded ${runs.reduce((a, r) => a + r.run.unfundedLines, 0)}`);
  console.log(`  Step Functions: ${transitions} state transitions (${(transitions / organisations).toFixed(4)} per organisation)`);
  console.log(`  DynamoDB requests: ${ddbRequests} (${(ddbRequests / organisations).toFixed(3)} per organisation) ${JSON.stringify(Object.fromEntries(requests))}`);
  console.log(`  baseline: BatchWriteItem of the same ${paidLines} line outcomes + ledger entries + payouts: ${(floorMs / 1000).toFixed(2)} s`);
  console.log(`  ratio run / baseline: ${(totalMs / floorMs).toFixed(2)}×`);
  await host.stop();
}

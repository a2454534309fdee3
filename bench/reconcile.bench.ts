import { readFileSync } from 'node:fs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startBenchHost } from './support.ts';

/**
 * Reconciling a bank's results file: 20,000 lines (every 20th failed) imported for a sent batch,
 * through the use case the API route runs (checked whole against the batch, staged in pages) and
 * the batch's workflow on the local Step Functions endpoint (settle pages in a Map, finish), until
 * the batch is reconciled. Each line settles its payout, records the line's result and writes an
 * audit record, as for a funding run's lines (whose allocations read their payout's status; a
 * reward application also has its own record updated, one item more, for a handful of lines).
 * The floor, in the same run: BatchWriteItem of the same three items per line into an identical
 * table, 16 requests in flight. Figures: lines/s, ratio to the floor, and this process's peak RSS
 * (it runs the API use case, the endpoint and every task in-process).
 */
const lineCount = Number(process.env.BENCH_RECONCILE_LINES ?? 20_000);

function rssMb(field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line ? Math.round(Number(/\d+/.exec(line)?.[0] ?? 0) / 1024) : NaN;
}

const code = (i: number) => `120225${100 + (i % 26)}${String(200 + Math.floor(i / 26)).padStart(3, '0')}`;

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-pay', extraTables: ['bench-pay-floor'], waitScale: 0.000001 });
  const { raw } = host;
  const { batchPut } = await import('../functions/platform/store/batch.ts');
  const { payeeAccounts } = await import('../functions/platform/payments/store/payee.ts');
  const { issuePayouts, payouts } = await import('../functions/platform/payments/store/payout.ts');
  const { batchLines, getBatch } = await import('../functions/platform/payments/store/batch.ts');
  const { createBatch, decideBatch, exportBatch, importResults } = await import('../functions/platform/payments/use-cases.ts');
  const { getDecision } = await import('../functions/platform/decisions/store.ts');
  const { approvalDecisionId, exportDecisionId, resultsDecisionId } = await import('../functions/platform/payments/steps.ts');
  const { auditItem } = await import('../functions/platform/store/audit.ts');
  const { formatYuan } = await import('../functions/platform/money.ts');
  const financeA = { sub: 'bench-finance-a', roles: ['finance' as const] };
  const financeB = { sub: 'bench-finance-b', roles: ['finance' as const] };
  const financeC = { sub: 'bench-finance-c', roles: ['finance' as const] };

  const until = async (what: string, done: () => Promise<boolean>, timeoutMs = 600_000) => {
    const t0 = Date.now();
    while (!(await done())) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // Setup (not measured): accounts, one payout per payee, a batch collected, approved, exported, sent.
  const now = new Date();
  const programId = 'bench-run';
  await batchPut(
    Array.from({ length: lineCount }, (_, i) =>
      payeeAccounts.item({ payeeId: code(i), kind: 'village', division: code(i), accountName: `基准${i}村股份经济合作社`, bank: '中国农业银行', accountNumber: `62284800${String(i).padStart(11, '0')}`, validFrom: '2020-01-01', version: 1, proposedBy: 'seed-a', approvedBy: 'seed-b', updatedAt: now.toISOString() }),
    ),
  );
  const t0 = performance.now();
  await issuePayouts(
    Array.from({ length: lineCount }, (_, i) => ({
      program: 'bench',
      programId,
      sourceId: code(i),
      payeeId: code(i),
      division: code(i),
      amountFen: 1_000_000 + i,
      purpose: '基准测试',
      subject: { type: 'bench-line', id: code(i) },
      approvedAt: now,
    })),
    financeA,
  );
  const batch = await createBatch({ program: 'bench', division: '120225' }, financeA);
  await until('approval', async () => (await getDecision(approvalDecisionId(batch.batchId)))?.status === 'open');
  const first = await decideBatch(financeB, batch.batchId, 'approve', undefined);
  if (first.status === 'partial') await decideBatch(financeC, batch.batchId, 'approve', undefined);
  await until('export', async () => (await getDecision(exportDecisionId(batch.batchId)))?.status === 'open');
  const { lines } = await exportBatch(financeA, batch.batchId, 'treasury');
  await until('results', async () => (await getDecision(resultsDecisionId(batch.batchId, 0)))?.status === 'open');
  const setupS = (performance.now() - t0) / 1000;

  const csv = [
    'instruction,amount,status,bankReference,valueDate,reason',
    ...lines.map((l, i) => (i % 20 === 7 ? `${l.instructionId},${formatYuan(l.amountFen)},failed,,,户名不符` : `${l.instructionId},${formatYuan(l.amountFen)},paid,B${String(i).padStart(8, '0')},2026-12-01,`)),
  ].join('\n');
  const rssBefore = rssMb('VmRSS');

  const r0 = performance.now();
  const outcome = await importResults(financeA, batch.batchId, csv);
  const stagedMs = performance.now() - r0;
  await until('reconciled', async () => (await getBatch(batch.batchId))?.status === 'reconciled');
  const reconcileMs = performance.now() - r0;
  const done = (await getBatch(batch.batchId))!;
  const hwm = rssMb('VmHWM');

  // Repeating the same file: checked, nothing written.
  const a0 = performance.now();
  const again = await importResults(financeA, batch.batchId, csv);
  const againMs = performance.now() - a0;

  // The floor: the same three items per line (payout, line, audit), BatchWriteItem.
  const doc = DynamoDBDocumentClient.from(raw);
  const payoutList = [];
  for await (const p of payouts.query.ofProgram.all({ program: 'bench', programId })) payoutList.push(p);
  const byId = new Map(lines.map((l) => [l.payoutId, l]));
  const items = payoutList.flatMap((p, i) => {
    const line = byId.get(p.payoutId)!;
    return [
      payouts.item(p),
      batchLines.item({ ...line, result: p.status === 'paid' ? { status: 'paid', bankReference: p.bankReference ?? 'x', valueDate: '2026-12-01', importId: 'floor' } : { status: 'failed', reason: 'x', importId: 'floor' } }, { batchId: 'floor' }),
      auditItem({ entityType: 'payout', entityId: p.payoutId, division: p.division, action: 'payout.paid', actor: financeA, after: { amountFen: p.amountFen, instructionId: p.instructionId }, at: new Date(now.getTime() + i) }),
    ];
  });
  const f0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let k = next; k < items.length; k = next) {
      next += 25;
      let reqs: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.slice(k, k + 25).map((Item) => ({ PutRequest: { Item } }));
      while (reqs && reqs.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { 'bench-pay-floor': reqs } }));
        reqs = out.UnprocessedItems?.['bench-pay-floor'] as typeof reqs;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const floorMs = performance.now() - f0;

  const s = reconcileMs / 1000;
  console.log(`setup (accounts, ${lineCount} payouts issued, batch collected, approved, exported, sent): ${setupS.toFixed(1)} s`);
  console.log(`results file of ${lineCount} lines (${lines.length - done.paid.count} failed): import → reconciled ${s.toFixed(2)} s, ${Math.round(lineCount / s)} lines/s (check and staging in the API use case ${(stagedMs / 1000).toFixed(2)} s; ${outcome.applied} applied)`);
  console.log(`  batch: paid ${done.paid.count} lines ${formatYuan(done.paid.amountFen)} yuan, failed ${done.failed.count} lines ${formatYuan(done.failed.amountFen)} yuan`);
  console.log(`floor: BatchWriteItem of the same ${items.length} items (3 per line), 16 in flight: ${(floorMs / 1000).toFixed(2)} s, ${Math.round(lineCount / (floorMs / 1000))} lines/s`);
  console.log(`ratio reconcile / floor: ${(reconcileMs / floorMs).toFixed(2)}× (target ≤ 2×)`);
  console.log(`the same file again: ${(againMs / 1000).toFixed(2)} s, ${again.applied} applied, ${again.unchanged} unchanged`);
  console.log(`memory: RSS before the import ${rssBefore} MB, peak RSS of the process ${hwm} MB`);
  await host.stop();
}

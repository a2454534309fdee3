import { readFileSync } from 'node:fs';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { countDynamoRequests, startBenchHost } from './support.ts';
import type { Village } from '../functions/platform/registries/domain/village.ts';

/**
 * Funding runs end to end through the API on DynamoDB Local and the local Step Functions endpoint:
 * POST /funding/runs → snapshot → Map of allocation pages → summary → finance approves (as soon as
 * the run is in the inbox) → Map of disbursement pages → paid, for Tianjin's 3,774 villages and for
 * 20,000. Figures: time, villages/s, peak memory of this process (which runs the API, the Step
 * Functions endpoint and every task in-process), state transitions and DynamoDB requests per
 * village (counted by middleware on the shared SDK client). The floor, in the same run: the time to
 * BatchWriteItem the same allocation and ledger items straight into an identical table (16 requests
 * in flight, the items built a page at a time).
 */
const sizes = (process.env.BENCH_FUNDING_SIZES ?? '3774,20000').split(',').map(Number);
const townshipCount = 26;
const counties = ['120223', '120225', '120221'];

function villages(county: string, count: number): Village[] {
  return Array.from({ length: count }, (_, i) => {
    const weak = i % 6 === 0;
    return {
      code: `${county}${100 + (i % townshipCount)}${200 + Math.floor(i / townshipCount)}`,
      name: `基准${i}村`,
      population: 300 + ((i * 37) % 2700),
      economicallyWeak: weak,
      category: weak ? '强基' : '创优',
      operatingFundsFen: weak ? 3_000_000 + (i % 9) * 400_000 : 14_000_000 + (i % 9) * 500_000,
    };
  });
}

const rule = {
  increaseFen: 4_000_000,
  floors: [
    { minPopulation: 0, floorFen: 5_000_000 },
    { minPopulation: 1501, floorFen: 10_000_000 },
  ],
  floorsApplyTo: 'economically-weak' as const,
  earmarkMinimumFen: 5_000_000,
};

function vmHwmMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Math.round(Number(/\d+/.exec(line)?.[0] ?? 0) / 1024) : NaN;
}

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-funding', extraTables: ['bench-funding-floor'] });
  const { region, raw, api } = host;
  const { ddb } = await import('../functions/shared/clients.ts');

  const requests = await countDynamoRequests();

  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const { villageWrite } = await import('../functions/platform/registries/store/village.ts');
  const { computeAllocation } = await import('../functions/programs/funding/domain/allocate.ts');
  const { allocations, allocationRecord } = await import('../functions/programs/funding/store/run.ts');
  const { ledgerEntryItem } = await import('../functions/platform/store/ledger.ts');
  const { signToken } = await import('../local/jwt.ts');
  const admin = await signToken({ sub: 'bench-admin', roles: ['admin'], division: '1202' }, process.env.JWT_SECRET!);
  const finance = await signToken({ sub: 'bench-finance', roles: ['finance'], division: '1202' }, process.env.JWT_SECRET!);
  const finance2 = await signToken({ sub: 'bench-finance-2', roles: ['finance'], division: '1202' }, process.env.JWT_SECRET!);

  async function seed(county: string, count: number): Promise<void> {
    const seeder = { sub: 'bench', roles: ['admin' as const], division: county };
    await createDivision({ code: county, name: `基准区${county}` }, seeder);
    for (let t = 0; t < townshipCount; t++) await createDivision({ code: `${county}${100 + t}`, name: `基准${t}镇` }, seeder);
    const all = villages(county, count);
    let next = 0;
    const worker = async () => {
      for (let i = next; i < all.length; i = next) {
        next += 49;
        await ddb().send(new TransactWriteCommand({ TransactItems: all.slice(i, i + 49).flatMap((v) => villageWrite(v, undefined, seeder, 'village.create')) }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
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

  /** One run, start to paid; returns its figures. */
  async function run(county: string, count: number) {
    const policy = await call(admin, 'POST', '/funding/policies', { division: county, year: 2026, name: `基准${count}`, rule });
    requests.clear();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
    const t0 = performance.now();
    const started = await call(admin, 'POST', '/funding/runs', { policyId: policy.body.id });
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(started.body)}`);
    const id = String(started.body.id);
    await until(async () => {
      const inbox = await call(finance, 'GET', `/inbox?role=finance&county=${county}`);
      return (inbox.body.items as { subjectId: string }[] | undefined)?.some((d) => d.subjectId === id) ? true : undefined;
    });
    const computedMs = performance.now() - t0;
    // A run at or above its two-approver threshold (every size the bench runs) needs a second finance user.
    for (const token of [finance, finance2]) {
      const approved = await call(token, 'POST', `/funding/runs/${id}/approve`, { comment: 'bench' });
      if (approved.status !== 200) throw new Error(`approve answered ${approved.status}: ${JSON.stringify(approved.body)}`);
      if (approved.body.approval?.remaining === 0) break;
    }
    const paid = await until(async () => {
      const r = await call(finance, 'GET', `/funding/runs/${id}`);
      if (r.body.status === 'failed') throw new Error(JSON.stringify(r.body.failure));
      return r.body.status === 'paid' && r.body.stateTransitions !== undefined ? r.body : undefined;
    });
    const totalMs = performance.now() - t0;
    clearInterval(sampler);
    const ddbRequests = [...requests.values()].reduce((a, b) => a + b, 0);
    // Where the time went, from the execution's own history (entered → exited of each top-level state).
    const { SFNClient, GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
    const sfnClient = new SFNClient({ endpoint: host.sfnEndpoint, region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    const events: { type?: string; timestamp?: Date; stateEnteredEventDetails?: { name?: string }; stateExitedEventDetails?: { name?: string } }[] = [];
    let nextToken: string | undefined;
    do {
      const h = await sfnClient.send(new GetExecutionHistoryCommand({ executionArn: String(paid.executionArn), maxResults: 1000, nextToken }));
      events.push(...(h.events ?? []));
      nextToken = h.nextToken;
    } while (nextToken);
    sfnClient.destroy();
    const phases = ['Snapshot', 'ComputePages', 'Summarise', 'AwaitApproval', 'DisbursePages', 'MarkPaid'].map((name) => {
      const enteredAt = events.find((e) => e.stateEnteredEventDetails?.name === name)?.timestamp?.getTime() ?? NaN;
      const exitedAt = events.find((e) => e.stateExitedEventDetails?.name === name)?.timestamp?.getTime() ?? NaN;
      return `${name} ${((exitedAt - enteredAt) / 1000).toFixed(2)} s`;
    });
    return { id, count, computedMs, totalMs, phases, peakRssMb: Math.round(peakRss / 2 ** 20), paid, ddbRequests, byCommand: Object.fromEntries(requests) };
  }

  const doc = DynamoDBDocumentClient.from(raw);
  /** The floor: the same allocation and ledger items, BatchWriteItem, 16 in flight, built a page at a time. */
  async function floor(county: string, count: number, runId: string): Promise<number> {
    const all = villages(county, count);
    const at = new Date();
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next; i < all.length; i = next) {
        next += 25;
        const items = all.slice(i, i + 25).flatMap((v) => {
          const snap = { code: v.code, name: v.name, population: v.population, economicallyWeak: v.economicallyWeak, currentFen: v.operatingFundsFen, source: 'registry' as const };
          const a = computeAllocation(rule, snap);
          return [
            allocations.item(allocationRecord(a, snap, Math.floor(i / 1000)), { runId }),
            ledgerEntryItem({ program: 'funding', programId: runId, sourceId: `${runId}#${v.code}`, division: v.code, amountFen: a.topUpFen, purpose: 'floor', at }),
          ];
        });
        for (let k = 0; k < items.length; k += 25) {
          let reqs: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.slice(k, k + 25).map((Item) => ({ PutRequest: { Item } }));
          while (reqs && reqs.length > 0) {
            const out = await doc.send(new BatchWriteCommand({ RequestItems: { 'bench-funding-floor': reqs } }));
            reqs = out.UnprocessedItems?.['bench-funding-floor'] as typeof reqs;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return performance.now() - t0;
  }

  // Warm-up on a third county (JIT in Node and in DynamoDB Local's JVM), not measured.
  await seed(counties[2]!, 1_000);
  const warm = await run(counties[2]!, 1_000);
  await floor(counties[2]!, 1_000, warm.id);

  const results = [];
  for (const [k, size] of sizes.entries()) {
    await seed(counties[k]!, size);
    const r = await run(counties[k]!, size);
    const hwmAfterRun = vmHwmMb();
    const floorMs = await floor(counties[k]!, size, `floor-${r.id}`);
    results.push({ ...r, floorMs, hwmAfterRun });
  }

  console.log('page size 1,000 villages, Map concurrency 4, BatchWriteItem 8 requests in flight per page (32 at most)');
  for (const r of results) {
    const s = r.totalMs / 1000;
    console.log(`\n${r.count} villages (${r.paid.pageCount} pages): start → paid ${s.toFixed(2)} s, ${Math.round(r.count / s)} villages/s (snapshot + allocations + summary until in the inbox: ${(r.computedMs / 1000).toFixed(2)} s)`);
    console.log(`  phases: ${r.phases.join(', ')}`);
    console.log(`  ledger ${r.paid.progress.paidVillages} entries, ${r.paid.progress.paidFen} fen; summary top-up ${r.paid.summary.total.topUpFen} fen, ${r.paid.summary.total.floorApplied} floor hits`);
    console.log(`  Step Functions: ${r.paid.stateTransitions} state transitions (${(r.paid.stateTransitions / r.count).toFixed(4)} per village), ${r.paid.historyEvents} history events (limit 25,000)`);
    console.log(`  DynamoDB requests: ${r.ddbRequests} (${(r.ddbRequests / r.count).toFixed(3)} per village) ${JSON.stringify(r.byCommand)}`);
    console.log(`  memory: peak RSS during the run ${r.peakRssMb} MB (sampled every 25 ms), VmHWM of the process so far ${r.hwmAfterRun} MB (target < 512 MB)`);
    console.log(`  floor: BatchWriteItem of the same ${r.count} allocation + ${r.count} ledger items: ${(r.floorMs / 1000).toFixed(2)} s`);
    console.log(`  ratio run / floor: ${(r.totalMs / r.floorMs).toFixed(2)}× (target ≤ 2×)`);
  }

  await host.stop();
}

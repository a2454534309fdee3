import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beijingDate } from '../functions/platform/calendar.ts';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { helanStylePolicy } from '../local/reward-policy.ts';
import { startBenchHost } from './support.ts';

/**
 * The reward workflow end to end THROUGH THE API on the local host, in-process: DynamoDB Local (in
 * memory), the local Step Functions endpoint (waitScale 1e-5: retry intervals ~10 µs, a 365-day
 * deadline ~315 s, so no deadline fires), the Hono app on @hono/node-server over real HTTP.
 * BENCH_REWARD_COUNT applications (default 1,000), BENCH_REWARD_CONCURRENCY at a time (default 32),
 * each: submit → four signatures → township approval → finance approval (two approvers for the half
 * whose award is at the 100,000-yuan threshold) → paid.
 *
 * The client waits for each step by reading DynamoDB through a separate, uncounted client (as a
 * notified client would), so the counts are those of the API and the workflow only. Every DynamoDB
 * request of the API and the tasks goes through the shared client of functions/shared/clients.ts,
 * where a middleware counts requests per command and asks for ReturnConsumedCapacity=TOTAL.
 *
 * Baseline in the same run: the same number of bare TransactWriteItems, each writing what a payout
 * must write at least (application, ledger entry, payment instruction), 32 in flight.
 */
const count = Number(process.env.BENCH_REWARD_COUNT ?? 1000);
const concurrency = Number(process.env.BENCH_REWARD_CONCURRENCY ?? 32);
const villages = Array.from({ length: 10 }, (_, i) => `120225100${201 + i}`);

// Prices (USD): DynamoDB on-demand and Step Functions Standard as given for the estimate (us-east-1
// list prices; cn-north-1 bills in CNY at other rates); Lambda requests $0.20 per million plus
// duration at 128 MB × 50 ms assumed per invocation ($0.0000166667 per GB-s); HTTP API $1.00 per million.
const price = { wru: 1.25e-6, rru: 0.25e-6, transition: 0.025e-3, lambdaRequest: 0.2e-6, lambdaDuration: 0.0000166667 * 0.125 * 0.05, httpApi: 1e-6 };

// The middleware sees the low-level command names (GetItemCommand …) under the document client.
const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand']);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-reward', extraTables: ['bench-reward-floor'], waitScale: 0.00001 });
  const { region, raw, api } = host;
  const observer = DynamoDBDocumentClient.from(raw);
  const { ddb } = await import('../functions/shared/clients.ts');

  let counting = false;
  const requests = new Map<string, number>();
  const units = { read: 0, write: 0, reported: 0, unreported: 0 };
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      if (counting) {
        requests.set(name, (requests.get(name) ?? 0) + 1);
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      }
      const result = await next(args);
      if (counting) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
        if (list.length === 0) units.unreported++;
        else units.reported++;
        const sum = list.reduce((a, c) => a + (c.CapacityUnits ?? 0), 0);
        if (readCommands.has(name)) units.read += sum;
        else units.write += sum;
      }
      return result;
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );

  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const { createVillage } = await import('../functions/platform/registries/store/village.ts');
  const { createEnterprise } = await import('../functions/programs/reward/store/enterprise.ts');
  const { putAccount } = await import('../functions/programs/reward/store/account.ts');
  const { signToken } = await import('../local/jwt.ts');
  const secret = process.env.JWT_SECRET!;
  const admin = await signToken({ sub: 'bench-admin', roles: ['admin'], division: '120225' }, secret);
  const finance = [await signToken({ sub: 'bench-finance-1', roles: ['finance'], division: '120225' }, secret), await signToken({ sub: 'bench-finance-2', roles: ['finance'], division: '120225' }, secret)];
  const township = await signToken({ sub: 'bench-township', roles: ['township'], division: '120225100' }, secret);
  const positions = ['handler', 'bookkeeper', 'head', 'supervisor'] as const;
  const signers = new Map<string, string[]>();
  const submitters = new Map<string, string>();
  for (const v of villages) {
    signers.set(v, await Promise.all(positions.map((position) => signToken({ sub: `bench-${position}-${v}`, roles: ['village'], division: v, position }, secret))));
    submitters.set(v, await signToken({ sub: `bench-submitter-${v}`, roles: ['village'], division: v }, secret));
  }

  // Seed (not measured): divisions, villages, enterprises with 2024 and 2025 accounts.
  const seeder = { sub: 'bench', roles: ['admin' as const], division: '120225' };
  await createDivision({ code: '120225', name: '蓟州区' }, seeder);
  await createDivision({ code: '120225100', name: '基准镇' }, seeder);
  for (const v of villages) await createVillage({ code: v, name: `基准${v.slice(-3)}村`, population: 900, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 }, seeder);
  // Warm-up applications (JIT in Node and in DynamoDB Local's JVM) come first and are not measured.
  const warm = 2 * concurrency;
  const enterprises: { id: string; village: string }[] = new Array(warm + count);
  let seeded = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = seeded++; i < warm + count; i = seeded++) {
        const village = villages[i % villages.length]!;
        const ent = await createEnterprise({ name: `基准合作社${i}`, kind: 'cooperative', village }, seeder);
        // Even: +300,000 yuan at 10 % = 30,000 yuan (one approver); odd: +1,000,000 yuan at 10 % = 100,000 yuan (two).
        const big = i % 2 === 1;
        await putAccount({ entityId: ent.id, year: 2024, operatingIncomeFen: big ? 200_000_000 : 100_000_000, netProfitFen: big ? 20_000_000 : 10_000_000 }, village, seeder);
        await putAccount({ entityId: ent.id, year: 2025, operatingIncomeFen: big ? 250_000_000 : 120_000_000, netProfitFen: big ? 120_000_000 : 40_000_000 }, village, seeder);
        enterprises[i] = { id: ent.id, village };
      }
    }),
  );
  // Open around today on the Beijing calendar, the date the API judges windows by.
  const day = 86_400_000;
  const openWindow = { opensOn: beijingDate(new Date(Date.now() - day)), closesOn: beijingDate(new Date(Date.now() + day)) };
  const call = async (kind: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const t0 = performance.now();
    const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const parsed = (await res.json()) as Record<string, unknown>;
    if (counting) (latencies.get(kind) ?? latencies.set(kind, []).get(kind)!).push(performance.now() - t0);
    if (res.status >= 300) throw new Error(`${kind} ${path} answered ${res.status}: ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const latencies = new Map<string, number[]>();
  const policy = helanStylePolicy((warm + count) * 10_000_000, { townshipDeadlineDays: 365, financeDeadlineDays: 365, twoApproverThresholdFen: 10_000_000 });
  const program = await call('setup', admin, 'POST', '/reward/programs', { name: '基准以奖代补', jurisdiction: '120225', accountsYear: 2025, window: openWindow, policy });
  const programId = String(program.id);

  const item = async (key: Record<string, string>) => (await observer.send(new GetCommand({ TableName: 'bench-reward', Key: key, ConsistentRead: true }))).Item;
  const waitFor = async (probe: () => Promise<boolean>) => {
    while (!(await probe())) await new Promise((r) => setTimeout(r, 10));
  };
  const decisionOpen = (id: string) => waitFor(async () => (await item({ pk: `DECISION#${id}`, sk: 'DECISION' }))?.status === 'open');

  async function drive(i: number): Promise<string> {
    const { id: entityId, village } = enterprises[i]!;
    const submitted = await call('POST /reward/applications', submitters.get(village)!, 'POST', '/reward/applications', { programId, entityId }, { 'idempotency-key': `bench-${entityId}` });
    const id = String(submitted.id);
    await decisionOpen(`reward.village-signoff.${id}.r1`);
    for (const token of signers.get(village)!) await call('POST /reward/applications/{id}/signatures', token, 'POST', `/reward/applications/${id}/signatures`, { decision: 'sign' });
    await decisionOpen(`reward.township-review.${id}.r1`);
    await call('POST /decisions/{id} (township)', township, 'POST', `/decisions/reward.township-review.${id}.r1`, { decision: 'approve' });
    await decisionOpen(`reward.finance-approval.${id}.r1`);
    const first = await call('POST /decisions/{id} (finance)', finance[0]!, 'POST', `/decisions/reward.finance-approval.${id}.r1`, { decision: 'approve' });
    if (first.status === 'partial') await call('POST /decisions/{id} (finance)', finance[1]!, 'POST', `/decisions/reward.finance-approval.${id}.r1`, { decision: 'approve' });
    await waitFor(async () => (await item({ pk: `REWARD_APP#${id}`, sk: 'APPLICATION' }))?.status === 'paid');
    return id;
  }

  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { for (let i = next++; i < warm; i = next++) await drive(i); }));

  // Each worker left `next` one past the last index it took.
  next = warm;
  counting = true;
  const ids: string[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { for (let i = next++; i < warm + count; i = next++) ids.push(await drive(i)); }));
  const runMs = performance.now() - t0;
  counting = false;
  const measured = ids.length;

  // Step Functions: state transitions (states entered) and Lambda invocations (tasks scheduled) from every execution's history.
  const sfnClient = new SFNClient({ endpoint: host.sfnEndpoint, region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  let transitions = 0;
  let invocations = 0;
  for (const id of ids) {
    let nextToken: string | undefined;
    const events: HistoryEvent[] = [];
    do {
      const page = await sfnClient.send(new GetExecutionHistoryCommand({ executionArn: `arn:aws:states:${region}:000000000000:execution:village-flow-reward-application:${id}`, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    transitions += events.filter((e) => e.stateEnteredEventDetails).length;
    invocations += events.filter((e) => e.type === 'TaskScheduled' || e.type === 'LambdaFunctionScheduled').length;
  }
  sfnClient.destroy();

  // Baseline: bare TransactWriteItems of application + ledger entry + payment instruction per application.
  let floorNext = 0;
  const f0 = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = floorNext++; i < measured; i = floorNext++) {
        await observer.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: 'bench-reward-floor', Item: { pk: `REWARD_APP#floor-${i}`, sk: 'APPLICATION', status: 'paid', amountFen: 3_000_000 } } },
              { Put: { TableName: 'bench-reward-floor', Item: { pk: `LEDGER#reward#floor`, sk: `ENTRY#${i}`, amountFen: 3_000_000 }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: 'bench-reward-floor', Item: { pk: `PAYMENT#reward#floor`, sk: `INSTRUCTION#${i}`, amountFen: 3_000_000 }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      }
    }),
  );
  const floorMs = performance.now() - f0;

  const perApp = (n: number) => n / measured;
  const apiCalls = [...latencies.entries()].filter(([k]) => k !== 'setup').reduce((a, [, v]) => a + v.length, 0);
  const reads = [...requests.entries()].filter(([k]) => readCommands.has(k)).reduce((a, [, v]) => a + v, 0);
  const writes = [...requests.values()].reduce((a, b) => a + b, 0) - reads;
  // Units: as DynamoDB Local reports them when it does; otherwise a floor estimate of 1 unit per request.
  const rru = units.reported > 0 ? units.read : reads;
  const wru = units.reported > 0 ? units.write : writes;
  const cost = {
    dynamodb: perApp(wru) * price.wru + perApp(rru) * price.rru,
    stepFunctions: perApp(transitions) * price.transition,
    lambda: perApp(invocations + apiCalls) * (price.lambdaRequest + price.lambdaDuration),
    httpApi: perApp(apiCalls) * price.httpApi,
  };
  const total = cost.dynamodb + cost.stepFunctions + cost.lambda + cost.httpApi;
  // The baseline's cost: a transaction of 3 items of < 1 KB consumes 2 WRU per item.
  const floorCost = 6 * price.wru;

  console.log(`${measured} applications measured (${warm} warm-up), ${concurrency} in flight, submit → 4 signatures → township → finance (${Math.ceil(measured / 2)} with two approvers) → paid`);
  console.log(`  ${(runMs / 1000).toFixed(2)} s, ${(measured / (runMs / 1000)).toFixed(1)} applications/s, ${perApp(apiCalls).toFixed(2)} API calls per application`);
  for (const [kind, list] of [...latencies.entries()].filter(([k]) => k !== 'setup')) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`  ${kind.padEnd(42)} n=${String(sorted.length).padStart(5)}  p50 ${quantile(sorted, 0.5).toFixed(1)} ms  p99 ${quantile(sorted, 0.99).toFixed(1)} ms`);
  }
  console.log(`  DynamoDB requests per application: ${perApp(reads + writes).toFixed(2)} (reads ${perApp(reads).toFixed(2)}, writes ${perApp(writes).toFixed(2)}) ${JSON.stringify(Object.fromEntries([...requests.entries()].map(([k, v]) => [k, +perApp(v).toFixed(2)])))}`);
  console.log(
    units.reported > 0
      ? `  consumed capacity as DynamoDB Local reported it (ReturnConsumedCapacity=TOTAL, ${units.reported} of ${units.reported + units.unreported} responses carried it): ${perApp(units.read).toFixed(2)} RRU, ${perApp(units.write).toFixed(2)} WRU per application`
      : `  DynamoDB Local returned no ConsumedCapacity: units estimated as 1 per request (items < 1 KB; transactions really cost 2 per item, so this is a floor)`,
  );
  console.log(`  Step Functions: ${perApp(transitions).toFixed(1)} state transitions and ${perApp(invocations).toFixed(1)} task (Lambda) invocations per application`);
  console.log(
    `  AWS cost per application (USD): DynamoDB ${cost.dynamodb.toExponential(3)} + Step Functions ${cost.stepFunctions.toExponential(3)} + Lambda ${cost.lambda.toExponential(3)} (tasks + API) + HTTP API ${cost.httpApi.toExponential(3)} = ${total.toExponential(3)} (${(total * 1000).toFixed(4)} per 1,000 applications)`,
  );
  console.log(`  baseline: ${measured} bare TransactWriteItems (application + ledger + instruction), 32 in flight: ${(floorMs / 1000).toFixed(2)} s; cost ${floorCost.toExponential(3)} per application`);
  console.log(`  ratio workflow / baseline: time ${(runMs / floorMs).toFixed(1)}×, cost ${(total / floorCost).toFixed(1)}× (DynamoDB alone ${(cost.dynamodb / floorCost).toFixed(1)}×)`);

  await host.stop();
}

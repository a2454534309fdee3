import { startBenchHost } from './support.ts';

/**
 * Pairing reports at province scale (13,440 pairings; BENCH_PAIRING_SIZE to change it), through the
 * API on DynamoDB Local and the local Step Functions endpoint:
 * - opening a monthly period with the period workflow (POST …/workflow → Prepare → Map of pages →
 *   the reporting loop's first Wait): pairings/s and state transitions per pairing;
 * - the due-date sweep over the same period (every report still expected is marked overdue);
 * - the completeness view over HTTP (p50 / p99), from counters, against the same figures recounted
 *   by scanning the period's reports in the same run;
 * - filing a report over HTTP, end to end (p50 / p99).
 */
const size = Number(process.env.BENCH_PAIRING_SIZE ?? 13_440);
const townshipCount = 26;
const county = '120225';

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-pairing' });
  const { api } = host;
  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const { createTerm } = await import('../functions/programs/pairing/store/term.ts');
  const { pairings, newPairingRecord } = await import('../functions/programs/pairing/store/pairing.ts');
  const { batchPut } = await import('../functions/platform/store/batch.ts');
  const { getCounter } = await import('../functions/programs/pairing/store/report-counter.ts');
  const { periodReports } = await import('../functions/programs/pairing/store/report.ts');
  const { sweepOverdue } = await import('../functions/programs/pairing/report-use-cases.ts');
  const { contribution, mergeCounters, zeroCounters } = await import('../functions/programs/pairing/domain/report.ts');
  const { tianjinSchedule, lateFrom } = await import('../functions/programs/pairing/domain/schedule.ts');
  const { signToken } = await import('../local/jwt.ts');
  const { randomUUID } = await import('node:crypto');
  const admin = await signToken({ sub: 'bench-admin', roles: ['admin'], division: county }, process.env.JWT_SECRET!);
  const seeder = { sub: 'bench', roles: ['admin' as const], division: county };

  await createDivision({ code: county, name: '基准区' }, seeder);
  for (let t = 0; t < townshipCount; t++) await createDivision({ code: `${county}${100 + t}`, name: `基准${t}镇` }, seeder);
  // A term in the future, so that the period workflow's first reminder is a real wait: the bench
  // measures the opening alone.
  const year = new Date().getUTCFullYear() + 1;
  const term = await createTerm({ name: '基准结对', division: county, firstYear: year, lastYear: year, schedule: tianjinSchedule, targets: { advancedVillages: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 1 } }, seeder, { id: `pt-${randomUUID()}` });
  const units = Array.from({ length: Math.ceil(size / 10) }, () => randomUUID());
  const now = new Date();
  const records = Array.from({ length: size }, (_, i) =>
    newPairingRecord(
      { termId: term.id, unitId: units[i % units.length]!, village: `${county}${100 + (i % townshipCount)}${String(200 + Math.floor(i / townshipCount)).padStart(3, '0')}`, level: 'district', pledgedFenPerYear: 12_000_000, cadres: [{ name: '驻村干部', role: 'first-secretary', from: `${year}-01-01` }] },
      seeder,
      `pp-${randomUUID()}`,
      now,
      { targets: { becomesAdvanced: false, oneVillageOneIndustry: { baseline: false, target: true }, oneVillageOneCooperative: { baseline: false, target: true }, collectiveIncomeFen: { baseline: 0, target: 5_000_000 } } },
    ),
  );
  await batchPut(records.map((r) => pairings.item(r)), { concurrency: 16 });
  const periodId = `${year}-06`;

  // 1. Open the period with its workflow.
  const t0 = performance.now();
  const started = await fetch(`${api}/pairing/terms/${term.id}/periods/${periodId}/workflow`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
  if (started.status !== 202) throw new Error(`start answered ${started.status}: ${await started.text()}`);
  const { executionArn } = (await started.json()) as { executionArn: string };
  for (;;) {
    const c = await getCounter({ termId: term.id, periodId, scope: 'total', key: '-' });
    if (c && c.expected === size) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const openMs = performance.now() - t0;
  const { SFNClient, GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
  const sfnClient = new SFNClient({ endpoint: host.sfnEndpoint, region: host.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  let events = 0;
  let transitions = 0;
  const stamps = new Map<string, number>();
  for (let token: string | undefined, first = true; first || token; first = false) {
    const h = await sfnClient.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: token }));
    events += h.events?.length ?? 0;
    transitions += h.events?.filter((e) => e.type?.endsWith('StateEntered')).length ?? 0;
    for (const e of h.events ?? []) {
      const name = e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name;
      if (name && e.timestamp && !stamps.has(`${e.type}:${name}`)) stamps.set(`${e.type}:${name}`, e.timestamp.getTime());
    }
    token = h.nextToken;
  }
  sfnClient.destroy();
  const phase = (name: string, kind: string) => (((stamps.get(`${kind}StateExited:${name}`) ?? NaN) - (stamps.get(`${kind}StateEntered:${name}`) ?? NaN)) / 1000).toFixed(1);
  console.log(`  phases: Prepare ${phase('Prepare', 'Task')} s, OpenPages ${phase('OpenPages', 'Map')} s`);
  console.log(`open ${periodId} for ${size} pairings: ${(openMs / 1000).toFixed(1)} s, ${Math.round(size / (openMs / 1000))} pairings/s, ${transitions} state transitions (${(transitions / size).toFixed(4)} per pairing), ${events} history events`);

  // 2. Filing over HTTP, end to end (the unit's own token per report).
  const filing = [];
  const fileCount = Math.min(200, size);
  for (let i = 0; i < fileCount; i++) {
    const r = records[i]!;
    const token = await signToken({ sub: `bench-unit-${i}`, roles: ['unit'], division: county, unitId: r.unitId }, process.env.JWT_SECRET!);
    const s = performance.now();
    const res = await fetch(`${api}/pairing/reports/${r.id}~${periodId}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ investedFen: 100_000, cadreDays: 20, projectsStarted: 0, projectsFinished: 0, collectiveIncomeToDateFen: 1_000_000, narrative: '基准' }) });
    if (res.status !== 200) throw new Error(`filing answered ${res.status}: ${await res.text()}`);
    filing.push(performance.now() - s);
  }
  filing.sort((a, b) => a - b);
  console.log(`file a report over HTTP (${fileCount} filings, one at a time): p50 ${ms(percentile(filing, 50))}, p99 ${ms(percentile(filing, 99))}`);

  // 3. The due-date sweep.
  const s0 = performance.now();
  const swept = await sweepOverdue(term.id, periodId, seeder, lateFrom(`${year}-06-28`));
  const sweepMs = performance.now() - s0;
  console.log(`due-date sweep: ${swept.marked} of ${size} marked overdue in ${(sweepMs / 1000).toFixed(1)} s (${Math.round(size / (sweepMs / 1000))} reports/s)`);

  // 4. The completeness view over HTTP against a scan of the same period's reports.
  const view = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    const res = await fetch(`${api}/pairing/terms/${term.id}/views?by=township&periodId=${periodId}`, { headers: { authorization: `Bearer ${admin}` } });
    if (res.status !== 200) throw new Error(`view answered ${res.status}`);
    await res.arrayBuffer();
    view.push(performance.now() - s);
  }
  view.sort((a, b) => a - b);
  const scans = [];
  let scanned = zeroCounters;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const parts = [];
    for await (const r of periodReports(term.id, periodId)) parts.push(contribution(r));
    scanned = mergeCounters(zeroCounters, ...parts);
    scans.push(performance.now() - s);
  }
  scans.sort((a, b) => a - b);
  const counted = await getCounter({ termId: term.id, periodId, scope: 'total', key: '-' });
  console.log(`completeness view by township over HTTP (200 requests): p50 ${ms(percentile(view, 50))}, p99 ${ms(percentile(view, 99))}; baseline scanning the period's ${size} reports (5 scans, in process): p50 ${ms(percentile(scans, 50))}, p99 ${ms(percentile(scans, 99))}; counters equal the scan: ${counted?.expected === scanned.expected && counted.filed === scanned.filed && counted.missing === scanned.missing}`);
  await host.stop();
}

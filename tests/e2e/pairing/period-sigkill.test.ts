import { afterAll, describe, expect, it } from 'vitest';
import { SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { cleanUpLocalHosts, exitCode, freePorts, startLocalHost, tmpDataDir, type LocalHost, type LocalHostPorts } from '../../support/local-host.ts';
import { newDemoDistrictVillages } from '../../support/registries/demo-district-villages.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import { tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { contribution, mergeCounters, type Counters } from '../../../functions/programs/pairing/domain/report.ts';
import type { ReportRecord } from '../../../functions/programs/pairing/store/report.ts';
import { pairingsPerPage } from '../../../functions/programs/pairing/tasks/period-prepare.ts';
import { demoDistrict } from '../../../local/demo-data.ts';
import { waitUntil } from '../../support/wait.ts';
import { executionName, history, lastStatesEntered } from '../../support/stepfunctions.ts';

// The pairing period workflow on the whole local host (npm start as a child process): a term with
// 3,000 pairings made over HTTP (villages by the registry import, units one by one, pairings by the
// pairing CSV import), its monthly period opened by the period workflow, the host killed with
// SIGKILL once some but not all of the Map's pages have opened, restarted on the same data folder
// with fresh ports. The execution finishes the opening where it stopped: every pairing has exactly
// one expected report, the period's counters equal a recount, and the pages opened before the kill
// are not run again.

const pairingCount = 3_000;
const unitCount = 30;
const pageCount = Math.ceil(pairingCount / pairingsPerPage);
/** The pairing import takes at most 2,000 rows a file. */
const rowsPerFile = 1_500;

type Host = LocalHost & { readonly admin: string };

async function startHost(p: LocalHostPorts, dataDir: string): Promise<Host> {
  const host = await startLocalHost(p, ['--data-dir', dataDir]);
  return { ...host, admin: host.token('admin') };
}

async function call(host: Host, method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${host.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.admin}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON
}

const sfnOf = (host: Host) => new SFNClient({ endpoint: host.sfnEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });

/**
 * How long one phase may take before the test gives up and prints what the host said: a safety
 * limit, not a figure. Unloaded a phase takes seconds; on a shared 2-core machine under full load
 * the whole test once took over 300 s, hence the test's own 15-minute limit.
 */
const phaseWait = { timeoutMs: 300_000, intervalMs: 100 };

function printedSinceBanner(host: Host): string {
  const out = host.output();
  const after = out.slice(out.indexOf('Ctrl-C to stop.') + 'Ctrl-C to stop.'.length).trim();
  return after ? `the host printed since its banner:\n${after.slice(-3_000)}` : 'the host printed nothing since its banner';
}
const hostOutput = (host: Host) => async () => printedSinceBanner(host);
const executionDetail = (host: Host, client: SFNClient, arn: string) => async () => `execution ${executionName(arn)}: ${await lastStatesEntered(arn, client, 12)}; ${printedSinceBanner(host)}`;

/** The OpenPage task results in a history: page index → when it succeeded (ms). */
function pagesSucceeded(events: readonly HistoryEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) {
    const output = e.type === 'TaskSucceeded' ? e.taskSucceededEventDetails?.output : undefined;
    if (!output) continue;
    const payload = (JSON.parse(output) as { Payload?: { page?: unknown } }).Payload;
    if (typeof payload?.page === 'number') out.set(payload.page, e.timestamp!.getTime());
  }
  return out;
}

/** The OpenPage tasks scheduled in a history: page index → when (ms). */
function pagesScheduled(events: readonly HistoryEvent[]): { page: number; at: number }[] {
  return events.flatMap((e) => {
    const parameters = e.type === 'TaskScheduled' ? e.taskScheduledEventDetails?.parameters : undefined;
    const page = parameters ? (JSON.parse(parameters) as { Payload?: { page?: unknown } }).Payload?.page : undefined;
    return typeof page === 'number' ? [{ page, at: e.timestamp!.getTime() }] : [];
  });
}

const mapExited = (events: readonly HistoryEvent[]) => events.some((e) => e.type === 'MapStateExited' && e.stateExitedEventDetails?.name === 'OpenPages');

/** Every report of the period, through the API's list, 100 a page. */
async function listedReports(host: Host, termId: string, periodId: string): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(host, 'GET', `/pairing/reports?termId=${termId}&periodId=${periodId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    out.push(...(page.body.items as ReportRecord[]));
    cursor = (page.body.nextCursor as string | null | undefined) ?? undefined;
  } while (cursor !== undefined);
  return out;
}

afterAll(cleanUpLocalHosts);

describe('the pairing period workflow on the local host survives SIGKILL while it opens a period', () => {
  it('opens a monthly period for 3,000 pairings, is killed after some pages, restarts and makes exactly one expected report per pairing', async () => {
    const t0 = Date.now();
    const dataDir = tmpDataDir('village-flow-e2e-pairing-');
    const first = await startHost(await freePorts(), dataDir);
    const hostUpAt = Date.now();

    // Villages, units and a term in the demo district; the term lies next year, so that the
    // reporting loop after the opening only waits (its first reminder is months away).
    const villages = newDemoDistrictVillages(pairingCount);
    const imported = await call(first, 'POST', '/imports/villages', toVillageCsv(villages), 'text/csv');
    expect(imported.status).toBe(202);
    // The units are registered while the import runs.
    const units: string[] = [];
    for (let i = 0; i < unitCount; i++) {
      const unit = await call(first, 'POST', '/units', { name: `结对测试单位${i + 1}`, level: i % 2 ? 'district' : 'city', kind: 'enterprise', division: demoDistrict.code });
      expect(unit.status).toBe(201);
      units.push(String(unit.body.id));
    }
    await waitUntil(
      async () => {
        const imp = await call(first, 'GET', `/imports/${imported.body.id}`);
        return { done: imp.body.status === 'succeeded', seen: `import ${imported.body.id} is ${imp.body.status}` };
      },
      { what: 'the village import to succeed', ...phaseWait, detail: hostOutput(first) },
    );
    const villagesAt = Date.now();
    const year = new Date().getUTCFullYear() + 1;
    const term = await call(first, 'POST', '/pairing/terms', {
      name: '断电测试结对周期',
      division: demoDistrict.code,
      firstYear: year,
      lastYear: year,
      schedule: tianjinSchedule,
      targets: { advancedVillages: 100, oneVillageOneIndustry: 100, oneVillageOneCooperative: 100, collectiveIncomeFen: 1_000_000_000 },
    });
    expect(term.status).toBe(201);
    const termId = String(term.body.id);
    const pairingIds: string[] = [];
    for (let from = 0; from < pairingCount; from += rowsPerFile) {
      const rows = villages.slice(from, from + rowsPerFile).map((v, i) => `${termId},${units[(from + i) % unitCount]},${v.code},district,${1_200_000 + (from + i) * 100}`);
      const csv = ['termId,unitId,village,level,pledgedFenPerYear', ...rows].join('\n');
      const made = await call(first, 'POST', '/pairing/pairings/import', csv, 'text/csv');
      expect(made.status, JSON.stringify(made.body).slice(0, 500)).toBe(201);
      pairingIds.push(...(made.body.ids as string[]));
    }
    expect(pairingIds).toHaveLength(pairingCount);

    const setUpAt = Date.now();

    // Open June with the period workflow and kill the host once some, but not all, pages are open.
    const periodId = `${year}-06`;
    const started = await call(first, 'POST', `/pairing/terms/${termId}/periods/${periodId}/workflow`);
    expect(started.status).toBe(202);
    const executionArn = String(started.body.executionArn);
    const startedAt = Date.now();
    const sfn1 = sfnOf(first);
    const { opened: openedBefore } = await waitUntil(
      async () => {
        const opened = pagesSucceeded(await history(executionArn, sfn1));
        return { done: opened.size > 0, seen: `${opened.size} of ${pageCount} pages open`, opened };
      },
      { what: 'the first pages to open', ...phaseWait, intervalMs: 10, detail: executionDetail(first, sfn1, executionArn) },
    );
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await exitCode(first);
    sfn1.destroy();
    expect(openedBefore.size).toBeGreaterThan(0);
    expect(openedBefore.size).toBeLessThan(pageCount);

    // Fresh ports: the data folder is what carries over.
    const second = await startHost(await freePorts(), dataDir);
    const restartedAt = Date.now();
    const sfn2 = sfnOf(second);
    const { events } = await waitUntil(
      async () => {
        const events = await history(executionArn, sfn2);
        return { done: mapExited(events), seen: `${pagesSucceeded(events).size} of ${pageCount} pages open`, events };
      },
      { what: 'the opening to finish', ...phaseWait, detail: executionDetail(second, sfn2, executionArn) },
    );
    const finishedAt = Date.now();
    sfn2.destroy();
    console.log(
      `pairing period SIGKILL: host up in ${((hostUpAt - t0) / 1000).toFixed(1)} s, villages imported and units made in ${((villagesAt - hostUpAt) / 1000).toFixed(1)} s, term and pairings in ${((setUpAt - villagesAt) / 1000).toFixed(1)} s; ${pairingCount} pairings, ${pageCount} pages of ${pairingsPerPage}; killed ${((killedAt - startedAt) / 1000).toFixed(1)} s after the start with ${openedBefore.size} pages open; ` +
        `restarted in ${((restartedAt - killedAt) / 1000).toFixed(1)} s; the opening finished ${((finishedAt - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );

    // The Map resumed: one execution, started once; Prepare and the pages opened before the kill
    // were not run again (their events are the ones written before it), the rest ran after the
    // restart; each page was scheduled once and succeeded once.
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails?.length).toBe(pageCount);
    const succeeded = pagesSucceeded(events);
    const scheduled = pagesScheduled(events);
    expect([...succeeded.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, n) => n));
    expect(scheduled.map((s) => s.page).sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, n) => n));
    // Counted up to the Map's exit: the workflow goes on to its reminder loop, whose first task may
    // have succeeded too by the time the history is read.
    const opening = events.slice(0, events.findIndex((e) => e.type === 'MapStateExited' && e.stateExitedEventDetails?.name === 'OpenPages') + 1);
    expect(opening.filter((e) => e.type === 'TaskSucceeded')).toHaveLength(pageCount + 1);
    for (const [page, at] of openedBefore) {
      expect(succeeded.get(page)).toBe(at);
      expect(scheduled.find((s) => s.page === page)!.at).toBeLessThan(killedAt);
    }
    const afterRestart = [...succeeded].filter(([page]) => !openedBefore.has(page));
    expect(afterRestart.length).toBe(pageCount - openedBefore.size);
    for (const [, at] of afterRestart) expect(at).toBeGreaterThanOrEqual(killedAt);
    expect(scheduled.filter((s) => s.at >= killedAt).every((s) => !openedBefore.has(s.page))).toBe(true);

    // Every pairing has exactly one expected report for the period, and no other.
    const reports = await listedReports(second, termId, periodId);
    const perPairing = new Map<string, number>();
    for (const r of reports) perPairing.set(r.pairingId, (perPairing.get(r.pairingId) ?? 0) + 1);
    expect(reports).toHaveLength(pairingCount);
    expect(new Set(reports.map((r) => r.id)).size).toBe(pairingCount);
    expect([...perPairing.keys()].sort()).toEqual([...pairingIds].sort());
    expect([...perPairing.values()].every((n) => n === 1)).toBe(true);
    expect(reports.every((r) => r.status === 'expected' && r.periodId === periodId)).toBe(true);

    // The period's counters (kept in the reports' transactions) equal a recount of the reports.
    const recount = mergeCounters(...reports.map(contribution));
    expect(recount.expected).toBe(pairingCount);
    const byTownship = await call(second, 'GET', `/pairing/terms/${termId}/views?by=township&periodId=${periodId}`);
    expect(byTownship.status).toBe(200);
    expect(byTownship.body.total.counters as Counters).toEqual(recount);
    const byPeriod = await call(second, 'GET', `/pairing/terms/${termId}/views?by=period`);
    expect(byPeriod.status).toBe(200);
    expect((byPeriod.body.rows as { key: string; counters: Counters }[]).find((r) => r.key === periodId)?.counters).toMatchObject(recount);

    second.child.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);
  }, 900_000);
});

import { Select, Space, Tag } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { download, must, type ApiClient, type Schemas } from '../../api/client';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { name } from '../../lib/labels';
import { periodName, periodTypeNames, reportStatusNames, timelinessNames, timelinessOf, type PairingReport } from '../../lib/pairing';

/** Shared by the pairing screens: the term and period chosen, names of villages and units, the report's state tags. */

export type ReportPeriod = Awaited<ReturnType<typeof loadPeriods>>[number];

export async function loadPeriods(client: ApiClient, termId: string) {
  return must(await client.GET('/pairing/terms/{termId}/periods', { params: { path: { termId } } })).items;
}

/** Every report of a period the caller may see (the API narrows a unit to its own), page by page. */
export async function loadReports(client: ApiClient, query: { termId: string; periodId: string; division?: string; unitId?: string }): Promise<PairingReport[]> {
  const out: PairingReport[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = must(await client.GET('/pairing/reports', { params: { query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } } }));
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/** The terms the user may read and one of them chosen, then its periods and one chosen (the latest by default). */
export function useTermPeriod(withPeriod = true): { readonly termId: string | undefined; readonly periodId: string | undefined; readonly term: Schemas['PairingTerm'] | undefined; readonly periods: readonly ReportPeriod[]; readonly error: unknown; readonly picker: ReactNode } {
  // The newest term first (the one being reported on), and the period due last first.
  const terms = useLoad(async (c) => must(await c.GET('/pairing/terms', { params: { query: { limit: 100 } } })).items.sort((a, b) => b.lastYear - a.lastYear || b.firstYear - a.firstYear), []);
  const [termChosen, setTerm] = useState<string>();
  const termId = termChosen ?? terms.data?.[0]?.id;
  const periods = useLoad(async (c) => (termId ? await loadPeriods(c, termId) : []), [termId]);
  const sorted = [...(periods.data ?? [])].sort((a, b) => b.due.localeCompare(a.due) || b.periodId.localeCompare(a.periodId));
  const [periodChosen, setPeriod] = useState<string>();
  useEffect(() => setPeriod(undefined), [termId]);
  const periodId = periodChosen ?? sorted[0]?.periodId;
  const picker = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Select aria-label="帮扶周期" placeholder="帮扶周期" style={{ width: 320, maxWidth: '90vw' }} value={termId} onChange={(v: string) => setTerm(v)} options={(terms.data ?? []).map((t) => ({ value: t.id, label: t.name }))} />
      {withPeriod && (
        <Select
          aria-label="报告期"
          placeholder="报告期"
          style={{ width: 220 }}
          value={periodId}
          onChange={(v: string) => setPeriod(v)}
          options={sorted.map((p) => ({ value: p.periodId, label: `${periodName(p.periodId)}（${name(periodTypeNames, p.periodType)}${p.status === 'closed' ? '，已关闭' : ''}）` }))}
        />
      )}
    </Space>
  );
  return { termId, periodId, term: terms.data?.find((t) => t.id === termId), periods: sorted, error: terms.error ?? periods.error, picker };
}

/**
 * Names of the villages and assisting units of the user's county, by code and id; a code shows as
 * itself when the list is not readable for the role (a unit reads only its own unit).
 */
export function useNames(division: string): { readonly village: (code: string) => string; readonly unit: (id: string) => string; readonly units: readonly { readonly value: string; readonly label: string }[] } {
  const county = division.slice(0, 6);
  const own = useConsole().user.unitId;
  const names = useLoad(async (c) => {
    const villages = new Map<string, string>();
    const units = new Map<string, string>();
    const collect = async <T,>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>, put: (item: T) => void) => {
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const p = await page(cursor);
        p.items.forEach(put);
        cursor = p.nextCursor;
        if (!cursor) break;
      }
    };
    await collect(
      async (cursor) => must(await c.GET('/villages', { params: { query: { division: county, limit: 100, ...(cursor ? { cursor } : {}) } } })),
      (v) => villages.set(v.code, v.name),
    ).catch(() => undefined);
    await collect(
      async (cursor) => must(await c.GET('/units', { params: { query: { division: county, limit: 100, ...(cursor ? { cursor } : {}) } } })),
      (u) => units.set(u.id, u.name),
    ).catch(() => undefined);
    // A unit user may not list the county's units, but reads its own.
    if (own && !units.has(own)) {
      const res = await c.GET('/units/{id}', { params: { path: { id: own } } });
      if (res.data) units.set(own, res.data.name);
    }
    return { villages, units };
  }, [county, own]);
  return {
    village: (code) => {
      const n = names.data?.villages.get(code);
      return n ? `${n}（${code}）` : code;
    },
    unit: (id) => names.data?.units.get(id) ?? id,
    units: [...(names.data?.units ?? [])].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
  };
}

const statusColors: Readonly<Record<PairingReport['status'], string>> = { expected: 'default', submitted: 'blue', returned: 'orange', approved: 'green', accepted: 'cyan' };
const timelinessColors = { 'on-time': 'green', late: 'orange', missing: 'red', pending: 'default' } as const;

/** A report's status and its timeliness (on time, late, missing, not yet due) as tags. */
export function ReportState({ report }: { readonly report: PairingReport }) {
  const t = timelinessOf(report, beijingDay(new Date()));
  return (
    <Space size={4} wrap>
      <Tag color={statusColors[report.status]}>{reportStatusNames[report.status]}</Tag>
      <Tag color={timelinessColors[t]}>{timelinessNames[t]}</Tag>
    </Space>
  );
}

/** A CSV or XLSX answer downloaded with the user's token (the browser cannot add it to a plain link). */
export function useDownload(): (path: string, fallback: string) => Promise<void> {
  const { config, auth } = useConsole();
  return async (path, fallback) => download(config.apiUrl, path, await auth.token(), fallback);
}

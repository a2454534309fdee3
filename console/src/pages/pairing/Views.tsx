import { Button, Radio, Space, Table, Tabs, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useLoad } from '../../lib/context';
import { percent, periodName } from '../../lib/pairing';
import { useDownload, useTermPeriod } from './shared';

type Row = Schemas['PairingReportViewRow'];
type By = 'township' | 'unit' | 'period';
type View = 'completeness' | 'funds' | 'outcomes' | 'cadres';

const n = (f: (r: Row) => number) => (_: unknown, r: Row) => f(r);
const money = (f: (r: Row) => number) => (_: unknown, r: Row) => <Yuan fen={f(r)} />;

const columns: Readonly<Record<View, { title: string; align?: 'right'; render: (_: unknown, r: Row) => ReactNode }[]>> = {
  completeness: [
    { title: '应报数', render: n((r) => r.counters.expected) },
    { title: '实报数', render: n((r) => r.counters.filed) },
    { title: '及时报送数', render: n((r) => r.counters.onTime) },
    { title: '逾期报送数', render: n((r) => r.counters.late) },
    { title: '缺报数', render: n((r) => r.counters.missing) },
    { title: '零报告数', render: n((r) => r.counters.nil) },
    { title: '报告完整率', render: (_, r) => percent(r.rates.completenessBp) },
    { title: '报告及时率', render: (_, r) => percent(r.rates.timelinessBp) },
  ],
  funds: [
    { title: '承诺资金', align: 'right', render: money((r) => r.counters.pledgedFen) },
    { title: '实际投入', align: 'right', render: money((r) => r.counters.investedFen) },
    { title: '投入比例', render: (_, r) => percent(r.rates.investedOfPledgedBp) },
  ],
  outcomes: [
    { title: '村集体收入', align: 'right', render: money((r) => r.counters.collectiveIncomeFen) },
    { title: '收入目标', align: 'right', render: money((r) => r.counters.collectiveIncomeTargetFen) },
    { title: '完成比例', render: (_, r) => percent(r.rates.collectiveIncomeOfTargetBp) },
    { title: '开工项目', render: n((r) => r.counters.projectsStarted) },
    { title: '完工项目', render: n((r) => r.counters.projectsFinished) },
  ],
  cadres: [
    { title: '在岗驻村干部', render: n((r) => r.counters.cadresInPlace) },
    { title: '其中第一书记', render: n((r) => r.counters.firstSecretaries) },
    { title: '驻村天数', render: n((r) => r.counters.cadreDays) },
  ],
};
const viewNames: Readonly<Record<View, string>> = { completeness: '完整性与及时性', funds: '承诺与投入资金', outcomes: '成效与目标', cadres: '驻村干部' };
const byNames: Readonly<Record<By, string>> = { township: '按乡镇', unit: '按帮扶单位', period: '按报告期' };

/** 报告统计: completeness and timeliness, funds, outcomes and cadres, by township, unit or period, from the API's counters; each with its CSV and XLSX. */
export default function Views() {
  const { termId, periodId, error, picker } = useTermPeriod();
  const [by, setBy] = useState<By>('township');
  const [view, setView] = useState<View>('completeness');
  const [failure, setFailure] = useState<unknown>();
  const download = useDownload();
  const data = useLoad(
    async (c) => (termId && (periodId || by === 'period') ? must(await c.GET('/pairing/terms/{termId}/views', { params: { path: { termId }, query: { by, ...(by !== 'period' && periodId ? { periodId } : {}) } } })) : undefined),
    [termId, periodId, by],
  );
  const rows = [...(data.data?.rows ?? []), ...(data.data?.total ? [{ ...data.data.total, key: '合计', name: '合计' }] : [])];
  const exportAs = async (format: 'csv' | 'xlsx') => {
    if (!termId) return;
    setFailure(undefined);
    const query = new URLSearchParams({ by, format, ...(by !== 'period' && periodId ? { periodId } : {}) });
    try {
      await download(`/pairing/terms/${encodeURIComponent(termId)}/views/${view}/export?${query}`, `${view}.${format}`);
    } catch (err) {
      setFailure(err);
    }
  };
  return (
    <>
      <Typography.Title level={3}>报告统计</Typography.Title>
      <ErrorAlert error={error ?? data.error ?? failure} />
      {picker}
      <Space wrap style={{ marginBottom: 12 }}>
        <Radio.Group aria-label="统计口径" value={by} onChange={(e) => setBy(e.target.value as By)} optionType="button" options={(Object.keys(byNames) as By[]).map((b) => ({ value: b, label: byNames[b] }))} />
        <Button onClick={() => void exportAs('xlsx')}>导出 Excel</Button>
        <Button onClick={() => void exportAs('csv')}>导出 CSV</Button>
      </Space>
      <Tabs
        activeKey={view}
        onChange={(k) => setView(k as View)}
        items={(Object.keys(viewNames) as View[]).map((v) => ({
          key: v,
          label: viewNames[v],
          children: (
            <Table<Row>
              rowKey="key"
              size="small"
              loading={data.loading}
              dataSource={rows}
              pagination={false}
              scroll={{ x: 900 }}
              columns={[{ title: byNames[by].slice(1), render: (_, r) => (by === 'period' && r.key !== '合计' ? periodName(r.key) : r.name || r.key) }, ...columns[v]]}
            />
          ),
        }))}
      />
    </>
  );
}

import { Table, Tabs, Typography } from 'antd';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { ReviewActions } from '../../components/pairing/ReviewActions';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { periodName, timelinessOf, type PairingReport } from '../../lib/pairing';
import { LinkButton } from '../../components/LinkButton';
import { navigate } from '../../lib/router';
import { loadReports, ReportState, useNames, useTermPeriod } from './shared';

/** 报告审核 for the township: the reports waiting for its review (approve, or return with a reason), and the overdue ones. */
export default function Review() {
  const { user } = useConsole();
  const names = useNames(user.division);
  const { termId, periodId, error, picker } = useTermPeriod();
  const reports = useLoad(async (c) => (termId && periodId ? await loadReports(c, { termId, periodId, division: user.division }) : []), [termId, periodId]);
  const all = [...(reports.data ?? [])].sort((a, b) => a.village.localeCompare(b.village));
  const today = beijingDay(new Date());
  const waiting = all.filter((r) => r.status === 'submitted');
  const overdue = all.filter((r) => timelinessOf(r, today) === 'missing');
  const title = (r: PairingReport) => `${names.village(r.village)} ${periodName(r.periodId)}`;
  const base = [
    { title: '结对村', render: (_: unknown, r: PairingReport) => <LinkButton onClick={() => navigate(`/pairing/reports/${encodeURIComponent(r.id)}`)}>{names.village(r.village)}</LinkButton> },
    { title: '帮扶单位', render: (_: unknown, r: PairingReport) => names.unit(r.unitId) },
    { title: '截止日期', dataIndex: 'due' },
    { title: '状态', render: (_: unknown, r: PairingReport) => <ReportState report={r} /> },
  ];
  return (
    <>
      <Typography.Title level={3}>报告审核</Typography.Title>
      <ErrorAlert error={error ?? reports.error} />
      {picker}
      <Tabs
        items={[
          {
            key: 'waiting',
            label: `待审核（${waiting.length}）`,
            children: (
              <Table<PairingReport>
                rowKey="id"
                loading={reports.loading}
                dataSource={waiting}
                pagination={false}
                scroll={{ x: 1000 }}
                locale={{ emptyText: '没有待审核的报告' }}
                columns={[
                  ...base,
                  { title: '本期投入', align: 'right', render: (_, r) => (r.current && !r.current.nil ? <Yuan fen={r.current.investedFen} /> : '零报告') },
                  { title: '审核', render: (_, r) => <ReviewActions report={r} title={title(r)} onDone={reports.reload} /> },
                ]}
              />
            ),
          },
          { key: 'overdue', label: `逾期未报（${overdue.length}）`, children: <Table<PairingReport> rowKey="id" dataSource={overdue} pagination={false} scroll={{ x: 800 }} columns={base} locale={{ emptyText: '没有逾期未报的报告' }} /> },
          { key: 'all', label: `全部（${all.length}）`, children: <Table<PairingReport> rowKey="id" dataSource={all} pagination={{ defaultPageSize: 50 }} scroll={{ x: 800 }} columns={base} /> },
        ]}
      />
    </>
  );
}

import { Button, Table, Typography } from 'antd';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { canFile, periodName, type PairingReport } from '../../lib/pairing';
import { navigate } from '../../lib/router';
import { loadReports, ReportState, useNames, useTermPeriod } from './shared';

/**
 * 定期报告: the reports of a period the user may see (a unit only its own unit's), each with its state,
 * timeliness and due date; a unit opens one to file it, or to resubmit one returned.
 */
export default function Reports() {
  const { user } = useConsole();
  const isUnit = user.roles.includes('unit');
  const names = useNames(user.division);
  const { termId, periodId, error, picker } = useTermPeriod();
  const reports = useLoad(async (c) => (termId && periodId ? await loadReports(c, { termId, periodId }) : []), [termId, periodId]);
  const rows = [...(reports.data ?? [])].sort((a, b) => a.village.localeCompare(b.village));
  const action = (r: PairingReport) => {
    if (isUnit && r.status === 'returned') return '修改后重新报送';
    if (isUnit && r.status === 'expected') return '填报';
    if (isUnit && canFile(r.status)) return '查看或修改';
    return '查看';
  };
  return (
    <>
      <Typography.Title level={3}>定期报告</Typography.Title>
      <ErrorAlert error={error ?? reports.error} />
      {picker}
      <Table<PairingReport>
        rowKey="id"
        loading={reports.loading}
        dataSource={rows}
        pagination={{ defaultPageSize: 50 }}
        scroll={{ x: 1000 }}
        columns={[
          { title: '结对村', render: (_, r) => names.village(r.village) },
          { title: '帮扶单位', render: (_, r) => names.unit(r.unitId) },
          { title: '报告期', render: (_, r) => periodName(r.periodId) },
          { title: '截止日期', dataIndex: 'due' },
          { title: '状态', render: (_, r) => <ReportState report={r} /> },
          { title: '本期投入', align: 'right', render: (_, r) => (r.current && !r.current.nil ? <Yuan fen={r.current.investedFen} /> : r.current?.nil ? '零报告' : '—') },
          {
            title: '操作',
            render: (_, r) => (
              <Button size="small" type={isUnit && (r.status === 'expected' || r.status === 'returned') ? 'primary' : 'default'} onClick={() => navigate(`/pairing/reports/${encodeURIComponent(r.id)}`)} aria-label={`${action(r)} ${names.village(r.village)}`}>
                {action(r)}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}

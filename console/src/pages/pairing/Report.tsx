import { Alert, Card, Descriptions, Table, Typography, message } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { ReportFilingForm } from '../../components/pairing/ReportFilingForm';
import { ReviewActions } from '../../components/pairing/ReviewActions';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { canFile, formOf, periodName, type ReportFiling } from '../../lib/pairing';
import { ReportState, useNames } from './shared';

/**
 * One periodic report: its state and due date, the reason it was returned, the filing form for the
 * unit (filing, or resubmitting a returned report), the township's review, and every version sent.
 */
export default function Report({ id }: { readonly id: string }) {
  const { client, user } = useConsole();
  const names = useNames(user.division);
  const report = useLoad(async (c) => must(await c.GET('/pairing/reports/{id}', { params: { path: { id } } })), [id]);
  const versions = useLoad(async (c) => must(await c.GET('/pairing/reports/{id}/versions', { params: { path: { id } } })).items, [id, report.data?.version]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const r = report.data;
  if (!r) return <ErrorAlert error={report.error} />;
  const title = `${names.village(r.village)} ${periodName(r.periodId)}报告`;

  const file = async (body: ReportFiling) => {
    setBusy(true);
    setError(undefined);
    try {
      must(await client.PUT('/pairing/reports/{id}', { params: { path: { id } }, body: { ...body, version: r.version } }));
      void message.success('报告已报送');
      report.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const c = r.current;
  return (
    <>
      <Typography.Title level={3}>{title}</Typography.Title>
      <ErrorAlert error={error ?? report.error} />
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="帮扶单位">{names.unit(r.unitId)}</Descriptions.Item>
          <Descriptions.Item label="截止日期">{r.due}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <ReportState report={r} />
          </Descriptions.Item>
          <Descriptions.Item label="报送次数">{r.submissions}</Descriptions.Item>
          <Descriptions.Item label="最近报送">{beijingDateTime(r.submittedAt) || '—'}</Descriptions.Item>
          <Descriptions.Item label="本期应投入（承诺分摊）">
            <Yuan fen={r.opening.pledgedFen} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {r.status === 'returned' && r.review?.reason && <Alert style={{ marginTop: 12 }} type="warning" showIcon message="乡镇退回了此报告" description={`退回理由：${r.review.reason}`} />}
      {user.roles.includes('township') && r.status === 'submitted' && (
        <Card size="small" title="乡镇审核" style={{ marginTop: 12 }}>
          <ReviewActions report={r} title={title} onDone={report.reload} />
        </Card>
      )}
      {user.roles.includes('unit') && canFile(r.status) && (
        <Card size="small" title={r.status === 'returned' ? '修改后重新报送' : r.status === 'submitted' ? '修改报告（审核前可修改）' : '填报'} style={{ marginTop: 12 }}>
          <ReportFilingForm key={r.version} initial={formOf(r)} busy={busy} submitLabel={r.status === 'expected' ? '提交报告' : '重新报送'} onSubmit={(body) => void file(body)} />
        </Card>
      )}
      {c && (
        <Card size="small" title="当前报告内容" style={{ marginTop: 12 }}>
          {c.nil ? (
            <Typography.Paragraph>零报告（本期无进展）{c.narrative ? `：${c.narrative}` : ''}</Typography.Paragraph>
          ) : (
            <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
              <Descriptions.Item label="本期投入资金">
                <Yuan fen={c.investedFen} />
              </Descriptions.Item>
              <Descriptions.Item label="村集体收入累计">
                <Yuan fen={c.collectiveIncomeToDateFen} />
              </Descriptions.Item>
              <Descriptions.Item label="干部驻村天数">{c.cadreDays}</Descriptions.Item>
              <Descriptions.Item label="开工 / 完工项目">
                {c.projectsStarted} / {c.projectsFinished}
              </Descriptions.Item>
              <Descriptions.Item label="进展情况" span={2}>
                <span style={{ whiteSpace: 'pre-wrap' }}>{c.narrative}</span>
              </Descriptions.Item>
            </Descriptions>
          )}
        </Card>
      )}
      <Card size="small" title="历次报送版本" style={{ marginTop: 12 }}>
        <ErrorAlert error={versions.error} />
        <Table
          rowKey="n"
          size="small"
          pagination={false}
          dataSource={versions.data ?? []}
          columns={[
            { title: '版本', dataIndex: 'n' },
            { title: '报送时间', render: (_, v) => beijingDateTime(v.submittedAt) },
            { title: '按时', render: (_, v) => (v.filedOnTime ? '是' : '否') },
            { title: '本期投入', align: 'right', render: (_, v) => (v.content.nil ? '零报告' : <Yuan fen={v.content.investedFen} />) },
            { title: '进展情况', render: (_, v) => v.content.narrative },
          ]}
        />
      </Card>
    </>
  );
}

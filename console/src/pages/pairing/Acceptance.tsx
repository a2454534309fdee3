import { Card, Descriptions, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AcceptancePanel } from '../../components/pairing/AcceptancePanel';
import { useConsole, useLoad } from '../../lib/context';
import { periodName, reportStatusNames, type PairingReport } from '../../lib/pairing';
import { loadReports, useNames, useTermPeriod } from './shared';

type Outcome = Schemas['PairingAcceptanceOutcome'];

/** 县级验收: accept a period's township-approved reports at once, holding back the chosen exceptions with a reason; then the summary. */
export default function Acceptance() {
  const { client, user } = useConsole();
  const county = user.division.slice(0, 6);
  const names = useNames(user.division);
  const { termId, periodId, error, picker } = useTermPeriod();
  const reports = useLoad(async (c) => (termId && periodId ? await loadReports(c, { termId, periodId, division: county }) : []), [termId, periodId]);
  const [outcome, setOutcome] = useState<Outcome>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const label = (r: { village: string; unitId: string }) => `${names.village(r.village)} · ${names.unit(r.unitId)}`;

  const accept = async (body: Schemas['PairingReportAcceptance']) => {
    if (!termId || !periodId) return;
    setBusy(true);
    setFailure(undefined);
    try {
      setOutcome(must(await client.POST('/pairing/terms/{termId}/periods/{periodId}/acceptance', { params: { path: { termId, periodId } }, body })));
      void message.success('验收完成');
      reports.reload();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const byStatus = (s: PairingReport['status']) => (reports.data ?? []).filter((r) => r.status === s).length;
  return (
    <>
      <Typography.Title level={3}>县级验收</Typography.Title>
      <ErrorAlert error={error ?? reports.error ?? failure} />
      {picker}
      <Card size="small" title={periodId ? `${periodName(periodId)}报告` : '报告'}>
        <Descriptions size="small" column={{ xs: 2, md: 5 }}>
          {(['expected', 'submitted', 'returned', 'approved', 'accepted'] as const).map((s) => (
            <Descriptions.Item key={s} label={reportStatusNames[s]}>
              {byStatus(s)}
            </Descriptions.Item>
          ))}
        </Descriptions>
        <AcceptancePanel key={`${termId}/${periodId}/${outcome ? 'done' : ''}`} division={county} reports={reports.data ?? []} label={label} busy={busy} onAccept={(body) => void accept(body)} />
      </Card>
      {outcome && (
        <Card size="small" title="验收结果" style={{ marginTop: 12 }} data-testid="acceptance-summary">
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="本次验收">{outcome.accepted} 份</Descriptions.Item>
            <Descriptions.Item label="此前已验收">{outcome.alreadyAccepted} 份</Descriptions.Item>
            <Descriptions.Item label="例外">{outcome.exceptions.length} 份</Descriptions.Item>
          </Descriptions>
          <Table<Outcome['exceptions'][number]>
            rowKey="reportId"
            size="small"
            pagination={false}
            dataSource={outcome.exceptions}
            scroll={{ x: 800 }}
            columns={[
              { title: '报告', render: (_, e) => label(e) },
              { title: '状态', render: (_, e) => <Tag>{reportStatusNames[e.status as PairingReport['status']] ?? e.status}</Tag> },
              { title: '逾期', render: (_, e) => (e.overdue ? <Tag color="red">逾期</Tag> : '否') },
              { title: '例外理由', render: (_, e) => e.reason ?? '尚未审核' },
            ]}
          />
        </Card>
      )}
    </>
  );
}

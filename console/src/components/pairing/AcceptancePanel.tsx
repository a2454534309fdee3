import { Alert, Button, Checkbox, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { Schemas } from '../../api/client';
import { acceptanceBody, type PairingReport } from '../../lib/pairing';

/**
 * The county's acceptance of a period: every township-approved report is accepted at once, except
 * those the county ticks, each with its reason (an empty reason is refused here, before the API).
 * Reports not approved yet are the API's exceptions anyway; they are counted, not offered.
 */
export function AcceptancePanel({
  division,
  reports,
  label,
  onAccept,
  busy = false,
}: {
  readonly division: string;
  readonly reports: readonly PairingReport[];
  readonly label: (report: PairingReport) => string;
  readonly onAccept: (body: Schemas['PairingReportAcceptance']) => void;
  readonly busy?: boolean;
}) {
  const [chosen, setChosen] = useState<ReadonlyMap<string, string>>(new Map());
  const [refused, setRefused] = useState<readonly string[]>([]);
  const approved = reports.filter((r) => r.status === 'approved');
  const notReady = reports.filter((r) => r.status !== 'approved' && r.status !== 'accepted').length;
  const toAccept = approved.length - chosen.size;

  const toggle = (id: string, on: boolean) => {
    const next = new Map(chosen);
    if (on) next.set(id, next.get(id) ?? '');
    else next.delete(id);
    setChosen(next);
  };
  const accept = () => {
    const { body, missing } = acceptanceBody(division, chosen);
    setRefused(missing);
    if (missing.length === 0) onAccept(body);
  };

  return (
    <>
      <Alert
        style={{ marginBottom: 12 }}
        type="info"
        message={`已审核待验收 ${approved.length} 份，其中列为例外 ${chosen.size} 份；尚未审核（将列为例外，不影响其他报告）${notReady} 份。`}
      />
      <Table<PairingReport>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={approved}
        locale={{ emptyText: '本期没有待验收的报告' }}
        columns={[
          { title: '报告', render: (_, r) => label(r) },
          {
            title: '列为例外',
            render: (_, r) => (
              <Checkbox checked={chosen.has(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} aria-label={`将 ${label(r)} 列为例外`}>
                例外
              </Checkbox>
            ),
          },
          {
            title: '例外理由',
            render: (_, r) =>
              chosen.has(r.id) ? (
                <Space direction="vertical" size={0} style={{ width: '100%' }}>
                  <Input aria-label={`${label(r)} 的例外理由`} status={refused.includes(r.id) ? 'error' : undefined} value={chosen.get(r.id)} maxLength={500} onChange={(e) => setChosen(new Map(chosen).set(r.id, e.target.value))} />
                  {refused.includes(r.id) && (
                    <Typography.Text type="danger" role="alert">
                      请填写例外理由
                    </Typography.Text>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <Button type="primary" style={{ marginTop: 12 }} loading={busy} disabled={approved.length === 0} onClick={accept}>
        验收本期已审核报告（{toAccept} 份）
      </Button>
    </>
  );
}

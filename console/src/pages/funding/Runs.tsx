import { Button, Checkbox, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { name, runStatusNames } from '../../lib/labels';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';

type Run = Schemas['FundingRun'];

/** Funding runs (村级运转经费测算) of the jurisdiction; finance starts one from a policy, as a dry run or for payment. */
export default function Runs() {
  const { client, user } = useConsole();
  const runs = usePaged(async (c, cursor) => must(await c.GET('/funding/runs', { params: { query: { division: user.division, limit: 50, ...(cursor ? { cursor } : {}) } } })), []);
  const policies = useLoad(async (c) => must(await c.GET('/funding/policies', { params: { query: { division: user.division, limit: 100 } } })).items, []);
  const [policyId, setPolicyId] = useState<string | undefined>();
  const [dryRun, setDryRun] = useState(true);
  const [error, setError] = useState<unknown>();

  const start = async () => {
    if (!policyId) return;
    try {
      const run = must(await client.POST('/funding/runs', { body: { policyId, dryRun } }));
      void message.success(dryRun ? '试算已开始' : '测算已开始');
      navigate(`/funding/runs/${run.id}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>村级运转经费测算</Typography.Title>
      <ErrorAlert error={runs.error ?? policies.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label="经费政策"
          placeholder="选择经费政策"
          style={{ width: 420, maxWidth: '90vw' }}
          value={policyId}
          onChange={setPolicyId}
          options={(policies.data ?? []).map((p) => ({ value: p.id, label: `${p.year} · ${p.name}` }))}
        />
        <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
          仅试算（不审批、不拨付）
        </Checkbox>
        <Button type="primary" disabled={!policyId} onClick={() => void start()}>
          开始测算
        </Button>
      </Space>
      <Table<Run>
        rowKey="id"
        loading={runs.loading}
        dataSource={[...runs.items]}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onClick: () => navigate(`/funding/runs/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: '政策', render: (_, r) => <a href={`#/funding/runs/${r.id}`}>{r.policyName}</a> },
          { title: '年度', dataIndex: 'year' },
          { title: '类型', render: (_, r) => (r.dryRun ? <Tag>试算</Tag> : <Tag color="blue">正式</Tag>) },
          { title: '状态', render: (_, r) => <Tag>{name(runStatusNames, r.status)}</Tag> },
          { title: '村数', dataIndex: 'villageCount' },
          { title: '增量合计', align: 'right', render: (_, r) => <Yuan fen={r.summary?.total.topUpFen} /> },
          { title: '创建时间', render: (_, r) => beijingDateTime(r.createdAt) },
        ]}
      />
      {runs.hasMore && <Button onClick={runs.more}>加载更多</Button>}
    </>
  );
}

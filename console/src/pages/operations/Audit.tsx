import { Button, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { useConsole } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { name, roleNames } from '../../lib/labels';
import { usePaged } from '../../lib/paged';

type Record_ = Schemas['AuditRecord'];

/** The audit trail of one entity (type:id), or of the user's jurisdiction, newest first. */
export default function Audit() {
  const { user } = useConsole();
  const [entity, setEntity] = useState<string | undefined>();
  const list = usePaged(
    async (c, cursor) => must(await c.GET('/audit', { params: { query: { limit: 100, ...(entity ? { entity } : { division: user.division }), ...(cursor ? { cursor } : {}) } } })),
    [entity],
  );
  return (
    <>
      <Typography.Title level={3}>审计日志</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label="对象"
          allowClear
          placeholder="对象，如 village:120225100201、reward-application:ra-…"
          enterButton="查询"
          onSearch={(v) => setEntity(v.trim() || undefined)}
          style={{ width: 480, maxWidth: '90vw' }}
        />
      </Space>
      <ErrorAlert error={list.error} />
      <Table<Record_>
        rowKey={(r) => `${r.entityType}:${r.entityId}:${r.at}:${r.action}`}
        size="small"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 900 }}
        expandable={{ expandedRowRender: (r) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify({ before: r.before, after: r.after }, null, 2)}</pre> }}
        columns={[
          { title: '时间', render: (_, r) => beijingDateTime(r.at) },
          { title: '对象', render: (_, r) => <LinkButton onClick={() => setEntity(`${r.entityType}:${r.entityId}`)}>{`${r.entityType}:${r.entityId}`}</LinkButton> },
          { title: '操作', dataIndex: 'action' },
          { title: '操作人', render: (_, r) => `${r.actor}（${r.roles.map((x) => name(roleNames, x)).join('、') || '系统'}）` },
          { title: '区划', dataIndex: 'division' },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

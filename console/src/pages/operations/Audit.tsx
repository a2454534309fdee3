import { Button, Input, Radio, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { TimelineView } from '../../components/TimelineView';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { name, roleNames } from '../../lib/labels';
import { usePaged, type Paged } from '../../lib/paged';
import { splitEntity } from '../../lib/timeline';

type Record_ = Schemas['AuditRecord'];

/**
 * The audit trail of one entity (type:id), or of the user's jurisdiction, newest first; for one
 * entity also its timeline (the trail merged with its workflow's history, oldest first).
 */
export default function Audit() {
  const { user } = useConsole();
  const [entity, setEntity] = useState<string | undefined>();
  const [view, setView] = useState<'audit' | 'timeline'>('audit');
  const target = splitEntity(entity);
  const timeline = useLoad(async (c) => (view === 'timeline' && target ? must(await c.GET('/timeline', { params: { query: target } })) : undefined), [view, entity]);
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
        <Radio.Group
          aria-label="视图"
          optionType="button"
          value={view}
          onChange={(e) => setView(e.target.value === 'timeline' ? 'timeline' : 'audit')}
          options={[
            { value: 'audit', label: '审计记录' },
            { value: 'timeline', label: '时间线（含流程）', disabled: !target },
          ]}
        />
      </Space>
      {view === 'timeline' && target ? (
        <>
          <ErrorAlert error={timeline.error} />
          {timeline.loading && !timeline.data ? <Typography.Text type="secondary">加载中…</Typography.Text> : timeline.data && <TimelineView timeline={timeline.data} />}
        </>
      ) : (
        <AuditTable list={list} onEntity={setEntity} />
      )}
    </>
  );
}

function AuditTable({ list, onEntity: setEntity }: { readonly list: Paged<Record_>; readonly onEntity: (entity: string) => void }) {
  return (
    <>
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

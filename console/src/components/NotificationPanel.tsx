import { Button, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../api/client';
import { useConsole, useLoad } from '../lib/context';
import { beijingDateTime } from '../lib/dates';
import { navigate } from '../lib/router';
import { ErrorAlert } from './ErrorAlert';

/** Where a notification's link (an API path) is shown in the console. */
export function screenOf(link: string | undefined): string | undefined {
  if (!link) return undefined;
  const reward = /^\/reward\/applications\/([^/]+)$/.exec(link);
  if (reward) return `/reward/applications/${reward[1]}`;
  const run = /^\/funding\/runs\/([^/]+)$/.exec(link);
  if (run) return `/funding/runs/${run[1]}`;
  const imp = /^\/imports\/([^/]+)$/.exec(link);
  if (imp) return `/registries/imports/${imp[1]}`;
  return undefined;
}

/** The latest 20 messages; a click marks one read and opens what it is about. */
export default function NotificationPanel({ onChange, onNavigate }: { readonly onChange: () => void; readonly onNavigate: () => void }) {
  const { client } = useConsole();
  const [error, setError] = useState<unknown>();
  const page = useLoad(async (c) => must(await c.GET('/notifications', { params: { query: { limit: 20 } } })), []);
  const unread = page.data?.unreadCount ?? 0;

  const read = async (n: Schemas['Notification']) => {
    try {
      if (!n.read) must(await client.POST('/notifications/{id}/read', { params: { path: { id: n.id } } }));
      const target = screenOf(n.link);
      if (target) {
        navigate(target);
        onNavigate();
      }
      page.reload();
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  const readAll = async () => {
    try {
      must(await client.POST('/notifications/read-all', {}));
      page.reload();
      onChange();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div style={{ width: 360, maxWidth: '80vw', maxHeight: 460, overflow: 'auto' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <b>消息通知（未读 {unread}）</b>
        <Button size="small" type="link" disabled={unread === 0} onClick={() => void readAll()}>
          全部标为已读
        </Button>
      </Space>
      <ErrorAlert error={error ?? page.error} />
      <List
        size="small"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        locale={{ emptyText: '暂无消息' }}
        renderItem={(n) => (
          <List.Item style={{ cursor: 'pointer' }} onClick={() => void read(n)}>
            <List.Item.Meta
              title={<Typography.Text strong={!n.read}>{n.subject}</Typography.Text>}
              description={
                <>
                  <div>{n.text}</div>
                  <Typography.Text type="secondary">{beijingDateTime(n.at)}</Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
}

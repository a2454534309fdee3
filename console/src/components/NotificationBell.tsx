import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Popover, Spin } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { must } from '../api/client';
import { useLoad } from '../lib/context';

// The list of messages (antd List, pagination…) loads when the bell is first opened, not with the first screen.
const NotificationPanel = lazy(() => import('./NotificationPanel'));

/** The bell: unread count; opened, the latest messages, to mark one or all read. Read again every minute. */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const count = useLoad(async (c) => must(await c.GET('/notifications', { params: { query: { unread: 'true', limit: 1 } } })).unreadCount, [open]);
  const unread = count.data ?? 0;
  useEffect(() => {
    const timer = setInterval(count.reload, 60_000);
    return () => clearInterval(timer);
  }, [count.reload]);
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      content={
        open && (
          <Suspense fallback={<Spin />}>
            <NotificationPanel onChange={count.reload} onNavigate={() => setOpen(false)} />
          </Suspense>
        )
      }
    >
      <Badge count={unread} overflowCount={99}>
        <Button shape="circle" icon={<BellOutlined />} aria-label={`消息通知，未读 ${unread} 条`} />
      </Badge>
    </Popover>
  );
}

import { Button, Card, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { name, positionNames, roleNames } from '../lib/labels';

interface DemoUser {
  readonly id: string;
  readonly sub: string;
  readonly roles: readonly string[];
  readonly division: string;
  readonly jurisdiction: string;
  readonly position?: string;
  readonly unitName?: string;
}

/**
 * The local host's sign-in: pick a demo user, get a one-hour token from POST /local/sign-in. These
 * two routes exist only on the local host (local/console-host.ts), not in the API.
 */
export default function SignInPage({ onToken }: { readonly onToken: (token: string) => void }) {
  const [users, setUsers] = useState<readonly DemoUser[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();

  useEffect(() => {
    fetch('/local/demo-users')
      .then(async (res) => {
        if (!res.ok) throw new Error(`无法读取演示用户（HTTP ${res.status}）`);
        setUsers(((await res.json()) as { items: DemoUser[] }).items);
      })
      .catch(setError);
  }, []);

  const signIn = async (user: string) => {
    setBusy(user);
    setError(undefined);
    try {
      const res = await fetch('/local/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
      if (!res.ok) throw new Error(`登录失败（HTTP ${res.status}）`);
      onToken(((await res.json()) as { token: string }).token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <main style={{ maxWidth: 960, margin: '32px auto', padding: '0 12px' }}>
      <Card>
        <Typography.Title level={3}>村级经费与奖补业务平台 · 本地演示登录</Typography.Title>
        <Typography.Paragraph type="secondary">
          本页只在本地环境提供：选择一个演示用户即可登录（令牌有效期 1 小时）。部署到云上后使用统一身份认证登录。
        </Typography.Paragraph>
        <ErrorAlert error={error} />
        <Table<DemoUser>
          rowKey="id"
          size="middle"
          pagination={false}
          dataSource={[...users]}
          scroll={{ x: 640 }}
          columns={[
            { title: '用户', dataIndex: 'id' },
            { title: '角色', render: (_, u) => u.roles.map((r) => <Tag key={r}>{name(roleNames, r)}</Tag>) },
            { title: '辖区', render: (_, u) => `${u.jurisdiction}（${u.division}）` },
            { title: '岗位 / 单位', render: (_, u) => (u.position ? name(positionNames, u.position) : (u.unitName ?? '—')) },
            {
              title: '',
              render: (_, u) => (
                <Button type="primary" loading={busy === u.id} onClick={() => void signIn(u.id)} aria-label={`以 ${u.id} 登录`}>
                  登录
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </main>
  );
}

import { Alert, Button, Card, Descriptions, Input, Space, Steps, Tag, Timeline, Typography, message } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { applicationStatusNames, name, positionNames } from '../../lib/labels';

const positions = ['handler', 'bookkeeper', 'head', 'supervisor'] as const;

/** A signature of the current round, as the API stores it (the schema leaves its items open). */
interface Signature {
  readonly userId?: string;
  readonly position?: string;
  readonly decision?: string;
  readonly reason?: string;
}

function signaturesOf(raw: readonly unknown[]): Signature[] {
  return raw.filter((s): s is Signature => typeof s === 'object' && s !== null);
}

/**
 * One application: its amount, where it stands, the village's 三签一审 by position and its timeline.
 * A village user signs or refuses here in their own position; the layout is one column on a phone.
 */
export default function Application({ id }: { readonly id: string }) {
  const { client, user } = useConsole();
  const app = useLoad(async (c) => must(await c.GET('/reward/applications/{id}', { params: { path: { id } } })), [id]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  const a = app.data;

  const sign = async (decision: 'sign' | 'refuse') => {
    if (decision === 'refuse' && reason.trim() === '') {
      setError(new Error('拒签须填写理由'));
      return;
    }
    setBusy(decision);
    setError(undefined);
    try {
      const res = must(await client.POST('/reward/applications/{id}/signatures', { params: { path: { id } }, body: { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) } }));
      void message.success(res.status === 'complete' ? '三签一审已完成' : decision === 'sign' ? '已签署' : '已拒签');
      setReason('');
      app.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  if (!a) return <ErrorAlert error={app.error} />;
  const signatures = signaturesOf(a.signatures);
  const mine = signatures.find((s) => s.userId === user.sub || (user.position !== undefined && s.position === user.position));
  const canSign = a.status === 'awaiting-village-signoff' && user.roles.includes('village') && user.position !== undefined && mine === undefined && a.village.startsWith(user.division);

  return (
    <div style={{ maxWidth: 880 }}>
      <Typography.Title level={4}>{a.entityName}</Typography.Title>
      <ErrorAlert error={app.error ?? error} />
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          <Descriptions.Item label="状态">
            <Tag color="blue">{name(applicationStatusNames, a.status)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="奖补金额">
            <Yuan fen={a.amountFen} />
          </Descriptions.Item>
          <Descriptions.Item label="村">{a.village}</Descriptions.Item>
          <Descriptions.Item label="财务年度">{a.accountsYear}</Descriptions.Item>
          <Descriptions.Item label="申报轮次">{a.round}</Descriptions.Item>
          <Descriptions.Item label="提交时间">{beijingDateTime(a.createdAt)}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Card size="small" title="村级三签一审" style={{ marginTop: 12 }}>
        <Steps
          direction="vertical"
          size="small"
          items={positions.map((p) => {
            const s = signatures.find((x) => x.position === p);
            return {
              title: name(positionNames, p),
              status: s ? (s.decision === 'refuse' ? 'error' : 'finish') : 'wait',
              description: s ? `${s.decision === 'refuse' ? '拒签' : '已签'}（${s.userId ?? ''}）${s.reason ? ` · ${s.reason}` : ''}` : '待签署',
            };
          })}
        />
        {canSign && (
          <div>
            <Alert type="info" showIcon message={`请以「${name(positionNames, user.position)}」身份签署`} style={{ marginBottom: 8 }} />
            <Input.TextArea aria-label="意见或拒签理由" placeholder="意见（拒签须填写理由）" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
            <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
              <Button block size="large" type="primary" loading={busy === 'sign'} onClick={() => void sign('sign')}>
                签署同意
              </Button>
              <Button block size="large" danger loading={busy === 'refuse'} onClick={() => void sign('refuse')}>
                拒签
              </Button>
            </Space>
          </div>
        )}
        {mine && <Alert type="success" message={`您已${mine.decision === 'refuse' ? '拒签' : '签署'}`} />}
      </Card>

      <Card size="small" title="办理过程" style={{ marginTop: 12 }}>
        <Timeline
          items={a.timeline.map((t) => ({
            color: t.source === 'workflow' ? 'gray' : 'blue',
            children: (
              <>
                <b>{t.what}</b>
                {t.actor ? ` · ${t.actor}` : ''}
                <br />
                <Typography.Text type="secondary">{beijingDateTime(t.at)}</Typography.Text>
              </>
            ),
          }))}
        />
      </Card>
    </div>
  );
}

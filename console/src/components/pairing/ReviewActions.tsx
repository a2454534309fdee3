import { Button, Input, Modal, Space, Typography, message } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { useConsole } from '../../lib/context';
import type { PairingReport } from '../../lib/pairing';
import { ErrorAlert } from '../ErrorAlert';

/**
 * The township's review of a submitted report: approve it (it is then locked), or return it with a
 * reason the unit reads; the return is refused here while its reason is empty, before the API would.
 */
export function ReviewActions({ report, title, onDone }: { readonly report: PairingReport; readonly title: string; readonly onDone: () => void }) {
  const { client } = useConsole();
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const review = async (decision: 'approve' | 'return') => {
    if (decision === 'return' && reason.trim() === '') {
      setTried(true);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      must(await client.POST('/pairing/reports/{id}/review', { params: { path: { id: report.id } }, body: { decision, version: report.version, ...(decision === 'return' ? { reason: reason.trim() } : {}) } }));
      void message.success(decision === 'approve' ? '已审核通过' : '已退回');
      setReturning(false);
      setReason('');
      setTried(false);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Space size={4}>
        <Button size="small" type="primary" loading={busy && !returning} onClick={() => void review('approve')} aria-label={`审核通过 ${title}`}>
          审核通过
        </Button>
        <Button size="small" danger onClick={() => setReturning(true)} aria-label={`退回 ${title}`}>
          退回
        </Button>
      </Space>
      {!returning && <ErrorAlert error={error} />}
      <Modal open={returning} title={`退回：${title}`} okText="退回" okButtonProps={{ danger: true, loading: busy }} cancelText="取消" onCancel={() => setReturning(false)} onOk={() => void review('return')}>
        <ErrorAlert error={error} />
        <label htmlFor={`return-reason-${report.id}`}>退回理由（必填，单位据此修改）</label>
        <Input.TextArea id={`return-reason-${report.id}`} rows={3} maxLength={500} status={tried && reason.trim() === '' ? 'error' : undefined} value={reason} onChange={(e) => setReason(e.target.value)} />
        {tried && reason.trim() === '' && (
          <Typography.Text type="danger" role="alert">
            请填写退回理由
          </Typography.Text>
        )}
      </Modal>
    </>
  );
}

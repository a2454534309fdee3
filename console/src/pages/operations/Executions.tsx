import { Button, Drawer, Select, Space, Steps, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { executionStatusNames, name } from '../../lib/labels';

type Summary = Schemas['ExecutionSummary'];
type Workflow = NonNullable<NonNullable<paths['/workflows/executions']['get']['parameters']['query']>['workflow']>;
const workflowNames: Readonly<Record<Workflow, string>> = { 'village-import': '村数据导入', 'payment-batch': '支付批次', 'reward-application': '以奖代补申请', 'funding-run': '运转经费测算', 'pairing-evaluation': '结对帮扶评估', 'pairing-period': '结对帮扶报告期', 'social-filing': '社会组织备案', 'social-annual-report': '社会组织年度报告提醒', 'social-reward-run': '社会组织以奖代补', 'social-venture-round': '公益创投拨付' };
const statusColor: Readonly<Record<string, string>> = { FAILED: 'red', TIMED_OUT: 'red', ABORTED: 'orange', RUNNING: 'blue', SUCCEEDED: 'green' };

/** The states an execution went through, in order, from its history events. */
export function statePath(events: Schemas['ExecutionDetail']['events']): { state: string; failed: boolean }[] {
  const path: { state: string; failed: boolean }[] = [];
  for (const e of events) {
    if (e.state && e.type.endsWith('StateEntered')) path.push({ state: e.state, failed: false });
    if (e.type.endsWith('Failed') || e.type.endsWith('TimedOut')) {
      const last = path.at(-1);
      if (last) last.failed = true;
    }
  }
  return path;
}

/** Workflow executions, failed ones first, each with its state path; a failed one can be redriven. */
export default function Executions() {
  const { client } = useConsole();
  const [workflow, setWorkflow] = useState<Workflow | undefined>();
  const list = useLoad(async (c) => {
    const get = async (status?: 'FAILED' | 'TIMED_OUT') =>
      must(await c.GET('/workflows/executions', { params: { query: { limit: 100, ...(workflow ? { workflow } : {}), ...(status ? { status } : {}) } } })).items;
    const [failed, timedOut, all] = await Promise.all([get('FAILED'), get('TIMED_OUT'), get()]);
    const first = [...failed, ...timedOut];
    const seen = new Set(first.map((e) => e.executionArn));
    return [...first, ...all.filter((e) => !seen.has(e.executionArn))];
  }, [workflow]);
  const [open, setOpen] = useState<Summary | undefined>();
  const detail = useLoad(async (c) => (open ? must(await c.GET('/workflows/executions/{id}', { params: { path: { id: open.executionArn } } })) : undefined), [open?.executionArn]);
  const [error, setError] = useState<unknown>();

  const redrive = async () => {
    if (!open) return;
    try {
      must(await client.POST('/workflows/executions/{id}/redrive', { params: { path: { id: open.executionArn } } }));
      void message.success('已重新驱动');
      setOpen(undefined);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  const path = detail.data ? statePath(detail.data.events) : [];
  return (
    <>
      <Typography.Title level={3}>流程执行</Typography.Title>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 12 }}>
        <Select<Workflow> aria-label="流程" allowClear placeholder="全部流程" style={{ width: 200 }} value={workflow} onChange={(v) => setWorkflow(v)} options={Object.entries(workflowNames).map(([value, label]) => ({ value: value as Workflow, label }))} />
        <Button onClick={list.reload}>刷新</Button>
      </Space>
      <Table<Summary>
        rowKey="executionArn"
        size="small"
        loading={list.loading}
        dataSource={list.data ?? []}
        scroll={{ x: 900 }}
        onRow={(e) => ({ onClick: () => setOpen(e), style: { cursor: 'pointer' } })}
        columns={[
          { title: '流程', render: (_, e) => name(workflowNames, e.workflow) },
          { title: '名称', render: (_, e) => <LinkButton onClick={() => setOpen(e)}>{e.name}</LinkButton> },
          { title: '状态', render: (_, e) => <Tag color={statusColor[e.status]}>{name(executionStatusNames, e.status)}</Tag> },
          { title: '开始', render: (_, e) => beijingDateTime(e.startDate) },
          { title: '结束', render: (_, e) => beijingDateTime(e.stopDate) },
        ]}
      />
      <Drawer open={open !== undefined} width={640} title={open?.name} onClose={() => setOpen(undefined)}>
        <ErrorAlert error={detail.error ?? error} />
        {detail.data && (
          <>
            <Typography.Paragraph>
              <Tag color={statusColor[detail.data.status]}>{name(executionStatusNames, detail.data.status)}</Tag>
              {detail.data.error && <Typography.Text type="danger">{detail.data.error}：{detail.data.cause}</Typography.Text>}
            </Typography.Paragraph>
            <Steps direction="vertical" size="small" items={path.map((p) => ({ title: p.state, status: p.failed ? 'error' : 'finish' }))} />
            {detail.data.eventsTruncated && <Typography.Text type="secondary">（历史事件较多，仅显示部分）</Typography.Text>}
            {(detail.data.status === 'FAILED' || detail.data.status === 'TIMED_OUT' || detail.data.status === 'ABORTED') && (
              <Button type="primary" onClick={() => void redrive()}>
                从失败处重新驱动
              </Button>
            )}
          </>
        )}
      </Drawer>
    </>
  );
}

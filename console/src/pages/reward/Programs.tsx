import { Button, Card, Descriptions, Form, List, Modal, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { BudgetBar } from '../../components/BudgetBar';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MoneyInput } from '../../components/MoneyInput';
import { useConsole } from '../../lib/context';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';

type Program = Schemas['RewardProgram'];

/** Reward programs with their budget bar; finance raises an appropriation. */
export default function Programs() {
  const { client } = useConsole();
  const list = usePaged(async (c, cursor) => must(await c.GET('/reward/programs', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })), []);
  const [raising, setRaising] = useState<Program | undefined>();
  const [amount, setAmount] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();

  const raise = async () => {
    if (!raising || amount === undefined) return;
    try {
      must(await client.POST('/reward/programs/{id}/budget', { params: { path: { id: raising.id } }, body: { appropriatedFen: amount } }));
      void message.success('预算已调整');
      setRaising(undefined);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>以奖代补 · 项目与预算</Typography.Title>
      <ErrorAlert error={list.error} />
      <List
        loading={list.loading}
        dataSource={[...list.items]}
        locale={{ emptyText: '暂无项目' }}
        // Each card in a List.Item: the list is a <ul>, whose children must be <li> (axe: list).
        renderItem={(p) => (
          <List.Item style={{ display: 'block', padding: 0, borderBlockEnd: 'none' }}>
            <Card style={{ marginBottom: 12 }} title={p.name} extra={<Button onClick={() => { setRaising(p); setAmount(p.budget.appropriatedFen); setError(undefined); }}>追加预算</Button>}>
              <BudgetBar budget={p.budget} />
              <Descriptions size="small" style={{ marginTop: 12 }} column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label="财务年度">{p.accountsYear}</Descriptions.Item>
                <Descriptions.Item label="申报期">{p.window.opensOn} 至 {p.window.closesOn}</Descriptions.Item>
                <Descriptions.Item label="区划">{p.jurisdiction}</Descriptions.Item>
              </Descriptions>
              <Button type="link" onClick={() => navigate(`/reward/applications?programId=${encodeURIComponent(p.id)}`)}>
                查看申请
              </Button>
            </Card>
          </List.Item>
        )}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
      <Modal open={raising !== undefined} title={`追加预算：${raising?.name ?? ''}`} okText="确认" cancelText="取消" onOk={() => void raise()} onCancel={() => setRaising(undefined)} okButtonProps={{ disabled: amount === undefined }}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="新的批复金额（须高于当前）" htmlFor="appropriated">
            <MoneyInput id="appropriated" value={amount} onChange={setAmount} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
